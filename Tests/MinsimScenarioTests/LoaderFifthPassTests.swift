import Foundation
import MinsimEngine
import Testing

@testable import MinsimScenario

/// The fifth pass over the loader: the large one-year tables decoded as the parser finds their
/// fields (`RowDecoder`, `DecodedRows`), with each row's source number found from its bytes.
/// Whatever a table holds, the rows, their origins and the diagnostics are those of the general
/// reader (`RowReader` on every row).
@Suite("Loader fifth pass: rows decoded as they are parsed")
struct LoaderFifthPassTests {
    typealias Mix = RandomInputTests.SplitMix64

    /// A builder that has read the names of a small scenario (regions A, B, C; products ore,
    /// metal, cell), ready to read tables.
    static func builder(in folder: String) throws -> ScenarioBuilder {
        let yaml = """
            format_version: 1
            name: fifth pass
            base_year: 2024
            regions: [{code: A}, {code: B}, {code: C}]
            products:
              - {name: ore, stage: mining, unit: t, elasticity: 2}
              - {name: metal, stage: refining, unit: t, elasticity: 1.5}
              - {name: cell, stage: cells, unit: GWh, elasticity: 1}
            stages: [mining, refining, cells]
            base_trade: [{product: ore, exporter: A, importer: B, quantity: 5}]
            final_demand: [{region: B, product: cell, quantity: 8}]
            recipes: []

            """
        let path = folder + "/s.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        var builder = ScenarioBuilder(path: path)
        builder.build(data: Data(yaml.utf8))
        builder.diagnostics = []
        return builder
    }

    /// Every decoded row of `set`, with its value's bits and its origin's texts, one line each.
    static func describe(_ set: ScenarioBuilder.TableSet, _ builder: ScenarioBuilder) -> [String] {
        func origin(_ o: Provenance.RowOrigin) -> String {
            let full = builder.provenance.origin(o)
            return "\(full.location) [\(full.source)]"
        }
        var lines: [String] = []
        for (p, entries) in set.defaultRecipes.sorted(by: { $0.key < $1.key }) {
            for e in entries { lines.append("default \(p) \(e.input) \(e.quantity.bitPattern) \(origin(e.origin))") }
        }
        for (node, entries) in set.regionRecipes.byNode.sorted(by: {
            ($0.key.region.rawValue, $0.key.product.rawValue) < ($1.key.region.rawValue, $1.key.product.rawValue)
        }) {
            for e in entries { lines.append("recipe \(node) \(e.input) \(e.quantity.bitPattern) \(origin(e.origin))") }
        }
        for (name, rows) in [("demand", set.finalDemand), ("price", set.basePrices), ("capacity", set.capacities)] {
            for r in rows { lines.append("\(name) \(r.node) \(r.value.bitPattern) \(origin(r.origin))") }
        }
        for (name, rows) in [("trade", set.baseTrade), ("route", set.routes)] {
            for r in rows { lines.append("\(name) \(r.route) \(r.value.bitPattern) \(origin(r.origin))") }
        }
        for r in set.tariffs {
            lines.append("tariff \(r.route) \(r.baseRate.bitPattern) \(r.rate.bitPattern) \(origin(r.origin))")
        }
        return lines
    }

    /// A random cell for a column: usually valid, sometimes each kind of problem the general
    /// reader reports (or a valid value the decoder leaves to it, such as a quoted name).
    static func cell(_ column: String, _ mix: inout Mix) -> String {
        let r = mix.next()
        let names: [String]
        switch column {
        case "region", "exporter", "importer": names = ["A", "B", "C"]
        case "product", "input": names = ["ore", "metal", "cell"]
        case "source": return ["s1", "s1", "s1", "\"quoted, with comma\"", "", "IEA 2024 table 3", "é 中文"][Int(r >> 8) % 7]
        default:
            let numbers = [
                "1.5", "0.25", "12", "489.9691530016909", "0.32302397257000043", "-3", "0", "\"7\"", "", "nan", "1e999",
                "abc", " 7", "1e-400", "0.05", "2",
            ]
            return numbers[Int(r >> 8) % (r % 3 == 0 ? numbers.count : 5)]
        }
        switch r % 11 {
        case 0: return "Z"
        case 1: return ""
        case 2: return "*"
        case 3: return "\"\(names[Int(r >> 8) % 3])\""
        default: return names[Int(r >> 8) % 3]
        }
    }

