import Testing

@testable import LinearAlgebra

/// The block LU update of `PrincipalBlockSolver` against a fresh LU of each principal block.
///
/// Tolerance: both answers come from backward-stable solves (the update's after one step of
/// iterative refinement), so each has forward error below about `n · ε / rcond` of the block;
/// `100 · n · ε / rcond` (rcond of the block from dgecon) leaves a factor of ≈ 50, while a
/// wrong sign in the Schur complement, a stale cached column or a misplaced index shows at O(1).
@Suite("Principal-block solves by block LU updates")
struct PrincipalBlockSolverTests {
    typealias Generator = SparseMatrixTests.Generator

    /// A dense n × n matrix with entries in (−1, 1) and a diagonal of 2–3 of random sign, so
    /// that every principal block is comfortably nonsingular but none is an M-matrix.
    static func random(_ n: Int, _ g: inout Generator) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for j in 0..<n { for i in 0..<n { m[i, j] = (2 * g.uniform() - 1) / 2 } }
        for i in 0..<n { m.add((g.uniform() < 0.5 ? -1 : 1) * (2 + g.uniform()), at: i, i) }
        return m
    }

    static func block(_ m: Matrix, _ free: [Int]) -> Matrix {
        var b = Matrix(rows: free.count, columns: free.count)
        for (c, j) in free.enumerated() { for (r, i) in free.enumerated() { b[r, c] = m[i, j] } }
        return b
    }

    /// A sequence of index sets as an active-set method produces them — each the last with a
    /// few indices joining and leaving — solved by updates and by fresh LUs; the base is
    /// refactored when the change exceeds `maxChanges` (small here so the test crosses it).
    @Test("agrees with a fresh LU along a sequence of free sets", arguments: [1, 2, 3, 4] as [UInt64])
    func agreesWithFreshLU(seed: UInt64) throws {
        var g = Generator(state: seed)
        let n = 60
        let m = Self.random(n, &g)
        var solver = PrincipalBlockSolver(matrix: m, maxChanges: 12)
        var inside = (0..<n).map { _ in g.uniform() < 0.6 }
        for step in 0..<25 {
            for _ in 0..<(1 + Int(g.uniform() * 5)) { inside[Int(g.uniform() * Double(n))].toggle() }
            let free = (0..<n).filter { inside[$0] }
            guard !free.isEmpty else { continue }
            let rhs = free.map { _ in 2 * g.uniform() - 1 }
            let x = try solver.solve(free: free, rhs: rhs)
            let lu = try LUFactorization(factoring: Self.block(m, free))
            let reference = lu.solve(rhs)
            let tolerance = 100 * Double(free.count) * 2.2e-16 / lu.reciprocalCondition()
            let scale = reference.reduce(0) { max($0, abs($1)) }
            for a in free.indices {
                #expect(abs(x[a] - reference[a]) <= tolerance * scale, "seed \(seed) step \(step): x[\(a)]")
            }
        }
        // Refactored at least once (the changes accumulate past 12) and far fewer times than
        // there were solves, else the updates were not exercised.
        #expect(solver.factorizations > 1 && solver.factorizations < 15, "\(solver.factorizations) factorizations")
    }

    /// By hand: M = [[2, 1, 0], [1, 2, 1], [0, 1, 2]]. Base {0, 1, 2}; then F = {0, 2}
    /// (index 1 leaves): the block is diag(2, 2), so x = rhs / 2 exactly; then F = {1}
    /// (0 and 2 leave, 1 stays): x = rhs / 2. The update path gives these to rounding (1e-15).
    @Test("hand case: indices leaving a tridiagonal base")
    func handCase() throws {
        let m = Matrix(rowsOf: [[2, 1, 0], [1, 2, 1], [0, 1, 2]])
        var solver = PrincipalBlockSolver(matrix: m)
        let all = try solver.solve(free: [0, 1, 2], rhs: [3, 4, 3])
        // [[2,1,0],[1,2,1],[0,1,2]] (1, 1, 1) = (3, 4, 3).
        #expect(all.allSatisfy { abs($0 - 1) <= 1e-15 }, "\(all)")
        let two = try solver.solve(free: [0, 2], rhs: [4, 6])
        #expect(abs(two[0] - 2) <= 1e-15 && abs(two[1] - 3) <= 1e-15, "\(two)")
        let one = try solver.solve(free: [1], rhs: [5])
        #expect(abs(one[0] - 2.5) <= 1e-15, "\(one)")
        #expect(solver.factorizations == 1)
    }

    /// A singular principal block reached by an update is reported, not solved: M's block on
    /// {0, 1} is [[1, 1], [1, 1]].
    @Test("a singular block reached by an update throws")
    func singularBlock() throws {
        let m = Matrix(rowsOf: [[1, 1, 0], [1, 1, 1], [0, 1, 3]])
        var solver = PrincipalBlockSolver(matrix: m)
        _ = try solver.solve(free: [1, 2], rhs: [1, 1])
        #expect(throws: LinearAlgebraError.self) { try solver.solve(free: [0, 1], rhs: [1, 1]) }
    }
}
