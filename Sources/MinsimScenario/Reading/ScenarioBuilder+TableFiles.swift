import Foundation
import MinsimEngine
import Yams

/// Reading a table written inline or as a CSV file into `Table` rows, with `{merge: …}` overlays.
extension ScenarioBuilder {
    // MARK: - Tables

    /// Reads the table of one document entry: its own rows, then the rows of each `{merge: …}`
    /// laid over them in order (ScenarioDocument). A merged row replaces the inherited row with
    /// the same key (`TableSpec.mergeKey`), keeping its place; other rows are added at the end.
    /// Duplicates within one file are left for `interpret` to report. Nil when unreadable.
    /// `decode`: a CSV table without merges is decoded as it is read, where its decoder allows
    /// (`Table.decoded`).
    mutating func readTable(_ spec: ScenarioFormat.TableSpec, entry: ScenarioDocument.Entry, decode: Bool = false) -> Table? {
        let decoder = decode && entry.merges.isEmpty ? RowDecoder(spec, names: names) : nil
        guard var table = readTable(spec, entry.value, in: YAMLFile(path: entry.path), decoder: decoder) else { return nil }
        for patch in entry.merges {
            guard let rows = readTable(spec, patch.value, in: YAMLFile(path: patch.path))?.rows else { return nil }
            var position: [[String]: Int] = [:]
            if let keyOf = spec.mergeKey {
                for (i, row) in table.rows.enumerated() { position[keyOf(row)] = i }
            }
            for row in rows {
                if let keyOf = spec.mergeKey, let i = position[keyOf(row)] {
                    table.rows[i] = row
                } else {
                    table.rows.append(row)
                }
            }
            table.file = nil
        }
        return table
    }

    /// Reads a table written inline or as `{file: path.csv}` (a CSV file decoded by `decoder`
    /// as it is read, when given); nil when unreadable.
    mutating func readTable(
        _ spec: ScenarioFormat.TableSpec, _ node: Yams.Node, in yaml: YAMLFile, decoder: RowDecoder? = nil
    ) -> Table? {
        provenance.record(table: spec.key, at: yaml.location(node))
        switch node {
        case .sequence(let seq):
            let rows = seq.compactMap { row($0, in: yaml, fields: spec.columns, what: "a \(spec.key) row") }
            return Table(spec: spec, rows: rows, file: nil)
        case .mapping:
            guard
                let ref = row(node, in: yaml, fields: ScenarioFormat.fileReferenceKeys, what: "the \(spec.key) table reference"),
                let (file, loc) = requiredText(ref, "file", what: "the \(spec.key) table reference")
            else { return nil }
            if file.isEmpty { error(loc, "the file name of \(spec.key) is empty"); return nil }
            return readCSV(spec, file: file, at: loc, in: yaml, decoder: decoder)
        default:
            error(yaml.location(node), "expected \(spec.key) as a list of rows or {file: path.csv}, found \(yaml.kind(node))")
            return nil
        }
    }

