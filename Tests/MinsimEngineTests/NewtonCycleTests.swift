import Foundation
import LinearAlgebra
import Testing

@testable import MinsimEngine

/// The line search's guard against a two-cycle of the Newton map (`ComplementaritySolver.reference`):
/// a full step that raises the merit and lands back near the iterate before the current one
/// must lower the current merit instead of the largest recent one.
@Suite("Newton line search: two-cycles")
struct NewtonCycleTests {
    @Test("the reference is the current merit only for an increasing return to the iterate before")
    func referenceCases() {
        // Iterates A = [0, 0] then B = [1, 2]: the last step's length (∞-norm) is 2.
        let visited: [[Double]] = [[0, 0], [1, 2]]
        // Back within 0.1 · 2 of A, merit up from 1 to 3: the current merit.
        #expect(ComplementaritySolver.reference(5, merit: 1, trial: ([0.1, -0.15], 3), visited: visited) == 1)
        // The same return with the merit down: the recent maximum.
        #expect(ComplementaritySolver.reference(5, merit: 1, trial: ([0.1, -0.15], 0.5), visited: visited) == 5)
        // Merit up, but 0.3 from A (more than a tenth of the step): the recent maximum.
        #expect(ComplementaritySolver.reference(5, merit: 1, trial: ([0.3, 0], 3), visited: visited) == 5)
        // No iterate before the current one yet: the recent maximum.
        #expect(ComplementaritySolver.reference(5, merit: 1, trial: ([0, 0], 3), visited: [[1, 2]]) == 5)
    }

    /// `f(z) = z³ − 2z + 2` on the real line (both bounds infinite, so |Φ| = |f|): Newton's method
    /// cycles 0 → 1 → 0 (f(0) = 2, f'(0) = −2; f(1) = 1, f'(1) = 1). From z₀ = −0.01 the first
    /// step goes to z₁ ≈ 1.000151 (ψ = ½f² 2.04 → 0.50), and the full second step back to
    /// ≈ 0.000905 has ψ ≈ 1.996: above the current 0.50 but below the recent maximum 2.04, so
    /// the nonmonotone rule alone would take it and go round the cycle again. The guard rejects
    /// it; the half step to z₂ ≈ 0.500528 (f ≈ 1.1243, ψ ≈ 0.63 below the recent maximum) is
    /// taken. Two steps only (`maxIterations`), so the test is of these two steps, not of where
    /// the solve goes from there (ψ has a stationary point at √(2/3) that is not a root).
    @Test("a two-cycle of Newton's method is cut at its first return")
    func cubicCycle() {
        var problem = ClosureProblem(
            lowerBounds: [-.infinity], upperBounds: [.infinity],
            f: { z in [z[0] * z[0] * z[0] - 2 * z[0] + 2] }, jac: { z in [[3 * z[0] * z[0] - 2]] })
        var settings = ComplementaritySettings()
        settings.maxIterations = 2
        let result = ComplementaritySolver(settings: settings).solve(&problem, from: [-0.01])
        #expect(result.log.count == 2)
        guard result.log.count == 2 else { return }
        // Step 1: length ≈ 1.010151, ‖Φ‖∞ = f(z₁) ≈ 1.000149.
        #expect(abs(result.log[0].stepNorm - 1.010151) <= 1e-5)
        // Step 2: half of ≈ 0.999246, to f(z₂) ≈ 1.124340 (the return would have length ≈ 0.999
        // and ‖Φ‖∞ ≈ 1.998). Tolerances 1e-5: the hand values are rounded to 6 digits.
        #expect(abs(result.log[1].stepNorm - 0.499623) <= 1e-5)
        #expect(abs(result.log[1].merit - 1.124340) <= 1e-5)
        #expect(abs(result.z[0] - 0.500528) <= 1e-5)
    }
}
