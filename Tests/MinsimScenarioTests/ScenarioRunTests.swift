import Foundation
import MinsimEngine
import Testing

@testable import MinsimScenario

@Suite("A valid 2 × 2 scenario runs end to end through the library")
struct ScenarioRunTests {
    static let scenario = TestSupport.fixture("valid/two-by-two.yaml")

    @Test("inline tables and CSV tables resolve to the same scenario")
    func inlineAndCSVAgree() throws {
        let inline = ScenarioLoader.load(path: Self.scenario)
        let csv = ScenarioLoader.load(path: TestSupport.fixture("valid/two-by-two-csv.yaml"))
        let a = try #require(inline.scenario, "\(inline.diagnostics)")
        let b = try #require(csv.scenario, "\(csv.diagnostics)")
        #expect(inline.diagnostics.isEmpty && csv.diagnostics.isEmpty)
        for (x, y) in zip(OutputTables.resolved(a), OutputTables.resolved(b)) {
            #expect(x.name == y.name)
            #expect(x.text == y.text, "\(x.name) differs")
        }
        #expect(b.referencedFiles.count == 5)
        #expect(b.fileDigests.count == 6)
    }

    @Test("defaults: region recipe rows replace the default; rate defaults to base_rate")
    func defaults() throws {
        let s = try #require(ScenarioLoader.load(path: Self.scenario).scenario)
        let net = s.network
        let ca = RegionIndex(0), kr = RegionIndex(1), ore = ProductIndex(0), metal = ProductIndex(1)
        #expect(net.recipe(for: Node(ca, metal)) == [RecipeInput(ore, 1.1)])
        #expect(net.recipe(for: Node(kr, metal)) == [RecipeInput(ore, 1.2)])
        #expect(net.recipe(for: Node(ca, ore)).isEmpty)
        #expect(s.conditions.tariffs[Route(metal, from: ca, to: kr)] == 0.1)
        #expect(s.base.tariffs[Route(metal, from: ca, to: kr)] == 0.1)
        #expect(s.recipes.count == 2)
        #expect(net.regions[1].name == "Korea, Republic of")
    }

    @Test("output files: headers, row counts, shares, mass balance, base prices")
    func outputs() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let report = try ScenarioRunner.run(path: Self.scenario, outputDirectory: out.path, runtime: TestSupport.runtime)
        // No yearly keys: the base year's data solved every year to the default horizon.
        #expect(report.years.map(\.year) == Array(2024...2040))
        #expect(report.years.allSatisfy { $0.solution.status == .solved && $0.certificate.certified })

        let (nodeHeader, nodeRows) = try TestSupport.readCSV(out.appendingPathComponent("nodes.csv"))
        #expect(nodeHeader == OutputTables.nodeColumns)
        #expect(nodeRows.count == 4 * 17)
        let (flowHeader, flowRows) = try TestSupport.readCSV(out.appendingPathComponent("flows.csv"))
        #expect(flowHeader == OutputTables.flowColumns)
        #expect(flowRows.count == 6 * 17)
        // Nothing changes by year, so every year repeats the base year exactly.
        let allNodes = try TestSupport.readTable(out.appendingPathComponent("nodes.csv"))
        for year in 2025...2040 {
            let rows = allNodes.filter { $0["year"] == String(year) }
            #expect(rows.map { $0["price"] } == allNodes.filter { $0["year"] == "2024" }.map { $0["price"] })
        }

