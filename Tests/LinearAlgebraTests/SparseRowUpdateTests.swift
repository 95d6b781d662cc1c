import Testing

@testable import LinearAlgebra

/// `Matrix.addOuterProduct(_:_:sparseRow:)`, the rank-1 update of Lemke's tableau over the
/// columns where the row is nonzero, against the full update (BLAS dger over every column).
@Suite("Rank-1 updates over a sparse row")
struct SparseRowUpdateTests {
    typealias Generator = SparseMatrixTests.Generator

    /// Hand-derived: A = [[1, 2, 3, 4], [5, 6, 7, 8]], α = −1, x = (1, 2), y = (3, 0, 4, 0):
    /// A + α x yᵀ has columns 1 − 3, 5 − 6 | 2, 6 (y₂ = 0: untouched) | 3 − 4, 7 − 8 | 4, 8.
    @Test("a hand-derived update leaves the zero columns as they were")
    func handDerived() {
        var a = Matrix(rows: 2, columns: 4)
        for j in 0..<4 { for i in 0..<2 { a[i, j] = Double(1 + j + 4 * i) } }
        a.addOuterProduct(-1, [1, 2], sparseRow: [3, 0, 4, 0])
        let expected: [[Double]] = [[-2, 2, -1, 4], [-1, 6, -1, 8]]
        for i in 0..<2 { for j in 0..<4 { #expect(a[i, j] == expected[i][j], "(\(i), \(j))") } }
    }

    /// Bit for bit the full update, on tableau-shaped data: runs of zeros and nonzeros of every
    /// length in y (including none and all), a first and a last column of each kind, and row
    /// counts on both sides of dger's 16-row blocking. The claim is exact equality (dger treats
    /// each column on its own), so the comparison is `==`, not a tolerance.
    @Test("equals the full update bit for bit", arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func equalsFullUpdate(seed: UInt64) {
        var g = Generator(state: seed)
        for rows in [1, 7, 16, 37, 75] {
            let columns = 2 * rows + 2
            var a = Matrix(rows: rows, columns: columns)
            for j in 0..<columns { for i in 0..<rows { a[i, j] = 2 * g.uniform() - 1 } }
            let x = (0..<rows).map { _ in g.uniform() < 0.2 ? 0 : 3 * g.uniform() - 1.5 }
            let density = g.uniform()
            let y = (0..<columns).map { _ in g.uniform() < density ? 5 * g.uniform() - 2.5 : 0 }
            var full = a, sparse = a
            full.addOuterProduct(-1, x, y)
            sparse.addOuterProduct(-1, x, sparseRow: y)
            for j in 0..<columns {
                for i in 0..<rows {
                    #expect(
                        full[i, j].bitPattern == sparse[i, j].bitPattern,
                        "seed \(seed), \(rows) rows: (\(i), \(j)) \(full[i, j]) vs \(sparse[i, j])")
                }
            }
        }
    }
}
