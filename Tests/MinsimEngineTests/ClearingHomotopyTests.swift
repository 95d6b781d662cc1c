import Foundation
import LinearAlgebra
import Testing

@testable import MinsimEngine

@Suite("Market clearing: Broyden reuse of the Jacobian and the Newton homotopy")
struct ClearingHomotopyTests {
    /// Broyden's update `J⁺ = J + (y − Js)sᵀ/sᵀs` satisfies the secant condition `J⁺s = y`
    /// exactly (up to rounding: entries are O(1), so 1e-14), changes only the columns with
    /// `s_b ≠ 0`, and refuses a step that moves an unknown whose column was never formed.
    @Test("Broyden's update meets the secant condition and leaves unformed columns alone")
    func broydenSecant() {
        var jac = PartialJacobian(rows: [10, 11, 12])
        var block = Matrix(rows: 3, columns: 2)
        block[0, 0] = 2; block[1, 0] = -1; block[2, 0] = 0.5
        block[0, 1] = 0; block[1, 1] = 3; block[2, 1] = 1
        jac.store(block, at: [0, 2])
        let s = [0.5, 0, -1.5], y = [1.0, -2.0, 0.25]
        let updated = jac.broydenUpdate(step: s, change: y)
        #expect(updated)
        for a in 0..<3 {
            let js = jac[a, 0] * s[0] + jac[a, 2] * s[2]
            #expect(abs(js - y[a]) <= 1e-14, "row \(a): J⁺s = \(js), y = \(y[a])")
        }
        #expect(jac.missing([0, 1, 2]) == [1])
        var unchanged = jac
        let refused = !unchanged.broydenUpdate(step: [0, 1, 0], change: y)
        #expect(refused)
        for a in 0..<3 { #expect(unchanged[a, 0] == jac[a, 0] && unchanged[a, 2] == jac[a, 2]) }
    }

    /// The homotopy `F(z) − (1 − λ)F(z₀)`, started at zero rents and full service, ends at a
    /// solution of the year itself: natural residual ≤ 1e-10 (the solver's tolerance) with no
    /// shift left on the problem, and the same rents as the direct solve to 1e-7 in scaled units
    /// (both stop within 1e-10 of the solution; the rents' sensitivity to the residual on these
    /// networks is below 1e3).
    @Test("the Newton homotopy from zero reaches the year's equilibrium", arguments: [1, 7, 42] as [UInt64])
    func homotopyReachesEquilibrium(seed: UInt64) throws {
        let fixture = try ScarceNetwork(seed: seed)
        var (problem, start) = try fixture.clearingProblem()
        var none = ComplementaritySettings()
        none.maxIterations = 0
        let first = try ComplementaritySolver(settings: none).solve(&problem, from: start)
        let (result, stages) = try MarketClearing.homotopy(&problem, settings: ComplementaritySettings(), first: first)
        #expect(result.status == .solved, "seed \(seed)")
        #expect(result.naturalResidual <= 1e-10, "seed \(seed): \(result.naturalResidual)")
        #expect(stages >= 3, "λ = ¼, ¾, 1 at least; seed \(seed)")
        #expect(problem.residualShift.isEmpty, "seed \(seed)")
        let direct = try ComplementaritySolver().solve(&problem, from: start)
        #expect(direct.status == .solved, "seed \(seed)")
        for a in 0..<problem.quotaOffset {
            #expect(abs(result.z[a] - direct.z[a]) <= 1e-7, "seed \(seed), rent \(a): \(result.z[a]) vs \(direct.z[a])")
        }
    }
}
