import Foundation
import MinsimEngine
import Testing

@testable import MinsimScenario

/// The fourth pass over the loader: numbers read without `strtod` where that is exact, row
/// origins as integers with their texts stored once, and a CSV table's rows made on access.
/// Each answers what the earlier way answers.
@Suite("Loader fourth pass: exact numbers, row origins, rows on access")
struct LoaderFourthPassTests {
    /// The seeded generator of the random-input tests, so a failure can be replayed.
    typealias Mix = RandomInputTests.SplitMix64

    /// `strtod` of `text`, as `NumberText.value(bytes:)` read every number before.
    static func strtodValue(_ text: String) -> Double? {
        var end: UnsafeMutablePointer<CChar>? = nil
        return text.withCString { start -> Double? in
            errno = 0
            let v = strtod(start, &end)
            guard end == UnsafeMutablePointer(mutating: start) + strlen(start), errno == 0, v.isFinite
            else { return nil }
            return v
        }
    }

    static func value(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBytes { NumberText.value(bytes: $0) }
    }

    @Test("numbers read with the exact fast path have the bits strtod gives")
    func randomNumbers() {
        var mix = Mix(state: 4)
        var texts: [String] = []
        for _ in 0..<300_000 {
            let bits = mix.next()
            // Values of every magnitude the tables hold (1e-12 … 1e12), written the way
            // `minsim` writes them (shortest round trip) and with 1 to 17 significant digits.
            let magnitude = Double(Int(bits % 25) - 12)
            let v = (Double(bits >> 11) / Double(1 << 53) + 0.05) * pow(10, magnitude)
            texts.append(v.description)
            texts.append(String(format: "%.\(1 + Int(bits >> 59) % 17)g", v))
            texts.append(String(format: "%.\(Int(bits >> 40) % 12)f", v))
        }
        // Hand-picked edges: signs, zeros, no digits before or after the point, exponents at
        // and past 10^±22, 2^53 and one past it, 16 and 17 digits, long zero runs.
        texts += [
            "0", "-0", "+0", "0.0", "-0.0", ".5", "5.", "-.5", "+5.", "1e22", "1e23", "1e-22", "1e-23",
            "9007199254740992",
            "9007199254740993", "9007199254740991", "4.899691530016909e2", "489.9691530016909", "0.1",
            "0.3",
            "1234567890123456", "12345678901234567", "0.000000000000000000001",
            "100000000000000000000000",
            "1.0000000000000000000000001", "1E5", "1e+05", "1e-05", "2.2250738585072014e-308",
            "1.7976931348623157e308",
            "123456789012345.6", "0.9999999999999999", "-17.25e-3", "3e0000000000000000000000001",
        ]
        var fast = 0
        for text in texts {
            let expected = Self.strtodValue(text)
            let got = Self.value(text)
            #expect(
                got?.bitPattern == expected?.bitPattern,
                "\(text): \(String(describing: got)) vs \(String(describing: expected))")
            if Array(text.utf8).withUnsafeBytes({ NumberText.exactValue(decimal: $0) }) != nil {
                fast += 1
            }
        }
        // The fast path must be taken for a good share of the inputs, or this tests strtod alone.
        #expect(fast > texts.count / 4, "fast path taken for \(fast) of \(texts.count)")
    }

    @Test("row origins give back the source and location they were made from")
    func originTexts() {
        var texts = Provenance.OriginTexts()
        let paths = ["/a/b.csv", "/a/c.csv", "x.yaml"]
        let sources = [
            "synthetic: minsim generate seed=2026 regions=1000", "IEA 2024, table 3", "", "é 中文",
        ]
        var mix = Mix(state: 9)
        var made: [(Provenance.RowOrigin, String, MinsimScenario.SourceLocation)] = []
        for _ in 0..<2_000 {
            let r = mix.next()
            // Runs of the same texts (as rows of one table) and switches between them.
            let path = paths[Int(r % 3) == 0 ? 0 : Int(r >> 8) % 3]
            let source = String(sources[Int(r >> 16) % sources.count])  // a new `String` each time
            let location = MinsimScenario.SourceLocation(
                path: path, line: 1 + Int(r >> 24) % 100_000, column: 1 + Int(r >> 48) % 200)
            made.append((texts.origin(source: source, at: location), source, location))
        }
        for (origin, source, location) in made {
            #expect(texts.location(origin) == location)
            #expect(texts.source(origin) == source)
            #expect(texts.origin(origin).source == source && texts.origin(origin).location == location)
        }
    }

    @Test(
        "a CSV table's rows made on access are its records, and setting or adding a row keeps the others"
    )
    func rowsOnAccess() throws {
        let folder = try TestSupport.temporaryFolder().path
        let csv = folder + "/t.csv"
        try "region,product,quantity,source\nR0,p,1.5,s\n\"R1\",p,2,s\r\nR2,p,3,s".write(
            toFile: csv, atomically: true, encoding: .utf8)
        var builder = ScenarioBuilder(path: folder + "/s.yaml")
        let read = builder.readCSV(
            ScenarioFormat.finalDemand, file: "t.csv", at: .start(of: folder + "/s.yaml"), in: YAMLFile(path: folder + "/s.yaml"))
        let table = try #require(read)
        #expect(builder.diagnostics.isEmpty)
        #expect(table.rows.count == 3)
        #expect(table.rows.map(\.location.line) == [2, 3, 4])
        #expect(table.rows.allSatisfy { $0.location.path == csv && $0.location.column == 1 })
        #expect(table.rows.compactMap { $0.cells["region"]?.location.column } == [1, 1, 1])
        var merged = table
        merged.rows[1] = table.rows[2]
        merged.rows.append(table.rows[0])
        #expect(merged.rows.map(\.location.line) == [2, 4, 4, 2])
        #expect(table.rows.map(\.location.line) == [2, 3, 4])
    }
}
