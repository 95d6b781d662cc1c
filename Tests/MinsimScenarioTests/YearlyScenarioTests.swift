import Foundation
import MinsimEngine
import Testing

@testable import MinsimScenario

/// The yearly format: `extends`, paths, projects, factors, and the multi-year outputs.
@Suite("Yearly scenarios: extends, paths and multi-year outputs")
struct YearlyScenarioTests {
    static let years = TestSupport.fixture("valid/years.yaml")

    @Test("extends: child keys replace the parent's, path tables replace by name, grandchildren chain")
    func extendsMergeOrder() throws {
        let loaded = ScenarioLoader.load(path: TestSupport.fixture("valid/years-grandchild.yaml"))
        let s = try #require(loaded.scenario, "\(loaded.diagnostics)")
        #expect(loaded.diagnostics.isEmpty)
        #expect(s.name == "years-grandchild")  // grandchild
        #expect(s.years.horizon == 2027)  // child
        #expect(s.years.priceCeilingMultiple == 5)  // parent
        let car = ProductIndex(2), ore = ProductIndex(0), a = RegionIndex(0)
        // demand_index from the child (2 in 2026), capacities path from the parent.
        let demand = try #require(s.timeline.demand.defaultIndices[car])
        #expect(demand.value(in: 2026) == 2)
        #expect(s.timeline.capacity.paths[Node(a, ore)]?.value(in: 2030) == 48)
        // Each value keeps the file it was written in.
        // (Locations are in the provenance, one origin per row in row order.)
        let pathOrigins = s.provenance.origins(.paths)
        #expect(pathOrigins.count == s.years.pathRows.count)
        let childRows = zip(s.years.pathRows, pathOrigins).filter { $0.0.table == "demand_index" }.map(\.1)
        #expect(!childRows.isEmpty && childRows.allSatisfy { $0.location.path.hasSuffix("years-child.yaml") })
        #expect(childRows.first?.location.line == 8)
        let capacityRows = zip(s.years.pathRows, pathOrigins).filter { $0.0.table == "capacities" }.map(\.1)
        #expect(!capacityRows.isEmpty && capacityRows.allSatisfy { $0.location.path.hasSuffix("/years.yaml") })
        #expect(s.provenance.origin(.basePrices, row: 0)?.location.path.hasSuffix("/years.yaml") == true)
        // Parents are inputs of the run: listed and hashed.
        #expect(s.referencedFiles.contains { $0.hasSuffix("years-child.yaml") })
        #expect(s.referencedFiles.contains { $0.hasSuffix("/years.yaml") })
        #expect(s.fileDigests.count == s.referencedFiles.count + 1)
        // resolved/ shows the merged result.
        let tables = Dictionary(uniqueKeysWithValues: OutputTables.resolved(s).map { ($0.name, $0.text) })
        let paths = try #require(tables["paths.csv"])
        #expect(paths.contains("demand_index,,car,,,2026,2.0,"))
        #expect(!paths.contains("demand_index,,car,,,2030"))
        #expect(paths.contains("capacities,A,ore,,,2030,48.0,"))
        #expect(tables["settings.csv"]?.contains("horizon,2027,") == true)
    }

    @Test("year inputs: interpolated paths, index × base, projects from their online year, factors")
    func yearInputs() throws {
        let s = try #require(ScenarioLoader.load(path: Self.years).scenario)
        let a = RegionIndex(0), b = RegionIndex(1)
        let ore = ProductIndex(0), metal = ProductIndex(1), car = ProductIndex(2)
        let inputs = s.yearInputs()
        #expect(inputs.map(\.year) == Array(2024...2030))
        let y2027 = s.yearInput(2027)
        // Car demand index 1 → 1.5 over 2024–2030: 1.25 in 2027.
        #expect(TestSupport.isClose(y2027.conditions.finalDemand[a, car], 1250, relative: 1e-15))
        #expect(y2027.conditions.finalDemand[a, metal] == 20)  // no path: base value
        // Recipe index 1 → 0.95: metal uses 1.1 × 0.975 ore in 2027.
        let recipe = y2027.network.recipe(for: Node(a, metal))
        #expect(recipe.count == 1 && TestSupport.isClose(recipe[0].quantityPerUnit, 1.1 * 0.975, relative: 1e-15))
        // Tariff path flat after its last point.
        #expect(s.yearInput(2030).conditions.tariffs[Route(metal, from: b, to: a)] == 0.1)
        // Capacity: path 44 → 48; project +10 from 2026; factor 0.9 from 2028.
        #expect(s.yearInput(2025).conditions.capacities[b, metal] == 60)
        #expect(s.yearInput(2026).conditions.capacities[b, metal] == 70)
        #expect(s.yearInput(2028).conditions.capacities[b, metal] == 63)
        #expect(TestSupport.isClose(y2027.conditions.capacities[a, ore] ?? .nan, 46, relative: 1e-15))
        #expect(s.yearInput(2024).conditions.capacities[b, ore] == nil)
    }

