import Foundation
import LinearAlgebra
import Testing

@testable import MinsimEngine

@Suite("Market clearing: Jacobian by implicit differentiation")
struct ClearingJacobianTests {
    /// Central differences `(F(z + h e_j) − F(z − h e_j)) / 2h` against the analytic Jacobian at
    /// an interior point (every rent positive, every unserved share inside (0, 1), so F is smooth
    /// there). Error budget: truncation O(h²·F''') ≈ 1e-10 with h = 1e-5 (relative to |z|), and
    /// rounding ≈ ε_F / h where ε_F ≈ 1e-14 is the accuracy of F with the fixed point run to 1e-15
    /// → ≈ 1e-9. The tolerance 1e-6 of each column's largest entry (plus 1e-9 absolute) is
    /// well above both, and far below an error in the derivation (which shows at O(1)).
    @Test("analytic Jacobian equals central finite differences", arguments: [1, 7, 42] as [UInt64])
    func jacobianMatchesFiniteDifferences(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            let fixture = try ScarceNetwork(seed: seed, feedback: feedback)
            var cond = fixture.conditions
            // A quota on the first import route, so that κ columns are tested too.
            let route = try #require(fixture.calibration.routes.first { $0.exporter != $0.importer })
            cond.routeQuotas[route] = 1
            var solver = YearSolver()
            solver.options.priceTolerance = 1e-15
            solver.options.maxIterations = 2000
            let clearing = MarketClearing(solver: solver)
            var (problem, start, _) = try clearing.makeProblem(
                fixture.calibration, conditions: cond, demandElasticity: fixture.elasticity, warmStart: nil)
            // An interior point: rents 0.1–0.5 of base price, quota rent 0.2, shares unserved 0.1–0.4.
            var z = start
            var rng = SeededGenerator(seed: seed)
            for i in z.indices {
                z[i] = i >= problem.marketOffset ? 0.1 + 0.3 * rng.uniform() : 0.1 + 0.4 * rng.uniform()
            }
            let (_, point) = try problem.evaluate(z)
            let all = Array(z.indices)
            let analytic = try problem.jacobian(at: point, rows: all, columns: all)
            for j in all {
                let h = 1e-5 * max(1, abs(z[j]))
                var up = z, down = z
                up[j] += h
                down[j] -= h
                let fUp = try problem.evaluate(up).residual
                let fDown = try problem.evaluate(down).residual
                let column = all.map { (fUp[$0] - fDown[$0]) / (2 * h) }
                let scale = max(Vector.maxNorm(column), 1e-300)
                for i in all {
                    #expect(
                        abs(analytic[i, j] - column[i]) <= 1e-6 * scale + 1e-9,
                        "seed \(seed) feedback \(feedback): J[\(i), \(j)] = \(analytic[i, j]), differences give \(column[i])")
                }
            }
        }
    }
}
