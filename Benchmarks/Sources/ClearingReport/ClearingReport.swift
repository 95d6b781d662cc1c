// Prints, as Markdown, what the market clearing (MODEL.md §5) costs against one plain year solve:
//
//   scenario  — a shipped 17-year scenario (default iea-steps): the whole Simulation.run, and
//               per year the cleared year against the plain year solve of the same inputs;
//   generated — seeded synthetic networks (about 1,000 and 10,000 nodes, acyclic and cyclic)
//               with every tenth node capped at 90 % of its base output and final demand +20 %,
//               so that those nodes bind: one cold-started cleared year against one plain solve,
//               and the next year (demand +3 %) warm-started from it; and a 17-year run of such
//               years (demand +3 % a year, compounding), each warm-started from the one before.
//
//   swift run -c release --package-path Benchmarks ClearingReport [--runs 5] [--scenario PATH]
//       [--sections scenario,generated,slack]
//
//   slack     — (only when named) generated networks with nothing binding (every tenth node capped
//               at twice its base output): the first and the next, warm-started year against the
//               plain solve (issue 11: a year with nothing binding pays nothing for the clearing).
//
// Each timing is the median of `--runs` runs after one warm-up run; on the generated networks the
// plain solves and the clearing run back to back in each run, and the ratios are the median of the
// runs' own ratios (`measurePair`: this machine's speed drifts between runs a minute apart); OpenBLAS uses one thread
// unless MINSIM_BENCH_THREADS says otherwise; MINSIM_BENCH_NODES=1000 picks generated sizes, and
// MINSIM_BENCH_CYCLIC=1 (0) only the cyclic (acyclic) ones; MINSIM_BENCH_SEED=N generates the
// networks from seed N instead of the benchmark's 2026 (MINSIM_BENCH_LOG=1 prints every step).
// Targets (issue 10): a cleared year ≤ 20 plain year solves; a 17-year IEA run end to end < 0.5 s
// (the end-to-end figure is measured on the CLI, docs/performance.md).
import BenchmarkSupport
import Foundation
import LinearAlgebra
import MinsimEngine
import MinsimScenario

@main
struct ClearingReport {
    static let target = 20.0

    static func main() throws {
        let args = CommandLine.arguments
        var runs = 5
        if let i = args.firstIndex(of: "--runs"), i + 1 < args.count, let r = Int(args[i + 1]) { runs = max(1, r) }
        var scenario = "Scenarios/iea-steps.yaml"
        if let i = args.firstIndex(of: "--scenario"), i + 1 < args.count { scenario = args[i + 1] }
        var sections: Set<String> = ["scenario", "generated"]
        if let i = args.firstIndex(of: "--sections"), i + 1 < args.count {
            sections = Set(args[i + 1].split(separator: ",").map { String($0) })
        }
        let threads = configureBLASThreads()
        print("## Market clearing against one plain year solve\n")
        print(
            "- CPU: \(processorModelName), \(ProcessInfo.processInfo.activeProcessorCount) cores online; "
                + "load average at start: \(loadAverage)")
        print("- BLAS: \(BLASRuntime.libraryDescription); threads in use: \(threads)")
        print("- Each time: median of \(runs) runs after 1 warm-up; wall clock, process CPU time in brackets.\n")
        if sections.contains("scenario") { try scenarioSection(path: scenario, runs: runs) }
        if sections.contains("generated") { try generatedSection(runs: runs) }
        if sections.contains("slack") { try slackSection(runs: runs) }
    }