    /// A random CSV table of `spec`: its columns shuffled (an optional one sometimes left out,
    /// an unknown one sometimes added), rows of random cells, and now and then a duplicated row,
    /// a row with a missing field, a blank line or a broken quote.
    static func table(_ spec: ScenarioFormat.TableSpec, _ mix: inout Mix) -> String {
        var columns = spec.columns.filter { $0.required || mix.next() % 3 != 0 }.map(\.name)
        columns.shuffle(using: &mix)
        if mix.next() % 5 == 0 { columns.insert("note", at: Int(mix.next() % UInt64(columns.count + 1))) }
        var lines = [columns.joined(separator: ",")]
        for _ in 0..<(20 + Int(mix.next() % 40)) {
            var row = columns.map { cell($0, &mix) }.joined(separator: ",")
            switch mix.next() % 40 {
            case 0: row = String(row.dropLast(max(1, row.count / 3)).split(separator: ",").dropLast().joined(separator: ","))
            case 1: row = ""
            case 2: row += ",x\"y"
            default: break
            }
            lines.append(row)
            if mix.next() % 8 == 0 { lines.append(row) }
        }
        return lines.joined(separator: mix.next() % 2 == 0 ? "\n" : "\r\n") + (mix.next() % 2 == 0 ? "\n" : "")
    }

    @Test("a large table decoded as it is parsed gives the general reader's rows, origins and diagnostics")
    func decodedEqualsGeneral() throws {
        let folder = try TestSupport.temporaryFolder().path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let base = try Self.builder(in: folder)
        let specs = [
            ScenarioFormat.recipes, ScenarioFormat.finalDemand, ScenarioFormat.basePrices, ScenarioFormat.capacities,
            ScenarioFormat.baseTrade, ScenarioFormat.routes, ScenarioFormat.tariffs,
        ]
        var mix = Mix(state: 13)
        var decodedRows = 0, generalRows = 0
        for round in 0..<300 {
            let spec = specs[round % specs.count]
            let file = "t\(round).csv"
            try Self.table(spec, &mix).write(toFile: folder + "/" + file, atomically: true, encoding: .utf8)
            var results: [(lines: [String], diagnostics: [String])] = []
            for decode in [false, true] {
                var builder = base
                let decoder = decode ? RowDecoder(spec, names: builder.names) : nil
                #expect(!decode || decoder != nil)
                let yaml = YAMLFile(path: folder + "/s.yaml")
                var set = ScenarioBuilder.TableSet()
                if let table = builder.readCSV(spec, file: file, at: .start(of: yaml.path), in: yaml, decoder: decoder) {
                    if let rows = table.decoded?.rows {
                        decodedRows += rows.filter(\.isDecoded).count
                        generalRows += rows.filter { !$0.isDecoded }.count
                    }
                    builder.interpret(table, into: &set)
                }
                results.append((Self.describe(set, builder), builder.diagnostics.map(\.description)))
            }
            #expect(results[0].lines == results[1].lines, "round \(round), \(spec.key)")
            #expect(results[0].diagnostics == results[1].diagnostics, "round \(round), \(spec.key)")
        }
        // A decoded row is 40 bytes (its fields were 24 bytes each, five or six a row).
        #expect(MemoryLayout<DecodedRows.Row>.stride == 40)
        // Both kinds of row must occur, or this compares one reader with itself.
        #expect(decodedRows > 1_000 && generalRows > 1_000, "decoded \(decodedRows), general \(generalRows)")
    }

