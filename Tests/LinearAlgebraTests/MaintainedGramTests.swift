import Testing

@testable import LinearAlgebra

/// `MaintainedGram`: the Gram matrix `YᵀY` kept through row replacements (rank-one updates and
/// downdates), column replacements and appended rows equals the one formed afresh, and the
/// inverse it gives equals `RecordedInverse` made from the same rows and columns.
///
/// Tolerances: the entries are sums of ≤ 40 products of unit-size numbers, so a formed entry is
/// exact to ≈ 40 ε ≈ 1e-14; each of the ≤ 30 updates below adds and subtracts such sums, so
/// the kept entries drift by ≲ 30 · 40 ε ≈ 3e-13 — 1e-11 leaves a thirtyfold margin, and a
/// missed update, a wrong row or a transposition shows at O(0.1). The inverse's outputs compare
/// at 1e-9: the normal equations square κ(Y) (below 1e2 for these random images), so the two
/// Gram matrices' 1e-13 difference moves the coefficients by ≲ 1e-9 · ‖·‖ at most.
@Suite("Gram matrix kept through row and column updates")
struct MaintainedGramTests {
    typealias Generator = SparseMatrixTests.Generator

    /// Y as a plain matrix (rows × capacity) and its Gram matrix formed directly.
    static func formed(_ m: MaintainedGram) -> (y: Matrix, gram: Matrix) {
        var y = Matrix(rows: m.rowCount, columns: m.capacity)
        for r in 0..<m.rowCount { for j in 0..<m.capacity { y[r, j] = m.image(r, j) } }
        var g = Matrix(rows: m.capacity, columns: m.capacity)
        for i in 0..<m.capacity {
            for j in 0..<m.capacity {
                var sum = 0.0
                for r in 0..<m.rowCount { sum += y[r, i] * y[r, j] }
                g[i, j] = sum
            }
        }
        return (y, g)
    }

    static func expectKept(_ m: MaintainedGram, _ label: String) {
        let (_, g) = formed(m)
        for i in 0..<m.capacity {
            for j in 0..<m.capacity {
                #expect(abs(m.gram[i + j * m.capacity] - g[i, j]) <= 1e-11, "\(label): G[\(i), \(j)]")
            }
        }
    }

