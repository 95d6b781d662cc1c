/// Builds RFC 4180 CSV text with one fixed number format, so output files are byte-identical
/// across runs and readable by pandas, R and spreadsheets.
///
/// Format: UTF-8 without BOM, `\n` line endings, a header row; fields containing `,`, `"`, CR
/// or LF are quoted with embedded quotes doubled. Numbers use Swift's shortest round-trip
/// form (`100.0`, `0.25`, `1e-05`, `1.5e+16`): it always contains a `.` or an exponent, reads
/// back to the identical Double, and every common CSV reader accepts it. `-0.0` is written as
/// `0.0`. Missing values and non-finite numbers are empty cells — never `nan` or `inf`.
package struct CSVWriter {
    package private(set) var text = ""
    package let columns: [String]

    package init(columns: [String]) {
        self.columns = columns
        appendRow(columns)
    }

    /// Appends a row; the number of fields must match the header (a programmer error otherwise).
    package mutating func appendRow(_ fields: [String]) {
        precondition(fields.count == columns.count, "CSV row has \(fields.count) fields, header has \(columns.count)")
        text += fields.map(Self.escape).joined(separator: ",")
        text += "\n"
    }

    package static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A number in shortest round-trip form; empty for nil or non-finite values.
    package static func number(_ value: Double?) -> String {
        guard let v = value, v.isFinite else { return "" }
        return v == 0 ? "0.0" : "\(v)"
    }
}
