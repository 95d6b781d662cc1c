import Testing

@testable import MinsimScenario

@Suite("CSV reading follows RFC 4180 strictly")
struct CSVReaderTests {
    @Test("quoted fields keep commas, doubled quotes and line breaks")
    func quoted() {
        let (records, problems) = CSVReader.parse("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n1,,3", path: "t.csv")
        #expect(problems.isEmpty)
        #expect(records.count == 3)
        #expect(records[1].fields.map(\.text) == ["x, y", "say \"hi\"", "two\nlines"])
        #expect(records[2].line == 4)
        #expect(records[2].fields.map(\.text) == ["1", "", "3"])
        #expect(records[2].fields[2].column == 4)
    }

    @Test("CRLF line endings and a missing final newline are accepted")
    func lineEndings() {
        let (records, problems) = CSVReader.parse("a,b\r\n1,2\r\n3,4", path: "t.csv")
        #expect(problems.isEmpty)
        #expect(records.map { $0.fields.map(\.text) } == [["a", "b"], ["1", "2"], ["3", "4"]])
    }

    @Test("long fields that repeat, or differ at the same length, read back as written")
    func repeatedLongFields() {
        // The reader reuses the previous long field's string at a position when the bytes are
        // equal; fields of the same length that differ in one byte must not be taken for it.
        let a = "synthetic: minsim generate seed=1", b = "synthetic: minsim generate seed=2"
        let text = "k,source\n1,\(a)\n2,\(a)\n3,\(b)\n4,\(a)\n5,\"\(b)\"\n"
        let (records, problems) = CSVReader.parse(text, path: "t.csv")
        #expect(problems.isEmpty)
        #expect(records.dropFirst().map { $0.fields[1].text } == [a, a, b, a, b])
        var w = CSVWriter(columns: ["k", "source"])
        for (k, s) in [a, a, b, a, "x, \(a)"].enumerated() { w.appendRow([String(k), s]) }
        #expect(w.text == "k,source\n0,\(a)\n1,\(a)\n2,\(b)\n3,\(a)\n4,\"x, \(a)\"\n")
    }

    @Test("a trailing comma is an empty last field")
    func trailingComma() {
        let (records, _) = CSVReader.parse("a,b\n1,\n", path: "t.csv")
        #expect(records[1].fields.map(\.text) == ["1", ""])
    }

    @Test(
        "problems carry their own line and column",
        arguments: [
            ("a,b\n1,x\"y\n", 2, 4, "quote inside an unquoted field"),
            ("a,b\n\"1\"x,2\n", 2, 4, "unexpected character after a closing quote"),
            ("a,b\n\n1,2\n", 2, 1, "blank line"),
            ("a,b\n#note\n", 2, 1, "comment lines are not allowed"),
            ("a,b\n1,\"open\n", 2, 3, "unterminated quoted field"),
        ])
    func problems(_ text: String, _ line: Int, _ column: Int, _ fragment: String) {
        let (_, problems) = CSVReader.parse(text, path: "t.csv")
        #expect(problems.count == 1)
        #expect(problems.first?.line == line)
        #expect(problems.first?.column == column)
        #expect(problems.first?.message.contains(fragment) == true)
    }
}

@Suite("Writing CSV and JSON")
struct WriterTests {
    @Test("fields are quoted only when needed")
    func escaping() {
        #expect(CSVWriter.escape("plain") == "plain")
        #expect(CSVWriter.escape("a,b") == "\"a,b\"")
        #expect(CSVWriter.escape("say \"x\"") == "\"say \"\"x\"\"\"")
        #expect(CSVWriter.escape("two\nlines") == "\"two\nlines\"")
    }

    @Test("numbers are shortest round-trip, never nan or inf")
    func numbers() {
        #expect(CSVWriter.number(100) == "100.0")
        #expect(CSVWriter.number(0.25) == "0.25")
        #expect(CSVWriter.number(1e-05) == "1e-05")
        #expect(CSVWriter.number(-0.0) == "0.0")
        #expect(CSVWriter.number(.nan) == "")
        #expect(CSVWriter.number(.infinity) == "")
        #expect(CSVWriter.number(nil) == "")
        for v in [0.1, 1.0 / 3.0, 123456789.123, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude] {
            #expect(Double(CSVWriter.number(v)) == v)
        }
    }

    @Test("written CSV reads back to the same fields")
    func roundTrip() {
        var w = CSVWriter(columns: ["a", "b"])
        w.appendRow(["x, \"y\"", "line\nbreak"])
        let (records, problems) = CSVReader.parse(w.text, path: "t.csv")
        #expect(problems.isEmpty)
        #expect(records[1].fields.map(\.text) == ["x, \"y\"", "line\nbreak"])
    }

    @Test("JSON keys are sorted and strings escaped")
    func json() {
        let v = JSONValue.object([
            "b": .int(1), "a": .array([.string("q\"\n\u{1}"), .number(.nan), .number(0.5), .bool(true), .null]),
        ])
        #expect(
            v.rendered()
                == "{\n  \"a\": [\n    \"q\\\"\\n\\u0001\",\n    null,\n    0.5,\n    true,\n    null\n  ],\n  \"b\": 1\n}\n")
    }
}

@Suite("Small building blocks")
struct BuildingBlockTests {
    @Test(
        "SHA-256 matches the FIPS 180-4 examples",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
        ])
    func sha256(_ input: String, _ digest: String) {
        #expect(SHA256.hex(of: Array(input.utf8)) == digest)
    }

    @Test("SHA-256 of a million 'a' (multi-block)")
    func sha256Long() {
        #expect(
            SHA256.hex(of: [UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("numbers: plain decimals only, finite")
    func numberText() {
        #expect(NumberText.double("1.5e-3") == .value(0.0015))
        #expect(NumberText.double("-2") == .value(-2))
        #expect(NumberText.double(".5") == .value(0.5))
        #expect(NumberText.double("5.") == .value(5))
        #expect(NumberText.double("nan") == .nonFinite)
        #expect(NumberText.double("-.inf") == .nonFinite)
        #expect(NumberText.double("Infinity") == .nonFinite)
        #expect(NumberText.double("1e999") == .outOfRange)
        for bad in ["", "-", ".", "1,000", "0x10", "1_000", " 1", "1 ", "e5", "1e", "1.2.3", "١٢"] {
            #expect(NumberText.double(bad) == .notANumber, "\(bad)")
        }
        #expect(NumberText.integer("2024") == 2024)
        #expect(NumberText.integer("99999999999999999999999") == nil)
        #expect(NumberText.integer("20.5") == nil)
        #expect(NumberText.integer("-") == nil)
    }

    @Test("did-you-mean picks close names only")
    func suggestions() {
        #expect(Suggestion.closest(to: "KOR", among: ["CA", "KR", "US"]) == "KR")
        #expect(Suggestion.closest(to: "ca", among: ["CA", "KR"]) == "CA")
        #expect(Suggestion.closest(to: "JP", among: ["CA", "KR"]) == nil)
        #expect(Suggestion.closest(to: "final_demnd", among: ScenarioFormat.topLevelKeys) == "final_demand")
        #expect(Suggestion.distance("kitten", "sitting") == 3)
    }
}
