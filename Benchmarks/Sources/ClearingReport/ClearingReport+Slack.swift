import BenchmarkSupport
import Foundation
import MinsimEngine

extension ClearingReport {
    /// Generated networks on which nothing binds (issue 11 point 4: a year with nothing binding
    /// pays nothing for the clearing): every tenth node capacitated at twice its base output (in the
    /// base year, so that the calibration takes the capacities in), final demand at base, so the clearing has its rent and demand unknowns but the year at
    /// zero rents and full service is already the equilibrium. Per network: the first year
    /// (cleared without a warm start) and the next (every final demand +3 %, warm-started
    /// from it, as every later year of a run is), each against the plain solve of the same
    /// conditions. Sizes: 10,000 nodes acyclic and cyclic, 100,000 acyclic
    /// (`MINSIM_BENCH_NODES` picks among them).
    static func slackSection(runs: Int) throws {
        let sizes = NetworkSize.selected(from: [
            NetworkSize(regions: 100, stages: 4, productsPerStage: 25),
            NetworkSize(regions: 100, stages: 4, productsPerStage: 25, feedback: 0.05),
            NetworkSize(regions: 1000, stages: 4, productsPerStage: 25),
        ])
        print("### Generated networks with nothing binding (every tenth node capped at twice its base output)\n")
        print(
            "The first year cleared without a warm start, then the next year (every final demand +3 %) warm-started "
                + "from it; each against the plain solve of the same conditions. A year with nothing binding "
                + "should cost one plain solve (issue 11, point 4).\n")
        print(
            "| network | nodes | year | unknowns | binding | plain year | cleared year | ratio of CPU times | "
                + "iterations | year solves | certified |")
        print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|")
        for size in sizes {
            // Base capacities (twice the base output of every tenth node) calibrate the capacity
            // weights of the Armington shares (MODEL.md §4), so the year reproduces the base shares
            // and nothing binds.
            let g = SyntheticNetwork(size.parameters)
            let uncapped = try Calibration(network: g.network, base: g.base)
            let output = try YearSolver().solve(uncapped, conditions: YearConditions(base: g.base)).output
            var baseYear = g.base
            for (j, node) in uncapped.activeNodes.enumerated() where j % 10 == 0 && output[j] > 0 {
                baseYear.capacities[node] = 2 * output[j]
            }
            let cal = try Calibration(network: g.network, base: baseYear)
            let first = YearConditions(base: baseYear)
            let finalStage = g.network.products.map(\.stage).last
            let elasticity = g.network.products.map { $0.stage == finalStage ? -0.3 : 0 }
            let (cold, warm) = try measureTwoYears(cal, first: first, elasticity: elasticity, runs: runs)
            for (label, year, plain, clearing) in [
                ("first", cold.year, cold.plain, cold.clearing), ("next, warm-started", warm.year, warm.plain, warm.clearing),
            ] {
                let s = year.statistics
                print(
                    "| \(size)\(size.isCyclic ? " cyclic" : "") | \(cal.dimension) | \(label) | "
                        + "\(s.rentUnknowns + s.quotaUnknowns + s.marketUnknowns) | \(s.bindingNodes.count) | "
                        + "\(ms(plain)) | \(ms(clearing)) | \(String(format: "%.2f", clearing.cpu / plain.cpu)) | "
                        + "\(s.iterations) | \(s.evaluations) | \(year.certificate.certified) |")
            }
        }
        print()
    }
}
