import Testing

@testable import LinearAlgebra

/// The sparse LU (KLU) against the dense LU (dgetrf) on the same matrices, and its refactoring,
/// block, transposed and failure paths.
///
/// Tolerances: both factorizations are backward stable (partial or threshold pivoting, growth
/// checked), so each solution has forward error below about `n · ε / rcond`; two of them differ
/// by at most twice that. The bound used, `tolerance(rcond:)`, is 100 · n · ε / rcond, with
/// rcond from dgecon: a factor ≈ 50 above what either solve can lose, while a wrong
/// permutation, a dropped entry or a transposed solve shows at O(1).
@Suite("Sparse LU (KLU)")
struct SparseLUTests {
    typealias Generator = SparseMatrixTests.Generator

    /// A random general sparse matrix: about `density` of the entries in (−1, 1), plus a
    /// diagonal of random sign and size 1–2 on all but every fifth row, so that pivoting is
    /// needed (those rows' diagonals are 0) and nothing about the signs is an M-matrix.
    static func randomGeneral(n: Int, density: Double, seed: UInt64) -> SparseMatrix {
        var g = Generator(state: seed)
        var r: [Int] = [], c: [Int] = [], v: [Double] = []
        for i in 0..<n {
            for j in 0..<n where i != j && g.uniform() < density {
                r.append(i); c.append(j); v.append(2 * g.uniform() - 1)
            }
            // A cyclic shift keeps every row and column structurally covered.
            r.append(i); c.append((i + 1) % n); v.append(0.5 + g.uniform())
            if i % 5 != 0 {
                r.append(i); c.append(i); v.append((g.uniform() < 0.5 ? -1 : 1) * (1 + g.uniform()))
            }
        }
        return SparseMatrix(rows: n, columns: n, rowIndices: r, columnIndices: c, values: v)
    }

    static func tolerance(n: Int, rcond: Double) -> Double { 100 * Double(n) * Double.ulpOfOne / rcond }

    /// Largest `|a_i − b_i| / ‖b‖∞`.
    static func normwiseDifference(_ a: [Double], _ b: [Double]) -> Double {
        let scale = max(b.map(abs).max() ?? 0, .leastNormalMagnitude)
        return zip(a, b).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
    }

    static let seeds: [UInt64] = [1, 5, 11, 42]

    @Test("solves M y = c and Mᵀ y = c as dense LU does, to 100·n·ε/rcond", arguments: seeds)
    func agreesWithDense(seed: UInt64) throws {
        let n = 80
        let m = Self.randomGeneral(n: n, density: 0.06, seed: seed)
        let dense = try LUFactorization(factoring: m.dense)
        let tol = Self.tolerance(n: n, rcond: dense.reciprocalCondition())
        let lu = try SparseLU(factoring: m)
        #expect(lu.origin == .analyzed)
        var g = Generator(state: seed &+ 9)
        let c = (0..<n).map { _ in 2 * g.uniform() - 1 }
        for transposed in [false, true] {
            let d = Self.normwiseDifference(lu.solve(c, transposed: transposed), dense.solve(c, transposed: transposed))
            #expect(d <= tol, "seed \(seed), transposed \(transposed): \(d) > \(tol)")
        }
    }

    @Test("the transposed solve equals the direct solve of the transpose", arguments: seeds)
    func transposedSolve(seed: UInt64) throws {
        let n = 60
        let m = Self.randomGeneral(n: n, density: 0.08, seed: seed)
        let tol = Self.tolerance(n: n, rcond: try LUFactorization(factoring: m.dense).reciprocalCondition())
        var g = Generator(state: seed &+ 3)
        let c = (0..<n).map { _ in g.uniform() }
        let viaTranspose = try SparseLU(factoring: m.transposed).solve(c)
        let transposed = try SparseLU(factoring: m).solve(c, transposed: true)
        let d = Self.normwiseDifference(transposed, viaTranspose)
        #expect(d <= tol, "seed \(seed): \(d) > \(tol)")
        // And it really solves Mᵀ y = c: residual at rounding level relative to ‖M‖·‖y‖.
        let residual = Self.normwiseDifference(m.multiply(transposed, transposed: true), c)
        #expect(residual <= 100 * Double(n) * Double.ulpOfOne * m.oneNorm * (transposed.map(abs).max() ?? 1))
    }