    @Test("the one-pass number reader accepts exactly the plain decimal grammar, with strtod's bits")
    func numberScan() {
        var mix = Mix(state: 21)
        let alphabet = Array("0123456789+-.eE x".utf8)
        var accepted = 0
        for round in 0..<400_000 {
            // Short texts over the grammar's characters (and two outside it), every length to 9;
            // every fourth a number as minsim writes them, with 17 digits in places.
            var bytes: [UInt8]
            if round % 4 == 0 {
                let v = Double(bitPattern: mix.next())
                bytes = Array((v.isFinite ? v.description : "1e308").utf8)
            } else {
                bytes = (0..<Int(mix.next() % 10)).map { _ in alphabet[Int(mix.next() % UInt64(alphabet.count))] }
            }
            let grammar = NumberText.isDecimal(bytes: bytes)
            let text = String(decoding: bytes, as: UTF8.self)
            // What `value(bytes:)` answered before: the grammar, then `strtod`.
            let expected = grammar ? LoaderFourthPassTests.strtodValue(text) : nil
            let got = bytes.withUnsafeBytes { NumberText.value(bytes: $0) }
            #expect(bytes.withUnsafeBytes { NumberText.Decimal.scan($0) != nil } == grammar, "\(text)")
            #expect(got?.bitPattern == expected?.bitPattern, "\(text)")
            if got != nil { accepted += 1 }
        }
        // Both answers must be common, or this tests one side only.
        #expect(accepted > 100_000 && accepted < 300_000, "\(accepted) accepted")
    }

    @Test("long fields repeated row after row parse to their texts and columns (crossed without a scan)")
    func repeatedLongFields() {
        var mix = Mix(state: 77)
        // Long values (32 bytes and more), values one character longer or shorter, a value
        // with multi-byte scalars, and short ones: a field usually repeats the one above it.
        let long = "synthetic: minsim generate seed=2026 regions=1000"
        let values = [
            long, long + "0", String(long.dropLast()), "é中文🔋 " + long, long + "é", "R0", "", "489.9691530016909",
        ]
        for round in 0..<300 {
            var text = ""
            var expected: [[(text: String, column: Int)]] = []
            var previous: [String] = []
            let lines = 2 + Int(mix.next() % 8)
            for line in 1...lines {
                var column = 1
                var record: [(String, Int)] = []
                for k in 0..<3 {
                    var field = values[Int(mix.next() % UInt64(values.count))]
                    if k < previous.count, mix.next() % 3 != 0 { field = previous[k] }
                    if k == 0 && field.isEmpty { field = "v" }  // (a blank first field alone is a blank line)
                    record.append((field, column))
                    text += field
                    column += field.unicodeScalars.count
                    if k < 2 {
                        text += ","
                        column += 1
                    }
                }
                previous = record.map(\.0)
                // The last line sometimes ends without a line break (the field ends the input).
                if line < lines || mix.next() % 4 != 0 { text += mix.next() % 2 == 0 ? "\n" : "\r\n" }
                expected.append(record)
            }
            let (records, diagnostics) = CSVReader.parse(text, path: "t.csv")
            #expect(diagnostics.isEmpty, "round \(round)")
            #expect(records.map { $0.fields.map(\.text) } == expected.map { $0.map(\.text) }, "round \(round)")
            #expect(records.map { $0.fields.map(\.column) } == expected.map { $0.map(\.column) }, "round \(round)")
        }
        // A long field's bytes followed by a quote are not that field again; a long field with a
        // quote inside is reported on every line it is written.
        let quoted = "a,b\nR0,\(long)\nR1,\(long)\"x\nR2,\(long)\nR3,ab\"\(long)\nR4,ab\"\(long)\n"
        let (records, problems) = CSVReader.parse(quoted, path: "t.csv")
        #expect(records.map { $0.fields.map(\.text) } == [["a", "b"], ["R0", long], ["R2", long]])
        #expect(problems.map(\.location.line) == [3, 5, 6])
        #expect(problems.map(\.location.column) == [4 + long.count, 6, 6])
    }