    /// The shipped scenario: the whole simulation, and per year the cleared year (from the run's
    /// own statistics) against a plain solve of the same year's inputs.
    static func scenarioSection(path: String, runs: Int) throws {
        let loaded = ScenarioLoader.load(path: path)
        guard let scenario = loaded.scenario else {
            print("could not load \(path): \(loaded.diagnostics.map(\.description).joined(separator: "; "))")
            return
        }
        let inputs = scenario.yearInputs()
        let simulation = Simulation(settings: scenario.years.settings)
        var result: [SimulatedYear] = []
        let run = try measure(runs: runs) { result = try simulation.run(scenario.calibration, years: inputs) }
        // Plain year: the same year's calibration (recipes) and conditions, no clearing.
        var plainTimes: [Double] = []
        for input in inputs {
            let cal = try scenario.calibration.updating(recipes: input.network)
            let t = try measure(runs: runs) { _ = try YearSolver().solve(cal, conditions: input.conditions) }
            plainTimes.append(t.wall)
        }
        let plainTotal = plainTimes.reduce(0, +)
        // The clearing alone: each year's MarketClearing.solve on the conditions the run gave it
        // (capacities in force, secondary supply plus the previous year's recycling), warm-started
        // as in the run, against a plain solve of exactly those conditions.
        let settings = scenario.years.settings
        let clearing = MarketClearing(settings: settings.clearing, solver: YearSolver(options: settings.solver))
        var recycled = scenario.calibration.network.nodeTable(repeating: 0.0)
        var clearTimes: [Double] = [], clearCPU: [Double] = [], plainHere: [Double] = [], plainHereCPU: [Double] = []
        var reproduced = true
        for (i, input) in inputs.enumerated() {
            let cal = try scenario.calibration.updating(recipes: input.network)
            var cond = input.conditions
            cond.capacities = result[i].capacities
            var secondary = cond.secondarySupply ?? scenario.calibration.network.nodeTable(repeating: 0.0)
            for r in cal.network.regionIndices {
                for q in cal.network.productIndices { secondary[r, q] += recycled[r, q] }
            }
            cond.secondarySupply = secondary
            let warm = i > 0 ? result[i - 1].cleared.warmStart : nil
            var year: ClearedYear? = nil
            let t = try measure(runs: runs) {
                year = try clearing.solve(cal, conditions: cond, demandElasticity: settings.demandElasticity, warmStart: warm)
            }
            let p = try measure(runs: runs) { _ = try YearSolver(options: settings.solver).solve(cal, conditions: cond) }
            clearTimes.append(t.wall)
            clearCPU.append(t.cpu)
            plainHere.append(p.wall)
            plainHereCPU.append(p.cpu)
            if year?.statistics != result[i].cleared.statistics { reproduced = false }
            recycled = scenario.calibration.network.nodeTable(repeating: 0.0)
            for row in result[i].fleet {
                for (m, chain) in (settings.fleet?.minerals ?? []).enumerated() where m < row.recovered.count {
                    recycled[row.region, chain.ore] += row.recovered[m]
                }
            }
        }
        print("### \(scenario.name), \(inputs.count) years (\(scenario.calibration.dimension) active nodes)\n")
        print("| | wall (CPU) | in plain year solves |")
        print("|---|---:|---:|")
        print(
            "| whole `Simulation.run` (clearing, fleet, recycling, indicators) | \(ms(run)) | \(f1(run.wall / (plainTotal / Double(inputs.count)))) |"
        )
        print("| \(inputs.count) plain year solves | \(String(format: "%.2f ms", plainTotal * 1e3)) | \(inputs.count) |")
        print(
            "| per year, mean | \(String(format: "%.2f ms", run.wall / Double(inputs.count) * 1e3)) | "
                + "\(f1(run.wall / plainTotal)) |\n")
        let clearSum = clearTimes.reduce(0, +), plainSum = plainHere.reduce(0, +)
        print(
            "Clearing alone (each year's `MarketClearing.solve` re-run on the run's own inputs and warm start"
                + "\(reproduced ? ", reproducing its statistics exactly" : ", NOT reproducing the run's statistics")): "
                + "\(String(format: "%.2f ms", clearSum * 1e3)) (CPU \(String(format: "%.2f ms", clearCPU.reduce(0, +) * 1e3))) "
                + "against \(String(format: "%.2f ms", plainSum * 1e3)) (CPU \(String(format: "%.2f ms", plainHereCPU.reduce(0, +) * 1e3))) "
                + "for plain solves of the same conditions: **\(f1(clearSum / plainSum)) plain year solves per cleared year** "
                + "(CPU times: \(f1(clearCPU.reduce(0, +) / plainHereCPU.reduce(0, +))); target ≤ \(Int(target))).\n")
        print(
            "| year | iterations | year solves | Jacobians (columns) | homotopy, continuation steps | unknowns (rents, quotas, markets) | binding | shedding | cleared ÷ plain |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for (i, y) in result.enumerated() {
            let s = y.cleared.statistics
            print(
                "| \(y.year) | \(s.iterations) | \(s.evaluations) | \(s.jacobians) (\(s.jacobianColumns)) | \(s.homotopySteps), \(s.continuationSteps) | "
                    + "\(s.rentUnknowns), \(s.quotaUnknowns), \(s.marketUnknowns) | \(s.bindingNodes.count) | \(s.sheddingMarkets.count) | "
                    + "\(f1(clearTimes[i] / plainHere[i])) |"
            )
        }
        let worst = result.map { $0.cleared.statistics.evaluations }.max() ?? 0
        print(
            "\nYear solves per cleared year: mean \(f1(Double(result.map { $0.cleared.statistics.evaluations }.reduce(0, +)) / Double(max(result.count, 1)))), "
                + "largest \(worst). A year solve from a warm start costs less than the plain solve from base prices "
                + "(fewer fixed-point iterations), and a Jacobian about two factorizations plus one block solve.\n")
    }