        let nodes = allNodes.filter { $0["year"] == "2024" }
        let flows = try TestSupport.readTable(out.appendingPathComponent("flows.csv")).filter { $0["year"] == "2024" }
        // Shares per market (product, importer) sum to 1.
        var shareSums: [String: Double] = [:]
        for f in flows {
            shareSums["\(f["product"] ?? "")|\(f["importer"] ?? "")", default: 0] += Double(f["share"] ?? "") ?? .nan
        }
        #expect(shareSums.count == 4)
        for (market, sum) in shareSums { #expect(abs(sum - 1) <= 1e-12, "shares of \(market) sum to \(sum)") }
        // Mass balance: production = Σ flows out of the node.
        for n in nodes {
            let production = try #require(Double(n["production"] ?? ""))
            let out = flows.filter { $0["exporter"] == n["region"] && $0["product"] == n["product"] }
                .reduce(0.0) { $0 + (Double($1["quantity"] ?? "") ?? .nan) }
            #expect(
                TestSupport.isClose(production, out, relative: 1e-9),
                "\(n["region"] ?? "")/\(n["product"] ?? ""): \(production) vs \(out)")
        }
        // Base-year prices reproduce the input prices (scenario rates equal base rates).
        let expected = ["CA|ore": 10.0, "KR|ore": 12, "CA|metal": 30, "KR|metal": 35]
        for n in nodes {
            let key = "\(n["region"] ?? "")|\(n["product"] ?? "")"
            let price = try #require(Double(n["price"] ?? ""))
            let p0 = try #require(expected[key])
            #expect(TestSupport.isClose(price, p0, relative: 1e-10), "\(key): \(price) vs \(p0)")
        }
        // Capacity and utilization: given for CA/ore, empty where no capacity.
        let caOre = try #require(nodes.first { $0["region"] == "CA" && $0["product"] == "ore" })
        #expect(caOre["capacity"] == "200.0")
        #expect(
            TestSupport.isClose(
                Double(caOre["utilization"] ?? "") ?? .nan, (Double(caOre["production"] ?? "") ?? .nan) / 200, relative: 1e-12))
        let caMetal = try #require(nodes.first { $0["region"] == "CA" && $0["product"] == "metal" })
        #expect(caMetal["capacity"] == "" && caMetal["utilization"] == "")
        #expect(nodes.allSatisfy { $0["unmet_demand"] == "0.0" && $0["year"] == "2024" && $0["scenario"] == "two-by-two" })
        #expect(nodes.allSatisfy { $0["scarcity_rent"] == "0.0" })
        // Tariff revenue = quantity · producer price · rate on the tariffed route.
        let tariffed = try #require(flows.first { $0["product"] == "metal" && $0["exporter"] == "CA" && $0["importer"] == "KR" })
        let q = Double(tariffed["quantity"] ?? "") ?? .nan
        #expect(TestSupport.isClose(Double(tariffed["tariff_revenue"] ?? "") ?? .nan, q * 30 * 0.1, relative: 1e-12))
        #expect(TestSupport.isClose(Double(tariffed["delivered_price"] ?? "") ?? .nan, 33, relative: 1e-12))

        // Resolved tables and the manifest.
        let resolved = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("resolved").path).sorted()
        #expect(
            resolved == [
                "base_prices.csv", "base_trade.csv", "capacities.csv", "capacity_projects.csv", "chemistries.csv", "demand.csv",
                "demand_shocks.csv", "export_controls.csv", "initial_stock.csv", "mineral_chains.csv", "new_nodes.csv",
                "paths.csv",
                "preferences.csv", "products.csv", "recipes.csv", "regions.csv", "routes.csv", "settings.csv",
                "shocks_tariffs.csv",
                "tariffs.csv",
            ])
        let recipes = try TestSupport.readTable(out.appendingPathComponent("resolved/recipes.csv"))
        #expect(recipes.map { $0["region"] ?? "" } == ["CA", "KR"])
        let tariffs = try TestSupport.readTable(out.appendingPathComponent("resolved/tariffs.csv"))
        #expect(tariffs.first?["rate"] == "0.1")
        let manifestData = try Data(contentsOf: out.appendingPathComponent("manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        #expect((manifest["tool"] as? [String: Any])?["version"] as? String == ToolVersion.tool)
        let years = try #require(manifest["years"] as? [[String: Any]])
        #expect(years.first?["status"] as? String == "solved")
        #expect(
            (manifest["scenario"] as? [String: Any])?["sha256"] as? String
                == SHA256.hex(of: try Data(contentsOf: URL(fileURLWithPath: Self.scenario))))
        #expect(TestSupport.leftovers(in: folder).isEmpty)
    }

    @Test("two runs give byte-identical CSV files; manifests differ only in wall time")
    func determinism() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("a"), b = folder.appendingPathComponent("b")
        _ = try ScenarioRunner.run(
            path: TestSupport.fixture("valid/two-by-two-csv.yaml"), outputDirectory: a.path, runtime: TestSupport.runtime)
        _ = try ScenarioRunner.run(
            path: TestSupport.fixture("valid/two-by-two-csv.yaml"), outputDirectory: b.path, runtime: TestSupport.runtime)
        let files =
            ["nodes.csv", "flows.csv", "stocks.csv", "minerals.csv", "recipes_by_year.csv"]
            + [
                "regions", "products", "recipes", "demand", "base_trade", "base_prices",
                "capacities", "tariffs", "routes", "settings", "paths",
            ].map { "resolved/\($0).csv" }
        for file in files {
            let x = try Data(contentsOf: a.appendingPathComponent(file)), y = try Data(contentsOf: b.appendingPathComponent(file))
            #expect(x == y, "\(file) differs between runs")
            #expect(!x.starts(with: [0xEF, 0xBB, 0xBF]))
            #expect(!x.contains(0x0D), "\(file) contains CR")
        }
        func withoutWallTime(_ url: URL) throws -> String {
            try String(contentsOf: url.appendingPathComponent("manifest.json"), encoding: .utf8)
                .split(separator: "\n").filter { !$0.contains("wall_time_seconds") }.joined(separator: "\n")
        }
        #expect(try withoutWallTime(a) == withoutWallTime(b))
    }
}