    @Test("a name looked up with its key loaded as two words has the index the byte-wise key gives")
    func codeIndexLoads() {
        var mix = Mix(state: 5)
        var index = CodeIndex()
        var names: [String] = []
        for k in 0..<300 {
            // Names of 1 to 24 bytes (both sides of 8 and 16), some multi-byte.
            let length = 1 + Int(mix.next() % 24)
            var name = String((0..<length).map { _ in Character(UnicodeScalar(UInt8(97 + mix.next() % 6))) })
            if k % 7 == 0 { name = "é" + name }
            if index[name] == nil {
                index[name] = names.count
                names.append(name)
            }
        }
        // The names, their prefixes and one-byte changes, laid one after another in one
        // buffer (each then has other bytes after it, except the last ones).
        var probes: [String] = []
        for name in names {
            probes += [name, String(name.dropLast()), name + "a", "b" + name.dropFirst()]
        }
        var buffer: [UInt8] = []
        var ranges: [Range<Int>] = []
        for probe in probes {
            ranges.append(buffer.count..<buffer.count + probe.utf8.count)
            buffer += Array(probe.utf8)
        }
        var found = 0
        buffer.withUnsafeBytes { all in
            guard let base = all.baseAddress else { return }
            for range in ranges {
                let bytes = UnsafeRawBufferPointer(rebasing: all[range])
                let expected = index.index(of: bytes)
                #expect(index.index(of: bytes, readableTo: base + all.count) == expected)
                if expected != nil { found += 1 }
            }
        }
        #expect(found >= names.count, "\(found) found")
    }

    @Test("numbers of 17 to 19 digits read in 128-bit integers have the bits strtod gives")
    func wideNumbers() {
        var mix = Mix(state: 31)
        var texts: [String] = []
        for round in 0..<400_000 {
            // m above 2⁵³ (17 to 19 digits), as an integer with an exponent or with the point
            // inside it; every eighth near a halfway point between two doubles (m = 2⁵³ + odd, or
            // the shortest text of a double with a 5 appended).
            let r = mix.next()
            var digits: String
            switch round % 8 {
            case 0: digits = String((1 << 53) + 2 * (r % (1 << 40)) + 1)
            case 1:
                let shortest = Double(bitPattern: 0x3FF0_0000_0000_0000 | r >> 12).description
                digits = String(shortest.filter(\.isNumber).prefix(18)) + "5"
            default: digits = String((1 << 53) + r % (10_000_000_000_000_000_000 - (1 << 53)))
            }
            let p = Int(mix.next() % 45) - 22
            if mix.next() % 2 == 0 || p >= 0 || -p >= digits.count {
                texts.append("\(r % 5 == 0 ? "-" : "")\(digits)e\(p)")
            } else {
                let point = digits.index(digits.endIndex, offsetBy: p)
                texts.append(String(digits[..<point]) + "." + digits[point...])
            }
        }
        texts += [
            "9007199254740993", "9007199254740995", "1844674407370955161", "-1844674407370955161e-3",
            "9999999999999999999e-22", "1000000000000000001e22",
        ]
        var wide = 0
        for text in texts {
            let expected = LoaderFourthPassTests.strtodValue(text)
            let got = LoaderFourthPassTests.value(text)
            #expect(got?.bitPattern == expected?.bitPattern, "\(text)")
            if Array(text.utf8).withUnsafeBytes({ NumberText.exactValue(decimal: $0) }) != nil { wide += 1 }
        }
        // Every one of these has 19 digits or fewer and |p| ≤ 22: all must take the exact way.
        #expect(wide == texts.count, "\(wide) of \(texts.count)")
    }

    @Test("a row's source number is found from its bytes: repeats, changes, quoted and absent sources")
    func sourceNumbers() {
        let text = "a,\"q, 1\",\"\"\nb,s1\nc,s1\nd,s2\ne,s1\nf,\"s1\"\ng,\n"
        let input = Array(text.utf8)
        var texts = Provenance.OriginTexts()
        var numbers = ScenarioBuilder.SourceNumbers()
        func sourceText(_ number: UInt32) -> String {
            texts.source(Provenance.RowOrigin(line: 1, column: 1, file: 0, source: number))
        }
        var got: [String] = []
        let problems = input.withUnsafeBufferPointer { s in
            let problems = CSVReader.parseRaw(bytes: s, path: "t.csv") { _, fields, quoted in
                for f in fields.dropFirst() { got.append(sourceText(numbers.number(f, s, quoted, &texts))) }
            }
            // No `source` column: the empty text.
            got.append(sourceText(numbers.number(nil, s, [], &texts)))
            return problems
        }
        #expect(problems.isEmpty)
        #expect(got == ["q, 1", "", "s1", "s1", "s2", "s1", "s1", "", ""])
    }
}
