import Foundation

/// Builds RFC 4180 CSV text with one fixed number format, so output files are byte-identical
/// across runs and readable by pandas, R and spreadsheets.
///
/// Format: UTF-8 without BOM, `\n` line endings, a header row; fields containing `,`, `"`, CR
/// or LF are quoted with embedded quotes doubled. Numbers use Swift's shortest round-trip
/// form (`100.0`, `0.25`, `1e-05`, `1.5e+16`): it always contains a `.` or an exponent, reads
/// back to the identical Double, and every common CSV reader accepts it. `-0.0` is written as
/// `0.0`. Missing values and non-finite numbers are empty cells — never `nan` or `inf`.
///
/// Rows are appended as UTF-8 bytes to one buffer in raw memory (`ByteBuffer`): O(bytes) in
/// all, with no intermediate joined strings, and numbers formatted in place. Without an output the buffer holds the whole table (`data`, `text`); with
/// one (`init(columns:to:)`) it is handed to the output whenever it reaches `chunkBytes` at the
/// end of a row, and `finish()` hands over the rest, so a table of any size takes one chunk of
/// memory (the resolved tables of a 100,000-node scenario are ≈ 170 MB).
/// Long text fields usually repeat from row to row (a `source` column, a scenario name), so
/// each column remembers its last long field and its escaped bytes: a repeat is one string
/// comparison (identical storage compares in O(1)) and one copy instead of a scan and escape.
package struct CSVWriter {
    /// The bytes not yet handed to the output (copied on write, like an array, but tested for
    /// uniqueness once per field rather than once per append).
    private var bytes = ByteBuffer()
    /// Fields appended to the current row so far.
    private var column = 0
    package let columns: [String]
    /// Where full chunks go; nil keeps the whole table in `bytes`.
    private let output: CSVOutput?
    /// The buffer is handed to the output once it holds this many bytes: large enough that a
    /// chunk costs one `write(2)` and one hash update, small beside any table worth streaming.
    static let chunkBytes = 1 << 20
    /// Per column: the last field longer than `Self.cachedLength` bytes, and its escaped form.
    private var lastLong: [String?]
    private var lastEscaped: [[UInt8]]
    /// Fields of at most this many UTF-8 bytes are escaped directly (they are stored inline in
    /// the `String` and scanning them costs less than comparing).
    private static let cachedLength = 15

    /// A writer whose header row is `columns`; with `output`, rows go there in chunks (call
    /// `finish()` after the last row) and `data`/`text` are not available.
    package init(columns: [String], to output: CSVOutput? = nil) {
        self.columns = columns
        self.output = output
        if let output {
            // For a file, one of its writer thread's buffers (page-aligned, a chunk and a row
            // large), so that its whole blocks are written from where they are (`CSVOutput.handOver`).
            bytes = output.chunkBuffer()
        }
        self.lastLong = Array(repeating: nil, count: columns.count)
        self.lastEscaped = Array(repeating: [], count: columns.count)
        appendRow(columns)
    }

    /// The CSV text written so far.
    package var text: String {
        precondition(output == nil, "CSVWriter.text of a writer that streams to an output")
        return String(decoding: bytes.bytes, as: UTF8.self)
    }

    /// The CSV file's bytes so far (UTF-8), without going through a `String`.
    package var data: Data {
        precondition(output == nil, "CSVWriter.data of a writer that streams to an output")
        return Data(bytes.bytes)
    }

    /// Hands the rows not yet passed on to the output (a no-op without one).
    package mutating func finish() {
        guard let output else { return }
        unique()
        output.finish(bytes)
        // The buffer now belongs to the output (its writer thread's free list, once written).
        bytes = ByteBuffer()
    }

    /// Appends a row; the number of fields must match the header (a programmer error otherwise).
    package mutating func appendRow(_ fields: [String]) {
        precondition(fields.count == columns.count, "CSV row has \(fields.count) fields, header has \(columns.count)")
        for field in fields { append(field) }
        endRow()
    }

    /// Appends the next text field of the current row (escaped as needed). Large tables write
    /// their rows field by field with this, `append(_: Double?)` and `endRow()`, which makes no
    /// array and no number string per row.
    package mutating func append(_ field: String) {
        unique()
        let k = column
        if k > 0 { bytes.append(UInt8(ascii: ",")) }
        column += 1
        if field.utf8.count <= Self.cachedLength {
            Self.appendEscaped(field, to: bytes)
        } else if lastLong[k] == field {
            lastEscaped[k].withUnsafeBytes { bytes.append($0) }
        } else {
            let start = bytes.count
            Self.appendEscaped(field, to: bytes)
            lastLong[k] = field
            lastEscaped[k] = Array(bytes.bytes[start...])
        }
    }

    /// A text field escaped once, for a label repeated over many rows (a region code, a
    /// product name, the scenario's name): appending it is one copy, with no scan.
    ///
    /// Escaped texts of up to 16 bytes (codes, names, units, years) are held in two words, so
    /// that copying a label out of a table and appending it touches no reference count (an
    /// array per label cost as much in retains and releases as the scan it saved).
    package enum Field {
        /// The escaped bytes in memory order in two words, and how many of them there are.
        case short(UInt64, UInt64, count: Int)
        case long([UInt8])

        package init(_ text: String) {
            let buffer = ByteBuffer()
            CSVWriter.appendEscaped(text, to: buffer)
            let escaped = Array(buffer.bytes)
            guard escaped.count <= 16 else {
                self = .long(escaped)
                return
            }
            var words: (UInt64, UInt64) = (0, 0)
            withUnsafeMutableBytes(of: &words) { $0.copyBytes(from: escaped) }
            self = .short(words.0, words.1, count: escaped.count)
        }
    }

    /// Appends the next field of the current row, escaped beforehand.
    package mutating func append(_ field: Field) {
        unique()
        if column > 0 { bytes.append(UInt8(ascii: ",")) }
        column += 1
        switch field {
        case .short(let low, let high, let count):
            // Both words stored whole (16 bytes reserved), then only `count` of them kept.
            let at = UnsafeMutableRawPointer(bytes.reserve(16))
            at.storeBytes(of: low, as: UInt64.self)
            at.storeBytes(of: high, toByteOffset: 8, as: UInt64.self)
            bytes.advance(count)
        case .long(let escaped):
            escaped.withUnsafeBytes { bytes.append($0) }
        }
    }

    /// Appends the next field as a number, formatted as `number(_:)` does (digits, sign, `.`
    /// and `e` never need quotes).
    package mutating func append(_ value: Double?) {
        unique()
        if column > 0 { bytes.append(UInt8(ascii: ",")) }
        column += 1
        guard let v = value, v.isFinite else { return }
        let at = bytes.reserve(DoubleText.scratchBytes)
        if v == 0 {
            at[0] = UInt8(ascii: "0")
            at[1] = UInt8(ascii: ".")
            at[2] = UInt8(ascii: "0")
            bytes.advance(3)
        } else {
            bytes.advance(DoubleText.write(v, into: at))
        }
    }

    /// Ends the current row; it must have as many fields as the header (a programmer error
    /// otherwise).
    package mutating func endRow() {
        precondition(column == columns.count, "CSV row has \(column) fields, header has \(columns.count)")
        unique()
        bytes.append(UInt8(ascii: "\n"))
        column = 0
        if let output, bytes.count >= Self.chunkBytes {
            // The whole blocks are hashed and go to the writer thread in this buffer; the part
            // of a block left over goes with the next chunk, in the buffer handed back.
            bytes = output.handOver(bytes)
        }
    }

    /// Gives this writer its own buffer if a copy of it shares the buffer.
    private mutating func unique() {
        if !isKnownUniquelyReferenced(&bytes) { bytes = bytes.copy() }
    }

    package static func escape(_ field: String) -> String {
        let out = ByteBuffer()
        appendEscaped(field, to: out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// The field as is, or quoted with embedded quotes doubled when it holds `,`, `"`, CR or LF
    /// (all ASCII, so a byte scan finds exactly those characters).
    private static func appendEscaped(_ field: String, to out: ByteBuffer) {
        var field = field
        field.withUTF8 { utf8 in
            let special = utf8.contains {
                $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r")
            }
            guard special else {
                out.append(UnsafeRawBufferPointer(utf8))
                return
            }
            out.append(UInt8(ascii: "\""))
            for b in utf8 {
                out.append(b)
                if b == UInt8(ascii: "\"") { out.append(b) }
            }
            out.append(UInt8(ascii: "\""))
        }
    }

    /// A number in shortest round-trip form; empty for nil or non-finite values.
    package static func number(_ value: Double?) -> String {
        guard let v = value, v.isFinite else { return "" }
        return v == 0 ? "0.0" : v.description
    }
}
