import Foundation
import MinsimEngine
import Testing

@testable import MinsimScenario

/// Row-level inheritance (`{merge: …}`), new nodes (`new_nodes`) and the Canada–Korea MOU
/// scenario built from them (docs/scenario-format.md).
@Suite("Merged tables and new nodes")
struct NewNodeScenarioTests {
    static let years = TestSupport.fixture("valid/years.yaml")
    static let scenarios = TestSupport.repositoryRoot.appendingPathComponent("Scenarios")

    /// Rows of a result CSV for one year without the scenario column, leaving out rows for which
    /// `exclude` holds (rows that exist in only one of two runs).
    static func rows(_ out: URL, _ file: String, year: String, excluding exclude: ([String]) -> Bool = { _ in false }) throws
        -> [[String]]
    {
        try TestSupport.readCSV(out.appendingPathComponent(file)).rows
            .filter { $0[1] == year }.map { Array($0.dropFirst()) }.filter { !exclude($0) }
    }

    @Test("{merge: …}: a row with the parent's key replaces it in place, others are added; projects always add")
    func merge() throws {
        let loaded = ScenarioLoader.load(path: TestSupport.fixture("valid/years-merge.yaml"))
        let s = try #require(loaded.scenario, "\(loaded.diagnostics)")
        #expect(loaded.diagnostics.isEmpty)
        let parent = try #require(ScenarioLoader.load(path: Self.years).scenario)
        // base_prices: same six rows in the parent's order; only A/ore changed, and it points
        // at the child's line.
        #expect(s.basePrices.map(\.node) == parent.basePrices.map(\.node))
        let aOreRow = try #require(s.basePrices.firstIndex { $0.node == Node(RegionIndex(0), ProductIndex(0)) })
        #expect(s.basePrices[aOreRow].value == 11)
        let aOre = try #require(s.provenance.origin(.basePrices, row: aOreRow))
        #expect(URL(fileURLWithPath: aOre.location.path).lastPathComponent == "years-merge.yaml")
        #expect(aOre.location.line == 7)
        #expect(zip(s.basePrices, parent.basePrices).dropFirst().allSatisfy { $0.value == $1.value })
        #expect(s.base.prices[RegionIndex(0), ProductIndex(0)] == 11)
        // capacity_projects: the parent's plant and the child's at the same node and year.
        #expect(s.years.projects.map(\.capacity) == [10, 5])
        let capacity: Double? = s.yearInput(2026).conditions.capacities[RegionIndex(1), ProductIndex(1)]
        #expect(capacity == 75, "60 base + 10 + 5 from the two projects")
        // paths.demand_index: 2024 from the parent, 2030 replaced, 2027 added.
        let index = s.years.pathRows.filter { $0.table == "demand_index" }.map { ($0.year, $0.value) }
        #expect(index.map(\.0) == [2024, 2030, 2027])
        #expect(index.map(\.1) == [1, 2, 1.2])
        #expect(s.yearInput(2030).conditions.finalDemand[RegionIndex(0), ProductIndex(2)] == 2000)
    }

    @Test("a new plant in C opening in 2027: 2024–2026 bit-identical to the scenario without it, then it sells within capacity")
    func newPlant() throws {
        let path = TestSupport.fixture("valid/years-new-node.yaml")
        let loaded = ScenarioLoader.load(path: path)
        let s = try #require(loaded.scenario, "\(loaded.diagnostics)")
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
        let tables = Dictionary(uniqueKeysWithValues: OutputTables.resolved(s).map { ($0.name, $0.text) })
        #expect(
            tables["new_nodes.csv"]
                == "region,product,price,reference_capacity,source\nC,metal,31.0,10.0,assumption: test plant\n")

        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let x = folder.appendingPathComponent("base"), y = folder.appendingPathComponent("plant")
        _ = try ScenarioRunner.run(path: Self.years, outputDirectory: x.path, runtime: TestSupport.runtime)
        let report = try ScenarioRunner.run(path: path, outputDirectory: y.path, runtime: TestSupport.runtime)
        #expect(report.warnings.isEmpty, "\(report.warnings)")
        // Rows that mention region C exist only with the plant; everything else must be the same
        // bits before it opens (compared as shortest round-trip text, so == is bit equality).
        let mentionsC: ([String]) -> Bool = { $0.contains("C") }
        for file in ["nodes.csv", "flows.csv", "stocks.csv", "minerals.csv"] {
            for year in ["2024", "2025", "2026"] {
                let before = try Self.rows(x, file, year: year, excluding: mentionsC)
                #expect(!before.isEmpty)
                #expect(before == (try Self.rows(y, file, year: year, excluding: mentionsC)), "\(file) \(year)")
            }
        }
        let nodes = try TestSupport.readTable(y.appendingPathComponent("nodes.csv"))
        func value(_ year: String, _ column: String) -> Double {
            Double(nodes.first { $0["year"] == year && $0["region"] == "C" && $0["product"] == "metal" }?[column] ?? "") ?? .nan
        }
        for year in ["2024", "2025", "2026"] { #expect(value(year, "production") == 0, "\(year)") }
        #expect(value("2027", "capacity") == 10)
        for year in ["2027", "2028", "2029", "2030"] {
            // Capacity 10 plus endogenous expansion; 1e-8 relative is the clearing's tolerance.
            let x = value(year, "production")
            #expect(x > 0 && x <= value(year, "capacity") * (1 + 1e-8), "\(year): \(x)")
        }
    }

