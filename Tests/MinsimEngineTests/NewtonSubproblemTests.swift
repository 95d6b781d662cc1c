import Foundation
import LinearAlgebra
import Testing

@testable import MinsimEngine

@Suite("Newton subproblem: constraint generation on lazily formed Jacobian columns")
struct NewtonSubproblemTests {
    /// A strictly diagonally dominant J (a P-matrix, so the linearized problem has exactly one
    /// solution) with the unknowns at z = 0 (lower bound 0; every third one also bounded above
    /// by 1): the first half with F = 1 (spare capacity: held), the rest with F < 0 (binding).
    /// The generated target must equal Lemke's solution of the whole problem, formed from the
    /// whole J, to 1e-10 (both are exact pivoting/elimination answers on a matrix with
    /// condition ≈ 10, so they agree to ≈ 1e-14; 1e-10 leaves room and still catches any
    /// wrongly held unknown, which shows at O(0.1)); and it must ask for fewer columns than
    /// there are unknowns.
    @Test("the generated target solves the whole linearized problem with fewer columns", arguments: [1, 2, 3] as [UInt64])
    func generatedEqualsWhole(seed: UInt64) throws {
        let n = 24
        var rng = SeededGenerator(seed: seed)
        var jacobian = Matrix(rows: n, columns: n)
        for j in 0..<n {
            for i in 0..<n where i != j { jacobian[i, j] = 0.2 * (rng.uniform() - 0.5) }
        }
        for i in 0..<n { jacobian[i, i] = 5 + rng.uniform() }
        let z = [Double](repeating: 0, count: n)
        let f = (0..<n).map { i in i < n / 2 ? 1.0 : -0.5 - rng.uniform() }
        let lower = [Double](repeating: 0, count: n)
        let upper = (0..<n).map { $0 % 3 == 0 ? 1.0 : .infinity }
        let weights = [Double](repeating: 1, count: n)
        var partial = PartialJacobian(rows: Array(0..<n))
        let target = try #require(
            ComplementaritySolver.generated(
                jacobian: &partial, at: z, residual: f, lower: lower, upper: upper, weights: weights,
                form: { (positions: [Int]) -> Matrix in
                    var block = Matrix(rows: n, columns: positions.count)
                    for (b, j) in positions.enumerated() { for i in 0..<n { block[i, b] = jacobian[i, j] } }
                    return block
                },
                solve: { sub, _ in LemkeSolver().solve(sub) }))
        let whole = try #require(LemkeSolver().solve(BoxLCP(matrix: jacobian, offset: f, lower: lower, upper: upper)))
        for i in 0..<n { #expect(abs(target[i] - whole[i]) <= 1e-10, "unknown \(i): \(target[i]) vs \(whole[i])") }
        #expect(partial.formedCount < n, "\(partial.formedCount) columns formed for \(n) unknowns")
    }

    /// Columns asked for in two pieces at one evaluated point (the second reusing the
    /// factorizations made for the first) equal the columns of one request for all of them.
    /// Each column is its own triangular solve on the same factors, so the two agree to
    /// rounding; 1e-13 of the column's largest entry allows a different summation order.
    @Test("Jacobian columns formed in pieces equal those formed at once")
    func columnsInPieces() throws {
        let fixture = try ScarceNetwork(seed: 7, feedback: 0.05)
        var (problem, start) = try fixture.clearingProblem()
        let z = start.indices.map { i in i >= problem.marketOffset ? 0.2 : 0.3 }
        let (_, point) = try problem.evaluate(z)
        let all = Array(z.indices)
        let whole = try problem.jacobian(at: point, rows: all, columns: all)
        let half = all.count / 2
        let first = try problem.jacobian(at: point, rows: all, columns: Array(all[..<half]))
        let second = try problem.jacobian(at: point, rows: all, columns: Array(all[half...]))
        for j in all {
            let piece = j < half ? first.column(j) : second.column(j - half)
            let column = whole.column(j)
            let scale = max(Vector.maxNorm(column), 1e-300)
            for i in all { #expect(abs(piece[i] - column[i]) <= 1e-13 * scale, "J[\(i), \(j)]") }
        }
    }
}