@Suite("Output folders appear complete or not at all")
struct AtomicOutputTests {
    @Test(
        "a failing run leaves no output and no temporary folder",
        arguments: [
            ("broken/negative-value-added.yaml", Int32(2)),
            ("runfail/singular.yaml", Int32(1)),
        ])
    func failingRun(_ scenario: String, _ exitCode: Int32) throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        #expect(throws: RunFailure.self) {
            _ = try ScenarioRunner.run(
                path: TestSupport.fixture(scenario), outputDirectory: out.path, runtime: TestSupport.runtime)
        }
        do {
            _ = try ScenarioRunner.run(
                path: TestSupport.fixture(scenario), outputDirectory: out.path, runtime: TestSupport.runtime)
        } catch {
            #expect(error.exitCode == exitCode)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test("a non-empty folder is refused without --force and left untouched; --force replaces it")
    func existingFolder() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let marker = out.appendingPathComponent("keep.txt")
        try Data("precious".utf8).write(to: marker)
        let scenario = TestSupport.fixture("valid/two-by-two.yaml")
        #expect(throws: RunFailure.outputExists(out.path)) {
            _ = try ScenarioRunner.run(path: scenario, outputDirectory: out.path, runtime: TestSupport.runtime)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["keep.txt"])
        #expect(try Data(contentsOf: marker) == Data("precious".utf8))

        // A failing run with --force must not touch the existing folder either.
        #expect(throws: RunFailure.self) {
            _ = try ScenarioRunner.run(
                path: TestSupport.fixture("runfail/singular.yaml"), outputDirectory: out.path, force: true,
                runtime: TestSupport.runtime)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["keep.txt"])

        _ = try ScenarioRunner.run(path: scenario, outputDirectory: out.path, force: true, runtime: TestSupport.runtime)
        #expect(!FileManager.default.fileExists(atPath: marker.path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("nodes.csv").path))
        #expect(TestSupport.leftovers(in: folder).isEmpty)
    }

    @Test("an output path that is a file is refused and left untouched")
    func outputIsFile() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        try Data("file".utf8).write(to: out)
        #expect(throws: RunFailure.outputNotFolder(out.path)) {
            _ = try ScenarioRunner.run(
                path: TestSupport.fixture("valid/two-by-two.yaml"), outputDirectory: out.path, force: true,
                runtime: TestSupport.runtime)
        }
        #expect(try Data(contentsOf: out) == Data("file".utf8))
        #expect(TestSupport.leftovers(in: folder).isEmpty)
    }

    @Test("an existing empty folder is filled")
    func emptyFolder() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        _ = try ScenarioRunner.run(
            path: TestSupport.fixture("valid/two-by-two.yaml"), outputDirectory: out.path, runtime: TestSupport.runtime)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("manifest.json").path))
        #expect(TestSupport.leftovers(in: folder).isEmpty)
    }
}

