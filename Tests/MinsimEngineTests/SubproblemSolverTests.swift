import Foundation
import LinearAlgebra
import Testing

@testable import MinsimEngine

/// The solvers of the Josephy–Newton subproblem on large subproblems: the semismooth Newton
/// method, the active-set method's shifted solve of a singular free block, and the chain
/// (`NewtonSubproblemSolver`) beyond Lemke's size limit.
@Suite("Newton subproblem solvers: semismooth Newton, shifted active set, the chain")
struct SubproblemSolverTests {
    /// `z` solves the box LCP: inside [l, u], and `w = M z + q` with `w ≥ 0` at l, `w ≤ 0` at u,
    /// `w = 0` between. Every solver here returns a polished point (the free block solved by
    /// LU), so `w` on the free rows is rounding: ≈ 1e-16 × cond × the row's terms. The
    /// tolerance 1e-9 × (|q_i| + Σ_j |M_ij z_j|) is the acceptance test of the polishing step
    /// itself, and a wrongly placed unknown shows at O(0.01–1) of that scale.
    static func expectSolves(_ p: BoxLCP, _ z: [Double], _ label: String) {
        let w = p.matrix.multiply(z)
        for i in z.indices {
            var scale = abs(p.offset[i])
            for j in z.indices { scale += abs(p.matrix[i, j] * z[j]) }
            let wi = w[i] + p.offset[i], tol = 1e-9 * max(scale, 1e-300)
            #expect(z[i] >= p.lower[i] && z[i] <= p.upper[i], "\(label): z[\(i)] = \(z[i]) outside the box")
            if z[i] == p.lower[i] && z[i] < p.upper[i] {
                #expect(wi >= -tol, "\(label): w[\(i)] = \(wi) < 0 at the lower bound")
            } else if z[i] == p.upper[i] && z[i] > p.lower[i] {
                #expect(wi <= tol, "\(label): w[\(i)] = \(wi) > 0 at the upper bound")
            } else {
                #expect(abs(wi) <= tol, "\(label): w[\(i)] = \(wi) ≠ 0 between the bounds")
            }
        }
    }

    /// A rent μ ≥ 0 and an unserved share ρ ∈ [0, 1], as in the clearing:
    /// `w_μ = μ + ρ − 1.5` (slack: demand 1.5 against a capacity met by μ and ρ),
    /// `w_ρ = 1 − μ` (choke price 1 minus the rent passed through). M = [[1, 1], [−1, 0]] is
    /// monotone (M + Mᵀ = diag(2, 0)) with the market's diagonal 0, as in the clearing.
    /// By hand: ρ strictly inside needs w_ρ = 0, μ = 1, then w_μ = 0 gives ρ = 0.5; ρ = 0 would
    /// need μ = 1.5 > 1 (w_ρ < 0), ρ = 1 would need μ = 0.5 < 1 (w_ρ > 0): so (1, 0.5) is the
    /// only solution. From ρ free and μ at 0 the free block is [0] — singular, where the
    /// active-set method used to give up — and the shifted solve moves ρ to its bound and
    /// continues to the solution. Exact to rounding (1e-12).
    @Test("a market unknown with a zero diagonal: hand-derived, from a singular free block")
    func singularFreeBlock() throws {
        let p = BoxLCP(matrix: Matrix(rowsOf: [[1, 1], [-1, 0]]), offset: [-1.5, 1], lower: [0, 0], upper: [.infinity, 1])
        let expected = [1.0, 0.5]
        let active = try #require(ActiveSetLCPSolver().solve(p, from: [0, 0.5]))
        #expect(zip(active, expected).allSatisfy { abs($0 - $1) <= 1e-12 }, "active set: \(active)")
        let semismooth = try #require(SemismoothLCPSolver().solve(p, from: [0, 0.5]))
        #expect(zip(semismooth, expected).allSatisfy { abs($0 - $1) <= 1e-12 }, "semismooth: \(semismooth)")
    }

