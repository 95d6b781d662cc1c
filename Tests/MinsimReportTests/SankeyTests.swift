import Foundation
import Testing

@testable import MinsimReport

@Suite("Sankey diagrams of contained mineral")
struct SankeyTests {
    static func diagram(_ path: String, year: Int, mineral: String = "x") throws -> SankeyDiagram {
        let result = try ResultFolder.read(path)
        let chain = try #require(result.chains.first { $0.name == mineral })
        guard case .drawn(let d) = SankeyDiagram.mineral(chain, year: year, in: result) else {
            Issue.record("no diagram for \(mineral) in \(year)")
            throw CancellationError()
        }
        return d
    }

    static func link(_ d: SankeyDiagram, _ from: String, _ to: String) -> Double? {
        guard let s = d.nodes.firstIndex(where: { $0.id == from }), let t = d.nodes.firstIndex(where: { $0.id == to }) else {
            return nil
        }
        return d.links.first { $0.source == s && $0.target == t }?.value
    }

    /// Every link of the hand-derived folder (ReportTestSupport.handFolder), worked out on
    /// paper: refined metal splits at the importer between car plants (b·x = 0.05 · 1000 = 50
    /// of A's 70 t) and other uses (20 of 70); the refinery's feed exceeds its output by the
    /// recipe's 10 %, which leaves as processing losses. Tolerance 1e-14 relative: each value
    /// is one or two floating-point operations from the hand-derived number.
    @Test("hand-derived folder: every link as worked out on paper")
    func handDerived() throws {
        let folder = try ReportTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let d = try Self.diagram(ReportTestSupport.handFolder(into: folder), year: 2024)
        let expected: [(String, String, Double)] = [
            ("stage:ore:A", "stage:metal:A", 38),
            ("stage:ore:B", "stage:metal:A", 15),
            ("stage:ore:B", "stage:metal:B", 49.5),
            ("recycling:A", "stage:metal:A", 2),
            ("stage:metal:A", "losses", 5),
            ("stage:metal:B", "losses", 4.5),
            ("stage:metal:A", "stage:car:A", 50.0 * 50 / 70),
            ("stage:metal:A", "final:metal", 50.0 * 20 / 70),
            ("stage:metal:B", "stage:car:A", 20.0 * 50 / 70),
            ("stage:metal:B", "final:metal", 20.0 * 20 / 70),
            ("stage:metal:B", "stage:car:B", 25),
            ("stage:car:A", "final:car:A", 50),
            ("stage:car:B", "final:car:B", 25),
        ]
        for (from, to, value) in expected {
            let actual = try #require(Self.link(d, from, to), "missing link \(from) → \(to)")
            #expect(ReportTestSupport.isClose(actual, value, relative: 1e-14), "\(from) → \(to): \(actual) vs \(value)")
        }
        #expect(d.links.count == expected.count, "\(d.links.map { "\(d.nodes[$0.source].id)→\(d.nodes[$0.target].id)" })")
        #expect(d.unmet.count == 1 && d.unmet.first?.region == "A" && d.unmet.first?.value == 0.5)
        #expect(d.columns == ["Mines (ore)", "Refineries (metal)", "Vehicle plants (car)", "Buyers (final demand)"])
    }

    /// On real runs: stage nodes balance, sources equal what the CSVs say was mined and
    /// recycled, and sources equal sinks. Tolerances: 1e-12 relative for balances the diagram
    /// builds from one set of numbers (a few roundings of sums of ~10 terms); 1e-9 where it
    /// meets an independent CSV column (nodes.csv production vs the sum of flows.csv), the
    /// engine's mass-balance tolerance (manifest `mass_balance_tolerance`).
    @Test("years fixture, every year: nodes balance and totals match the CSVs")
    func conservation() throws {
        let folder = try ReportTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try ReportTestSupport.run("years.yaml", into: folder)
        let result = try ResultFolder.read(path)
        #expect(result.recipeSource == .byYear)
        for year in result.years {
            let d = try Self.diagram(path, year: year)
            #expect(d.largestImbalance <= 1e-12, "\(year): imbalance \(d.largestImbalance)")
            for (i, node) in d.nodes.enumerated() where node.kind == .stage && node.product == "ore" {
                let production = result.nodes.first { $0.year == year && $0.region == node.region && $0.product == "ore" }
                let x = try #require(production).production
                #expect(
                    ReportTestSupport.isClose(d.outflow(i), x, relative: 1e-9),
                    "\(year) mine \(node.region ?? ""): \(d.outflow(i)) vs \(x)")
            }
            for row in result.minerals where row.year == year {
                let recycled = d.nodes.firstIndex { $0.id == "recycling:\(row.region)" }.map { d.outflow($0) } ?? 0
                #expect(recycled == row.secondarySupply, "\(year) \(row.region): recycled \(recycled) vs \(row.secondarySupply)")
                let unmet = d.unmet.first { $0.region == row.region }?.value ?? 0
                #expect(unmet == row.unmetDemand)
            }
            let sources = d.nodes.indices.filter { d.inflow($0) == 0 }.reduce(0.0) { $0 + d.outflow($1) }
            let sinks = d.nodes.indices.filter { d.outflow($0) == 0 }.reduce(0.0) { $0 + d.inflow($1) }
            #expect(ReportTestSupport.isClose(sources, sinks, relative: 1e-12), "\(year): sources \(sources) vs sinks \(sinks)")
            for f in result.flows where f.year == year && f.product == "ore" && f.quantity > 0 {
                #expect(Self.link(d, "stage:ore:\(f.exporter)", "stage:metal:\(f.importer)") == f.quantity)
            }
        }
    }

    @Test("an older folder without recipes_by_year.csv: base recipes when the scenario has no recipe paths, else no diagram")
    func fallback() throws {
        let folder = try ReportTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let plain = try ResultFolder.read(ReportTestSupport.handFolder(into: folder, name: "plain", recipes: false))
        #expect(plain.recipeSource == .baseYearOnly)
        guard case .drawn = SankeyDiagram.mineral(plain.chains[0], year: 2024, in: plain) else {
            Issue.record("base recipes should do without recipe paths")
            return
        }
        let changing = try ResultFolder.read(
            ReportTestSupport.handFolder(into: folder, name: "paths", recipes: false, recipePaths: true))
        #expect(changing.recipes == nil)
        #expect(changing.notes.contains { $0.contains("recipes_by_year.csv") })
        guard case .unavailable(let why) = SankeyDiagram.mineral(changing.chains[0], year: 2024, in: changing) else {
            Issue.record("recipes that change over the years cannot be guessed")
            return
        }
        #expect(why.contains("recipes_by_year.csv"))
    }
}
