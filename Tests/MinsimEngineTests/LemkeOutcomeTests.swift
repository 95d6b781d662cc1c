import LinearAlgebra
import Testing

@testable import MinsimEngine

/// Lemke's method tells a ray from its pivot limit (`LemkeSolver.pivot`), and the Newton
/// subproblem's chain ends at a ray without the interior-point method.
@Suite("Lemke's method: ray and solution outcomes")
struct LemkeOutcomeTests {
    /// `w = 0·z − 1 ≥ 0` has no solution (w = −1 whatever z is), and M = 0 is positive
    /// semidefinite: Lemke's method ends on a ray (the entering column x is 0, no pivot row),
    /// and the interior-point method, which needs a solution to converge to, finds none either.
    @Test("an infeasible monotone LCP ends on a ray, and the interior-point method finds nothing")
    func infeasibleRay() {
        let p = BoxLCP(matrix: Matrix(rows: 1, columns: 1), offset: [-1], lower: [0], upper: [.infinity])
        #expect(LemkeSolver().pivot(p) == .ray)
        #expect(LemkeSolver().solve(p) == nil)
        #expect(LinearComplementaritySolver().solve(p, from: [0]) == nil)
        #expect(NewtonSubproblemSolver().solve(p, from: [0]) == nil)
    }

    /// `w = 2z − 2 ⊥ z ∈ [0, 5]`: z = 1 (w = 0), by hand; and a box case where the upper bound
    /// binds, `w = z − 3 ⊥ z ∈ [0, 2]`: z = 2 (w = −1 ≤ 0 at u). `pivot` and `solve` agree.
    @Test("solvable LCPs give the hand-derived solutions through both entry points")
    func solvable() {
        var m = Matrix(rows: 1, columns: 1)
        m[0, 0] = 2
        let inside = BoxLCP(matrix: m, offset: [-2], lower: [0], upper: [5])
        #expect(LemkeSolver().pivot(inside) == .solution([1]))
        #expect(LemkeSolver().solve(inside) == [1])
        m[0, 0] = 1
        let atUpper = BoxLCP(matrix: m, offset: [-3], lower: [0], upper: [2])
        #expect(LemkeSolver().pivot(atUpper) == .solution([2]))
        #expect(LemkeSolver().solve(atUpper) == [2])
    }
}
