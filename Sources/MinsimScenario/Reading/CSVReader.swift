import Foundation

/// A strict RFC 4180 reader that remembers where every field starts.
///
/// Strict on purpose: a scenario's numbers must mean exactly what the file says, so anything a
/// spreadsheet could have mangled (a stray quote, a blank line, a `#` "comment" that is really
/// a data row) is reported rather than guessed at. Accepted: quoted fields with embedded commas,
/// doubled quotes and line breaks; LF or CRLF line endings; a final line break or none.
/// The caller decodes UTF-8 and strips an optional byte-order mark.
package enum CSVReader {
    /// One field: its text (quotes removed, `""` undone) and where it starts.
    package struct Field: Sendable {
        package let text: String
        package let quoted: Bool
        package let line: Int
        package let column: Int
    }

    /// One record: its fields and the line it starts on.
    package struct Record: Sendable {
        package let line: Int
        package let fields: [Field]
    }

    /// Parses `text`, returning the records read and every problem met. A problem inside a
    /// record drops that record (the rest of the file is still read); an unterminated quote
    /// ends the read, since everything after it is inside the quote.
    package static func parse(_ text: String, path: String) -> (records: [Record], diagnostics: [Diagnostic]) {
        var records: [Record] = []
        let diagnostics = parse(text, path: path) { records.append($0) }
        return (records, diagnostics)
    }

    /// Parses `text`, handing each good record to `body` as soon as it is read (so a caller
    /// that converts records need not hold them all), and returns every problem met.
    static func parse(_ text: String, path: String, _ body: (Record) -> Void) -> [Diagnostic] {
        var text = text
        text.makeContiguousUTF8()
        // A native string is contiguous UTF-8 after the call above, so this closure always runs.
        return text.utf8.withContiguousStorageIfAvailable { parse(bytes: $0, path: path, body) } ?? []
    }

    /// A field as the parser finds it, in plain integers (no `String`, nothing to count when
    /// the fields of a record are copied or dropped): an unquoted field is the byte range
    /// `start..<end` of the input; a quoted one (`quoted`) is the range of its text (quotes
    /// removed, `""` undone) in the record's quoted bytes.
    struct RawField {
        let start: Int
        let end: Int
        let line: Int
        let column: Int
        let quoted: Bool

        /// The field's text: its bytes in `input`, or for a quoted field in `quotedBytes`.
        func text(_ input: UnsafeBufferPointer<UInt8>, _ quotedBytes: [UInt8]) -> String {
            if quoted { return String(decoding: quotedBytes[start..<end], as: UTF8.self) }
            return String(decoding: UnsafeBufferPointer(rebasing: input[start..<end]), as: UTF8.self)
        }
    }

    /// Parses `bytes` (UTF-8 without a byte-order mark), handing each good record to `body` as
    /// its line, its fields, which index into `bytes`, and the texts of its quoted fields, which
    /// the quoted fields index into — no `String` is made for a field
    /// (`ScenarioBuilder.readCSV` keeps the bytes and makes the texts it needs).
    static func parseRaw(
        bytes: UnsafeBufferPointer<UInt8>, path: String, _ body: (Int, [RawField], [UInt8]) -> Void
    ) -> [Diagnostic] {
        parseCore(bytes: bytes, path: path, body)
    }

    /// Parses `data` straight from its bytes when every byte is ASCII (then it is valid UTF-8
    /// without a byte-order mark, and no `String` of the whole file is made); nil otherwise,
    /// for the caller to decode the text and call `parse(_:path:_:)`.
    static func parseIfASCII(_ data: Data, path: String, _ body: (Record) -> Void) -> [Diagnostic]? {
        data.withUnsafeBytes { raw -> [Diagnostic]? in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard isASCII(bytes) else { return nil }
            return parse(bytes: bytes, path: path, body)
        }
    }

    /// The number of line feeds in `bytes` (found by `memchr`).
    static func lineFeeds(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard var p = bytes.baseAddress else { return 0 }
        let end = p + bytes.count
        var count = 0
        while p < end, let hit = memchr(p, 0x0A, end - p) {
            count += 1
            p = UnsafeRawPointer(hit) + 1
        }
        return count
    }

    /// About the number of lines of `bytes`, at least as many in a file of rows of similar
    /// length: exact up to 1 MB; beyond, the line feeds of the first MB scaled to the whole and
    /// a tenth added (counting every line feed of a large file was ≈ 1–2 % of loading it).
    static func estimatedLines(_ bytes: UnsafeRawBufferPointer) -> Int {
        let sample = 1 << 20
        guard bytes.count > sample else { return lineFeeds(bytes) + 1 }
        let feeds = lineFeeds(UnsafeRawBufferPointer(rebasing: bytes[..<sample]))
        return Int(Double(feeds) * Double(bytes.count) / Double(sample) * 1.1) + 16
    }

    /// True when no byte of `bytes` has its high bit set.
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        isASCII(bytes.bindMemory(to: UInt8.self))
    }

    /// True when no byte has its high bit set (checked a word at a time).
    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let n = bytes.count
        let words = n / 8
        var any: UInt64 = 0
        let raw = UnsafeRawPointer(base)
        for w in 0..<words { any |= raw.loadUnaligned(fromByteOffset: w * 8, as: UInt64.self) }
        for i in (words * 8)..<n { any |= UInt64(base[i]) }
        return any & 0x8080_8080_8080_8080 == 0
    }

    /// The parser proper, over the UTF-8 bytes. The four bytes that structure a CSV file
    /// (`"`, `,`, CR, LF) are ASCII and never occur inside a multi-byte UTF-8 sequence, so
    /// scanning bytes finds exactly the boundaries that scanning Unicode scalars finds;
    /// columns count scalars (every byte that is not a continuation byte `10xxxxxx`), as
    /// `SourceLocation` promises. Unquoted fields are decoded straight from their byte range.
    ///
    /// - Complexity: O(bytes), one pass.
    private static func parse(bytes s: UnsafeBufferPointer<UInt8>, path: String, _ body: (Record) -> Void) -> [Diagnostic] {
        // Per field position: the last long unquoted field (where its bytes start, how many,
        // and its text). Long fields such as a `source` column usually repeat row after row;
        // a repeat is then one byte comparison instead of a new string (allocation and UTF-8
        // validation). Short fields are stored inline in `String` and are cheap to make.
        var lastLong: [(start: Int, count: Int, text: String)?] = []
        var fields: [Field] = []
        return parseCore(bytes: s, path: path) { line, raw, quotedBytes in
            fields.removeAll(keepingCapacity: true)
            for (k, f) in raw.enumerated() {
                let text = f.quoted ? f.text(s, quotedBytes) : unquotedText(s, f.start, f.end, position: k, cache: &lastLong)
                fields.append(Field(text: text, quoted: f.quoted, line: f.line, column: f.column))
            }
            body(Record(line: line, fields: fields))
        }
    }

    /// The parser proper (see `parse(bytes:path:_:)`), handing each good record's fields as
    /// byte ranges (an unquoted field in the input, a quoted one's text in the record's
    /// quoted bytes).
    private static func parseCore(
        bytes s: UnsafeBufferPointer<UInt8>, path: String, _ body: (Int, [RawField], [UInt8]) -> Void
    ) -> [Diagnostic] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        @inline(__always) func startsScalar(_ b: UInt8) -> Bool { b & 0xC0 != 0x80 }
        let special: UInt64 = 1 << UInt64(quote) | 1 << UInt64(comma) | 1 << UInt64(cr) | 1 << UInt64(lf)
        let n = s.count
        // (No bytes: no records and nothing to report.)
        guard let base = s.baseAddress else { return [] }
        var diagnostics: [Diagnostic] = []
        var fields: [RawField] = []
        var recordLine = 1
        var recordBroken = false
        var i = 0, line = 1, column = 1
        // The texts of the current record's quoted fields, one after another.
        var quotedValue: [UInt8] = []
        // Per field position: the last long unquoted field without a quote (where its bytes
        // start, how many, and its scalars). A long field such as a `source` column usually
        // repeats row after row: the same bytes followed by a separator are that field again
        // (they hold no special byte), crossed by one `memcmp` instead of a scan.
        var repeats: [(start: Int, count: Int, scalars: Int)] = []

        func fail(_ l: Int, _ c: Int, _ message: String) {
            diagnostics.append(Diagnostic(at: SourceLocation(path: path, line: l, column: c), message))
        }

        while i < n {
            if fields.isEmpty {
                recordLine = line; recordBroken = false
                quotedValue.removeAll(keepingCapacity: true)
            }
            let fieldLine = line, fieldColumn = column
            var quoted = false
            var begin = i
            if s[i] == quote {
                i += 1; column += 1
                var closed = false
                quoted = true
                begin = quotedValue.count
                while i < n {
                    let c = s[i]
                    if c == quote {
                        if i + 1 < n && s[i + 1] == quote {
                            quotedValue.append(quote); i += 2; column += 2
                        } else {
                            i += 1; column += 1; closed = true
                            break
                        }
                    } else if c == cr && i + 1 < n && s[i + 1] == lf {
                        quotedValue.append(cr); quotedValue.append(lf); i += 2; line += 1; column = 1
                    } else if c == lf || c == cr {
                        quotedValue.append(c); i += 1; line += 1; column = 1
                    } else {
                        quotedValue.append(c); i += 1
                        if startsScalar(c) { column += 1 }
                    }
                }
                if !closed {
                    fail(
                        fieldLine, fieldColumn,
                        "unterminated quoted field: the opening quote is never closed; close it with \" (write \"\" for a quote inside a field)"
                    )
                    return diagnostics
                }
                if i < n && s[i] != comma && s[i] != lf && s[i] != cr {
                    fail(
                        line, column,
                        "unexpected character after a closing quote; a quoted field must be followed by a comma or the end of the line"
                    )
                    recordBroken = true
                    while i < n && s[i] != comma && s[i] != lf && s[i] != cr {
                        if startsScalar(s[i]) { column += 1 }
                        i += 1
                    }
                }
            } else if fields.count < repeats.count, case let last = repeats[fields.count], last.count > 0,
                i + last.count <= n,
                i + last.count == n || s[i + last.count] == comma || s[i + last.count] == lf
                    || s[i + last.count] == cr, memcmp(base + i, base + last.start, last.count) == 0
            {
                begin = i
                i += last.count
                column += last.scalars
            } else {
                begin = i
                // One test per ordinary byte (`special`: a bit per byte value below 64 for
                // `"`, `,`, CR and LF), and the scalars counted without a branch.
                var scalars = 0
                var quoteInside = false
                while i < n {
                    // Eight bytes at a time up to the next special byte: most bytes of a large
                    // table are in long fields such as `source`.
                    if i + 8 <= n {
                        let word = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: i, as: UInt64.self)
                        let specials = Self.specialBytes(word)
                        if specials == 0 {
                            scalars &+= 8 &- Self.continuationBytes(word)
                            i += 8
                            continue
                        }
                        // The bytes before the first special one (little-endian: the low ones).
                        let before = specials.trailingZeroBitCount / 8
                        if before > 0 {
                            scalars &+= before &- Self.continuationBytes(word & (1 << UInt64(8 * before) &- 1))
                            i += before
                        }
                    }
                    let c = s[i]
                    if c < 64 && (special >> UInt64(c)) & 1 != 0 {
                        if c != quote { break }
                        quoteInside = true
                        if !recordBroken {
                            fail(
                                line, column + scalars,
                                "quote inside an unquoted field; enclose the whole field in double quotes and write an embedded quote as \"\""
                            )
                            recordBroken = true
                        }
                    }
                    scalars &+= startsScalar(c) ? 1 : 0
                    i += 1
                }
                column += scalars
                if i - begin >= 32 && !quoteInside {
                    while repeats.count <= fields.count { repeats.append((0, 0, 0)) }
                    repeats[fields.count] = (begin, i - begin, scalars)
                }
            }
            let end = quoted ? quotedValue.count : i
            fields.append(RawField(start: begin, end: end, line: fieldLine, column: fieldColumn, quoted: quoted))

            // Separator: a comma continues the record, a line break or the end of input ends it.
            if i < n && s[i] == comma {
                i += 1; column += 1
                guard i == n else { continue }
                fields.append(RawField(start: i, end: i, line: line, column: column, quoted: false))
            } else if i < n {
                i += (s[i] == cr && i + 1 < n && s[i + 1] == lf) ? 2 : 1
                line += 1; column = 1
            }
            if fields.count == 1 && !fields[0].quoted && fields[0].start == fields[0].end {
                fail(recordLine, 1, "blank line; CSV tables may not contain empty lines")
            } else if let first = fields.first, !first.quoted, first.start < first.end,
                s[first.start] == UInt8(ascii: "#"),
                // (a `#` with a combining mark after it is another character)
                String(decoding: UnsafeBufferPointer(rebasing: s[first.start..<first.end]), as: UTF8.self).hasPrefix("#")
            {
                fail(
                    recordLine, 1,
                    "comment lines are not allowed in CSV tables; remove the line (keep notes in the source column or in a README)"
                )
            } else if !recordBroken {
                body(recordLine, fields, quotedValue)
            }
            fields.removeAll(keepingCapacity: true)
        }
        return diagnostics
    }

    /// The eight bytes of `word` with 0x80 where the byte is `"`, `,`, CR or LF and 0
    /// elsewhere (an exact zero-byte test of the word XOR each special value: no carry
    /// crosses a byte).
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        func zeroBytes(_ x: UInt64) -> UInt64 { ~(((x & lows) &+ lows) | x | lows) }
        return zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x2C)) | zeroBytes(word ^ (ones &* 0x0D))
            | zeroBytes(word ^ (ones &* 0x0A))
    }

    /// The number of UTF-8 continuation bytes (`10xxxxxx`) among the eight bytes of `word`.
    @inline(__always)
    static func continuationBytes(_ word: UInt64) -> Int {
        // ASCII (the usual case) without counting bits: the baseline x86-64 target has no
        // POPCNT instruction.
        if word & 0x8080_8080_8080_8080 == 0 { return 0 }
        // Bit 7 set and bit 6 clear: bit 6 shifted left lands on bit 7 of the same byte.
        return (word & ~(word << 1) & 0x8080_8080_8080_8080).nonzeroBitCount
    }

    /// The text of the unquoted field `s[begin..<end]` at field position `position`, reusing
    /// the previous long field's string at that position when the bytes are the same.
    private static func unquotedText(
        _ s: UnsafeBufferPointer<UInt8>, _ begin: Int, _ end: Int, position: Int,
        cache: inout [(start: Int, count: Int, text: String)?]
    ) -> String {
        let count = end - begin
        guard count > 15, let base = s.baseAddress else {
            return String(decoding: UnsafeBufferPointer(rebasing: s[begin..<end]), as: UTF8.self)
        }
        while cache.count <= position { cache.append(nil) }
        if let last = cache[position], last.count == count, memcmp(base + last.start, base + begin, count) == 0 {
            return last.text
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: s[begin..<end]), as: UTF8.self)
        cache[position] = (begin, count, text)
        return text
    }
}

extension CSVReader.Field {
    /// The field `raw` of the input `bytes` (a quoted one's text in `quotedBytes`), with its text.
    init(_ raw: CSVReader.RawField, in bytes: UnsafeBufferPointer<UInt8>, quotedBytes: [UInt8]) {
        self.init(text: raw.text(bytes, quotedBytes), quoted: raw.quoted, line: raw.line, column: raw.column)
    }
}