    /// KLU carries up to four columns per sweep; each column sees the same operations as when
    /// solved alone, so a block must agree with single solves to rounding (4ε relative to the
    /// solution's size, allowing a different fused-multiply-add schedule).
    @Test("a block of right-hand sides solves like its columns one by one")
    func blockSolve() throws {
        let n = 50
        let m = Self.randomGeneral(n: n, density: 0.1, seed: 77)
        let lu = try SparseLU(factoring: m)
        var g = Generator(state: 78)
        let columns = (0..<7).map { _ in (0..<n).map { _ in g.uniform() - 0.5 } }
        for transposed in [false, true] {
            var block = Matrix(columns: columns)
            lu.solve(&block, transposed: transposed)
            for (k, c) in columns.enumerated() {
                let single = lu.solve(c, transposed: transposed)
                #expect(
                    Self.normwiseDifference(block.column(k), single) <= 4 * Double.ulpOfOne,
                    "column \(k), transposed \(transposed)")
            }
            var flat = columns.flatMap { $0 }
            lu.solve(&flat, columns: columns.count, transposed: transposed)
            #expect(Array(flat[(2 * n)..<(3 * n)]) == block.column(2))
        }
    }

    @Test("refactoring with new values on the same pattern equals a fresh factorization", arguments: seeds)
    func refactor(seed: UInt64) throws {
        let n = 70
        let m1 = Self.randomGeneral(n: n, density: 0.07, seed: seed)
        var g = Generator(state: seed &+ 100)
        // Same pattern, values perturbed by up to ±20 %: the saved pivots stay good.
        let m2values = m1.values.map { $0 * (0.8 + 0.4 * g.uniform()) }
        let m2 = SparseMatrix(
            rows: n, columns: n,
            rowIndices: (0..<n).flatMap { i in Array(repeating: i, count: m1.rowStart[i + 1] - m1.rowStart[i]) },
            columnIndices: m1.columnIndices, values: m2values)
        var lu = try SparseLU(factoring: m1)
        try lu.refactor(values: m2values)
        #expect(lu.origin == .refactored)
        let fresh = try LUFactorization(factoring: m2.dense)
        let tol = Self.tolerance(n: n, rcond: fresh.reciprocalCondition())
        let c = (0..<n).map { _ in g.uniform() }
        for transposed in [false, true] {
            let d = Self.normwiseDifference(lu.solve(c, transposed: transposed), fresh.solve(c, transposed: transposed))
            #expect(d <= tol, "seed \(seed), transposed \(transposed): \(d) > \(tol)")
        }
        // Through the matrix, too: same pattern → refactored.
        try lu.refactor(m1)
        #expect(lu.origin == .refactored)
    }

    @Test("a refactor whose saved pivot becomes zero factors again with pivoting")
    func refactorZeroPivot() throws {
        // [[10, 1], [1, 1]] pivots on the diagonal; with 0 in place of 10 that pivot is gone.
        let m = SparseMatrix(rows: 2, columns: 2, rowIndices: [0, 0, 1, 1], columnIndices: [0, 1, 0, 1], values: [10, 1, 1, 1])
        var lu = try SparseLU(factoring: m)
        try lu.refactor(values: [0, 1, 1, 1])
        #expect(lu.origin == .factored)
        // [[0, 1], [1, 1]] x = [1, 2]  ⇒  x = [1, 1] (hand-derived).
        let x = lu.solve([1, 2])
        #expect(abs(x[0] - 1) <= 4 * Double.ulpOfOne && abs(x[1] - 1) <= 4 * Double.ulpOfOne, "\(x)")
    }

    @Test("refactoring a copy leaves the original's factors alone")
    func valueSemantics() throws {
        let m = SparseMatrix(rows: 2, columns: 2, rowIndices: [0, 0, 1, 1], columnIndices: [0, 1, 0, 1], values: [4, 1, 2, 3])
        let original = try SparseLU(factoring: m)
        var copy = original
        try copy.refactor(values: [2, 0, 0, 2])
        // [[4, 1], [2, 3]] x = [5, 5]  ⇒  x = [1, 1];  2 I x = [5, 5]  ⇒  x = [2.5, 2.5].
        #expect(original.solve([5, 5]).map { abs($0 - 1) }.max() ?? .infinity <= 4 * Double.ulpOfOne)
        #expect(copy.solve([5, 5]) == [2.5, 2.5])
        #expect(copy.origin == .factored)
    }

    @Test("entries outside the pattern: the matrix is analysed afresh; dropped entries count as 0")
    func patternChange() throws {
        let m = SparseMatrix(rows: 2, columns: 2, rowIndices: [0, 0, 1], columnIndices: [0, 1, 1], values: [2, 1, 4])
        var lu = try SparseLU(factoring: m)
        // (0,1) dropped: a subset of the pattern, refactored with it as 0.
        try lu.refactor(SparseMatrix(rows: 2, columns: 2, rowIndices: [0, 1], columnIndices: [0, 1], values: [2, 4]))
        #expect(lu.origin == .refactored)
        #expect(lu.solve([2, 4]) == [1, 1])
        // (1,0) added: outside the pattern.
        try lu.refactor(SparseMatrix(rows: 2, columns: 2, rowIndices: [0, 1, 1], columnIndices: [0, 0, 1], values: [2, 1, 4]))
        #expect(lu.origin == .analyzed)
        #expect(lu.nonzeroCount == 3)
        // [[2, 0], [1, 4]] x = [2, 5]  ⇒  x = [1, 1].
        #expect(lu.solve([2, 5]) == [1, 1])
    }

    @Test("a structurally singular matrix is reported with its structural rank")
    func structurallySingular() throws {
        // Row 2 is empty: rank 2 of 3 whatever the values.
        let m = SparseMatrix(rows: 3, columns: 3, rowIndices: [0, 0, 1, 1], columnIndices: [0, 2, 1, 2], values: [1, 2, 3, 4])
        #expect {
            _ = try SparseLU(factoring: m)
        } throws: { error in
            guard case .structurallySingular(let rank, _) = error as? SparseLUError else { return false }
            return rank == 2
        }
        #expect(try SparseLU.Analysis(m).structuralRank == 2)
    }

    @Test("an exactly singular matrix reports the zero pivot; non-finite values are refused")
    func numericallySingular() {
        // Rank 1: the second row is twice the first.
        let m = SparseMatrix(rows: 2, columns: 2, rowIndices: [0, 0, 1, 1], columnIndices: [0, 1, 0, 1], values: [1, 2, 2, 4])
        #expect {
            _ = try SparseLU(factoring: m)
        } throws: { error in
            guard case .singular(let column) = error as? SparseLUError else { return false }
            return column == 0 || column == 1
        }
        let bad = SparseMatrix(rows: 1, columns: 1, rowIndices: [0], columnIndices: [0], values: [.nan])
        #expect(throws: SparseLUError.nonFiniteInput) { _ = try SparseLU(factoring: bad) }
    }

    /// klu_condest runs the Hager–Higham estimator, as dgecon does: a lower bound on ‖M⁻¹‖₁
    /// that is within a factor 3 in practice (Higham 1988).
    @Test("the condition estimate is within a factor 3 of dgecon", arguments: seeds)
    func condition(seed: UInt64) throws {
        let m = Self.randomGeneral(n: 60, density: 0.08, seed: seed)
        let dgecon = try LUFactorization(factoring: m.dense).reciprocalCondition()
        let r = try SparseLU(factoring: m).reciprocalCondition()
        #expect(r <= 3 * dgecon && r >= dgecon / 3, "seed \(seed): \(r) vs dgecon \(dgecon)")
    }

    @Test("block triangular structure: one block per strongly connected part, fill reported")
    func structure() throws {
        // Upper triangular 4 × 4 with a 2-cycle between nodes 2 and 3: blocks {0}, {1}, {2, 3}.
        let m = SparseMatrix(
            rows: 4, columns: 4, rowIndices: [0, 0, 1, 1, 2, 2, 3, 3],
            columnIndices: [0, 1, 1, 2, 2, 3, 2, 3], values: [1, 0.5, 1, 0.5, 1, 0.3, 0.2, 1])
        let lu = try SparseLU(factoring: m)
        let s = lu.statistics
        #expect(s.blocks == 3 && s.largestBlock == 2, "\(s)")
        #expect(s.matrixNonzeros == 8)
        #expect(s.fill >= 1 && s.factorNonzeros >= 8, "\(s)")
        let empty = try SparseLU(factoring: SparseMatrix(rows: 0, columns: 0, rowIndices: [], columnIndices: [], values: []))
        #expect(empty.solve([]) == [] && empty.reciprocalCondition() == 1)
    }
}

