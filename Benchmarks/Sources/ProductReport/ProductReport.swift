// The matrix-free path's cost per Jacobian–vector product, for before/after comparisons of the
// product and GMRES (docs/performance.md, c16-product): one generated scarce year cleared cold,
// then the next year (every final demand +3 %) cleared warm from it `--runs` times; prints the
// cold year's counts, status and CPU time, and the warm year's counts (steps, year solves,
// products) and CPU times. Meant for callgrind, whose
// per-function inclusive counts divided by the product count give the instructions a product
// costs, and for alternated CPU-time runs.
//
//   swift build -c release --package-path Benchmarks --product ProductReport
//   OPENBLAS_NUM_THREADS=1 valgrind --tool=callgrind Benchmarks/.build/release/ProductReport --nodes 4000 --runs 1
//   OPENBLAS_NUM_THREADS=1 Benchmarks/.build/release/ProductReport --nodes 10000 --cyclic --runs 5
import BenchmarkSupport
import Foundation
import MinsimEngine

@main
struct ProductReport {
    static func main() throws {
        let args = CommandLine.arguments
        func value(_ flag: String) -> Int? {
            args.firstIndex(of: flag).flatMap { $0 + 1 < args.count ? Int(args[$0 + 1]) : nil }
        }
        let runs = max(1, value("--runs") ?? 3)
        let nodes = value("--nodes") ?? 4_000
        let cyclic = args.contains("--cyclic")
        // 100 regions × 4 stages × (nodes / 400) products: ClearingReport's 4,000- and 10,000-node networks.
        let size = NetworkSize(regions: 100, stages: 4, productsPerStage: max(1, nodes / 400), feedback: cyclic ? 0.05 : 0)
        configureBLASThreads()
        let (cal, cond, elasticity) = try scarceYear(size)
        var next = cond
        for r in cal.network.regionIndices { for q in cal.network.productIndices { next.finalDemand[r, q] *= 1.03 } }
        let coldTime = try timed { try MarketClearing().solve(cal, conditions: cond, demandElasticity: elasticity) }
        let cold = coldTime.value
        let c = cold.statistics
        print(
            "cold year: steps \(c.iterations), year solves \(c.evaluations), Jacobians \(c.jacobians) (columns + products "
                + "\(c.jacobianColumns)), status \(c.status.rawValue), certified \(cold.certificate.certified); CPU "
                + String(format: "%.1f ms", coldTime.cpuSeconds * 1e3))
        var cpu: [Double] = []
        var warm: ClearedYear? = nil
        for _ in 0..<runs {
            let t = try timed {
                try MarketClearing().solve(cal, conditions: next, demandElasticity: elasticity, warmStart: cold.warmStart)
            }
            cpu.append(t.cpuSeconds)
            warm = t.value
        }
        guard let w = warm else { return }
        let s = w.statistics
        print(
            "\(size)\(cyclic ? " cyclic" : "") (\(cal.dimension) nodes), warm year: steps \(s.iterations), "
                + "year solves \(s.evaluations), Jacobians \(s.jacobians) (columns + products \(s.jacobianColumns)), "
                + "certified \(w.certificate.certified); CPU ms per run \(cpu.map { String(format: "%.1f", $0 * 1e3) }), "
                + "median \(String(format: "%.1f", median(cpu) * 1e3))")
    }
}
