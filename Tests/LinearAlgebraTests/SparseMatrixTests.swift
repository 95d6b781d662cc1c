import Testing

@testable import LinearAlgebra

@Suite("Sparse matrices in CSR form")
struct SparseMatrixTests {
    /// A small SplitMix64 so the random matrices are the same on every run and platform.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    }

    /// A `rows × columns` matrix with about `density` of its entries nonzero, in (−1, 1).
    static func randomDense(rows: Int, columns: Int, density: Double, seed: UInt64) -> Matrix {
        var g = Generator(state: seed)
        var m = Matrix(rows: rows, columns: columns)
        for i in 0..<rows { for j in 0..<columns where g.uniform() < density { m[i, j] = 2 * g.uniform() - 1 } }
        return m
    }

    @Test("triplets in any order: sorted per row, duplicates summed, zeros dropped")
    func tripletAssembly() {
        // (1,2) appears twice (0.5 + 0.25), (0,1) cancels to exactly 0, (2,0) is an explicit 0.
        let m = SparseMatrix(
            rows: 3, columns: 3,
            rowIndices: [1, 0, 2, 1, 0, 1, 0, 2],
            columnIndices: [2, 1, 0, 0, 1, 2, 0, 2],
            values: [0.5, 1, 0, 3, -1, 0.25, 4, 7])
        #expect(m.rowStart == [0, 1, 3, 4])
        #expect(m.columnIndices == [0, 0, 2, 2])
        #expect(m.values == [4, 3, 0.75, 7])
        #expect(m[1, 2] == 0.75)
        #expect(m[0, 1] == 0)
        #expect(m.nonzeroCount == 4)
        #expect(m.diagonal == [4, 0, 7])
    }

    @Test("compressed columns with unsorted rows and duplicates give the same CSR as triplets")
    func fromColumns() {
        // Column 0: rows 2, 0, 2 (duplicate); column 1: empty; column 2: rows 1, 0 and a zero.
        let m = SparseMatrix(
            rows: 3, columns: 3, columnStart: [0, 3, 3, 6],
            rowIndices: [2, 0, 2, 1, 0, 2], values: [1, 5, 0.5, 3, 4, 0])
        let t = SparseMatrix(
            rows: 3, columns: 3, rowIndices: [2, 0, 2, 1, 0, 2],
            columnIndices: [0, 0, 0, 2, 2, 2], values: [1, 5, 0.5, 3, 4, 0])
        #expect(m == t)
        #expect(m.rowStart == [0, 2, 3, 4])
        #expect(m.columnIndices == [0, 2, 2, 0])
        #expect(m.values == [5, 4, 3, 1.5])
    }

    /// Products are sums of at most 9 terms of size ≤ 1, summed in a different order by dgemv
    /// than by the sparse loop; 1e-14 absolute is a few ulps of such sums.
    @Test("M x and Mᵀ x agree with dense dgemv", arguments: [UInt64(1), 2, 3])
    func multiplyMatchesDense(seed: UInt64) {
        let dense = Self.randomDense(rows: 9, columns: 6, density: 0.35, seed: seed)
        let sparse = SparseMatrix(dense)
        #expect(sparse.dense == dense, "seed \(seed)")
        var g = Generator(state: seed &+ 100)
        let x = (0..<6).map { _ in g.uniform() - 0.5 }
        let xt = (0..<9).map { _ in g.uniform() - 0.5 }
        let y = sparse.multiply(x), yd = dense.multiply(x)
        let yt = sparse.multiply(xt, transposed: true), ytd = dense.multiply(xt, transposed: true)
        for i in 0..<9 { #expect(abs(y[i] - yd[i]) <= 1e-14, "seed \(seed) row \(i)") }
        for j in 0..<6 { #expect(abs(yt[j] - ytd[j]) <= 1e-14, "seed \(seed) column \(j)") }
    }

    @Test("transpose (CSC view) is exact and sorted")
    func transpose() {
        let dense = Self.randomDense(rows: 7, columns: 4, density: 0.4, seed: 9)
        let t = SparseMatrix(dense).transposed
        #expect(t == SparseMatrix(dense.transposed))
        #expect(t.transposed == SparseMatrix(dense))
    }

    /// Norms are sums of absolute values in possibly different order; 1e-14 relative.
    @Test("1-norm and ∞-norm agree with the dense definitions")
    func norms() {
        let dense = Self.randomDense(rows: 8, columns: 8, density: 0.3, seed: 5)
        let s = SparseMatrix(dense)
        #expect(abs(s.oneNorm - dense.oneNorm) <= 1e-14 * dense.oneNorm)
        #expect(abs(s.infinityNorm - dense.infinityNorm) <= 1e-14 * dense.infinityNorm)
    }

    @Test("symmetric permutation P M Pᵀ moves entry (i, j) to (p(i), p(j))")
    func permutation() {
        let dense = Self.randomDense(rows: 5, columns: 5, density: 0.5, seed: 11)
        let p = [3, 0, 4, 1, 2]
        let permuted = SparseMatrix(dense).permuted(p)
        for i in 0..<5 { for j in 0..<5 { #expect(permuted[p[i], p[j]] == dense[i, j]) } }
    }

    @Test("I − A from identity and scaled addition")
    func identityMinus() {
        let a = SparseMatrix(rows: 2, columns: 2, rowIndices: [0, 1, 1], columnIndices: [1, 0, 1], values: [0.25, 0.2, 0.05])
        let m = SparseMatrix.identity(2).adding(a, scaledBy: -1)
        #expect(m.dense == Matrix(rowsOf: [[1, -0.25], [-0.2, 0.95]]))
        // An entry that cancels exactly is not stored.
        #expect(SparseMatrix.identity(2).adding(.identity(2), scaledBy: -1).nonzeroCount == 0)
    }

    /// The one-pass `identity(minus:)` must store exactly what identity + scaled addition
    /// stores (same CSR arrays, bit for bit: both compute 1 − a_ii and −a_ij once), on random
    /// matrices with and without diagonal entries, and with a diagonal that cancels.
    @Test("I − A in one pass equals identity and scaled addition", arguments: [UInt64(4), 5, 6])
    func identityMinusOnePass(seed: UInt64) {
        var m = Self.randomDense(rows: 30, columns: 30, density: 0.1, seed: seed)
        m[3, 3] = 1  // cancels: 1 − 1 = 0 is not stored
        m[29, 0] = 0.5  // an entry left of the diagonal in the last row
        let a = SparseMatrix(m)
        #expect(SparseMatrix.identity(minus: a) == SparseMatrix.identity(30).adding(a, scaledBy: -1))
    }

    @Test("empty shapes")
    func empty() {
        let m = SparseMatrix(rows: 0, columns: 0, rowIndices: [], columnIndices: [], values: [])
        #expect(m.multiply([]) == [])
        #expect(m.oneNorm == 0)
        #expect(SparseMatrix(rows: 3, columns: 2, rowIndices: [], columnIndices: [], values: []).multiply([1, 2]) == [0, 0, 0])
    }
}