    @Test("a capacity project on a node that supplies nothing is a warning at the project's row")
    func deadProjectWarning() {
        let loaded = ScenarioLoader.load(path: TestSupport.fixture("broken/years-new-node-no-route.yaml"))
        let warning = loaded.diagnostics.first { $0.severity == .warning }
        #expect(warning?.line == 13)
        #expect(warning?.message.contains("capacity project for C/metal has no effect") == true)
    }

    /// The MOU acts from 2027 (preferences) and 2029 (plants), so 2024–2026 must be the STEPS
    /// years bit for bit (rows of the new CA/ev node and its routes aside); after that the
    /// Korean plants produce in Canada and Korea buys more Canadian refined nickel.
    @Test(
        "canada-korea-mou-2026 vs iea-steps: identical to 2026, then Canadian EVs, more cell capacity and more Canadian nickel to Korea",
        .enabled(if: FileManager.default.fileExists(atPath: scenarios.appendingPathComponent("canada-korea-mou-2026.yaml").path)))
    func mou() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let x = folder.appendingPathComponent("steps"), y = folder.appendingPathComponent("mou")
        _ = try ScenarioRunner.run(
            path: Self.scenarios.appendingPathComponent("iea-steps.yaml").path, outputDirectory: x.path,
            runtime: TestSupport.runtime)
        _ = try ScenarioRunner.run(
            path: Self.scenarios.appendingPathComponent("canada-korea-mou-2026.yaml").path, outputDirectory: y.path,
            runtime: TestSupport.runtime)
        // nodes: [year, region, product, …]; flows: [year, product, unit, exporter, importer, …].
        let newOnly: ([String]) -> Bool = { r in (r[1] == "CA" && r[2] == "ev") || (r[1] == "ev" && r[3] == "CA") }
        for file in ["nodes.csv", "flows.csv", "stocks.csv", "minerals.csv"] {
            for year in ["2024", "2025", "2026"] {
                #expect(
                    try Self.rows(x, file, year: year, excluding: newOnly)
                        == (try Self.rows(y, file, year: year, excluding: newOnly)),
                    "\(file) \(year)")
            }
        }
        let stepsNodes = try TestSupport.readTable(x.appendingPathComponent("nodes.csv"))
        let mouNodes = try TestSupport.readTable(y.appendingPathComponent("nodes.csv"))
        func value(_ rows: [[String: String]], _ year: Int, _ region: String, _ product: String, _ column: String) -> Double {
            Double(rows.first { $0["year"] == "\(year)" && $0["region"] == region && $0["product"] == product }?[column] ?? "")
                ?? .nan
        }
        for year in 2029...2040 {
            let ev = value(mouNodes, year, "CA", "ev", "production")
            #expect(ev > 0 && ev <= value(mouNodes, year, "CA", "ev", "capacity") * (1 + 1e-8), "\(year): \(ev)")
            // The MOU's cell capacity for the EV plant (mou_capacity_projects.csv: 8.489361702 GWh)
            // comes on top of STEPS' (endogenous expansion can only add to it). Output itself is
            // not compared: Canadian cells are input-limited (cobalt) in both runs.
            let added = value(mouNodes, year, "CA", "cells", "capacity") - value(stepsNodes, year, "CA", "cells", "capacity")
            #expect(added >= 8.489361702 * (1 - 1e-12), "\(year): \(added)")
        }
        let stepsFlows = try TestSupport.readTable(x.appendingPathComponent("flows.csv"))
        let mouFlows = try TestSupport.readTable(y.appendingPathComponent("flows.csv"))
        func nickelToKorea(_ rows: [[String: String]], _ year: Int) -> Double {
            Double(
                rows.first {
                    $0["year"] == "\(year)" && $0["product"] == "ni_refined" && $0["exporter"] == "CA" && $0["importer"] == "KR"
                }?["quantity"] ?? "") ?? .nan
        }
        for year in 2027...2040 {
            #expect(nickelToKorea(mouFlows, year) > nickelToKorea(stepsFlows, year), "\(year)")
        }
    }
}