    @Test("kept Gram matrix equals the formed one after every kind of update", arguments: [1, 2, 3] as [UInt64])
    func keptEqualsFormed(seed: UInt64) {
        var g = Generator(state: seed)
        let capacity = 6
        var m = MaintainedGram(capacity: capacity, reserving: 3)
        for _ in 0..<20 { _ = m.appendZeroRow() }  // grows the room past its first reservation
        #expect(m.rowCount == 20)
        Self.expectKept(m, "zero rows")
        // Columns 0–3 set (G updated column by column).
        let set = [0, 2, 3, 1]
        m.setColumns(set, to: (0..<(20 * set.count)).map { _ in 2 * g.uniform() - 1 })
        Self.expectKept(m, "columns set")
        // Rows replaced, with rank-one updates, several times (entries in the free columns too).
        for round in 0..<10 {
            let rows = [round % 20, (round * 7 + 3) % 20, (round * 11 + 5) % 20].reduce(into: [Int]()) { out, r in
                if !out.contains(r) { out.append(r) }
            }
            m.replaceRows(rows, with: (0..<(rows.count * capacity)).map { _ in 2 * g.uniform() - 1 })
            Self.expectKept(m, "rows replaced, round \(round)")
        }
        // A column cleared, rows appended, a column set again.
        m.clearColumn(2)
        for j in 0..<capacity { #expect(m.gram[2 + j * capacity] == 0 && m.gram[j + 2 * capacity] == 0) }
        for _ in 0..<5 { _ = m.appendZeroRow() }
        m.setColumns([2, 5], to: (0..<(25 * 2)).map { _ in 2 * g.uniform() - 1 })
        Self.expectKept(m, "column cleared and set again")
        // Most rows replaced without updates, then G formed afresh.
        let most = Array(0..<20)
        m.replaceRows(most, with: (0..<(20 * capacity)).map { _ in 2 * g.uniform() - 1 }, updating: false)
        m.recompute()
        Self.expectKept(m, "recomputed")
    }

    @Test("its inverse on a subset of rows equals RecordedInverse's from the gathered pairs")
    func inverseOnRows() {
        var g = Generator(state: 11)
        let columns = [4, 0, 2]
        // Rows 3, 7 and 10 are outside the system: zero in Y (their directions need not be).
        let outside: Set<Int> = [3, 7, 10]
        let m = Self.filled(capacity: 5, rows: 12, columns: columns, inside: { !outside.contains($0) }, &g)
        let rows = [0, 1, 2, 4, 5, 6, 8, 9, 11].reversed() as [Int]
        let kept = m.recordedInverse(rows: rows, columns: columns, rankTolerance: 1e-6)
        var s = Matrix(rows: rows.count, columns: columns.count), y = s
        for (a, r) in rows.enumerated() {
            for (b, j) in columns.enumerated() {
                s[a, b] = m.direction(r, j)
                y[a, b] = m.image(r, j)
            }
        }
        let formed = RecordedInverse(directions: s, images: y, rankTolerance: 1e-6)
        #expect(kept.rank == 3 && formed.rank == 3)
        for trial in 0..<3 {
            let v = (0..<rows.count).map { _ in 2 * g.uniform() - 1 }
            let (a, b) = (kept.split(v), formed.split(v))
            for i in v.indices {
                #expect(abs(a.recorded[i] - b.recorded[i]) <= 1e-9, "trial \(trial), recorded part, row \(i)")
                #expect(abs(a.remainder[i] - b.remainder[i]) <= 1e-9, "trial \(trial), remainder, row \(i)")
            }
        }
    }

    /// The folded inverse built straight from the kept pairs, into a spare's storage or fresh,
    /// is `recordedInverse(…).folding(diagonal:)` bit for bit (the same operations on the same
    /// numbers, so tolerance 0), whether the spare was larger, smaller or absent; the spare is
    /// taken.
    @Test("the folded inverse, in a spare's storage or not, is the folding of the recorded one")
    func foldedInverse() {
        var g = Generator(state: 23)
        let columns = [5, 1, 3, 0]
        let m = Self.filled(capacity: 6, rows: 15, columns: columns, inside: { $0 % 4 != 3 }, &g)
        var spare: RecordedInverse? = nil
        for rows in [[0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14], [2, 1, 0], [14, 13, 12, 10, 9, 8, 6, 5, 4, 2, 1, 0]] {
            let diagonal = rows.map { 0.5 + Double($0 % 5) }
            let expected = m.recordedInverse(rows: rows, columns: columns, rankTolerance: 1e-6).folding(diagonal: diagonal)
            let folded = m.foldedInverse(
                rows: rows, columns: columns, rankTolerance: 1e-6, diagonal: diagonal, reusing: &spare)
            #expect(spare == nil, "the spare is taken")
            #expect(folded.rank == expected.rank && folded.rank > 0, "rows \(rows)")
            #expect(folded.y == expected.y && folded.z == expected.z && folded.r == expected.r, "rows \(rows)")
            for _ in 0..<2 {
                let v = rows.map { _ in 2 * g.uniform() - 1 }
                #expect(folded.apply(v) == expected.apply(v), "rows \(rows)")
            }
            spare = folded
        }
    }

    /// A record of `rows` rows with random directions and images (uniform in [−1, 1]) in
    /// `columns`, the images zero on the rows not `inside` the system.
    static func filled(
        capacity: Int, rows: Int, columns: [Int], inside: (Int) -> Bool, _ g: inout Generator
    ) -> MaintainedGram {
        var m = MaintainedGram(capacity: capacity)
        for _ in 0..<rows { _ = m.appendZeroRow() }
        var values = [Double](repeating: 0, count: rows * columns.count)
        for t in columns.indices {
            for r in 0..<rows {
                m.setDirection(r, columns[t], to: 2 * g.uniform() - 1)
                if inside(r) { values[r + t * rows] = 2 * g.uniform() - 1 }
            }
        }
        m.setColumns(columns, to: values)
        return m
    }
}
