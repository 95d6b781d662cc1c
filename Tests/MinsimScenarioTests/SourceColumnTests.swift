import Foundation
import MinsimEngine
import Testing

@testable import MinsimScenario

/// `SourceColumn` (the `source` column of the large `resolved/` tables, by text number) writes
/// the same bytes as appending each row's `source` text, which `resolved/` did before.
@Suite("resolved/: the source column by text number")
struct SourceColumnTests {
    /// The column written both ways into one-column tables: the rows' texts (`sources(_:)`)
    /// appended as strings, and `SourceColumn`'s fields.
    static func bothWays(_ p: Provenance, _ table: Provenance.ResolvedTable) -> (texts: String, fields: String, rows: Int) {
        let texts = p.sources(table)
        var column = SourceColumn(p, table)
        var a = CSVWriter(columns: ["source"]), b = CSVWriter(columns: ["source"])
        for (i, text) in texts.enumerated() {
            a.append(text)
            a.endRow()
            b.append(column.field(row: i))
            b.endRow()
        }
        return (a.text, b.text, column.count)
    }

    @Test("every resolved table of every shipped scenario")
    func shippedScenarios() throws {
        let scenarios = try TestSupport.shippedScenarios()
        #expect(scenarios.count >= 10)
        for (name, s) in scenarios {
            for table in Provenance.ResolvedTable.allCases {
                let (texts, fields, rows) = Self.bothWays(s.provenance, table)
                #expect(texts == fields, "\(name): \(table)")
                #expect(rows == s.provenance.sources(table).count, "\(name): \(table)")
            }
        }
    }

    @Test("texts that need quotes, short and long, repeated and alternating")
    func escapedTexts() {
        var p = Provenance()
        let texts = [
            "IEA (2024), Global EV Outlook, table 3", "short", "a \"quoted\" word", "two\nlines", "",
            "USGS, Mineral Commodity Summaries 2024, p. 123 — nickel, world mine production",
            "comma,16 bytes..", "comma,17 bytes...",
        ]
        // Runs of the same text, alternation, and each text again after the others.
        let order = [0, 0, 0, 1, 0, 1, 2, 3, 3, 4, 5, 5, 6, 7, 7, 6, 2, 1, 0, 5]
        let at = SourceLocation(path: "data/base_trade.csv", line: 2, column: 1)
        p.record(.baseTrade, origins: order.map { Provenance.Origin(source: texts[$0], location: at) })
        let (written, fields, rows) = Self.bothWays(p, .baseTrade)
        #expect(fields == written)
        #expect(rows == order.count)
        #expect(written.hasPrefix("source\n\"IEA (2024), Global EV Outlook, table 3\"\n"))
        // A table without origins has no rows.
        #expect(SourceColumn(p, .tariffs).count == 0)
    }
}
