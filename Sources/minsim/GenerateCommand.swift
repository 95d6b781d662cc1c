import ArgumentParser
import MinsimEngine
import MinsimScenario

/// `minsim generate --regions R --stages S --products-per-stage P --out DIR`: writes a seeded
/// synthetic scenario (YAML + CSV tables) for benchmarks and scale tests.
///
/// The numbers come from `SyntheticNetwork`, the generator the engine's own tests and
/// benchmarks use, so a generated folder and an in-memory benchmark network with the same
/// parameters are the same model. Exit status: 0 on success, 2 for a refused output folder,
/// 1 when the files cannot be written.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a seeded synthetic scenario (scenario.yaml + data/*.csv) of any size.",
        discussion: """
            Nodes = regions × stages × products-per-stage. Each market (importer, product) buys from \
            --suppliers regions: itself and its nearest neighbours on a ring (sparse trade), or from \
            every region with --dense-trade. --feedback > 0 gives every product after the first stage \
            an input of its own stage (scrap return, by-product coupling), which makes the network \
            cyclic. Every number's source column says it is synthetic, with these parameters.
            """
    )

    @Option(name: .long, help: "Regions (≥ 1).")
    var regions = 10

    @Option(name: .long, help: "Stages, upstream first (≥ 1).")
    var stages = 4

    @Option(name: .customLong("products-per-stage"), help: "Products per stage (≥ 1).")
    var productsPerStage = 3

    @Option(name: .long, help: "Suppliers per (importer, product), domestic supply included; 1…regions.")
    var suppliers = 4

    @Flag(name: .customLong("dense-trade"), help: "Every region supplies every market (overrides --suppliers).")
    var denseTrade = false

    @Option(name: .long, help: "Own-stage input per unit of output (0 = acyclic; e.g. 0.05 = 5 % scrap return).")
    var feedback = 0.0

    @Option(name: .customLong("tariffed-fraction"), help: "Fraction of import routes with a base-year tariff (0…1).")
    var tariffedFraction = 0.2

    @Option(name: .long, help: "Seed: the same seed and options give byte-identical files.")
    var seed: UInt64 = 1

    @Option(name: .customLong("base-year"), help: "Base (calibration) year.")
    var baseYear = 2024

    @Option(name: .long, help: "Last simulated year (default: the base year alone).")
    var horizon: Int?

    @Option(name: .long, help: "Scenario name (default: synthetic-R×S×P-seedN).")
    var name: String?

    @OptionGroup var output: OutputFolderOptions
    @OptionGroup var verbosity: QuietOption

    func validate() throws {
        guard regions >= 1, stages >= 1, productsPerStage >= 1 else {
            throw ValidationError("--regions, --stages and --products-per-stage must be at least 1")
        }
        guard denseTrade || (1...regions).contains(suppliers) else {
            throw ValidationError("--suppliers must lie in 1…\(regions) (the number of regions), or pass --dense-trade")
        }
        guard feedback.isFinite, feedback >= 0, feedback < 0.9 else {
            throw ValidationError("--feedback must lie in [0, 0.9): recipes spend at most 0.9 per unit of output")
        }
        guard tariffedFraction.isFinite, (0...1).contains(tariffedFraction) else {
            throw ValidationError("--tariffed-fraction must lie in 0…1")
        }
        if let horizon, horizon < baseYear { throw ValidationError("--horizon must not be before --base-year") }
    }

    var parameters: SyntheticNetwork.Parameters {
        var p = SyntheticNetwork.Parameters()
        p.regions = regions
        p.stages = stages
        p.productsPerStage = productsPerStage
        p.suppliersPerMarket = denseTrade ? regions : suppliers
        p.feedback = feedback
        p.tariffedRouteFraction = tariffedFraction
        p.seed = seed
        return p
    }

    /// The equivalent command line with every option spelled out, for the header comment.
    var canonicalCommand: String {
        let p = parameters
        var s =
            "minsim generate --regions \(p.regions) --stages \(p.stages) --products-per-stage \(p.productsPerStage)"
            + " --suppliers \(p.suppliersPerMarket) --feedback \(p.feedback) --tariffed-fraction \(p.tariffedRouteFraction)"
            + " --seed \(p.seed) --base-year \(baseYear)"
        if let horizon { s += " --horizon \(horizon)" }
        if let name { s += " --name \"\(name)\"" }
        return s
    }

    func run() throws {
        let p = parameters
        let scenarioName = name ?? "synthetic-\(p.regions)x\(p.stages)x\(p.productsPerStage)-seed\(p.seed)"
        let synthetic = SyntheticNetwork(p)
        let settings = ScenarioWriter.Settings(
            name: scenarioName, baseYear: baseYear, horizon: horizon, command: canonicalCommand)
        do {
            let file = try ScenarioWriter.write(synthetic, settings: settings, to: output.out, force: output.force)
            if !verbosity.quiet {
                let kind = p.feedback > 0 && p.stages > 1 ? "cyclic" : "acyclic"
                print("wrote \(file): \(p.nodeCount) nodes (\(kind)), \(synthetic.base.trade.count) routes")
            }
        } catch {
            StandardError.print(error.message)
            throw ExitCode(error.exitCode)
        }
    }
}