@Suite("Sparse LU from compressed columns")
struct SparseLUColumnsTests {
    /// Factors from the CSC arrays equal those from the CSR matrix exactly (the same matrix
    /// and ordering reach KLU), and the CSR pattern derived on demand serves a refactor, which
    /// equals the same refactor of the CSR path's factors. Tolerance: none (identical arithmetic).
    @Test("CSC analysis and factors equal the CSR path's", arguments: [UInt64(3), 11, 29])
    func columnsEqualRows(seed: UInt64) throws {
        let m = SparseLUTests.randomGeneral(n: 60, density: 0.05, seed: seed)
        let csc = m.transposed  // CSR of Mᵀ = CSC of M
        let analysis = try SparseLU.Analysis(dimension: m.rows, columnStart: csc.rowStart, rowIndices: csc.columnIndices)
        let fromColumns = try SparseLU(columnValues: csc.values, analysis: analysis)
        let fromRows = try SparseLU(factoring: m)
        #expect(fromColumns.rowStart == m.rowStart && fromColumns.columnIndices == m.columnIndices)
        #expect(fromColumns.statistics == fromRows.statistics)
        var g = SparseMatrixTests.Generator(state: seed &+ 1)
        let b = (0..<m.rows).map { _ in g.uniform() - 0.5 }
        for transposed in [false, true] {
            #expect(fromColumns.solve(b, transposed: transposed) == fromRows.solve(b, transposed: transposed))
        }
        var refactored = fromColumns, refactoredRows = fromRows
        let scaled = m.values.map { 0.9 * $0 }
        try refactored.refactor(values: scaled)
        try refactoredRows.refactor(values: scaled)
        #expect(refactored.solve(b) == refactoredRows.solve(b))
        #expect(throws: SparseLUError.nonFiniteInput) {
            try SparseLU(columnValues: csc.values.map { $0 == csc.values[0] ? .nan : $0 }, analysis: analysis)
        }
    }
}
