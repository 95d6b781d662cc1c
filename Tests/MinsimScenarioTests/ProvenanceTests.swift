import Foundation
import MinsimEngine
import Testing

@testable import MinsimScenario

@Suite("Sources and locations live in the provenance, and diagnostics point at the rows")
struct ProvenanceTests {
    /// Every resolved table has exactly one origin per row: `resolved/` zips them, so a missing
    /// origin would silently drop rows from the written table.
    @Test("one origin per row of every resolved table, for every shipped scenario")
    func oneOriginPerRow() throws {
        let folder = TestSupport.repositoryRoot.appendingPathComponent("Scenarios")
        let scenarios = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(scenarios.count >= 10)
        for name in scenarios {
            let loaded = ScenarioLoader.load(path: folder.appendingPathComponent(name).path)
            let s = try #require(loaded.scenario, "\(name): \(loaded.diagnostics)")
            let p = s.provenance
            let counts: [(Provenance.ResolvedTable, Int)] = [
                (.regions, s.network.regions.count), (.products, s.network.products.count),
                (.recipes, s.recipes.count), (.finalDemand, s.finalDemand.count), (.basePrices, s.basePrices.count),
                (.capacities, s.capacities.count), (.baseTrade, s.baseTrade.count),
                (.openedRoutes, s.openedRoutes.count), (.tariffs, s.tariffs.count), (.newNodes, s.newNodes.count),
                (.paths, s.years.pathRows.count), (.chemistries, s.years.chemistries.count),
                (.projects, s.years.projects.count), (.initialStock, s.years.initialStock.count),
                (.minerals, s.years.minerals.count),
            ]
            for (table, rows) in counts {
                #expect(p.origins(table).count == rows, "\(name): \(table)")
                // Every shipped row that holds a number names its source (the data rule of the
                // project); regions are names only.
                guard table != .regions else { continue }
                #expect(p.origins(table).allSatisfy { !$0.source.isEmpty }, "\(name): \(table) has a row without a source")
            }
            #expect(Set(Provenance.ResolvedTable.allCases) == Set(counts.map(\.0)))
            #expect((p.origin(of: .fleet) != nil) == (s.years.fleet != nil), "\(name)")
            #expect((p.origin(of: .expansion) != nil) == (s.years.expansion != nil), "\(name)")
        }
    }

    /// In valid/years.yaml the fleet's lifetime is the flow map at line 67, column 13
    /// (`  lifetime: {`), initial stock A 2022 is the row at line 70 and the mineral chain of
    /// `metal` the row at line 73 (list items start at column 5 in top-level tables and 7 in
    /// nested ones).
    @Test("fleet and recycling issues are reported at the lifetime, cohort and minerals rows")
    func fleetAndRecyclingRows() throws {
        let (scenario, inputs) = try InputDiagnosticsTests.years()
        let (a, metal) = (RegionIndex(0), ProductIndex(1))
        func row(_ line: Int, column: Int) -> MinsimScenario.SourceLocation {
            .init(path: scenario.path, line: line, column: column)
        }
        let fleet = try #require(scenario.years.settings.fleet)
        var stock = fleet.initialStock
        stock[a]?[2022] = -1
        var settings = scenario.years.settings
        settings.fleet = FleetSettings(
            vehicle: fleet.vehicle, lifetime: .normal(mean: 8, standardDeviation: -2), initialStock: stock,
            minerals: fleet.minerals)
        let fleetFound = scenario.inputDiagnostics(inputs, settings: settings)
        #expect(fleetFound.map(\.location) == [row(67, column: 13), row(70, column: 7)], "\(fleetFound)")
        #expect(fleetFound.allSatisfy { $0.message.hasPrefix("fleet stock model: ") && !$0.message.contains("no single row") })

        var bad = inputs
        var secondary = scenario.network.nodeTable(repeating: 0.0)
        secondary[a, metal] = -1
        bad[2].conditions.secondarySupply = secondary
        let recycling = scenario.inputDiagnostics(bad, settings: scenario.years.settings)
        #expect(recycling.map(\.location) == [row(73, column: 5)], "\(recycling)")
        #expect(recycling.first?.message.hasPrefix("in 2026: ") == true)
    }

    /// In valid/years-chemistry.yaml the default mix (lines 45–48: lfp and nmc at 2024 and 2030)
    /// and B's own mix (lines 49–52, at 2024 and 2028) set the cells recipe's inputs of their
    /// chemistries: li through both chemistries, ni through nmc only. A recipe issue of A's li in
    /// 2027 is at the four default rows around 2027; of A's ni at the nmc rows only — the mix
    /// replaces the recipe index of ni (lines 54–55); of B's ni in 2027 at B's own nmc rows
    /// (lines 50 and 52), which replace the default rows for B; in 2028 at its point of 2028.
    /// (The loader already rejects a mix that brings in an input no route serves, at the mix
    /// row; this keeps the year-input diagnostics at the rows too.)
    @Test("chemistry_mix rows are recorded as setting the recipe inputs of their chemistries")
    func chemistryMixRows() throws {
        let loaded = ScenarioLoader.load(path: TestSupport.fixture("valid/years-chemistry.yaml"))
        let s = try #require(loaded.scenario, "\(loaded.diagnostics)")
        let (a, b, ni, li, cells) = (RegionIndex(0), RegionIndex(1), ProductIndex(0), ProductIndex(1), ProductIndex(3))
        func lines(_ rows: [Provenance.Row]) -> [Int] { rows.map(\.location.line) }
        #expect(lines(s.provenance.rows(setting: .recipeInput(Node(a, cells), li), in: 2027)) == [45, 46, 47, 48])
        #expect(lines(s.provenance.rows(setting: .recipeInput(Node(a, cells), ni), in: 2027)) == [46, 48])
        #expect(lines(s.provenance.rows(setting: .recipeInput(Node(b, cells), ni), in: 2027)) == [50, 52])
        #expect(lines(s.provenance.rows(setting: .recipeInput(Node(b, cells), ni), in: 2028)) == [52])
        // Without a mix, the recipe index of gr is what sets A's gr (lines 56–57).
        #expect(lines(s.provenance.rows(setting: .recipeInput(Node(a, cells), ProductIndex(2)), in: 2027)) == [56, 57])
        #expect(
            s.provenance.rows(setting: .recipeInput(Node(b, cells), ni), in: 2028).allSatisfy {
                $0.table == "paths.chemistry_mix"
            })
    }
}
