// Prints, as Markdown, the measured tables of docs/performance.md:
//
//   dense    — cyclic networks (dense LU path) of 500–5,000 nodes: the engine's year against the
//              bare LAPACK work on the same matrix (dgetrf + one dgetrs each way), GFLOP/s
//              against this machine's dgemm, and the automatic choice on the acyclic variant;
//   shock    — the price–share fixed point after a tariff shock against one factorization;
//   sparse   — acyclic networks of 10,000 and 100,000 nodes: time per year and peak memory;
//   breakdown — where the dense engine's time goes (opt-in: --sections breakdown);
//   choice   — dense LU against the sparse LU on random strongly connected matrices of rising
//              density, the measurement behind `LeontiefFactorizer.denseBreakEven(nodes:)`, and every
//              solver on the benchmark networks (opt-in: --sections choice).
//
//   swift run -c release --package-path Benchmarks RatioReport [--runs 5] [--sections dense,shock,sparse]
//   RatioReport --profile-engine 20   # only solve the first selected dense size 20 times (perf/callgrind)
//
// Each timing is the median of `--runs` runs (3 at ≥ 4,000 dense nodes and for the sparse
// sizes) after one warm-up run. OpenBLAS uses one thread unless MINSIM_BENCH_THREADS says
// otherwise; MINSIM_BENCH_NODES=1000,2000 picks sizes in every section.
import BenchmarkSupport
import Foundation
import LinearAlgebra
import MinsimEngine

@main
struct RatioReport {
    static let denseSizes: [NetworkSize] = [NetworkSize.standard[0]] + NetworkSize.denseCyclic + [NetworkSize.standard[2]]
    static let engineTarget = 1.25
    static let shockTarget = 2.0

    static func main() throws {
        let args = CommandLine.arguments
        var runs = 5
        if let i = args.firstIndex(of: "--runs"), i + 1 < args.count, let r = Int(args[i + 1]) { runs = max(3, r) }
        var sections: Set<String> = ["dense", "shock", "sparse"]
        if let i = args.firstIndex(of: "--sections"), i + 1 < args.count {
            sections = Set(args[i + 1].split(separator: ",").map { String($0) })
        }
        let threads = configureBLASThreads()
        if let i = args.firstIndex(of: "--profile-engine"), i + 1 < args.count, let count = Int(args[i + 1]) {
            guard let size = NetworkSize.selected(from: denseSizes).first else { return }
            let fixture = try EngineFixture(size: size)
            for _ in 0..<max(count, 1) { _ = try fixture.solveYear(.dense) }
            return
        }

        print("## Measured on this machine\n")
        print(
            "- CPU: \(processorModelName), \(ProcessInfo.processInfo.activeProcessorCount) cores online; "
                + "load average at start: \(loadAverage)")
        print("- BLAS: \(BLASRuntime.libraryDescription); threads in use: \(threads)")
        print(
            "- Each time: median of \(runs) runs (3 for ≥ 4,000 dense nodes and for sparse sizes) after 1 warm-up; "
                + "wall clock, process CPU time in brackets. On a shared machine the CPU-time ratio is the steadier one.")
        let dgemm = dgemmGFLOPS(n: 2_000, runs: runs)
        print("- dgemm reference (cblas via `Matrix.multiply`, N = 2000, 2·N³ flops): \(f1(dgemm)) GFLOP/s\n")

        if sections.contains("dense") { try denseSection(runs: runs, dgemm: dgemm) }
        if sections.contains("shock") { try shockSection(runs: runs) }
        if sections.contains("sparse") { try sparseSection(runs: runs) }
        if sections.contains("breakdown") { try breakdownSection(runs: runs) }
        if sections.contains("choice") { try choiceSection(runs: runs) }
    }