    /// The hand-derived 2×2 cases of `LinearComplementarityTests.handCases`
    /// (M = [[2, 1], [1, 2]]) by the semismooth method, exact to rounding (1e-12).
    @Test("hand-derived 2×2 cases by the semismooth method")
    func handCases() throws {
        let m = LinearComplementarityTests.m
        for c in LinearComplementarityTests.handCaseTable {
            let z = try #require(
                SemismoothLCPSolver().solve(BoxLCP(matrix: m, offset: c.q, lower: [0, 0], upper: c.u), from: [0, 0]))
            #expect(zip(z, c.z).allSatisfy { abs($0 - $1) <= 1e-12 }, "q \(c.q) u \(c.u): got \(z)")
        }
    }

    /// The clearing's subproblem shape, seeded: n_μ rents with a block A = BBᵀ/n + S − Sᵀ +
    /// 0.2 I (positive definite, not symmetric, off-diagonals of both signs: not an M-matrix,
    /// so block active-set guesses can cycle), coupled to n_ρ market unknowns in [0, 1] with a
    /// zero diagonal block, `M = [[A, C], [−Cᵀ, 0]]` (monotone), C sparse and nonnegative
    /// (each market's price depends on a few rents). q puts about half the rents under
    /// pressure. Monotone box LCPs with bounded ρ have a solution; every solver must return
    /// one satisfying the conditions above.
    static func clearingShaped(seed: UInt64, rents: Int, markets: Int) -> BoxLCP {
        var rng = SeededGenerator(seed: seed)
        let n = rents + markets
        var b = Matrix(rows: rents, columns: rents)
        for i in 0..<rents { for j in 0..<rents { b[i, j] = 2 * rng.uniform() - 1 } }
        let bbt = b.multiply(b.transposed)
        var m = Matrix(rows: n, columns: n)
        for i in 0..<rents {
            for j in 0..<rents { m[i, j] = bbt[i, j] / Double(rents) }
            m.add(0.2, at: i, i)
        }
        for i in 0..<rents {
            for j in (i + 1)..<rents where rng.uniform() < 0.1 {
                let s = 0.3 * (2 * rng.uniform() - 1)
                m.add(s, at: i, j)
                m.add(-s, at: j, i)
            }
        }
        for k in 0..<markets {
            for _ in 0..<3 {
                let i = Int(rng.uniform() * Double(rents))
                let c = 0.5 + rng.uniform()
                m.add(c, at: i, rents + k)
                m.add(-c, at: rents + k, i)
            }
        }
        let q = (0..<n).map { i in i < rents ? 2 * rng.uniform() - 1.2 : 0.2 + 0.6 * rng.uniform() }
        let upper = (0..<n).map { $0 < rents ? Double.infinity : 1 }
        return BoxLCP(matrix: m, offset: q, lower: [Double](repeating: 0, count: n), upper: upper)
    }

    @Test("clearing-shaped monotone LCPs: the semismooth method solves them", arguments: Array(1...8) as [UInt64])
    func semismoothSolvesClearingShaped(seed: UInt64) throws {
        let p = Self.clearingShaped(seed: seed, rents: 40, markets: 30)
        let start = [Double](repeating: 0, count: p.offset.count)
        let z = try #require(SemismoothLCPSolver().solve(p, from: start), "seed \(seed)")
        Self.expectSolves(p, z, "seed \(seed), semismooth")
        // Lemke's method on the same problem (lexicographic pivoting, the reference of the
        // small subproblems): the rents are unique where the A block is positive definite,
        // since two solutions z, z' of a monotone LCP have (z − z')ᵀ M (z − z') = 0, which
        // here is (μ − μ')ᵀ A (μ − μ') = 0. Exact answers on both sides (≈ 1e-13 with
        // cond(A) ≈ 100); 1e-9 leaves room.
        let pivoted = try #require(LemkeSolver().solve(p), "seed \(seed): Lemke")
        for i in 0..<40 { #expect(abs(z[i] - pivoted[i]) <= 1e-9, "seed \(seed): rent \(i) \(z[i]) vs Lemke \(pivoted[i])") }
    }

    /// Beyond `pivotingLimit` the chain skips Lemke's method: on 240-unknown clearing-shaped
    /// problems it must still return a solution, and on some of them the active-set method
    /// alone (giving up at the first repeated guess, as the chain runs it there) must fail —
    /// else this test would not exercise the fallback it is for (counted over 6 seeds); where
    /// it fails, the semismooth method alone must solve the problem.
    @Test("the chain beyond Lemke's size limit solves what the active-set method alone does not")
    func chainBeyondPivotingLimit() throws {
        let chain = NewtonSubproblemSolver()
        var activeSet = ActiveSetLCPSolver()
        activeSet.maxSingleMoves = 0
        var activeSetFailures = 0
        for seed in 1...6 as ClosedRange<UInt64> {
            let p = Self.clearingShaped(seed: 100 + seed, rents: 140, markets: 100)
            #expect(p.offset.count > chain.pivotingLimit)
            let start = [Double](repeating: 0, count: p.offset.count)
            if activeSet.solve(p, from: start) == nil {
                activeSetFailures += 1
                let z = try #require(SemismoothLCPSolver().solve(p, from: start), "seed \(seed): semismooth")
                Self.expectSolves(p, z, "seed \(seed), semismooth")
            }
            let z = try #require(chain.solve(p, from: start), "seed \(seed)")
            Self.expectSolves(p, z, "seed \(seed), chain")
        }
        #expect(activeSetFailures > 0, "the active-set method solved every problem: the fallback was not exercised")
    }

    /// The active-set method with block LU updates of one base factorization
    /// (`PrincipalBlockSolver`, as the chain runs it beyond `pivotingLimit`) against the same
    /// method with a fresh LU per guess, on 240-unknown clearing-shaped problems: both must
    /// solve the same problems, with the same rents (unique, see above; exact answers on both
    /// sides to ≈ 1e-13 with cond(A) ≈ 100, 1e-9 leaves room), and with updates every answer
    /// must pass the conditions without the fresh LU of the polishing step.
    @Test("the active-set method with block LU updates agrees with fresh LUs", arguments: Array(1...6) as [UInt64])
    func updatesAgreeWithFreshLU(seed: UInt64) throws {
        let p = Self.clearingShaped(seed: 200 + seed, rents: 140, markets: 100)
        let start = [Double](repeating: 0, count: p.offset.count)
        var fresh = ActiveSetLCPSolver()
        fresh.maxSingleMoves = 0
        var updated = fresh
        updated.updates = true
        let a = fresh.solve(p, from: start), b = updated.solve(p, from: start)
        #expect(
            (a == nil) == (b == nil),
            "seed \(seed): fresh \(a == nil ? "failed" : "solved"), updates \(b == nil ? "failed" : "solved")")
        if let a, let b {
            Self.expectSolves(p, b, "seed \(seed), updates")
            for i in 0..<140 { #expect(abs(a[i] - b[i]) <= 1e-9, "seed \(seed): rent \(i) \(b[i]) vs fresh \(a[i])") }
        }
    }
}
