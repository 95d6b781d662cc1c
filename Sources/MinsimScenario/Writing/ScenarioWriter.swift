import Foundation
import MinsimEngine

/// Writes a seeded synthetic network (`SyntheticNetwork`) as a scenario folder that
/// `minsim run` reads: `scenario.yaml` plus its tables under `data/`.
///
/// ```
/// DIR/scenario.yaml          regions, products, stages, horizon; tables by reference
/// DIR/data/recipes.csv       region, product, input, quantity_per_unit, source
/// DIR/data/final_demand.csv  region, product, quantity, source          (rows with demand > 0)
/// DIR/data/base_trade.csv    product, exporter, importer, quantity, source
/// DIR/data/base_prices.csv   region, product, price_usd_per_unit, source
/// DIR/data/capacities.csv    region, product, capacity, source
/// DIR/data/tariffs.csv       product, importer, exporter, base_rate, rate, source
/// ```
///
/// Why it is shaped this way:
/// - **Every number carries its source.** CSV files may not contain comments
///   (docs/scenario-format.md), so each row's `source` says `synthetic: minsim generate …`
///   with every generator parameter, and the YAML states it again in its header comment.
/// - **Exact round trip.** Numbers are written in Swift's shortest round-trip form, which reads
///   back to the identical `Double`; recipes are written per region (the generator draws them
///   per region). Loading the folder therefore rebuilds the generator's `Network` and
///   `BaseYear` bit for bit, and the calibrated base year reproduces its prices.
/// - **Deterministic bytes.** Rows are sorted by index (never by hash order) and nothing
///   time- or machine-dependent is written, so the same parameters give byte-identical files.
public enum ScenarioWriter {
    /// What the scenario file says beyond the network itself.
    public struct Settings: Sendable, Equatable {
        /// `name:` of the scenario (written in every output CSV's `scenario` column).
        public var name: String
        /// `base_year:` — the calibration year.
        public var baseYear: Int = 2024
        /// `horizon:` — last simulated year; the base year alone by default, since a synthetic
        /// network has no yearly paths and every later year would repeat the base year.
        public var horizon: Int? = nil
        /// The command line that generated the files, for the header comment.
        public var command: String

        public init(name: String, baseYear: Int = 2024, horizon: Int? = nil, command: String) {
            self.name = name
            self.baseYear = baseYear
            self.horizon = horizon
            self.command = command
        }
    }

    /// Name of the scenario file inside the folder.
    public static let scenarioFileName = "scenario.yaml"

    /// The `source` text of every generated number: `synthetic: minsim generate seed=1 regions=…`.
    public static func sourceText(_ p: SyntheticNetwork.Parameters) -> String {
        "synthetic: minsim generate seed=\(p.seed) regions=\(p.regions) stages=\(p.stages) "
            + "products-per-stage=\(p.productsPerStage) suppliers=\(p.suppliersPerMarket) "
            + "feedback=\(number(p.feedback)) tariffed-fraction=\(number(p.tariffedRouteFraction)) "
            + "elasticity=\(number(p.elasticityRange.lowerBound))..\(number(p.elasticityRange.upperBound))"
    }

    /// The files of the scenario folder, paths relative to it, in writing order.
    ///
    /// - Complexity: O(nodes + routes + recipe inputs) time and output size.
    public static func files(for synthetic: SyntheticNetwork, settings: Settings) -> [(name: String, data: Data)] {
        fileBuilders(for: synthetic, settings: settings).map { ($0.name, $0.make()) }
    }

    /// The files of the scenario folder, each with a function that builds it, so that a writer
    /// holds one table at a time (the trade table of a 1,000,000-node network is ≈ 1 GB).
    static func fileBuilders(for synthetic: SyntheticNetwork, settings: Settings) -> [(name: String, make: () -> Data)] {
        let net = synthetic.network
        let base = synthetic.base
        let source = sourceText(synthetic.parameters)
        let R = net.regions.count, P = net.products.count
        func region(_ r: Int) -> String { net.regions[r].code }
        func product(_ q: Int) -> String { net.products[q].name }

        func recipes() -> Data {
            var csv = CSVWriter(columns: ["region", "product", "input", "quantity_per_unit", "source"])
            for r in 0..<R {
                for q in 0..<P {
                    for input in net.recipe(for: Node(RegionIndex(r), ProductIndex(q))) {
                        csv.appendRow([
                            region(r), product(q), product(input.input.rawValue),
                            number(input.quantityPerUnit), source,
                        ])
                    }
                }
            }
            return csv.data
        }

        /// One table per node quantity: demand (rows with demand > 0), prices, capacities.
        func nodeTable(_ column: String, _ value: (RegionIndex, ProductIndex) -> Double?) -> Data {
            var csv = CSVWriter(columns: ["region", "product", column, "source"])
            for r in 0..<R {
                for q in 0..<P {
                    if let v = value(RegionIndex(r), ProductIndex(q)) {
                        csv.appendRow([region(r), product(q), number(v), source])
                    }
                }
            }
            return csv.data
        }

        func trade() -> Data {
            var csv = CSVWriter(columns: ["product", "exporter", "importer", "quantity", "source"])
            for (route, t) in zip(base.trade.routes, base.trade.values) {
                csv.appendRow([
                    product(route.product.rawValue), region(route.exporter.rawValue),
                    region(route.importer.rawValue), number(t), source,
                ])
            }
            return csv.data
        }
        func tariffs() -> Data {
            var csv = CSVWriter(columns: ["product", "importer", "exporter", "base_rate", "rate", "source"])
            for (route, rate) in zip(base.tariffs.routes, base.tariffs.values) {
                csv.appendRow([
                    product(route.product.rawValue), region(route.importer.rawValue),
                    region(route.exporter.rawValue), number(rate), number(rate), source,
                ])
            }
            return csv.data
        }

        return [
            (scenarioFileName, { Data(scenarioYAML(synthetic, settings: settings, source: source).utf8) }),
            ("data/recipes.csv", recipes),
            (
                "data/final_demand.csv",
                { nodeTable("quantity") { r, q in base.finalDemand[r, q] > 0 ? base.finalDemand[r, q] : nil } }
            ),
            ("data/base_trade.csv", trade),
            ("data/base_prices.csv", { nodeTable("price_usd_per_unit") { r, q in base.prices[r, q] } }),
            ("data/capacities.csv", { nodeTable("capacity") { r, q in base.capacities[r, q] } }),
            ("data/tariffs.csv", tariffs),
        ]
    }

