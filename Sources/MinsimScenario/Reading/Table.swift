import Yams

/// A table of named cells, each remembering where it was written.
///
/// Inline YAML rows and CSV records both become `Table`s, so every check after reading — types,
/// names, duplicates, ranges — runs on one code path and reports positions the same way.
struct Table {
    /// One value as written, before it is interpreted.
    struct Cell {
        enum Value {
            /// Text of a scalar. `isString` is true for a quoted YAML scalar, which the author
            /// marked as text: it is never read as a number. CSV fields are never `isString`.
            case scalar(String, isString: Bool)
            /// Absent value: an empty CSV field, or a YAML null (`~`, `null`, nothing).
            case null
            case sequence
            case mapping
        }
        let value: Value
        let location: SourceLocation

        /// What a value looks like, for "expected a number, found …" messages.
        var kindDescription: String {
            switch value {
            case .scalar(let s, let isString): return isString ? "the string \"\(s)\"" : "'\(s)'"
            case .null: return "nothing"
            case .sequence: return "a list"
            case .mapping: return "a map"
            }
        }

        /// A cell from a YAML node.
        init(_ node: Yams.Node, path: String) {
            self.location = Table.location(of: node, path: path)
            switch node {
            case .scalar(let s):
                let plain = s.style == .plain || s.style == .any
                if plain && ["", "~", "null", "Null", "NULL"].contains(s.string) {
                    self.value = .null
                } else {
                    self.value = .scalar(s.string, isString: !plain)
                }
            case .mapping: self.value = .mapping
            case .sequence: self.value = .sequence
            case .alias: self.value = .null
            }
        }

        /// A cell from a CSV field (always text; empty means absent).
        init(csv text: String, location: SourceLocation) {
            self.location = location
            self.value = text.isEmpty ? .null : .scalar(text, isString: false)
        }
    }

    /// One row: its cells by column name and where the row starts.
    struct Row {
        let location: SourceLocation
        let cells: Cells
    }

    /// A row's cells by column name. Rows have a handful of columns, so a linear search of the
    /// names beats hashing; the rows of one CSV table share one header (names and file path),
    /// and each row then costs a single array of fields instead of a dictionary. A CSV field
    /// keeps its text and position only: the path is shared, and the `Cell` with its
    /// `SourceLocation` is made when a decoder asks for it.
    struct Cells {
        /// The column names of one CSV table and the file it was read from, shared by its rows.
        final class Header {
            let names: [String]
            let path: String
            init(names: [String], path: String) {
                self.names = names
                self.path = path
            }
        }

        /// One CSV field: its text (empty = absent) and where it starts.
        struct Field {
            let text: String
            let line: Int
            let column: Int
        }

        // Either names and cells (YAML rows, or a CSV row after a cell was set) or a CSV
        // header and fields; stored side by side rather than as an enum so that a lookup reads
        // them in place (no copy, no reference counting of the payload).
        private var names: [String]
        private var values: [Cell]
        private var header: Header?
        private var fields: [Field]

        init(names: [String] = [], values: [Cell] = []) {
            precondition(names.count == values.count, "\(names.count) column names for \(values.count) cells")
            self.names = names
            self.values = values
            self.header = nil
            self.fields = []
        }

        /// The fields of one CSV record, one per column of `header`, in its order.
        init(header: Header, fields: [Field]) {
            precondition(header.names.count == fields.count, "\(header.names.count) column names for \(fields.count) fields")
            self.names = []
            self.values = []
            self.header = header
            self.fields = fields
        }

        /// The shared header of a CSV row; nil for a YAML row or a row a cell was set on.
        var csvHeader: Header? { header }

        /// The text of field `k` (in the header's order) of a CSV row.
        func csvText(_ k: Int) -> String { fields[k].text }

        subscript(name: String) -> Cell? {
            get {
                if let header {
                    guard let k = header.names.firstIndex(of: name) else { return nil }
                    let f = fields[k]
                    return Cell(csv: f.text, location: SourceLocation(path: header.path, line: f.line, column: f.column))
                }
                return names.firstIndex(of: name).map { values[$0] }
            }
            set {
                if let header {
                    names = header.names
                    values = fields.map {
                        Cell(csv: $0.text, location: SourceLocation(path: header.path, line: $0.line, column: $0.column))
                    }
                    self.header = nil
                    fields = []
                }
                if let k = names.firstIndex(of: name) {
                    if let newValue { values[k] = newValue } else { names.remove(at: k); values.remove(at: k) }
                } else if let newValue {
                    names.append(name)
                    values.append(newValue)
                }
            }
        }
    }

    let spec: ScenarioFormat.TableSpec
    var rows: [Row]
    /// Path of the CSV file the rows came from; nil for inline rows.
    var file: String?

    /// Location of a YAML node (line and column are 1-based, as Yams reports them).
    static func location(of node: Yams.Node, path: String) -> SourceLocation {
        guard let mark = node.mark else { return .start(of: path) }
        return SourceLocation(path: path, line: max(mark.line, 1), column: max(mark.column, 1))
    }
}
