import Foundation
import MinsimEngine
import Testing

@testable import MinsimScenario

/// The third pass over the loader: the CSV parser's eight-byte scan, and the base rows of
/// final demand, capacities and tariffs kept apart in the provenance. Each answers what the
/// byte-by-byte or per-row way answers.
@Suite("Loader third pass: eight-byte scan, base rows")
struct LoaderThirdPassTests {
    /// The seeded generator of the random-input tests, so a failure can be replayed.
    typealias Mix = RandomInputTests.SplitMix64

    @Test("the special bytes and continuation bytes of a word are those a byte-by-byte test finds")
    func wordTests() {
        var mix = Mix(state: 11)
        // Bytes drawn mostly from the special ones, their neighbours (0x21, 0x23, 0x2B, 0x2D,
        // 0x09, 0x0B…) and the high ranges, where a carry or a borrow could leak into the next byte.
        let pool: [UInt8] = [
            0x22, 0x2C, 0x0D, 0x0A, 0x21, 0x23, 0x2B, 0x2D, 0x09, 0x0B, 0x0C, 0x0E, 0x00, 0x01, 0x41, 0x7F, 0x80, 0xA2, 0xAC,
            0xBF, 0xC3, 0xE2, 0xFF,
        ]
        for _ in 0..<20_000 {
            let r = mix.next()
            var bytes: [UInt8] = []
            for k in 0..<8 {
                let pick = Int((r >> UInt64(8 * k)) & 0xFF)
                bytes.append(pick < 160 ? pool[pick % pool.count] : UInt8(truncatingIfNeeded: mix.next()))
            }
            let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            var specials: UInt64 = 0
            var continuation = 0
            for (k, b) in bytes.enumerated() {
                if [0x22, 0x2C, 0x0D, 0x0A].contains(b) { specials |= 0x80 << UInt64(8 * k) }
                if b & 0xC0 == 0x80 { continuation += 1 }
            }
            #expect(CSVReader.specialBytes(word) == specials, "\(bytes)")
            #expect(CSVReader.continuationBytes(word) == continuation, "\(bytes)")
        }
    }

    @Test("random records parse to their fields, with the line and column of each (scalars counted)")
    func randomRecords() {
        var mix = Mix(state: 2026)
        // Pieces of field text: ASCII runs of many lengths (8-byte words and their remainders),
        // two-, three- and four-byte UTF-8 scalars, a combining mark.
        let pieces = [
            "a", "R0", "p0_12", "489.9691530016909", "synthetic: minsim generate seed=2026", "é", "中文", "🔋", "e\u{301}", " ",
            "x.y-z",
        ]
        for round in 0..<200 {
            var text = ""
            var expected: [[(text: String, line: Int, column: Int)]] = []
            let lines = 1 + Int(mix.next() % 6)
            for line in 1...lines {
                var column = 1
                var record: [(String, Int, Int)] = []
                let count = 1 + Int(mix.next() % 6)
                for k in 0..<count {
                    var field = ""
                    for _ in 0..<Int(mix.next() % 9) { field += pieces[Int(mix.next() % UInt64(pieces.count))] }
                    if k == 0 && field.isEmpty { field = "v" }  // (a blank first field alone is a blank line)
                    record.append((field, line, column))
                    text += field
                    column += field.unicodeScalars.count
                    if k < count - 1 {
                        text += ","
                        column += 1
                    }
                }
                text += mix.next() % 2 == 0 ? "\n" : "\r\n"
                expected.append(record)
            }
            let (records, diagnostics) = CSVReader.parse(text, path: "t.csv")
            #expect(diagnostics.isEmpty, "round \(round)")
            #expect(records.count == expected.count, "round \(round)")
            for (record, want) in zip(records, expected) {
                #expect(record.fields.map(\.text) == want.map(\.text), "round \(round)")
                #expect(record.fields.map(\.line) == want.map(\.line), "round \(round)")
                #expect(record.fields.map(\.column) == want.map(\.column), "round \(round)")
            }
        }
    }

    @Test("a quote inside a long unquoted field is reported at its column")
    func quoteInLongField() {
        // The quote is the 21st character, after multi-byte scalars that fill whole words.
        let text = "a,b\nR0,é中文🔋abcdefghijklm\"nop\n"
        let (records, diagnostics) = CSVReader.parse(text, path: "t.csv")
        #expect(records.count == 1)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.location == SourceLocation(path: "t.csv", line: 2, column: 21))
    }

    @Test("a base row of final demand, capacities or tariffs is the row the resolved table came from")
    func baseRows() throws {
        // CSV tables and an inline one (capacities).
        let loaded = ScenarioLoader.load(path: TestSupport.fixture("valid/two-by-two-csv.yaml"))
        let s = try #require(loaded.scenario, "\(loaded.diagnostics)")
        let p = s.provenance
        for (i, row) in s.finalDemand.enumerated() {
            let rows = p.rows(setting: .finalDemand(row.node), in: nil)
            #expect(rows.map(\.table) == ["final_demand"])
            #expect(rows.first?.location == p.origin(.finalDemand, row: i)?.location)
        }
        for (i, row) in s.capacities.enumerated() {
            let rows = p.rows(setting: .capacity(row.node), in: s.baseYear)
            #expect(rows.map(\.table) == ["capacities"])
            #expect(rows.first?.location == p.origin(.capacities, row: i)?.location)
        }
        for (i, row) in s.tariffs.enumerated() {
            let rows = p.rows(setting: .tariff(row.route), in: s.baseYear + 1)
            #expect(rows.map(\.table) == ["tariffs"])
            #expect(rows.first?.location == p.origin(.tariffs, row: i)?.location)
        }
        #expect(!s.finalDemand.isEmpty && !s.capacities.isEmpty && !s.tariffs.isEmpty)
    }
}