    /// Writes the scenario folder at `path` atomically: built in a temporary folder beside it,
    /// then renamed into place (see `OutputDirectory`).
    ///
    /// - Returns: the path of the scenario file inside the folder.
    /// - Throws: `RunFailure.outputExists` / `.outputNotFolder` when `path` is in the way
    ///   (replace a non-empty folder only with `force`), `.cannotWrite` on a file-system error.
    @discardableResult
    public static func write(
        _ synthetic: SyntheticNetwork, settings: Settings, to path: String,
        force: Bool = false
    ) throws(RunFailure) -> String {
        let builders = fileBuilders(for: synthetic, settings: settings)
        try OutputDirectory(path: path).write(force: force) { (staging: inout OutputDirectory.Staging) throws(RunFailure) in
            for file in builders { try staging.add(file.name, file.make()) }
        }
        return (path as NSString).appendingPathComponent(scenarioFileName)
    }

    /// The scenario file: a header comment that says the data are synthetic and how they were
    /// made, the small lists inline, and the tables by reference.
    static func scenarioYAML(_ synthetic: SyntheticNetwork, settings: Settings, source: String) -> String {
        let p = synthetic.parameters
        let net = synthetic.network
        let cyclic = p.feedback > 0 && p.stages > 1
        var y = """
            # minsim scenario: \(settings.name)
            #
            # SYNTHETIC DATA — describes no real supply chain. Every number in this file and in
            # data/*.csv was generated by
            #   \(settings.command)
            # (MinsimEngine.SyntheticNetwork, minsim \(ToolVersion.tool)) with parameters
            #   seed=\(p.seed) regions=\(p.regions) stages=\(p.stages) products-per-stage=\(p.productsPerStage)
            #   suppliers=\(p.suppliersPerMarket) feedback=\(number(p.feedback)) tariffed-fraction=\(number(p.tariffedRouteFraction))
            #   elasticity=\(number(p.elasticityRange.lowerBound))..\(number(p.elasticityRange.upperBound))
            # \(p.nodeCount) nodes; \(cyclic ? "cyclic (own-stage feedback inputs: scrap return / by-product coupling)" : "acyclic (stage-ordered recipes)").
            # CSV tables cannot hold comments: their source column repeats the parameters.
            # Base prices solve (I − Ã₀)ᵀ P₀ = v for the generator's value added, so calibration
            # recovers that v and the base year reproduces these prices.
            format_version: 1
            name: \(quoted(settings.name))
            description: \(quoted("Synthetic network of \(p.regions) regions × \(p.stages) stages × \(p.productsPerStage) products per stage (\(source))."))
            base_year: \(settings.baseYear)
            horizon: \(settings.horizon ?? settings.baseYear)
            currency: USD
            stages: [\(net.stages.map(quoted).joined(separator: ", "))]
            regions:

            """
        for region in net.regions {
            y += "  - {code: \(quoted(region.code)), name: \(quoted(region.name)), source: \(quoted(source))}\n"
        }
        y += "products:\n"
        for product in net.products {
            y +=
                "  - {name: \(quoted(product.name)), stage: \(quoted(product.stage)), unit: \(quoted(product.unit)), "
                + "elasticity: \(number(product.elasticity)), source: \(quoted(source))}\n"
        }
        y += """
            recipes: {file: data/recipes.csv}
            final_demand: {file: data/final_demand.csv}
            base_trade: {file: data/base_trade.csv}
            base_prices: {file: data/base_prices.csv}
            capacities: {file: data/capacities.csv}
            tariffs: {file: data/tariffs.csv}

            """
        return y
    }

    /// Shortest round-trip decimal (`0.1`, `1e-05`, `100.0`): reads back to the identical Double.
    static func number(_ v: Double) -> String { CSVWriter.number(v) }

    /// A YAML double-quoted scalar (backslash and quote escaped).
    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
