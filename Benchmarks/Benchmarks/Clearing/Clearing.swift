// The market clearing (MODEL.md §5) under package-benchmark: a whole 17-year shipped scenario
// (iea-steps: every year a certified equilibrium, warm-started from the year before), one plain
// year solve of its 2030 inputs for comparison, and one cold-started cleared year of a generated
// 1,000-node network with every tenth node capped below its base output. ClearingReport prints
// the same comparisons as ratio tables (docs/performance.md, "Market clearing").
//
//   swift package --package-path Benchmarks benchmark --target Clearing
import Benchmark
import BenchmarkSupport
import Foundation
import MinsimEngine
import MinsimScenario

/// The shipped scenario, loaded once, relative to the repository root (the parent of Benchmarks/).
private func loadScenario() throws -> ResolvedScenario {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    let path = root.appendingPathComponent("Scenarios/iea-steps.yaml").path
    let loaded = ScenarioLoader.load(path: path)
    guard let scenario = loaded.scenario else {
        throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "\(path) did not load"])
    }
    return scenario
}

let benchmarks: @Sendable () -> Void = {
    configureBLASThreads()
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 30)

    Benchmark("clearing: iea-steps, 17 certified years (Simulation.run)", configuration: configuration) {
        (benchmark: Benchmark, s: ResolvedScenario) in
        for _ in benchmark.scaledIterations {
            blackHole(try Simulation(settings: s.years.settings).run(s.calibration, years: s.yearInputs()))
        }
    } setup: {
        try loadScenario()
    }

    Benchmark("plain year solve: iea-steps 2030 inputs", configuration: configuration) {
        (benchmark: Benchmark, year: (Calibration, YearConditions)) in
        for _ in benchmark.scaledIterations {
            blackHole(try YearSolver().solve(year.0, conditions: year.1))
        }
    } setup: {
        let s = try loadScenario()
        guard let input = s.yearInputs().first(where: { $0.year == 2030 }) else { throw CocoaError(.featureUnsupported) }
        return (try s.calibration.updating(recipes: input.network), input.conditions)
    }

    Benchmark("clearing: 1,000-node acyclic network, 10 % of nodes binding (cold start)", configuration: configuration) {
        (benchmark: Benchmark, problem: (Calibration, YearConditions, [Double])) in
        for _ in benchmark.scaledIterations {
            blackHole(try MarketClearing().solve(problem.0, conditions: problem.1, demandElasticity: problem.2))
        }
    } setup: {
        let year = try scarceYear(NetworkSize(regions: 50, stages: 4, productsPerStage: 5))
        return (year.calibration, year.conditions, year.elasticity)
    }
}