    /// Generated networks with 10 % of nodes capped below their base output.
    static func generatedSection(runs: Int) throws {
        let standard = [
            NetworkSize(regions: 50, stages: 4, productsPerStage: 5),
            NetworkSize(regions: 50, stages: 4, productsPerStage: 5, feedback: 0.05),
            NetworkSize(regions: 100, stages: 4, productsPerStage: 25),
            NetworkSize(regions: 100, stages: 4, productsPerStage: 25, feedback: 0.05),
        ]
        // Intermediate sizes (2,000 and 4,000 nodes), only when MINSIM_BENCH_NODES names them.
        let intermediate = [5, 10].flatMap { products in
            [0, 0.05].map { NetworkSize(regions: 100, stages: 4, productsPerStage: products, feedback: $0) }
        }
        let named = ProcessInfo.processInfo.environment["MINSIM_BENCH_NODES"].map { !$0.isEmpty } ?? false
        let sizes = NetworkSize.selected(from: named ? standard + intermediate : standard)
        print("### Generated networks, every tenth node capped at 90 % of its base output, final demand +20 %\n")
        print(
            "Each network three times: **cold**, the year cleared from zero rents and full service (the first year of a run); "
                + "**warm**, the next year — every final demand a further +\(Int(((nextYearGrowth - 1) * 100).rounded())) % — "
                + "cleared from the cold year's solution (`ClearedYear.warmStart`), as every year after the first "
                + "in a multi-year run is; and a **\(runYears)-year run**, the cold year and \(runYears - 1) more, each with every final demand "
                + "a further +\(Int(((nextYearGrowth - 1) * 100).rounded())) % (compounding), each warm-started from the year before, "
                + "reported per year (times and counts are means over the run; the ratio is the run's clearing time over the "
                + "plain solves of its \(runYears) years' conditions). Plain solves and clearing are timed back to back, "
                + "\(runs) rounds after a warm-up; the times are medians, the ratios the median of the rounds' ratios. Above \(largeNodes) nodes the clearing takes the matrix-free Newton path, "
                + "whose Jacobian–vector products are counted with the columns (one product is one column's work).\n")
        print(
            "| network | nodes | solver | start | unknowns | binding | plain year | cleared year | ratio (target ≤ \(Int(target))) | "
                + "ratio of CPU times | iterations | year solves | Jacobians (columns + products) |")
        print("|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size in sizes {
            if let only = ProcessInfo.processInfo.environment["MINSIM_BENCH_CYCLIC"], (only == "1") != size.isCyclic { continue }
            let (cal, cond, elasticity) = try scarceYear(size)
            let (cold, warm) = try measureTwoYears(cal, first: cond, elasticity: elasticity, runs: runs)
            for (label, c, plain, clearing) in [
                ("cold", cold.year, cold.plain, cold.clearing), ("warm", warm.year, warm.plain, warm.clearing),
            ] {
                let s = c.statistics
                let verdict = c.certificate.certified ? "" : " (NOT certified)"
                print(
                    "| \(size)\(size.isCyclic ? " cyclic" : "") | \(cal.dimension) | "
                        + "\(c.solution.statistics.linearSolver.split(separator: "(").first.map { String($0) } ?? "") | \(label) | "
                        + "\(s.rentUnknowns + s.quotaUnknowns + s.marketUnknowns) | \(s.bindingNodes.count) | \(ms(plain)) | \(ms(clearing))\(verdict) | "
                        + "\(f1(clearing.ratio ?? clearing.wall / plain.wall)) | \(f1(clearing.cpuRatio ?? clearing.cpu / plain.cpu)) | \(s.iterations) | \(s.evaluations) | "
                        + "\(s.jacobians) (\(s.jacobianColumns)) |")
                if ProcessInfo.processInfo.environment["MINSIM_BENCH_LOG"] != nil { printSteps(s.log, label: label) }
            }
            try multiYearRow(size, cal, cond, elasticity, runs: runs)
        }
        print()
    }

    /// The year `first` cleared without a warm start and the next (every final demand ×
    /// `nextYearGrowth`) cleared from its warm start, each with the plain solve of the same
    /// conditions: (cleared year, plain solve, clearing) for each.
    static func measureTwoYears(_ cal: Calibration, first: YearConditions, elasticity: [Double], runs: Int) throws -> (
        first: (year: ClearedYear, plain: Measured, clearing: Measured),
        next: (year: ClearedYear, plain: Measured, clearing: Measured)
    ) {
        var next = first
        for r in cal.network.regionIndices {
            for q in cal.network.productIndices { next.finalDemand[r, q] *= nextYearGrowth }
        }
        func cleared(_ conditions: YearConditions, from warmStart: ClearingWarmStart?) throws -> (
            year: ClearedYear, plain: Measured, clearing: Measured
        ) {
            var year: ClearedYear? = nil
            let (plain, clearing) = try measurePair(
                runs: runs, plain: { _ = try YearSolver().solve(cal, conditions: conditions) },
                cleared: {
                    year = try MarketClearing().solve(
                        cal, conditions: conditions, demandElasticity: elasticity, warmStart: warmStart)
                })
            // `measurePair` runs its bodies at least once (the warm-up), so this does not throw.
            guard let year else { throw FixtureError.noRun }
            return (year, plain, clearing)
        }
        let cold = try cleared(first, from: nil)
        return (cold, try cleared(next, from: cold.year.warmStart))
    }

    /// Years of the multi-year row: the base year and 16 more, as a 17-year run of the 5-region data.
    static let runYears = 17

    /// The multi-year row: the base year cleared cold, then each later year with every final demand
    /// a further +3 % (compounding) cleared from the year before's `warmStart`, as `Simulation.run`
    /// clears a run's years. Reported per year over the run: the clearing's mean time against the
    /// mean plain solve of the same years' conditions (the ratio is total clearing time over total
    /// plain time), and the mean counts.
    /// The clearing's steps, one HTML comment each (`MINSIM_BENCH_LOG`).
    static func printSteps(_ log: [ComplementarityIteration], label: String) {
        for step in log {
            print(
                "<!-- \(label) step \(step.iteration): merit \(step.merit), natural residual \(step.naturalResidual), "
                    + "free \(step.freeCount), trials \(step.trials), damping \(step.damping), step \(step.stepNorm) -->")
        }
    }

    static func multiYearRow(
        _ size: NetworkSize, _ cal: Calibration, _ base: YearConditions, _ elasticity: [Double], runs: Int
    ) throws {
        var years = [base]
        for _ in 1..<runYears {
            var next = years[years.count - 1]
            for r in cal.network.regionIndices {
                for q in cal.network.productIndices { next.finalDemand[r, q] *= nextYearGrowth }
            }
            years.append(next)
        }
        var cleared: [ClearedYear] = []
        let (plain, run) = try measurePair(
            runs: runs,
            plain: { for cond in years { _ = try YearSolver().solve(cal, conditions: cond) } },
            cleared: {
                cleared = []
                for cond in years {
                    let warm = cleared.last?.warmStart
                    cleared.append(
                        try MarketClearing().solve(cal, conditions: cond, demandElasticity: elasticity, warmStart: warm))
                }
            })
        let plainWall = plain.wall, plainCPU = plain.cpu
        if ProcessInfo.processInfo.environment["MINSIM_BENCH_LOG"] != nil {
            for (t, year) in cleared.enumerated() {
                let s = year.statistics
                print(
                    "<!-- run year \(t): steps \(s.iterations), year solves \(s.evaluations), Jacobians \(s.jacobians) "
                        + "(\(s.jacobianColumns)), homotopy steps \(s.homotopySteps), continuation steps \(s.continuationSteps), share finish \(s.shareFinishSolves), "
                        + "natural residual \(s.naturalResidual) -->")
                printSteps(s.log, label: "run year \(t)")
            }
        }
        let count = Double(years.count)
        func mean(_ value: (ClearingStatistics) -> Int) -> String {
            f1(Double(cleared.map { value($0.statistics) }.reduce(0, +)) / count)
        }
        let uncertified = cleared.filter { !$0.certificate.certified }.count
        let verdict = uncertified == 0 ? "" : " (\(uncertified) years NOT certified)"
        let s = cleared[0].statistics
        print(
            "| \(size)\(size.isCyclic ? " cyclic" : "") | \(cal.dimension) | "
                + "\(cleared[0].solution.statistics.linearSolver.split(separator: "(").first.map { String($0) } ?? "") | "
                + "\(years.count)-year run, per year | \(s.rentUnknowns + s.quotaUnknowns + s.marketUnknowns) | "
                + "\(f1(Double(cleared.map { $0.statistics.bindingNodes.count }.reduce(0, +)) / count)) | "
                + "\(ms(Measured(wall: plainWall / count, cpu: plainCPU / count))) | "
                + "\(ms(Measured(wall: run.wall / count, cpu: run.cpu / count)))\(verdict) | "
                + "\(f1(run.ratio ?? run.wall / plainWall)) | \(f1(run.cpuRatio ?? run.cpu / plainCPU)) | \(mean { $0.iterations }) | \(mean { $0.evaluations }) | "
                + "\(mean { $0.jacobians }) (\(mean { $0.jacobianColumns })) |")
    }

    /// The warm-started year's final demand against the cold year's.
    static let nextYearGrowth = 1.03
    /// Above this many nodes the clearing is matrix-free (`MatrixFreeNewton.minimumNodes` in the engine).
    static let largeNodes = 2048

    struct Measured {
        let wall: Double
        let cpu: Double
        /// For a cleared measurement of `measurePair`: the median over its rounds of the round's
        /// time over the same round's plain time (wall clock, CPU).
        var ratio: Double? = nil
        var cpuRatio: Double? = nil
    }

    /// `plain` and `cleared` timed back to back in each of `runs` rounds after one warm-up round:
    /// the medians of each, and on the cleared one the median of the rounds' ratios. Why: this
    /// machine's speed drifts by ±20 % over tens of seconds (the plain 10,000-node year measured
    /// 10.4–16.7 ms in one session), and a ratio of two medians taken a minute apart carries that
    /// drift; a round's two timings lie seconds apart.
    static func measurePair(runs: Int, plain: () throws -> Void, cleared: () throws -> Void) throws -> (
        plain: Measured, cleared: Measured
    ) {
        try plain()
        try cleared()
        var p: [(wall: Double, cpu: Double)] = [], c: [(wall: Double, cpu: Double)] = []
        for _ in 0..<runs {
            let a = try timed { try plain() }
            let b = try timed { try cleared() }
            p.append((a.wallSeconds, a.cpuSeconds))
            c.append((b.wallSeconds, b.cpuSeconds))
        }
        let ratios = zip(c, p).map { $0.wall / $1.wall }, cpuRatios = zip(c, p).map { $0.cpu / $1.cpu }
        return (
            Measured(wall: median(p.map(\.wall)), cpu: median(p.map(\.cpu))),
            Measured(
                wall: median(c.map(\.wall)), cpu: median(c.map(\.cpu)), ratio: median(ratios), cpuRatio: median(cpuRatios))
        )
    }

    static func measure(runs: Int, _ body: () throws -> Void) throws -> Measured {
        try body()
        var wall: [Double] = [], cpu: [Double] = []
        for _ in 0..<runs {
            let t = try timed { try body() }
            wall.append(t.wallSeconds)
            cpu.append(t.cpuSeconds)
        }
        return Measured(wall: median(wall), cpu: median(cpu))
    }

    static var loadAverage: String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ")
            ?? "unknown"
    }

    static func ms(_ m: Measured) -> String { String(format: "%.2f ms (%.2f)", m.wall * 1e3, m.cpu * 1e3) }
    static func f1(_ x: Double) -> String { String(format: "%.1f", x) }
}
