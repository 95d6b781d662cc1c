import Foundation
import MinsimScenario

/// One CSV table of a result folder, read back with the same strict RFC 4180 reader that reads
/// scenarios: header positions and rows of text, each field remembering its line and column so
/// that a malformed value is reported where it is (`out/nze/nodes.csv:12:7: …`).
struct CSVTable {
    /// The file as named in messages.
    let path: String
    let columns: [String]
    private let index: [String: Int]
    let records: [CSVReader.Record]

    var rowCount: Int { records.count }

    /// Reads `file`; every column of `required` must be in the header.
    ///
    /// - Throws: `ReportFailure.badInput` when the file is missing, not UTF-8, malformed, has a
    ///   row with the wrong number of fields or lacks a required column.
    static func read(_ file: String, required: [String]) throws(ReportFailure) -> CSVTable {
        guard let data = FileContents.read(file) else {
            throw .badInput("cannot read \(file); is this a result folder written by `minsim run`?")
        }
        guard var text = String(data: data, encoding: .utf8) else { throw .badInput("\(file) is not UTF-8 text") }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let (records, problems) = CSVReader.parse(text, path: file)
        if let problem = problems.first { throw .badInput("malformed result table: \(problem.description)") }
        guard let header = records.first else { throw .badInput("\(file) is empty (no header row)") }
        var index: [String: Int] = [:]
        for (i, field) in header.fields.enumerated() where index[field.text] == nil { index[field.text] = i }
        let missing = required.filter { index[$0] == nil }
        if !missing.isEmpty {
            throw .badInput(
                "\(file):1:1: missing column\(missing.count == 1 ? "" : "s") \(missing.map { "'\($0)'" }.joined(separator: ", ")); docs/outputs.md lists the columns of every result table"
            )
        }
        let rows = Array(records.dropFirst())
        for row in rows where row.fields.count != header.fields.count {
            throw .badInput("\(file):\(row.line): \(row.fields.count) fields, but the header has \(header.fields.count)")
        }
        return CSVTable(path: file, columns: header.fields.map(\.text), index: index, records: rows)
    }

    /// The table when `file` exists; nil when it does not (an optional table of older folders).
    static func readIfPresent(_ file: String, required: [String]) throws(ReportFailure) -> CSVTable? {
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        return try read(file, required: required)
    }

    func has(_ column: String) -> Bool { index[column] != nil }

    /// The text of a cell; "" when the column does not exist.
    func text(_ row: Int, _ column: String) -> String {
        index[column].map { records[row].fields[$0].text } ?? ""
    }

    /// A number cell; nil when empty or when the column does not exist.
    ///
    /// - Throws: `ReportFailure.badInput` with file, line and column for anything that is not a
    ///   finite decimal number.
    func number(_ row: Int, _ column: String) throws(ReportFailure) -> Double? {
        guard let i = index[column] else { return nil }
        let field = records[row].fields[i]
        if field.text.isEmpty { return nil }
        guard case .value(let v) = NumberText.double(field.text) else {
            throw .badInput("\(path):\(field.line):\(field.column): '\(field.text)' in column '\(column)' is not a finite number")
        }
        return v
    }

    /// A number cell that must be present.
    func requiredNumber(_ row: Int, _ column: String) throws(ReportFailure) -> Double {
        guard let v = try number(row, column) else {
            let line = records[row].line
            throw .badInput("\(path):\(line): column '\(column)' is empty; it must hold a number")
        }
        return v
    }

    /// An integer cell (a year) that must be present.
    func year(_ row: Int, _ column: String = "year") throws(ReportFailure) -> Int {
        let text = text(row, column)
        guard let v = NumberText.integer(text) else {
            throw .badInput("\(path):\(records[row].line): \(column) '\(text)' is not an integer year")
        }
        return v
    }
}
