import Foundation
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
        let cells: Cells
        /// Where a YAML row starts; nil for a CSV row, whose line its header holds (no path
        /// `String` per row).
        private let written: SourceLocation?

        init(location: SourceLocation, cells: Cells) {
            self.cells = cells
            self.written = location
        }

        /// Row `row` of a CSV table.
        init(csv header: Cells.Header, row: Int) {
            self.cells = Cells(header: header, row: row)
            self.written = nil
        }

        /// Where the row starts (a CSV row: column 1 of its line).
        var location: SourceLocation {
            if let written { return written }
            // Every row has one or the other: `written` (YAML) or a CSV header.
            return cells.csvRowStart ?? .start(of: "")
        }
    }

    /// The rows of a table. A CSV table's rows are made on access from its shared header (a
    /// row is the header and its number: no array of rows, which was ≈ 60 bytes a row of fresh
    /// memory, filled and freed); other rows (YAML, or any table after a merge set or added a
    /// row) are held.
    struct Rows: RandomAccessCollection, MutableCollection {
        private var held: [Row]
        private var csv: Cells.Header?
        private var csvCount: Int

        init(_ rows: [Row]) {
            held = rows
            csv = nil
            csvCount = 0
        }

        /// The `count` rows of a CSV table, made from `header`.
        init(csv header: Cells.Header, count: Int) {
            held = []
            csv = header
            csvCount = count
        }

        var startIndex: Int { 0 }
        var endIndex: Int { csv == nil ? held.count : csvCount }

        subscript(i: Int) -> Row {
            get {
                if let csv {
                    precondition(i >= 0 && i < csvCount, "row \(i) of \(csvCount)")
                    return Row(csv: csv, row: i)
                }
                return held[i]
            }
            set {
                hold()
                held[i] = newValue
            }
        }

        mutating func append(_ row: Row) {
            hold()
            held.append(row)
        }

        /// Makes the CSV rows held, before one is set or added.
        private mutating func hold() {
            guard let header = csv else { return }
            held = (0..<csvCount).map { Row(csv: header, row: $0) }
            csv = nil
            csvCount = 0
        }
    }

    /// A row's cells by column name. Rows have a handful of columns, so a linear search of the
    /// names beats hashing. The rows of one CSV table share one header, which holds the column
    /// names, the file path, the file's bytes and every row's fields (byte ranges, one after
    /// another): a CSV row is its header and the index of its first field, and a field's text
    /// and its `Cell` with a `SourceLocation` are made only when a decoder asks for them.
    struct Cells {
        /// The column names of one CSV table, the file it was read from, its bytes and the
        /// fields of all its rows, shared by the rows.
        final class Header {
            let names: [String]
            let path: String
            /// The file's UTF-8 bytes, into which unquoted fields point.
            let bytes: FileBytes
            /// Every row's fields, `names.count` per row, in row order.
            let fields: [Field]
            /// Texts of quoted fields (quotes removed, `""` undone), by `Field.quoted`.
            let quotedTexts: [String]
            /// The line each row starts on, in row order.
            let lines: [Int]

            init(names: [String], path: String, bytes: FileBytes, fields: [Field], quotedTexts: [String], lines: [Int]) {
                self.names = names
                self.path = path
                self.bytes = bytes
                self.fields = fields
                self.quotedTexts = quotedTexts
                self.lines = lines
            }

            /// The text of field `i` (an index into `fields`).
            func text(_ i: Int) -> String {
                span(i).map { String(decoding: $0, as: UTF8.self) } ?? quotedTexts[fields[i].start]
            }

            /// The UTF-8 bytes of unquoted field `i`; nil for a quoted field (whose text is not
            /// the file's bytes).
            private func span(_ i: Int) -> UnsafeRawBufferPointer? {
                let f = fields[i]
                if f.count == Field.quoted { return nil }
                return UnsafeRawBufferPointer(rebasing: bytes.buffer[f.start..<f.start + Int(f.count)])
            }

            /// The location of field `i`.
            func location(_ i: Int) -> SourceLocation {
                SourceLocation(path: path, line: fields[i].line, column: Int(fields[i].column))
            }
        }

        /// One CSV field: its bytes `start..<start + count` in the file, or (`count` =
        /// `Field.quoted`) the quoted text number `start`, and where it starts. 24 bytes: a
        /// 1,000,000-node scenario has 25 million of them.
        struct Field {
            let start: Int
            let count: UInt32
            let column: UInt32
            let line: Int
            static let quoted = UInt32.max

            /// The field `raw` of a record whose quoted texts are `quotedBytes`.
            init(_ raw: CSVReader.RawField, quotedBytes: [UInt8], quotedTexts: inout [String]) {
                if raw.quoted {
                    start = quotedTexts.count
                    count = Self.quoted
                    quotedTexts.append(String(decoding: quotedBytes[raw.start..<raw.end], as: UTF8.self))
                } else {
                    start = raw.start
                    count = UInt32(raw.end - raw.start)
                }
                // A column past 2³² would need a line of over 4 GB.
                column = UInt32(clamping: raw.column)
                line = raw.line
            }
        }

        // Either names and cells (YAML rows, or a CSV row after a cell was set) or a CSV
        // header and the index of the row's first field; stored side by side rather than as an
        // enum so that a lookup reads them in place (no copy, no reference counting of the
        // payload).
        private var names: [String]
        private var values: [Cell]
        private var header: Header?
        private var first: Int
        private var row: Int

        init(names: [String] = [], values: [Cell] = []) {
            precondition(names.count == values.count, "\(names.count) column names for \(values.count) cells")
            self.names = names
            self.values = values
            self.header = nil
            self.first = 0
            self.row = 0
        }

        /// Row `row` of a CSV table (its fields start at `row · names.count` in `header.fields`).
        init(header: Header, row: Int) {
            self.names = []
            self.values = []
            self.header = header
            self.first = row * header.names.count
            self.row = row
        }

        /// Column 1 of the line a CSV row starts on; nil for other cells.
        var csvRowStart: SourceLocation? {
            header.map { SourceLocation(path: $0.path, line: $0.lines[row], column: 1) }
        }

        private static func cell(_ header: Header, _ i: Int) -> Cell {
            Cell(csv: header.text(i), location: header.location(i))
        }

        subscript(name: String) -> Cell? {
            get {
                if let header {
                    guard let k = header.names.firstIndex(of: name) else { return nil }
                    return Self.cell(header, first + k)
                }
                return names.firstIndex(of: name).map { values[$0] }
            }
            set {
                if let header {
                    names = header.names
                    values = header.names.indices.map { Self.cell(header, first + $0) }
                    self.header = nil
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
    /// The rows; when `decoded` is set, only the rows it leaves to the general reader.
    var rows: Rows
    /// Path of the CSV file the rows came from; nil for inline rows.
    var file: String?
    /// Every row in file order, decoded as the parser found it where that was plain (a large
    /// one-year table read by `ScenarioBuilder.readCSV` for its decoder); nil otherwise.
    var decoded: DecodedRows? = nil

    init(spec: ScenarioFormat.TableSpec, rows: Rows, file: String?) {
        self.spec = spec
        self.rows = rows
        self.file = file
    }

    init(spec: ScenarioFormat.TableSpec, rows: [Row], file: String?) {
        self.init(spec: spec, rows: Rows(rows), file: file)
    }

    /// Location of a YAML node (line and column are 1-based, as Yams reports them).
    static func location(of node: Yams.Node, path: String) -> SourceLocation {
        guard let mark = node.mark else { return .start(of: path) }
        return SourceLocation(path: path, line: max(mark.line, 1), column: max(mark.column, 1))
    }
}