    @Test("stocks.csv: stock(t) = stock(t−1) + inflow − retirements, exactly as written")
    func stockIdentity() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let report = try ScenarioRunner.run(path: Self.years, outputDirectory: out.path, runtime: TestSupport.runtime)
        #expect(report.warnings.isEmpty, "\(report.warnings)")
        let (header, rows) = try TestSupport.readCSV(out.appendingPathComponent("stocks.csv"))
        #expect(header == OutputTables.stockColumns + ["recovered_x_t"])
        #expect(rows.count == 2 * 7)
        var previous: [String: Double] = [:]
        for row in rows {
            let region = row[2]
            let inflow = try #require(Double(row[3])), stock = try #require(Double(row[4]))
            let retirements = try #require(Double(row[5]))
            if let before = previous[region] {
                #expect((before + inflow) - retirements == stock, "\(row[1]) \(region)")
            }
            previous[region] = stock
            #expect(try #require(Double(row[6])) >= 0)
        }
        // Minerals: one row per year, region and mineral; the fixture's scarcity shows as rents.
        let minerals = try TestSupport.readTable(out.appendingPathComponent("minerals.csv"))
        #expect(minerals.count == 7 * 2)
        #expect(minerals.allSatisfy { $0["mineral"] == "x" && Double($0["clean_tech_demand"] ?? "") ?? -1 > 0 })
        let nodes = try TestSupport.readTable(out.appendingPathComponent("nodes.csv"))
        #expect(nodes.contains { (Double($0["scarcity_rent"] ?? "") ?? 0) > 0 })
        // Secondary supply appears the year after the first retirements.
        #expect(minerals.filter { $0["year"] == "2025" }.contains { (Double($0["secondary_supply"] ?? "") ?? 0) > 0 })
    }

    @Test("a multi-year run with a fleet gives byte-identical files; manifests differ only in wall times")
    func determinism() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("a"), b = folder.appendingPathComponent("b")
        let options = ScenarioRunner.Options(writeCohorts: true)
        let ra = try ScenarioRunner.run(path: Self.years, outputDirectory: a.path, runtime: TestSupport.runtime, options: options)
        _ = try ScenarioRunner.run(path: Self.years, outputDirectory: b.path, runtime: TestSupport.runtime, options: options)
        #expect(ra.files.contains("stocks_by_cohort.csv"))
        for file in ra.files where file != "manifest.json" {
            let x = try Data(contentsOf: a.appendingPathComponent(file)), y = try Data(contentsOf: b.appendingPathComponent(file))
            #expect(x == y, "\(file) differs between runs")
        }
        func withoutWallTime(_ url: URL) throws -> String {
            try String(contentsOf: url.appendingPathComponent("manifest.json"), encoding: .utf8)
                .split(separator: "\n").filter { !$0.contains("wall_time_seconds") }.joined(separator: "\n")
        }
        #expect(try withoutWallTime(a) == withoutWallTime(b))
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: a.appendingPathComponent("manifest.json"))) as? [String: Any])
        let years = try #require(manifest["years"] as? [[String: Any]])
        #expect(years.count == 7)
        let certificate = try #require(years.first?["certificate"] as? [String: Any])
        #expect(
            Set(certificate.keys) == [
                "certified", "tolerance", "capacity_violation", "quota_violation", "capacity_complementarity",
                "quota_complementarity", "complementarity_residual", "unmet_below_choke", "served_above_choke", "iterations",
            ])
        #expect(years.allSatisfy { ($0["certificate"] as? [String: Any])?["certified"] as? Bool == true })
    }

    @Test("progress is reported once per year, in order")
    func progress() throws {
        let s = try #require(ScenarioLoader.load(path: Self.years).scenario)
        var seen: [Int] = []
        _ = try ScenarioRunner.simulate(s) { done, total in
            #expect(total == 7)
            seen.append(done)
        }
        #expect(seen == Array(1...7))
    }

    @Test("minerals without a fleet give indicators (no recycling)")
    func mineralsWithoutFleet() throws {
        let text = """
            extends: two-by-two.yaml
            minerals:
              - {name: m, ore: ore, refined: metal, collection_rate: 0.5, recovery_efficiency: 0.9}
            """
        let loaded = ScenarioLoader.load(data: Data(text.utf8), path: TestSupport.fixture("valid/inline-minerals.yaml"))
        #expect(loaded.isValid && loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
        let scenario = try #require(loaded.scenario)
        #expect(scenario.years.minerals.map(\.name) == ["m"])
        let years = try ScenarioRunner.simulate(scenario)
        // One indicator row per region and mineral each year, and no recycled feed without a fleet.
        #expect(years.allSatisfy { $0.simulated.minerals.count == scenario.network.regions.count })
        #expect(years.allSatisfy { $0.simulated.minerals.allSatisfy { $0.secondarySupply == 0 } })
    }

    @Test("chemistry mix: Σ share × intensity sets the cells recipe, region rows override the default, and beat recipe_index")
    func chemistryMix() throws {
        let loaded = ScenarioLoader.load(path: TestSupport.fixture("valid/years-chemistry.yaml"))
        let s = try #require(loaded.scenario, "\(loaded.diagnostics)")
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
        let a = RegionIndex(0), b = RegionIndex(1)
        let ni = ProductIndex(0), li = ProductIndex(1), gr = ProductIndex(2), cells = ProductIndex(3)
        // Intensities of the fixture: lfp 0.12 li; nmc 0.7 ni + 0.1 li.
        func mixed(lfp: Double) -> [ProductIndex: Double] {
            let nmc = 1 - lfp
            return [ni: nmc * 0.7, li: lfp * 0.12 + nmc * 0.1]
        }
        func recipe(_ r: RegionIndex, _ t: Int) -> [ProductIndex: Double] {
            Dictionary(
                uniqueKeysWithValues: s.yearInput(t).network.recipe(for: Node(r, cells)).map { ($0.input, $0.quantityPerUnit) })
        }
        // Hand-interpolated shares in 2027. The loader interpolates the same points in a
        // different order of operations, so results agree to a few ulps; 1e-12 relative
        // leaves ample room for that and none for a wrong share or intensity (≥ 1e-3 off).
        let defaultLFP = 0.2 + (0.6 - 0.2) * Double(2027 - 2024) / Double(2030 - 2024)  // 0.4
        let ownLFP = 0.5 + (0.7 - 0.5) * Double(2027 - 2024) / Double(2028 - 2024)  // 0.65, B's own rows
        let y2027A = recipe(a, 2027), y2027B = recipe(b, 2027)
        for (q, expected) in mixed(lfp: defaultLFP) {
            #expect(TestSupport.isClose(y2027A[q] ?? .nan, expected, relative: 1e-12), "A \(q)")
        }
        for (q, expected) in mixed(lfp: ownLFP) {
            #expect(TestSupport.isClose(y2027B[q] ?? .nan, expected, relative: 1e-12), "B \(q)")
        }
        // The recipe_index on ni (1 → 2) is not applied: the mix sets ni. Graphite is not a
        // chemistry input and keeps its index (1 → 1.3: 1.15 in 2027).
        #expect(TestSupport.isClose(y2027A[ni] ?? .nan, 0.6 * 0.7, relative: 1e-12))
        #expect(TestSupport.isClose(y2027A[gr] ?? .nan, 1.15, relative: 1e-12))
        #expect(y2027A.count == 3)
        // Held flat after the last year (B's mix ends in 2028).
        #expect(TestSupport.isClose(recipe(b, 2030)[ni] ?? .nan, 0.3 * 0.7, relative: 1e-12))
        // resolved/: the chemistries table, and the mix with the other paths.
        let tables = Dictionary(uniqueKeysWithValues: OutputTables.resolved(s).map { ($0.name, $0.text) })
        let chemistries = try #require(tables["chemistries.csv"])
        #expect(chemistries.hasPrefix("chemistry,product,input,quantity_per_unit,source\n"))
        #expect(chemistries.contains("nmc,cells,ni,0.7,"))
        let paths = try #require(tables["paths.csv"])
        #expect(paths.contains("chemistry_mix,B,cells,,,2028,0.7,,lfp\n"))
        #expect(paths.contains("chemistry_mix,,cells,,,2024,0.2,assumption: test path,lfp\n"))
        // And the years solve.
        let years = try ScenarioRunner.simulate(s)
        #expect(years.count == 7)
    }
}
