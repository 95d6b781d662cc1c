import Foundation
import LinearAlgebra
import Testing

@testable import MinsimEngine

/// A complementarity problem given by closures, for textbook cases (also `ClearingChordTests`).
struct ClosureProblem: ComplementarityProblem {
    typealias Point = [Double]
    typealias Failure = Never
    let lowerBounds: [Double]
    let upperBounds: [Double]
    let f: ([Double]) -> [Double]
    let jac: ([Double]) -> [[Double]]

    mutating func evaluate(_ z: [Double]) -> (residual: [Double], point: [Double]) { (f(z), z) }
    mutating func jacobian(at z: [Double], rows: [Int], columns: [Int]) -> Matrix {
        let full = jac(z)
        return Matrix(rowsOf: rows.map { i in columns.map { full[i][$0] } })
    }

    /// Kojima & Shindo (1986), the standard nonlinear complementarity test problem (x ≥ 0).
    static var kojimaShindo: ClosureProblem {
        ClosureProblem(
            lowerBounds: [0, 0, 0, 0], upperBounds: [.infinity, .infinity, .infinity, .infinity],
            f: { x in
                [
                    3 * x[0] * x[0] + 2 * x[0] * x[1] + 2 * x[1] * x[1] + x[2] + 3 * x[3] - 6,
                    2 * x[0] * x[0] + x[0] + x[1] * x[1] + 10 * x[2] + 2 * x[3] - 2,
                    3 * x[0] * x[0] + x[0] * x[1] + 2 * x[1] * x[1] + 2 * x[2] + 9 * x[3] - 9,
                    x[0] * x[0] + 3 * x[1] * x[1] + 2 * x[2] + 3 * x[3] - 3,
                ]
            },
            jac: { x in
                [
                    [6 * x[0] + 2 * x[1], 2 * x[0] + 4 * x[1], 1, 3],
                    [4 * x[0] + 1, 2 * x[1], 10, 2],
                    [6 * x[0] + x[1], x[0] + 4 * x[1], 2, 9],
                    [2 * x[0], 6 * x[1], 2, 3],
                ]
            })
    }
}

@Suite("Complementarity solver on textbook problems")
struct ComplementaritySolverTests {
    /// Kojima & Shindo (1986), the standard nonlinear complementarity test problem, with two
    /// solutions: (1, 0, 3, 0), nondegenerate, and (√6/2, 0, 0, 1/2), degenerate (x₂ = F₂ = 0).
    /// The solver must reach one of them to a natural residual of 1e-10 (its tolerance); the
    /// distance to that solution is then below 1e-8 (the problem is well conditioned there).
    @Test(
        "Kojima–Shindo NCP: reaches a known solution from several starts",
        arguments: [
            [0.0, 0, 0, 0], [1.0, 1, 1, 1], [3.0, 2, 1, 0], [0.5, 0.5, 0.5, 0.5],
        ])
    func kojimaShindo(start: [Double]) throws {
        var problem = ClosureProblem.kojimaShindo
        let result = ComplementaritySolver().solve(&problem, from: start)
        #expect(result.status == .solved, "start \(start): \(result.status), residual \(result.naturalResidual)")
        #expect(result.naturalResidual <= 1e-10)
        let solutions = [[1.0, 0, 3, 0], [Double(6).squareRoot() / 2, 0, 0, 0.5]]
        let distance = solutions.map { s in zip(s, result.z).map { abs($0 - $1) }.max() ?? 0 }.min() ?? .infinity
        #expect(distance <= 1e-8, "start \(start) ended at \(result.z)")
    }

    /// A box-bounded variable: min over z ∈ [0, 1] of (z − 2)², i.e. F = 2(z − 2) < 0 on the
    /// box, so the solution is the upper bound z = 1 with F = −2 ≤ 0.
    @Test("a box MCP whose solution is on the upper bound")
    func upperBound() throws {
        var problem = ClosureProblem(lowerBounds: [0], upperBounds: [1], f: { [2 * ($0[0] - 2)] }, jac: { _ in [[2]] })
        let result = ComplementaritySolver().solve(&problem, from: [0.3])
        #expect(result.status == .solved)
        #expect(result.z == [1])
    }
}

@Suite("Box linear complementarity by interior point")
struct LinearComplementarityTests {
    static let m = Matrix(rowsOf: [[2, 1], [1, 2]])