    /// Dense LU (dgetrf + dgetrs each way) against the sparse LU (analyse + factor + klu_solve
    /// each way) on `I − A` for a random A with `density` of its entries set (one strongly
    /// connected block: a ring keeps every node on a loop), scaled to column sums 0.9.
    static func choiceSection(runs: Int) throws {
        print("### Solver choice: dense LU against sparse LU by density (median of \(runs), process CPU ms)\n")
        print(
            "`flops ratio` = KLU's estimated flops (`SparseLU.Analysis.estimatedFlops`) / (2/3 N³). "
                + "`break-even` = flops ratio × dense ms ÷ sparse ms: the ratio at which the two would take "
                + "equal time at the speeds per flop measured in that row. "
                + "`automatic` picks dense LU when the flops ratio exceeds `LeontiefFactorizer.denseBreakEven(nodes: N)` "
                + "(\([500, 1_000, 2_000].map { "\($0): \(String(format: "%.3g", LeontiefFactorizer.denseBreakEven(nodes: $0)))" }.joined(separator: ", "))).\n"
        )
        print(
            "| N | density | nonzeros | KLU blocks | flops ratio | sparse LU ms | dense LU ms | break-even | faster | automatic |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
        for n in [500, 1_000, 2_000] {
            for density in [0.002, 0.003, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4] {
                var rng = SeededGenerator(seed: UInt64(n) &+ UInt64(density * 1e4))
                var r: [Int] = [], c: [Int] = [], v: [Double] = []
                for j in 0..<n {
                    r.append((j + 1) % n); c.append(j); v.append(rng.uniform() + 0.1)
                    for i in 0..<n where i != j && rng.uniform() < density {
                        r.append(i); c.append(j); v.append(rng.uniform())
                    }
                }
                var sums = [Double](repeating: 0, count: n)
                for k in v.indices { sums[c[k]] += v[k] }
                for k in v.indices { v[k] *= 0.9 / sums[c[k]] }
                let a = SparseMatrix(rows: n, columns: n, rowIndices: r, columnIndices: c, values: v)
                let m = SparseMatrix.identity(n).adding(a, scaledBy: -1)
                let dense = m.dense
                let rhs = (0..<n).map { _ in rng.uniform() }
                let analysis = try SparseLU.Analysis(m)
                let ratio = analysis.estimatedFlops / (2.0 / 3.0 * pow(Double(n), 3))
                func sparseRun() throws {
                    let lu = try SparseLU(factoring: m)
                    withExtendedLifetime((lu.solve(rhs), lu.solve(rhs, transposed: true))) {}
                }
                func denseRun() throws {
                    let lu = try LUFactorization(factoring: dense)
                    withExtendedLifetime((lu.solve(rhs), lu.solve(rhs, transposed: true))) {}
                }
                try sparseRun(); try denseRun()
                let sp = try sample(runs) { try sparseRun() }.cpu
                let de = try sample(runs) { try denseRun() }.cpu
                let auto = ratio > LeontiefFactorizer.denseBreakEven(nodes: n) ? "dense" : "sparse"
                print(
                    "| \(n) | \(f2(density * 100)) % | \(m.nonzeroCount) | \(analysis.blocks) | \(String(format: "%.3g", ratio)) | "
                        + "\(ms(sp)) | \(ms(de)) | \(String(format: "%.3g", ratio * de / sp)) | \(sp < de ? "sparse" : "dense") | \(auto) |"
                )
            }
        }
        print("")
        print("### Solver choice on the benchmark networks: whole year per solver (median of \(runs), ms)\n")
        print("| network | nodes | nonzeros of A | triangular | dense | sparse | krylov | automatic picks |")
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        for (label, size) in choiceNetworks {
            let fixture = try EngineFixture(size: size, dense: false)
            var cells: [String] = []
            for choice in [LinearSolverChoice.triangular, .dense, .sparse, .krylov] {
                if choice == .triangular && size.isCyclic { cells.append("–"); continue }
                if choice == .dense && fixture.dimension > 10_000 { cells.append("–"); continue }
                _ = try fixture.solveYear(choice)
                cells.append(
                    ms(
                        try sample(choice == .dense && fixture.dimension > 2_000 ? 3 : runs) { _ = try fixture.solveYear(choice) }
                            .wall))
            }
            let picked = try fixture.solveYear(.automatic).statistics
            print(
                "| \(label) | \(fixture.dimension) | \(picked.nonzeros) | \(cells.joined(separator: " | ")) | \(shortMethod(picked.linearSolver)) |"
            )
            note("choice \(label)")
        }
        print("")
    }

    /// The networks of the side-by-side comparison (compare_python.py's SIZES).
    static let choiceNetworks: [(String, NetworkSize)] = [
        ("1,000 cyclic", NetworkSize(regions: 50, stages: 4, productsPerStage: 5, feedback: 0.05)),
        ("2,000 dense cyclic", NetworkSize(regions: 50, stages: 4, productsPerStage: 10, suppliers: 50, feedback: 0.05)),
        ("4,000 cyclic", NetworkSize(regions: 100, stages: 4, productsPerStage: 10, feedback: 0.05)),
        ("10,000 acyclic", NetworkSize(regions: 100, stages: 4, productsPerStage: 25)),
        ("10,000 cyclic", NetworkSize(regions: 100, stages: 4, productsPerStage: 25, feedback: 0.05)),
    ]

    // MARK: - Sections

    /// Engine year (dense LU) against bare dgetrf + dgetrs on the same cyclic matrix.
    static func denseSection(runs: Int, dgemm: Double) throws {
        var rows: [String] = []
        for size in NetworkSize.selected(from: denseSizes) {
            let n0 = size.nodeCount
            let r = n0 >= 4_000 ? min(runs, 3) : runs
            let fixture = try EngineFixture(size: size)
            let n = fixture.dimension
            // The dense path explicitly: above 4,000 cyclic nodes `.automatic` picks GMRES, and
            // the ratio must compare the same LU with itself.
            let solution = try fixture.solveYear(.dense)
            _ = try fixture.bareFactorAndSolve()
            ResidentMemory.resetPeak()
            let engine = try sample(r) { _ = try fixture.solveYear(.dense) }
            let peak = ResidentMemory.peakBytes
            let bare = try sample(r) { _ = try fixture.bareFactorAndSolve() }
            let stats = solution.statistics
            let flops = (2.0 / 3.0) * pow(Double(n), 3)
            let gflops = flops / bare.wall / 1e9
            let engineGflops = flops * Double(stats.factorizations) / engine.wall / 1e9

            // The automatic (structure-aware) choice: on the cyclic network itself (sparse LU on
            // these networks) and on the acyclic variant (triangular substitution).
            let s = try fixture.solveYear(.automatic)
            let t = try sample(r) { _ = try fixture.solveYear(.automatic) }
            let autoCyclic = "\(ms(t.wall)) (\(shortMethod(s.statistics.linearSolver)))"
            let acyclic = try EngineFixture(size: size.acyclic, dense: false)
            let a = try acyclic.solveYear(.automatic)
            let acyclicTime = try sample(runs) { _ = try acyclic.solveYear(.automatic) }

            let ratioWall = engine.wall / bare.wall, ratioCPU = engine.cpu / bare.cpu
            rows.append(
                "| \(n) (\(size)) | \(stats.nonzeros) | \(ms(engine.wall)) (\(ms(engine.cpu))) | "
                    + "\(ms(bare.wall)) (\(ms(bare.cpu))) | \(f2(ratioWall)) (\(f2(ratioCPU))) | "
                    + "\(met(min(ratioWall, ratioCPU) <= engineTarget)) | \(stats.iterations) | \(stats.factorizations) | "
                    + "\(f1(gflops)) (\(Int((gflops / dgemm * 100).rounded())) %) | \(f1(engineGflops)) | "
                    + "\(formatBytes(peak)) | \(autoCyclic) | \(ms(acyclicTime.wall)) (\(shortMethod(a.statistics.linearSolver))) |"
            )
            note("dense \(n)")
        }
        print("### Dense cyclic networks: engine year vs bare LAPACK (target ≤ \(engineTarget)×)\n")
        print(
            "Cyclic (own-stage feedback 0.05), base-year conditions, engine forced to dense LU. "
                + "`bare` = dgetrf + one dgetrs each way on the same `I − Ã₀`. GFLOP/s counts (2/3)·N³ flops "
                + "(bare: over the bare time, in % of dgemm; engine: × factorizations over the engine time). "
                + "Peak RSS: process high-water mark during the engine runs (includes the fixture's own 8N² copy of `I − Ã₀`).\n")
        print(
            "| nodes (R×S×P) | nonzeros of A | engine ms (CPU) | bare ms (CPU) | engine / bare (CPU) | ≤ \(engineTarget)× | iterations | factorizations | bare GFLOP/s (% dgemm) | engine GFLOP/s | peak RSS | automatic, cyclic | automatic, acyclic variant |"
        )
        print("|---:|---:|---:|---:|---:|:---:|---:|---:|---:|---:|---:|---:|---:|")
        rows.forEach { print($0) }
        print("")
    }

    /// The whole price–share fixed point after a tariff shock against one factorization.
    static func shockSection(runs: Int) throws {
        var rows: [String] = []
        var prototypes: [String] = []
        for size in NetworkSize.selected(from: NetworkSize.denseCyclic) {
            let r = size.nodeCount >= 4_000 ? min(runs, 3) : runs
            let fixture = try EngineFixture(size: size)
            let n = fixture.dimension
            let solution = try fixture.solveYear(conditions: fixture.shocked)
            guard let matrix = fixture.matrix else { continue }
            _ = try LUFactorization(factoring: matrix)
            let shock = try sample(r) { _ = try fixture.solveYear(conditions: fixture.shocked) }
            let one = try sample(r) { _ = try LUFactorization(factoring: matrix) }
            let freshIterations = try freshFactorFixedPoint(fixture, conditions: fixture.shocked)
            let fresh = try sample(r) { _ = try freshFactorFixedPoint(fixture, conditions: fixture.shocked) }
            let lastTest = try reusedFixedPoint(fixture, conditions: fixture.shocked, strategy: .refineToRounding)
            let lastTestTime = try sample(r) {
                _ = try reusedFixedPoint(fixture, conditions: fixture.shocked, strategy: .refineToRounding)
            }
            let chord = try reusedFixedPoint(fixture, conditions: fixture.shocked, strategy: .oneStepPerIteration)
            let chordTime = try sample(r) {
                _ = try reusedFixedPoint(fixture, conditions: fixture.shocked, strategy: .oneStepPerIteration)
            }
            func agreement(_ p: [Double]) -> String {
                var worst = 0.0
                for (a, b) in zip(p, solution.prices) { worst = max(worst, abs(a - b) / b) }
                return String(format: "%.1e", worst)
            }
            prototypes.append(
                "| \(n) | \(ms(shock.wall)) (\(f2(shock.wall / one.wall))×) | "
                    + "\(ms(lastTestTime.wall)) (\(f2(lastTestTime.wall / one.wall))×): \(lastTest.iterations) it, \(lastTest.factorizations) dgetrf, \(lastTest.solves) dgetrs; Δ \(agreement(lastTest.prices)) | "
                    + "\(ms(chordTime.wall)) (\(f2(chordTime.wall / one.wall))×): \(chord.iterations) it, \(chord.factorizations) dgetrf, \(chord.solves) dgetrs; Δ \(agreement(chord.prices)) |"
            )
            let s = solution.statistics
            let ratioWall = shock.wall / one.wall, ratioCPU = shock.cpu / one.cpu
            rows.append(
                "| \(n) (\(size)) | \(ms(shock.wall)) (\(ms(shock.cpu))) | \(ms(one.wall)) (\(ms(one.cpu))) | "
                    + "\(f2(ratioWall)) (\(f2(ratioCPU))) | \(met(min(ratioWall, ratioCPU) <= shockTarget)) | "
                    + "\(s.iterations) | \(s.factorizations) | \(s.reusedFactorizations) | \(status(solution.status)) | "
                    + "\(String(format: "%.1e", s.priceResidual)) | \(ms(fresh.wall)) (\(f2(fresh.wall / one.wall))×, \(freshIterations) dgetrf) |"
            )
            note("shock \(n)")
        }
        print("### Tariff shock: the whole fixed point vs one factorization (target ≤ \(shockTarget)×)\n")
        print(
            "Shock: +25 percentage points on every import from the first tenth of the regions "
                + "(`EngineFixture.tariffShock`). Engine: the automatic choice (dense LU at these sizes). "
                + "`one dgetrf` = `LUFactorization(factoring:)` of the base `I − Ã₀` (copy + dgetrf). "
                + "`reused` = fixed-point iterations solved with earlier factors plus iterative refinement. "
                + "Last column: the same price–share iteration with a fresh dense LU every iteration (the engine before "
                + "factor reuse; `freshFactorFixedPoint`), for comparison.\n")
        print(
            "| nodes (R×S×P) | shocked year ms (CPU) | one dgetrf ms (CPU) | year / one factorization (CPU) | ≤ \(shockTarget)× | iterations | factorizations | reused | status | price residual | fresh LU every iteration ms (× one dgetrf, dgetrf count) |"
        )
        print("|---:|---:|---:|---:|:---:|---:|---:|---:|---|---:|---:|")
        rows.forEach { print($0) }
        print("")
        print(
            "Prototypes of the same fixed point with factor reuse, built in this benchmark from the engine's public "
                + "steps (`reusedFixedPoint`; YearSolver is unchanged). Both factor `I − Ã` once, on the first iteration, "
                + "and test productivity (the column `1`) once, on the final shares, instead of every iteration: "
                + "(b) refines each iteration's price solve to rounding level with the old factors, as the engine does; "
                + "(c) takes a single refinement step per iteration, `P ← P + LU⁻ᵀ(v − (I − Ã(S(P)))ᵀP)` (a chord "
                + "iteration on the combined price–share problem), then refines the converged prices to rounding level. "
                + "× = multiples of one dgetrf; Δ = largest relative price difference from the engine.\n")
        print(
            "| nodes | engine (× one dgetrf) | (b) refine to rounding, test at the end | (c) one refinement step per iteration |")
        print("|---:|---:|---:|---:|")
        prototypes.forEach { print($0) }
        print("")
    }

    /// The fixed point as the engine ran it before factor reuse (commit 2f66e70): a fresh dense
    /// LU of `I − Ã(S)` every iteration, then one quantity solve with the last factors. Built
    /// from the engine's public steps so the gain of reusing factors can be measured beside the
    /// engine's own loop. Returns the number of factorizations (= iterations).
    static func freshFactorFixedPoint(_ f: EngineFixture, conditions: YearConditions) throws -> Int {
        let c = f.calibration
        let n = c.dimension
        let tau = c.routeVector(conditions.tariffs)
        let ones = [Double](repeating: 1, count: n)
        var prices = c.basePrices
        var last: (any LeontiefFactorization)? = nil
        var count = 0
        for _ in 0..<SolverOptions().maxIterations {
            let shares = c.armingtonShares(prices: prices, tariffs: tau, capacities: conditions.capacities)
            let system = LeontiefSystem(calibration: c, shares: shares, tariffs: tau)
            let lu = try LeontiefFactorizer(choice: .dense).factor(system, withTariffs: true)
            count += 1
            let next = lu.solve([c.valueAdded, ones], transposed: true)[0]
            var change = 0.0
            for j in 0..<n { change = max(change, abs(next[j] - prices[j]) / next[j]) }
            prices = next
            last = lu
            if change <= SolverOptions().priceTolerance { break }
        }
        if let lu = last { _ = lu.solve(f.routedDemand) }
        return count
    }

    /// How `reusedFixedPoint` uses the factors of the first iteration.
    enum ReuseStrategy {
        /// Each iteration's price solve refined to rounding level with the old factors.
        case refineToRounding
        /// One refinement step per iteration (a chord iteration on the whole price–share problem).
        case oneStepPerIteration
    }

    /// The price–share fixed point with factor reuse, as a prototype for the engine owner: the
    /// first iteration factors `I − Ã` densely; later iterations use those factors against the
    /// exact sparse `Ã(S)` (see `ReuseStrategy`), and factor afresh only when that stalls (refinement
    /// above 1e-13, or the chord iteration's step growing twice in a row). The productivity
    /// column `1` is solved once, on the final shares: intermediate iterates are not results.
    /// Quantities are then refined with the same factors, as the engine does.
    static func reusedFixedPoint(_ f: EngineFixture, conditions: YearConditions, strategy: ReuseStrategy) throws
        -> (prices: [Double], iterations: Int, factorizations: Int, solves: Int)
    {
        let c = f.calibration
        let n = c.dimension
        let tau = c.routeVector(conditions.tariffs)
        let v = c.valueAdded
        var prices = c.basePrices
        var lu: (any LeontiefFactorization)? = nil
        var factorizations = 0, solves = 0, iterations = 0
        var system = LeontiefSystem(calibration: c, shares: c.baseShares, tariffs: tau)
        var previousChange = Double.infinity, growing = 0
        for _ in 0..<SolverOptions().maxIterations {
            iterations += 1
            let shares = c.armingtonShares(prices: prices, tariffs: tau, capacities: conditions.capacities)
            system = LeontiefSystem(calibration: c, shares: shares, tariffs: tau)
            var next: [Double]? = nil
            if let old = lu {
                switch strategy {
                case .refineToRounding:
                    next =
                        refineTogether(
                            system, lu: old, rhs: [v], withTariffs: true, transposed: true, accept: 1e-13, solves: &solves)?[0]
                case .oneStepPerIteration:
                    if growing < 2 {
                        let mp = system.multiply(prices, withTariffs: true, transposed: true)
                        var step = old.solve((0..<n).map { v[$0] - (prices[$0] - mp[$0]) }, transposed: true)
                        solves += 1
                        for j in 0..<n { step[j] += prices[j] }
                        next = step
                    }
                }
            }
            if next == nil {
                let fresh = try LeontiefFactorizer(choice: .dense).factor(system, withTariffs: true)
                factorizations += 1
                next = fresh.solve(v, transposed: true)
                solves += 1
                lu = fresh
                growing = 0
                previousChange = .infinity
            }
            let p = next ?? prices
            var change = 0.0
            for j in 0..<n { change = max(change, abs(p[j] - prices[j]) / p[j]) }
            prices = p
            growing = change > previousChange ? growing + 1 : 0
            previousChange = change
            if change <= SolverOptions().priceTolerance { break }
        }
        guard let last = lu else { return (prices, iterations, factorizations, solves) }
        let ones = [Double](repeating: 1, count: n)
        if strategy == .oneStepPerIteration,
            let refined = refineTogether(
                system, lu: last, rhs: [v], withTariffs: true, transposed: true, accept: 1e-13,
                solves: &solves, start: [prices])
        {
            prices = refined[0]
        }
        _ = refineTogether(system, lu: last, rhs: [ones], withTariffs: true, transposed: true, accept: 1e-13, solves: &solves)
        let final = LeontiefSystem(
            calibration: c, shares: c.armingtonShares(prices: prices, tariffs: tau, capacities: conditions.capacities),
            tariffs: tau)
        _ = refineTogether(
            final, lu: last, rhs: [final.routedDemand(conditions.finalDemand)], withTariffs: false, transposed: false,
            accept: 1e-6, solves: &solves)
        return (prices, iterations, factorizations, solves)
    }

    /// Solves `M y_k = c_k` (M = I − Ã or I − A, or its transpose) for every column with factors
    /// of a nearby matrix: `y ← y + lu⁻¹(c − M y)` against the exact sparse coefficients, all
    /// columns in one multi-column dgetrs per step, until the worst relative residual reaches
    /// rounding level or stops halving. Nil when it stalls above `accept`. `start` replaces the
    /// first solve by a known approximation (the converged iterate of a chord iteration).
    static func refineTogether(
        _ system: LeontiefSystem, lu: any LeontiefFactorization, rhs: [[Double]],
        withTariffs: Bool, transposed: Bool, accept: Double, solves: inout Int,
        start: [[Double]]? = nil
    ) -> [[Double]]? {
        var y: [[Double]]
        if let start { y = start } else { y = lu.solve(rhs, transposed: transposed); solves += 1 }
        let scales = rhs.map { max(Vector.maxNorm($0), .leastNormalMagnitude) }
        var previous = Double.infinity
        for step in 0...8 {
            var residuals: [[Double]] = []
            var worst = 0.0
            for k in rhs.indices {
                let my = system.multiply(y[k], withTariffs: withTariffs, transposed: transposed)
                let r = (0..<y[k].count).map { rhs[k][$0] - (y[k][$0] - my[$0]) }
                worst = max(worst, Vector.maxNorm(r) / scales[k])
                residuals.append(r)
            }
            guard worst.isFinite else { return nil }
            if worst <= 64 * Double.ulpOfOne || worst > 0.5 * previous || step == 8 { return worst < accept ? y : nil }
            previous = worst
            let d = lu.solve(residuals, transposed: transposed)
            solves += 1
            for k in rhs.indices { Vector.axpy(1, d[k], &y[k]) }
        }
        return nil
    }

    /// Acyclic sparse networks: time per year and peak memory.
    static func sparseSection(runs: Int) throws {
        var rows: [String] = []
        for size in NetworkSize.selected(from: NetworkSize.sparseAcyclic) {
            let r = min(runs, 3)
            ResidentMemory.resetPeak()
            let fixture = try EngineFixture(size: size, dense: false)
            let setupPeak = ResidentMemory.peakBytes
            let solution = try fixture.solveYear()
            ResidentMemory.resetPeak()
            let base = try sample(r) { _ = try fixture.solveYear() }
            let yearPeak = ResidentMemory.peakBytes
            let shockSolution = try fixture.solveYear(conditions: fixture.shocked)
            let shock = try sample(r) { _ = try fixture.solveYear(conditions: fixture.shocked) }
            let s = solution.statistics
            rows.append(
                "| \(fixture.dimension) (\(size)) | \(s.nonzeros) | \(shortMethod(s.linearSolver)) | "
                    + "\(f2(fixture.generationSeconds)) s | \(f2(fixture.calibrationSeconds)) s | "
                    + "\(ms(base.wall)) (\(ms(base.cpu))) | \(ms(shock.wall)) (\(ms(shock.cpu))) | "
                    + "\(shockSolution.statistics.iterations) | \(formatBytes(yearPeak)) | \(formatBytes(setupPeak)) | "
                    + "\(met(shock.wall < 2 && base.wall < 2 && yearPeak < 2_000_000_000)) |")
            note("sparse \(fixture.dimension)")
        }
        print("### Sparse acyclic networks: time per year and peak memory (target at 100,000 nodes: < 2 s, < 2 GB)\n")
        print(
            "Five suppliers per market on the ring, no feedback: the automatic choice is level-ordered "
                + "triangular substitution. `base year` converges in 1 iteration; `shocked year` is the tariff shock above. "
                + "Peak RSS of the year: high-water mark while solving (network and calibration resident); "
                + "setup: while generating and calibrating.\n")
        print(
            "| nodes (R×S×P) | nonzeros of A | solver | generate | calibrate | base year ms (CPU) | shocked year ms (CPU) | shocked iterations | peak RSS, year | peak RSS, setup | < 2 s and < 2 GB |"
        )
        print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|:---:|")
        rows.forEach { print($0) }
        print("")
    }

    /// Engine steps timed alone through the public API, on the dense base-year system.
    static func breakdownSection(runs: Int) throws {
        print("### Where the dense engine's time goes (per call, median of \(runs); ms)\n")
        print(
            "`per iteration` = Armington + dense assembly + dgetrf + dgecon + 2-RHS transposed solve; "
                + "`rest` = engine − iterations × per iteration.\n")
        print(
            "| nodes | engine | Armington | dense I−Ã | dgetrf (LUFactorization.init) | dgecon | dgetrs ᵀ (2 RHS) | dgetrs (1 RHS) | sparse A·x | per iteration | iterations × per iteration | rest |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size in NetworkSize.selected(from: denseSizes) {
            let fixture = try EngineFixture(size: size)
            let solution = try fixture.solveYear(.dense)
            let e = try sample(runs) { _ = try fixture.solveYear(.dense) }
            print(try attribution(fixture, solution: solution, runs: runs, engineSeconds: e.wall))
        }
        print("")
    }

    /// Times the engine's building blocks separately and returns one Markdown row.
    static func attribution(_ f: EngineFixture, solution: YearSolution, runs: Int, engineSeconds: Double) throws -> String {
        guard let matrix = f.matrix else { throw FixtureError.noDenseMatrix(f.dimension) }
        let c = f.calibration
        let tau = c.routeVector(f.conditions.tariffs)
        let prices = c.basePrices
        func med(_ body: () throws -> Void) rethrows -> Double { try sample(runs, body).wall }
        var shares = c.baseShares
        let armington = med { shares = c.armingtonShares(prices: prices, tariffs: tau, capacities: f.conditions.capacities) }
        let system = LeontiefSystem(calibration: c, shares: shares, tariffs: tau)
        var m = matrix
        let assembly = med { m = system.leontiefMatrix(withTariffs: true) }
        var lu = try LUFactorization(factoring: m)
        let factor = try med { lu = try LUFactorization(factoring: m) }
        var rc = 0.0
        let dgecon = med { rc = lu.reciprocalCondition() }
        let rhs = Matrix(columns: [c.valueAdded, [Double](repeating: 1, count: f.dimension)])
        var sol = rhs
        let solve = med { sol = lu.solve(rhs, transposed: true) }
        var one = prices
        let solve1 = med { one = lu.solve(prices) }
        var y = prices
        let spmv = med { y = system.multiply(prices, withTariffs: false) }
        withExtendedLifetime((rc, sol, y, one)) {}
        let perIteration = armington + assembly + factor + dgecon + solve
        let iters = Double(solution.statistics.iterations)
        return "| \(f.dimension) | \(ms(engineSeconds)) | \(ms(armington)) | \(ms(assembly)) | \(ms(factor)) | \(ms(dgecon)) | "
            + "\(ms(solve)) | \(ms(solve1)) | \(ms(spmv)) | \(ms(perIteration)) | \(ms(iters * perIteration)) | \(ms(engineSeconds - iters * perIteration)) |"
    }

    // MARK: - Helpers

    /// Median wall-clock and CPU seconds of `count` calls of `body` (after the caller's warm-up).
    static func sample(_ count: Int, _ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
        var wall: [Double] = [], cpu: [Double] = []
        for _ in 0..<count {
            let t = try timed(body)
            wall.append(t.wallSeconds)
            cpu.append(t.cpuSeconds)
        }
        return (median(wall), median(cpu))
    }

    /// This machine's dgemm rate at order `n` through `Matrix.multiply`.
    static func dgemmGFLOPS(n: Int, runs: Int) -> Double {
        var rng = SeededGenerator(seed: 7)
        var a = Matrix(rows: n, columns: n), b = Matrix(rows: n, columns: n)
        for j in 0..<n { for i in 0..<n { a[i, j] = rng.uniform() - 0.5; b[i, j] = rng.uniform() - 0.5 } }
        _ = a.multiply(b)
        var t: [Double] = []
        for _ in 0..<runs { t.append(timed { a.multiply(b) }.wallSeconds) }
        return 2 * pow(Double(n), 3) / median(t) / 1e9
    }

    static var loadAverage: String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ")
            ?? "unknown"
    }

    static func shortMethod(_ method: String) -> String {
        if method.hasPrefix("dense") { return "dense LU" }
        if method.lowercased().contains("gmres") { return "GMRES+ILU(0)" }
        if method.hasPrefix("sparse LU") { return "sparse LU" }
        if method.lowercased().contains("triangular") || method.lowercased().contains("substitution") { return "triangular" }
        return method
    }

    static func status(_ s: SolveStatus) -> String {
        switch s {
        case .solved: return "solved"
        case .iterationLimitReached: return "iteration limit"
        case .massBalanceViolated: return "mass balance violated"
        }
    }

    static func met(_ ok: Bool) -> String { ok ? "met" : "**not met**" }
    static func note(_ s: String) { FileHandle.standardError.write(Data("measured \(s)\n".utf8)) }
    static func f1(_ v: Double) -> String { String(format: "%.1f", v) }
    static func f2(_ v: Double) -> String { String(format: "%.2f", v) }
    static func ms(_ seconds: Double) -> String {
        let v = seconds * 1e3
        return v >= 100 ? String(format: "%.0f", v) : (v >= 1 ? String(format: "%.1f", v) : String(format: "%.3f", v))
    }
}