@Suite("Scenario conditions and solver status")
struct ScenarioConditionTests {
    static let scenario = TestSupport.fixture("valid/tariff-shock.yaml")

    @Test("a scenario tariff rate above the base rate shifts sourcing away from the taxed route")
    func tariffShock() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let shocked = try ScenarioRunner.run(
            path: Self.scenario, outputDirectory: folder.appendingPathComponent("a").path, runtime: TestSupport.runtime)
        let base = try ScenarioRunner.run(
            path: TestSupport.fixture("valid/two-by-two.yaml"), outputDirectory: folder.appendingPathComponent("b").path,
            runtime: TestSupport.runtime)
        let route = Route(ProductIndex(1), from: RegionIndex(0), to: RegionIndex(1))
        let s1 = try #require(shocked.years.first?.solution), s0 = try #require(base.years.first?.solution)
        #expect(s1.status == .solved)
        #expect(s1.share(of: route) < s0.share(of: route))
        #expect(shocked.scenario.base.tariffs[route] == 0.1)
        #expect(shocked.scenario.conditions.tariffs[route] == 0.5)
    }

    @Test("a year the clearing cannot certify stops the run: error names the year and residual, no output folder")
    func uncertifiedYearFails() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        #expect(throws: RunFailure.self) {
            try ScenarioRunner.run(
                path: TestSupport.fixture("valid/years.yaml"), outputDirectory: out.path, runtime: TestSupport.runtime,
                options: ScenarioRunner.Options(maxClearingIterations: 0))
        }
        do {
            _ = try ScenarioRunner.run(
                path: TestSupport.fixture("valid/years.yaml"), outputDirectory: out.path, runtime: TestSupport.runtime,
                options: ScenarioRunner.Options(maxClearingIterations: 0))
        } catch {
            guard case .solveFailed(let year, let message) = error else {
                Issue.record("expected solveFailed, got \(error)")
                return
            }
            #expect(year > 2024 || year == 2024)
            #expect(message.contains("no certified equilibrium"), "\(message)")
            #expect(message.contains("tolerance 1e-08"), "\(message)")
            #expect(error.exitCode == 1)
        }
        #expect(!FileManager.default.fileExists(atPath: out.path), "no output folder after a failed run")
    }

    @Test("a year too large for the dense clearing method says so, with the limit and the option that raises it")
    func denseLimitFails() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        do {
            _ = try ScenarioRunner.run(
                path: TestSupport.fixture("valid/years.yaml"), outputDirectory: out.path, runtime: TestSupport.runtime,
                options: ScenarioRunner.Options(maxDenseUnknowns: 1))
            Issue.record("expected the run to fail")
        } catch {
            guard case .solveFailed(let year, let message) = error else {
                Issue.record("expected solveFailed, got \(error)")
                return
            }
            #expect(year >= 2024, "\(year)")
            #expect(message.contains("no certified equilibrium"), "\(message)")
            #expect(message.contains("more than the limit of 1 (--max-dense-unknowns"), "\(message)")
            #expect(message.contains("rerun with --max-dense-unknowns "), "\(message)")
            #expect(error.exitCode == 1)
        }
        #expect(!FileManager.default.fileExists(atPath: out.path), "no output folder after a failed run")
    }
}