    /// The hand-derived cases below, `(q, upper bounds, solution)` for `M = m`; the semismooth
    /// solver's tests (`SubproblemSolverTests`) solve the same table.
    static let handCaseTable: [(q: [Double], u: [Double], z: [Double])] = [
        ([-5, -6], [.infinity, .infinity], [4.0 / 3, 7.0 / 3]),
        ([-5, -6], [.infinity, 1], [2, 1]),
        ([1, -6], [.infinity, .infinity], [0, 3]),
    ]

    /// `w = M z + q`, M = [[2, 1], [1, 2]] (positive definite, so each LCP has one solution):
    /// - q = (−5, −6), no upper bounds: interior solution of M z = −q, z = (4/3, 7/3);
    /// - the same with z₂ ≤ 1: z₂ = 1 with w₂ = −4 ≤ 0, and 2 z₁ + 1 = 5, z₁ = 2;
    /// - q = (1, −6): z₁ = 0 with w₁ = z₂ + 1 = 4 ≥ 0, z₂ = 3.
    /// Hand-derived; the polished solution is exact to rounding (1e-12).
    @Test("hand-derived 2×2 cases: interior, upper bound, lower bound (interior point and Lemke)")
    func handCases() throws {
        let solver = LinearComplementaritySolver()
        let lemke = LemkeSolver()
        for c in Self.handCaseTable {
            let z = try #require(solver.solve(BoxLCP(matrix: Self.m, offset: c.q, lower: [0, 0], upper: c.u), from: [0.5, 0.5]))
            #expect(zip(z, c.z).allSatisfy { abs($0 - $1) <= 1e-12 }, "q \(c.q) u \(c.u): got \(z)")
            let pivoted = try #require(lemke.solve(BoxLCP(matrix: Self.m, offset: c.q, lower: [0, 0], upper: c.u)))
            #expect(zip(pivoted, c.z).allSatisfy { abs($0 - $1) <= 1e-12 }, "Lemke, q \(c.q) u \(c.u): got \(pivoted)")
        }
    }

    /// Random positive definite M (= BᵀB + 0.1 I) and box [0, 1]⁵: the unique solution is found
    /// by brute force over the 3⁵ = 243 ways to put each unknown at l, at u or in between
    /// (solve the free block, check signs). The interior-point solution must match it to 1e-9.
    @Test("random 5×5 positive definite box LCPs agree with enumeration", arguments: Array(1...20) as [UInt64])
    func enumeration(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let n = 5
        var b = Matrix(rows: n, columns: n)
        for i in 0..<n { for j in 0..<n { b[i, j] = 2 * rng.uniform() - 1 } }
        var m = b.transposed.multiply(b)
        for i in 0..<n { m.add(0.1, at: i, i) }
        let q = (0..<n).map { _ in 4 * rng.uniform() - 2 }
        let lower = [Double](repeating: 0, count: n), upper = [Double](repeating: 1, count: n)
        var reference: [Double]? = nil
        for code in 0..<243 {
            var state = [Int](repeating: 0, count: n), c = code
            for i in 0..<n { state[i] = c % 3; c /= 3 }
            var z = state.map { $0 == 2 ? 1.0 : 0 }
            let free = (0..<n).filter { state[$0] == 1 }
            if !free.isEmpty {
                let fixed = m.multiply(z)
                let block = Matrix(rowsOf: free.map { i in free.map { m[i, $0] } })
                guard let lu = try? LUFactorization(factoring: block) else { continue }
                let zf = lu.solve(free.map { -q[$0] - fixed[$0] })
                for (a, i) in free.enumerated() { z[i] = zf[a] }
            }
            let w = zip(m.multiply(z), q).map { $0 + $1 }
            let ok = (0..<n).allSatisfy { i in
                switch state[i] {
                case 0: return w[i] >= -1e-12
                case 2: return w[i] <= 1e-12
                default: return z[i] >= 0 && z[i] <= 1
                }
            }
            if ok { reference = z; break }
        }
        let expected = try #require(reference, "seed \(seed): enumeration found no solution")
        let problem = BoxLCP(matrix: m, offset: q, lower: lower, upper: upper)
        let z = try #require(LinearComplementaritySolver().solve(problem, from: lower))
        #expect(zip(z, expected).allSatisfy { abs($0 - $1) <= 1e-9 }, "seed \(seed): interior point \(z) vs \(expected)")
        // Lemke's method pivots to the basic solution: exact up to the rounding of the pivots
        // on a 10 × 22 tableau (≈ 1e-14); 1e-10 leaves room for the conditioning of the basis.
        let pivoted = try #require(LemkeSolver().solve(problem))
        #expect(zip(pivoted, expected).allSatisfy { abs($0 - $1) <= 1e-10 }, "seed \(seed): Lemke \(pivoted) vs \(expected)")
    }
}
