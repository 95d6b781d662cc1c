import Foundation
import MinsimEngine
import Testing

@testable import MinsimScenario

/// `minsim generate` (library level: `ScenarioWriter`): the folder it writes is an ordinary
/// scenario that loads, validates and runs, and its base year reproduces the generator's.
@Suite("Generated synthetic scenarios")
struct GenerateTests {
    /// Small networks covering the generator's options: sparse ring trade, dense trade
    /// (every region supplies every market), and own-stage feedback (cyclic).
    static let cases: [(label: String, parameters: SyntheticNetwork.Parameters)] = {
        func make(_ regions: Int, _ stages: Int, _ products: Int, suppliers: Int, feedback: Double, seed: UInt64)
            -> SyntheticNetwork.Parameters
        {
            var p = SyntheticNetwork.Parameters()
            p.regions = regions
            p.stages = stages
            p.productsPerStage = products
            p.suppliersPerMarket = suppliers
            p.feedback = feedback
            p.seed = seed
            return p
        }
        return [
            ("acyclic, sparse ring trade", make(8, 4, 3, suppliers: 3, feedback: 0, seed: 1)),
            ("cyclic, sparse ring trade", make(8, 3, 4, suppliers: 3, feedback: 0.05, seed: 2)),
            ("cyclic, dense trade", make(5, 3, 2, suppliers: 5, feedback: 0.1, seed: 3)),
        ]
    }()

    static func settings(_ name: String) -> ScenarioWriter.Settings {
        ScenarioWriter.Settings(name: name, command: "minsim generate (test)")
    }

    @Test(
        "a generated scenario runs through ScenarioRunner and reproduces the generator's base prices",
        arguments: cases.indices)
    func runsAndReproducesBasePrices(_ index: Int) throws {
        let (label, parameters) = Self.cases[index]
        let synthetic = SyntheticNetwork(parameters)
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scenarioFolder = folder.appendingPathComponent("generated").path
        let file = try ScenarioWriter.write(synthetic, settings: Self.settings("gen-\(index)"), to: scenarioFolder)

        let loaded = ScenarioLoader.load(path: file)
        #expect(loaded.diagnostics.isEmpty, "\(label), seed \(parameters.seed): \(loaded.diagnostics)")
        let scenario = try #require(loaded.scenario, "\(label), seed \(parameters.seed)")
        #expect(scenario.simulatedYears == 2024...2024)

        let report = try ScenarioRunner.run(
            path: file, outputDirectory: folder.appendingPathComponent("out").path, runtime: TestSupport.runtime)
        let year = try #require(report.years.first)
        #expect(year.solution.status == .solved, "\(label), seed \(parameters.seed)")
        let activeNodes = year.solution.calibration.activeNodes
        #expect(activeNodes.count == parameters.nodeCount)
        var worst = 0.0
        for (j, node) in activeNodes.enumerated() {
            let expected = try #require(synthetic.base.prices[node.region, node.product])
            worst = max(worst, abs(year.solution.prices[j] - expected) / expected)
        }
        #expect(worst <= 1e-10, "\(label), seed \(parameters.seed): worst relative price difference \(worst)")

        // The loader rebuilt exactly the generator's data (shortest round-trip numbers).
        #expect(scenario.base.trade == synthetic.base.trade)
        #expect(scenario.base.tariffs == synthetic.base.tariffs)
        for r in synthetic.network.regionIndices {
            for q in synthetic.network.productIndices {
                #expect(scenario.network.recipe(for: Node(r, q)) == synthetic.network.recipe(for: Node(r, q)))
                #expect(scenario.base.prices[r, q] == synthetic.base.prices[r, q])
                #expect(scenario.base.finalDemand[r, q] == synthetic.base.finalDemand[r, q])
                #expect(scenario.base.capacities[r, q] == synthetic.base.capacities[r, q])
            }
        }
    }

    @Test("the same seed gives byte-identical files; another seed does not")
    func deterministic() throws {
        let p = Self.cases[1].parameters
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("a"), b = folder.appendingPathComponent("b")
        try ScenarioWriter.write(SyntheticNetwork(p), settings: Self.settings("same"), to: a.path)
        try ScenarioWriter.write(SyntheticNetwork(p), settings: Self.settings("same"), to: b.path)
        let names = ScenarioWriter.files(for: SyntheticNetwork(p), settings: Self.settings("same")).map(\.name)
        #expect(names.count == 7)
        for name in names {
            let x = try Data(contentsOf: a.appendingPathComponent(name))
            let y = try Data(contentsOf: b.appendingPathComponent(name))
            #expect(x == y, "\(name) differs between two runs with seed \(p.seed)")
        }
        var other = p
        other.seed += 1
        let c = ScenarioWriter.files(for: SyntheticNetwork(other), settings: Self.settings("same"))
        let prices = try Data(contentsOf: a.appendingPathComponent("data/base_prices.csv"))
        #expect(c.first { $0.name == "data/base_prices.csv" }?.data != prices)
    }

    @Test("every row's source and the YAML header say the data are synthetic, with the parameters")
    func sourcesSaySynthetic() throws {
        let p = Self.cases[0].parameters
        let files = ScenarioWriter.files(for: SyntheticNetwork(p), settings: Self.settings("src"))
        let expected = ScenarioWriter.sourceText(p)
        #expect(expected.hasPrefix("synthetic: minsim generate seed=1 regions=8 stages=4 products-per-stage=3 suppliers=3"))
        for file in files where file.name.hasSuffix(".csv") {
            let text = String(decoding: file.data, as: UTF8.self)
            let (records, problems) = CSVReader.parse(text, path: file.name)
            #expect(problems.isEmpty, "\(file.name): \(problems)")
            let header = records.first?.fields.map(\.text) ?? []
            let column = try #require(header.firstIndex(of: "source"), "\(file.name) has no source column")
            #expect(records.count > 1, "\(file.name) is empty")
            for record in records.dropFirst() { #expect(record.fields[column].text == expected, "\(file.name)") }
        }
        let yaml = String(decoding: try #require(files.first?.data), as: UTF8.self)
        #expect(yaml.hasPrefix("# minsim scenario: src\n"))
        #expect(yaml.contains("SYNTHETIC DATA"))
        #expect(yaml.contains("seed=1 regions=8 stages=4 products-per-stage=3"))
    }

    @Test("writing is atomic: an occupied folder is refused unless forced, and nothing is left behind")
    func atomicWrite() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("scenario")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: target.appendingPathComponent("notes.txt"))
        let synthetic = SyntheticNetwork(Self.cases[0].parameters)
        #expect(throws: RunFailure.outputExists(target.path)) {
            try ScenarioWriter.write(synthetic, settings: Self.settings("x"), to: target.path)
        }
        #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("notes.txt").path))
        try ScenarioWriter.write(synthetic, settings: Self.settings("x"), to: target.path, force: true)
        #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent("notes.txt").path))
        #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("scenario.yaml").path))
        #expect(TestSupport.leftovers(in: folder).isEmpty)
    }
}
