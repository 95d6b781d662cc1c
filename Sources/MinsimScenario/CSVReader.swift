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
        let s = Array(text.unicodeScalars)
        let n = s.count
        var records: [Record] = []
        var diagnostics: [Diagnostic] = []
        var fields: [Field] = []
        var recordLine = 1
        var recordBroken = false
        var i = 0, line = 1, column = 1

        func fail(_ l: Int, _ c: Int, _ message: String) {
            diagnostics.append(Diagnostic(at: SourceLocation(path: path, line: l, column: c), message))
        }

        while i < n {
            if fields.isEmpty { recordLine = line; recordBroken = false }
            let fieldLine = line, fieldColumn = column
            var value = String.UnicodeScalarView()
            var quoted = false
            if s[i] == "\"" {
                quoted = true
                i += 1; column += 1
                var closed = false
                while i < n {
                    let c = s[i]
                    if c == "\"" {
                        if i + 1 < n && s[i + 1] == "\"" {
                            value.append("\""); i += 2; column += 2
                        } else {
                            i += 1; column += 1; closed = true
                            break
                        }
                    } else if c == "\r" && i + 1 < n && s[i + 1] == "\n" {
                        value.append("\r"); value.append("\n"); i += 2; line += 1; column = 1
                    } else if c == "\n" || c == "\r" {
                        value.append(c); i += 1; line += 1; column = 1
                    } else {
                        value.append(c); i += 1; column += 1
                    }
                }
                if !closed {
                    fail(
                        fieldLine, fieldColumn,
                        "unterminated quoted field: the opening quote is never closed; close it with \" (write \"\" for a quote inside a field)"
                    )
                    return (records, diagnostics)
                }
                if i < n && s[i] != "," && s[i] != "\n" && s[i] != "\r" {
                    fail(
                        line, column,
                        "unexpected character after a closing quote; a quoted field must be followed by a comma or the end of the line"
                    )
                    recordBroken = true
                    while i < n && s[i] != "," && s[i] != "\n" && s[i] != "\r" { i += 1; column += 1 }
                }
            } else {
                while i < n && s[i] != "," && s[i] != "\n" && s[i] != "\r" {
                    if s[i] == "\"" && !recordBroken {
                        fail(
                            line, column,
                            "quote inside an unquoted field; enclose the whole field in double quotes and write an embedded quote as \"\""
                        )
                        recordBroken = true
                    }
                    value.append(s[i]); i += 1; column += 1
                }
            }
            fields.append(Field(text: String(value), quoted: quoted, line: fieldLine, column: fieldColumn))

            // Separator: a comma continues the record, a line break or the end of input ends it.
            if i < n && s[i] == "," {
                i += 1; column += 1
                if i == n { fields.append(Field(text: "", quoted: false, line: line, column: column)) } else { continue }
            } else if i < n {
                i += (s[i] == "\r" && i + 1 < n && s[i + 1] == "\n") ? 2 : 1
                line += 1; column = 1
            }
            if fields.count == 1 && !fields[0].quoted && fields[0].text.isEmpty {
                fail(recordLine, 1, "blank line; CSV tables may not contain empty lines")
            } else if let first = fields.first, !first.quoted, first.text.hasPrefix("#") {
                fail(
                    recordLine, 1,
                    "comment lines are not allowed in CSV tables; remove the line (keep notes in the source column or in a README)"
                )
            } else if !recordBroken {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []
        }
        return (records, diagnostics)
    }
}