    mutating func readCSV(
        _ spec: ScenarioFormat.TableSpec, file: String, at reference: SourceLocation, in yaml: YAMLFile,
        decoder: RowDecoder? = nil
    ) -> Table? {
        let csvPath = ScenarioLoader.resolve(file, relativeTo: yaml.path)
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: csvPath, isDirectory: &isFolder)
        guard exists, !isFolder.boolValue, let file = FileBytes(contentsOf: csvPath) else {
            let why = !exists ? "no such file" : (isFolder.boolValue ? "it is a folder" : "it cannot be read")
            error(
                reference,
                "cannot read \(spec.key) table file '\(file)' (resolved to '\(csvPath)'): \(why); paths are relative to the scenario file"
            )
            return nil
        }
        if !referencedFiles.contains(csvPath) { referencedFiles.append(csvPath) }
        if computesDigests { fileDigests[csvPath] = SHA256.hex(of: file.buffer) }
        // The bytes the rows point into: the file itself when it is pure ASCII (the usual
        // case), else its text decoded as UTF-8 without a byte-order mark.
        var bytes = file
        if !CSVReader.isASCII(file.buffer) {
            guard var text = String(data: Data(file.buffer), encoding: .utf8) else {
                error(.start(of: csvPath), "the file is not valid UTF-8 text; save it as UTF-8 CSV")
                return nil
            }
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            bytes = FileBytes(copying: Data(text.utf8))
        }
        // Records are turned into rows as the parser meets them: decoded (`decoder`), or the
        // known columns' byte ranges, one row after another, and each row's line.
        let names = spec.columnNames
        var header: CSVReader.Record?
        var columns: [String?] = []
        var headerComplete = false
        var kept: [Int] = []
        var fields: [Table.Cells.Field] = []
        var quotedTexts: [String] = []
        var lines: [Int] = []
        var decoded: DecodedRows? = nil
        if decoder != nil { decoded = DecodedRows(path: csvPath, file: provenance.texts.number(ofPath: csvPath)) }
        var sources = SourceNumbers()
        var positions: [Int] = []
        // (Unwrapped once: binding the optional in the loop copied the decoder, and retained
        // each of its arrays, per row.)
        let rowDecoder = decoder ?? RowDecoder.none
        let raw = bytes.buffer
        let s = raw.bindMemory(to: UInt8.self)
        let end = raw.baseAddress.map { $0 + raw.count }
        let problems = CSVReader.parseRaw(bytes: s, path: csvPath) { line, record, quotedBytes in
            guard header != nil else {
                let first = CSVReader.Record(
                    line: line, fields: record.map { CSVReader.Field($0, in: s, quotedBytes: quotedBytes) })
                header = first
                headerComplete = readHeader(first, spec: spec, csvPath: csvPath, columns: &columns)
                // Every row shares one header: the known columns (and their field positions).
                kept = columns.indices.filter { columns[$0] != nil }
                positions = decoder?.positions(in: columns) ?? []
                // Room for all rows at once (growing by doubling copies a large table's rows
                // several times): about one per line feed.
                let rows = CSVReader.estimatedLines(raw)
                if decoded != nil {
                    decoded?.rows.reserveCapacity(rows)
                } else {
                    lines.reserveCapacity(rows)
                    fields.reserveCapacity(rows * kept.count)
                }
                return
            }
            guard headerComplete else { return }
            guard record.count == columns.count else {
                error(
                    SourceLocation(path: csvPath, line: line, column: 1),
                    "row has \(record.count) field\(record.count == 1 ? "" : "s") but the header has \(columns.count); quote fields that contain commas"
                )
                return
            }
            if decoded != nil,
                let row = rowDecoder.decode(
                    readableTo: end,
                    { k in
                        let p = positions[k]
                        if p < 0 { return .absent }
                        let f = record[p]
                        return f.quoted ? .quoted : .bytes(UnsafeRawBufferPointer(rebasing: raw[f.start..<f.end]))
                    })
            {
                let p = positions[rowDecoder.sourceColumn]
                let source = sources.number(p < 0 ? nil : record[p], s, quotedBytes, &provenance.texts)
                decoded?.rows.append(DecodedRows.Row(line: line, source: source, row))
                return
            }
            for k in kept { fields.append(Table.Cells.Field(record[k], quotedBytes: quotedBytes, quotedTexts: &quotedTexts)) }
            lines.append(line)
            decoded?.rows.append(DecodedRows.Row(general: lines.count - 1))
        }
        diagnostics += problems
        guard header != nil else {
            if problems.isEmpty {
                error(.start(of: csvPath), "the file has no header row; expected the columns \(names.joined(separator: ","))")
            }
            return nil
        }
        guard headerComplete else { return nil }
        let shared = Table.Cells.Header(
            names: kept.compactMap { columns[$0] }, path: csvPath, bytes: bytes, fields: fields, quotedTexts: quotedTexts,
            lines: lines)
        var table = Table(spec: spec, rows: Table.Rows(csv: shared, count: lines.count), file: csvPath)
        table.decoded = decoded
        return table
    }

    /// The source number of each decoded row, found from the `source` field's bytes: a source
    /// usually repeats row after row, and a repeat of the previous row's bytes is the previous
    /// row's number (no `String` made or compared).
    struct SourceNumbers {
        /// The previous unquoted source: its bytes in the input and its number.
        private var last: (start: Int, count: Int, number: UInt32)? = nil

        /// The number of the text of `field` (nil: no `source` column, the empty text).
        mutating func number(
            _ field: CSVReader.RawField?, _ input: UnsafeBufferPointer<UInt8>, _ quotedBytes: [UInt8],
            _ texts: inout Provenance.OriginTexts
        ) -> UInt32 {
            guard let field else { return texts.number(ofSource: "") }
            if field.quoted { return texts.number(ofSource: field.text(input, quotedBytes)) }
            let count = field.end - field.start
            if let last, last.count == count, let base = input.baseAddress,
                memcmp(base + last.start, base + field.start, count) == 0
            {
                return last.number
            }
            let number = texts.number(ofSource: field.text(input, quotedBytes))
            last = (field.start, count, number)
            return number
        }
    }

    /// Maps the header's fields to the spec's columns (nil for an unknown or repeated one,
    /// reported); false when a required column is missing, so that no row can be read.
    private mutating func readHeader(
        _ header: CSVReader.Record, spec: ScenarioFormat.TableSpec, csvPath: String,
        columns: inout [String?]
    ) -> Bool {
        let names = spec.columnNames
        for field in header.fields {
            let loc = SourceLocation(path: csvPath, line: field.line, column: field.column)
            if !names.contains(field.text) {
                error(
                    loc,
                    "unknown column '\(field.text)' in the \(spec.key) header\(Suggestion.hint(for: field.text, among: names)); valid columns are \(names.joined(separator: ", "))"
                )
                columns.append(nil)
            } else if columns.contains(field.text) {
                error(loc, "duplicate column '\(field.text)' in the header")
                columns.append(nil)
            } else {
                columns.append(field.text)
            }
        }
        let missing = spec.columns.filter { $0.required && !columns.contains($0.name) }.map(\.name)
        if !missing.isEmpty {
            error(
                SourceLocation(path: csvPath, line: header.line, column: 1),
                "missing column\(missing.count > 1 ? "s" : "") \(missing.map { "'\($0)'" }.joined(separator: ", ")) in the \(spec.key) header; expected \(names.joined(separator: ","))"
            )
            return false
        }
        return true
    }
}
