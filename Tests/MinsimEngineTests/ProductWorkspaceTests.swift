import Foundation
import LinearAlgebra
import Testing

@testable import MinsimEngine

/// The matrix-free path's cheaper products and Krylov solves (c16-product): the workspace
/// product (`YearClearingProblem.product(at:rows:values:into:)`) and GMRES with classical
/// Gram–Schmidt twice.
@Suite("Market clearing: products on a reused workspace, GMRES by CGS2")
struct ProductWorkspaceTests {
    /// One workspace through a sequence of products — seeds on different rows (capacity, quota
    /// and unserved-share unknowns), then at another point — gives each product exactly what a
    /// fresh workspace gives: the seed, quota marks and scratch are left clean, and the
    /// per-point constants are remade when the point changes. Exact equality: the same
    /// arithmetic in the same order, so any stale entry shows.
    @Test("a reused workspace gives what a fresh one gives", arguments: [1, 7] as [UInt64])
    func reusedWorkspaceIsClean(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            var (problem, z, point, v) = try MatrixFreeProductTests.interior(seed: seed, feedback: feedback)
            let all = Array(v.indices)
            let half = all.filter { $0 % 2 == 0 }
            let quota = problem.quotaOffset
            // A seed on the quota rent and the unserved shares only, then one on every other unknown.
            let seeds: [(rows: [Int], values: [Double])] = [
                (all, v), (all.filter { $0 >= quota }, all.filter { $0 >= quota }.map { v[$0] }),
                (half, half.map { -v[$0] }), (all, v),
            ]
            var reused = YearClearingProblem.ProductWorkspace()
            for (rows, values) in seeds {
                var fresh = YearClearingProblem.ProductWorkspace()
                let expected = try problem.product(at: point, rows: rows, values: values, into: &fresh)
                let got = try problem.product(at: point, rows: rows, values: values, into: &reused)
                #expect(got == expected, "seed \(seed) feedback \(feedback): \(rows.count) rows")
                #expect(reused.dPrice == fresh.dPrice)
            }
            // The next point (rents 10 % up): the workspace's constants follow it.
            let (_, next) = try problem.evaluate(z.indices.map { $0 < problem.marketOffset ? 1.1 * z[$0] : z[$0] })
            var fresh = YearClearingProblem.ProductWorkspace()
            let expected = try problem.product(at: next, rows: all, values: v, into: &fresh)
            #expect(try problem.product(at: next, rows: all, values: v, into: &reused) == expected)
            // The full-seed form is the same product.
            #expect(try problem.product(at: next, v).jv == expected)
        }
    }

    /// GMRES by CGS2 on a nonsymmetric system with a known solution: M = 4I + R, R random in
    /// (−1, 1) with 5 % density (a spread, complex spectrum around 4, so GMRES needs tens of
    /// steps), x random, c = M x. Both orthogonalizations reach 1e-12 (the residual is
    /// recomputed, not estimated), their solutions agree with x to 1e-10 (κ(M) is below 10
    /// here, so the error is at most ≈ 10 × the residual), and their step counts differ by at
    /// most 2 (the two bases are the same space to rounding).
    @Test("GMRES by classical Gram–Schmidt twice solves a known system", arguments: [3, 11] as [UInt64])
    func classicalTwiceSolves(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let n = 120
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n {
            m[i, i] = 4
            for j in 0..<n where rng.uniform() < 0.05 { m[i, j] += 2 * rng.uniform() - 1 }
        }
        let x = (0..<n).map { _ in rng.uniform() - 0.5 }
        let c = m.multiply(x)
        var results: [RestartedGMRES.Result] = []
        for variant in [RestartedGMRES.Orthogonalization.modifiedGramSchmidt, .classicalTwice] {
            let gmres = RestartedGMRES(restart: 200, tolerance: 1e-12, maxIterations: 200, orthogonalization: variant)
            let result = gmres.solve(c, operator: { m.multiply($0) }, preconditioner: { $0 })
            #expect(result.converged && result.relativeResidual <= 1e-12, "seed \(seed) \(variant)")
            for i in 0..<n { #expect(abs(result.solution[i] - x[i]) <= 1e-10, "seed \(seed) \(variant) x[\(i)]") }
            results.append(result)
        }
        #expect(abs(results[0].iterations - results[1].iterations) <= 2)
        #expect(results[0].iterations >= 10, "a system that takes GMRES more than a few steps")
    }
}
