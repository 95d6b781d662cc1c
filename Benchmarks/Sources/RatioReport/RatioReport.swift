// Prints, as Markdown, how the one-year engine solve compares with the bare LAPACK work on the
// same matrix (dgetrf + one dgetrs each way), per network size, plus where the rest goes.
//
//   swift run -c release --package-path Benchmarks RatioReport [--runs 5] [--skip-breakdown]
//   RatioReport --profile-engine 20   # only solve the first selected size 20 times (for perf/callgrind)
//
// Each timing is the median of `--runs` (≥ 5) runs after one warm-up run. OpenBLAS uses one
// thread unless MINSIM_BENCH_THREADS says otherwise; MINSIM_BENCH_NODES=500,2000 picks sizes.
import BenchmarkSupport
import Foundation
import LinearAlgebra
import MinsimEngine

@main
struct RatioReport {
    static func main() throws {
        let args = CommandLine.arguments
        var runs = 5
        if let i = args.firstIndex(of: "--runs"), i + 1 < args.count, let r = Int(args[i + 1]) { runs = max(5, r) }
        let breakdown = !args.contains("--skip-breakdown")
        let threads = configureBLASThreads()
        if let i = args.firstIndex(of: "--profile-engine"), i + 1 < args.count, let count = Int(args[i + 1]) {
            guard let size = NetworkSize.selected.first else { return }
            let fixture = try EngineFixture(size: size)
            for _ in 0..<max(count, 1) { _ = try fixture.solveYear() }
            return
        }

        print("## Engine year vs bare LAPACK\n")
        print("- CPU: \(processorModelName), \(ProcessInfo.processInfo.activeProcessorCount) cores online")
        print("- BLAS: \(BLASRuntime.libraryDescription); threads in use: \(threads)")
        print("- Each time: median of \(runs) runs after 1 warm-up; wall clock (process CPU time in brackets). "
              + "On a shared machine the CPU-time ratio is the steadier one.\n")

        var rows: [String] = []
        var parts: [String] = []
        for size in NetworkSize.selected {
            let fixture = try EngineFixture(size: size)
            let n = fixture.dimension

            // Warm-up, and the solver statistics of the measured solve.
            let solution = try fixture.solveYear()
            _ = try fixture.bareFactorAndSolve()
            var engineWall: [Double] = [], engineCPU: [Double] = []
            var bareWall: [Double] = [], bareCPU: [Double] = []
            for _ in 0..<runs {
                let e = try timed { try fixture.solveYear() }
                engineWall.append(e.wallSeconds); engineCPU.append(e.cpuSeconds)
                let b = try timed { try fixture.bareFactorAndSolve() }
                bareWall.append(b.wallSeconds); bareCPU.append(b.cpuSeconds)
            }
            let stats = solution.statistics
            let e = median(engineWall), b = median(bareWall)
            // The bare time is dominated by dgetrf; two O(N²) solves are <1 % at these sizes.
            let gflops = (2.0 / 3.0) * pow(Double(n), 3) / b / 1e9
            rows.append("| \(n) (\(size)) | \(stats.nonzeros) | \(ms(e)) (\(ms(median(engineCPU)))) | "
                        + "\(ms(b)) (\(ms(median(bareCPU)))) | \(String(format: "%.2f", e / b)) (\(String(format: "%.2f", median(engineCPU) / median(bareCPU)))) | "
                        + "\(stats.iterations) | \(stats.factorizations) | \(String(format: "%.1f", gflops)) |")
            if breakdown { parts.append(try attribution(fixture, solution: solution, runs: runs, engineSeconds: e)) }
            FileHandle.standardError.write("measured \(n) nodes\n".data(using: .utf8)!)
        }

        print("| nodes (R×S×P) | nonzeros of A | engine ms (CPU) | bare dgetrf+dgetrs ms (CPU) | engine / bare (CPU) | iterations | factorizations | dgetrf GFLOP/s |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        rows.forEach { print($0) }

        let g = dgemmGFLOPS(n: 2_000, runs: runs)
        print("\nReference: dgemm (cblas via `Matrix.multiply`) at N = 2000: \(String(format: "%.1f", g)) GFLOP/s (2·N³ flops, median of \(runs)).")
        print("dgetrf GFLOP/s counts (2/3)·N³ flops over the bare dgetrf+dgetrs time.")

        if breakdown {
            print("\n## Where the engine's time goes (per call, median of \(runs); ms)\n")
            print("Engine steps timed alone through the public API, on the base-year system. "
                  + "`per iteration` = Armington + dense assembly + dgetrf + dgecon + 2-RHS transposed solve; "
                  + "`rest` = engine − iterations × per iteration: mostly the quantity step's iterative refinement "
                  + "(one 1-RHS dgetrs and one sparse residual per step).\n")
            print("| nodes | engine | Armington | dense I−Ã | dgetrf (LUFactorization.init) | dgecon | dgetrs ᵀ (2 RHS) | dgetrs (1 RHS) | sparse A·x | per iteration | iterations × per iteration | rest |")
            print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            parts.forEach { print($0) }
        }
    }

    /// Times the engine's building blocks separately and returns one Markdown row.
    static func attribution(_ f: EngineFixture, solution: YearSolution, runs: Int, engineSeconds: Double) throws -> String {
        let c = f.calibration
        let tau = c.routeVector(f.conditions.tariffs)
        let prices = c.basePrices
        func med(_ body: () throws -> Void) rethrows -> Double {
            try body()
            var t: [Double] = []
            for _ in 0..<runs { t.append(try timed(body).wallSeconds) }
            return median(t)
        }
        var shares = c.baseShares
        let armington = med { shares = c.armingtonShares(prices: prices, tariffs: tau, capacities: f.conditions.capacities) }
        let system = LeontiefSystem(calibration: c, shares: shares, tariffs: tau)
        var m = f.matrix
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

    static func ms(_ seconds: Double) -> String {
        let v = seconds * 1e3
        return v >= 100 ? String(format: "%.0f", v) : (v >= 1 ? String(format: "%.1f", v) : String(format: "%.3f", v))
    }
}
