import Foundation
import LinearAlgebra
import Testing

@testable import MinsimEngine

/// The matrix-free clearing's Jacobian–vector products (`YearClearingProblem.product`) and its
/// semismooth Newton method (`MatrixFreeNewton`) on seeded networks, acyclic and cyclic.
@Suite("Market clearing: Jacobian–vector products and the matrix-free Newton method")
struct MatrixFreeProductTests {
    /// A seeded network with a quota on its first import route (so κ columns are seeded too),
    /// at an interior point: rents 0.1–0.5 of base price, quota rent 0.2, unserved shares
    /// 0.1–0.4 — every route moves and F is smooth there.
    static func interior(seed: UInt64, feedback: Double, tightPrices: Bool = false) throws -> (
        problem: YearClearingProblem, z: [Double], point: YearClearingProblem.Point, v: [Double]
    ) {
        let fixture = try ScarceNetwork(seed: seed, feedback: feedback)
        var cond = fixture.conditions
        let route = try #require(fixture.calibration.routes.first { $0.exporter != $0.importer })
        cond.routeQuotas[route] = 1
        var solver = YearSolver()
        if tightPrices {
            solver.options.priceTolerance = 1e-15
            solver.options.maxIterations = 2000
        }
        var (problem, start, _) = try MarketClearing(solver: solver).makeProblem(
            fixture.calibration, conditions: cond, demandElasticity: fixture.elasticity, warmStart: nil)
        var z = start
        var rng = SeededGenerator(seed: seed)
        for i in z.indices { z[i] = i >= problem.marketOffset ? 0.1 + 0.3 * rng.uniform() : 0.1 + 0.4 * rng.uniform() }
        let (_, point) = try problem.evaluate(z)
        // A seed of both signs in every unknown kind.
        let v = z.indices.map { _ in rng.uniform() - 0.5 }
        #expect(problem.quotaRoutes.count == 1 && problem.capacityNodes.count > 0 && problem.demandMarkets.count > 0)
        return (problem, z, point, v)
    }

    /// `J v` against the formed Jacobian times v. Both are the same terms — each column's
    /// price solve, market loop and quantity solve, times `v_j` — summed in another order (the
    /// product solves the seeded sum once; the Jacobian solves per column and then sums), so
    /// they differ by rounding only: ≈ ε times the number of terms times their magnitude. The
    /// tolerance 1e-12 of `Σ_j |J_ij v_j|` (plus 1e-15 absolute) is ≈ 50 ε, ample for these
    /// 24-node systems, and far below an error in a term (which shows at O(|J_ij v_j|)).
    @Test("J·v equals the formed Jacobian times v", arguments: [1, 7, 42] as [UInt64])
    func productEqualsJacobianTimesVector(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            var (problem, z, point, v) = try Self.interior(seed: seed, feedback: feedback)
            let all = Array(z.indices)
            let jacobian = try problem.jacobian(at: point, rows: all, columns: all)
            let (jv, dPrice) = try problem.product(at: point, v)
            #expect(dPrice.count == problem.calibration.dimension)
            for i in all {
                var reference = 0.0, magnitude = 0.0
                for j in all {
                    reference += jacobian[i, j] * v[j]
                    magnitude += abs(jacobian[i, j] * v[j])
                }
                #expect(
                    abs(jv[i] - reference) <= 1e-12 * magnitude + 1e-15,
                    "seed \(seed) feedback \(feedback): (Jv)[\(i)] = \(jv[i]), J times v gives \(reference)")
            }
        }
    }

    /// `J v` against the central difference `(F(z + h v) − F(z − h v)) / 2h`, h = 1e-5, with the
    /// price fixed point run to 1e-15: truncation ≈ 1e-10, rounding ≈ 1e-14 / h ≈ 1e-9, so 1e-6
    /// of the product's largest entry (plus 1e-9) bounds both, as in `ClearingJacobianTests`.
    @Test("J·v equals central finite differences along v", arguments: [1, 7, 42] as [UInt64])
    func productMatchesFiniteDifferences(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            var (problem, z, point, v) = try Self.interior(seed: seed, feedback: feedback, tightPrices: true)
            let jv = try problem.product(at: point, v).jv
            let h = 1e-5
            let up = try problem.evaluate(z.indices.map { z[$0] + h * v[$0] }).residual
            let down = try problem.evaluate(z.indices.map { z[$0] - h * v[$0] }).residual
            let difference = z.indices.map { (up[$0] - down[$0]) / (2 * h) }
            let scale = max(Vector.maxNorm(difference), 1e-300)
            for i in z.indices {
                #expect(
                    abs(jv[i] - difference[i]) <= 1e-6 * scale + 1e-9,
                    "seed \(seed) feedback \(feedback): (Jv)[\(i)] = \(jv[i]), differences give \(difference[i])")
            }
        }
    }

    /// The matrix-free method on the 24-node networks (called directly: the clearing uses it
    /// only above 2,048 nodes) reaches the clearing's tolerance on its own, without the
    /// Josephy–Newton fallback, and lands on the Josephy–Newton solver's solution. The MCP's
    /// solution is unique here (the same rents and shares from both methods, which take
    /// different paths); both stop at a natural residual of 1e-10 in scaled units, so the
    /// unknowns agree to 1e-7 (a safety factor of 1,000 for the conditioning of J).
    @Test("matrix-free Newton solves the clearing MCP on its own", arguments: [1, 7, 42] as [UInt64])
    func matrixFreeSolves(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            let fixture = try ScarceNetwork(seed: seed, feedback: feedback)
            var (problem, start) = try fixture.clearingProblem()
            var reference = problem
            let settings = MarketClearingSettings().solver
            let (result, counts) = try MatrixFreeNewton(settings: settings).solve(&problem, from: start)
            #expect(result.status == .solved && !counts.fellBack, "seed \(seed) feedback \(feedback): \(counts)")
            #expect(result.naturalResidual <= settings.tolerance)
            #expect(result.jacobians == 0 && counts.products > 0)
            let josephy = try ComplementaritySolver(settings: settings).solve(&reference, from: start)
            #expect(josephy.status == .solved)
            #expect(result.z.contains { $0 > 0 }, "something binds")
            for i in start.indices {
                #expect(abs(result.z[i] - josephy.z[i]) <= 1e-7 * max(1, abs(josephy.z[i])), "seed \(seed) unknown \(i)")
            }
        }
    }
}
