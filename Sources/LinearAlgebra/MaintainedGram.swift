import COpenBLAS

/// Recorded pairs `(s_j, y_j)` (`RecordedInverse`'s directions S and images Y, `rowCount ×
/// capacity` each) whose rows and columns change a few at a time, with the images' Gram matrix
/// `G = YᵀY` kept up to date instead of formed again (`rowCount · capacity²` flops each time):
/// replaced rows add `NᵀN − OᵀO` (N the new rows, O the old), a replaced column j sets
/// `G[:, j] = G[j, :] = Yᵀ y_j` (`rowCount · capacity` flops per column).
///
/// For the matrix-free Newton systems' record of products (`MatrixFreeNewton.ProductRecord`),
/// whose images change only on some rows and in some columns from one system to the next. The
/// rank-one downdates accumulate rounding relative to the rows' sizes; `recompute()` forms G
/// afresh for callers that bound that drift.
///
/// S and Y are column-major with room for more rows than they have (`stride`), so a column is
/// contiguous for BLAS and for gathering a system's rows, and appending a row moves nothing
/// until the room runs out (then both double).
public struct MaintainedGram: Sendable {
    /// Columns of S and Y (and the order of G).
    public let capacity: Int
    public private(set) var rowCount = 0
    /// Rows reserved per column.
    private var stride = 0
    private var s: [Double] = []
    private var y: [Double] = []
    /// G, column-major and symmetric (both triangles kept).
    private(set) var gram: [Double]

    /// - Parameters:
    ///   - capacity: the columns.
    ///   - reserving: rows to make room for at once.
    public init(capacity: Int, reserving: Int = 0) {
        precondition(capacity >= 0 && reserving >= 0, "a non-negative capacity and room")
        self.capacity = capacity
        gram = [Double](repeating: 0, count: capacity * capacity)
        stride = reserving
        s = [Double](repeating: 0, count: reserving * capacity)
        y = s
    }

    /// Appends a zero row (G unchanged) and returns its index.
    public mutating func appendZeroRow() -> Int {
        if rowCount == stride {
            let grown = Swift.max(64, 2 * stride)
            func relaid(_ a: [Double]) -> [Double] {
                var out = [Double](repeating: 0, count: grown * capacity)
                for j in 0..<capacity { for r in 0..<rowCount { out[r + j * grown] = a[r + j * stride] } }
                return out
            }
            s = relaid(s)
            y = relaid(y)
            stride = grown
        }
        rowCount += 1
        return rowCount - 1
    }

    /// S's and Y's entries at row `r`, column `j`.
    public func direction(_ r: Int, _ j: Int) -> Double { s[r + j * stride] }
    public func image(_ r: Int, _ j: Int) -> Double { y[r + j * stride] }

    /// Sets S's entry at row `r`, column `j` (G does not depend on S).
    public mutating func setDirection(_ r: Int, _ j: Int, to value: Double) {
        precondition(r >= 0 && r < rowCount && j >= 0 && j < capacity, "entry (\(r), \(j)) out of range")
        s[r + j * stride] = value
    }

    /// Replaces Y's rows `rows` (distinct) by `values` (`rows.count × capacity`, column-major):
    /// `G += NᵀN − OᵀO` with N the new rows and O the old, two products of
    /// `2 · rows.count · capacity²` flops. With `updating` false the rows are replaced and G
    /// left as it was, for a caller that replaces most rows and then calls `recompute()`
    /// (cheaper from a quarter of the rows on).
    public mutating func replaceRows(_ rows: [Int], with values: [Double], updating: Bool = true) {
        let c = rows.count
        precondition(values.count == c * capacity, "capacity values per replaced row")
        guard c > 0, capacity > 0 else { return }
        var old = [Double](repeating: 0, count: updating ? values.count : 0)
        for (t, r) in rows.enumerated() {
            precondition(r >= 0 && r < rowCount, "row \(r) out of range")
            for j in 0..<capacity {
                if updating { old[t + j * c] = y[r + j * stride] }
                y[r + j * stride] = values[t + j * c]
            }
        }
        guard updating else { return }
        let l = Int32(capacity), n = Int32(c)
        gram.withUnsafeMutableBufferPointer { g in
            values.withUnsafeBufferPointer { v in
                cblas_dgemm(
                    CblasColMajor, CblasTrans, CblasNoTrans, l, l, n, 1.0, v.baseAddress, n, v.baseAddress, n, 1.0, g.baseAddress,
                    l)
            }
            old.withUnsafeBufferPointer { o in
                cblas_dgemm(
                    CblasColMajor, CblasTrans, CblasNoTrans, l, l, n, -1.0, o.baseAddress, n, o.baseAddress, n, 1.0,
                    g.baseAddress, l)
            }
        }
    }

    /// Sets Y's columns `columns` (distinct) to `values` (`rowCount × columns.count`,
    /// column-major) and their rows and columns of G to `Yᵀ y_j`: one product of
    /// `2 · rowCount · capacity · columns.count` flops. With `updating` false G is left as it
    /// was, for a caller that sets most columns and then calls `recompute()`.
    public mutating func setColumns(_ columns: [Int], to values: [Double], updating: Bool = true) {
        let k = columns.count
        precondition(values.count == rowCount * k, "rowCount values per set column")
        guard k > 0, rowCount > 0 else { return }
        for (t, j) in columns.enumerated() {
            precondition(j >= 0 && j < capacity, "column \(j) out of range")
            for r in 0..<rowCount { y[r + j * stride] = values[r + t * rowCount] }
        }
        guard updating else { return }
        var block = [Double](repeating: 0, count: capacity * k)
        let l = Int32(capacity), n = Int32(rowCount)
        y.withUnsafeBufferPointer { yp in
            values.withUnsafeBufferPointer { v in
                block.withUnsafeMutableBufferPointer { b in
                    cblas_dgemm(
                        CblasColMajor, CblasTrans, CblasNoTrans, l, Int32(k), n, 1.0, yp.baseAddress, Int32(stride),
                        v.baseAddress, n, 0.0, b.baseAddress, l)
                }
            }
        }
        for (t, j) in columns.enumerated() {
            for i in 0..<capacity {
                gram[i + j * capacity] = block[i + t * capacity]
                gram[j + i * capacity] = block[i + t * capacity]
            }
        }
    }

    /// Sets the column j of S and Y to zero, and G's row and column j with it.
    public mutating func clearColumn(_ j: Int) {
        precondition(j >= 0 && j < capacity, "column \(j) out of range")
        for r in 0..<rowCount {
            s[r + j * stride] = 0
            y[r + j * stride] = 0
        }
        for i in 0..<capacity {
            gram[i + j * capacity] = 0
            gram[j + i * capacity] = 0
        }
    }

    /// G formed afresh from Y (dsyrk, mirrored), dropping the updates' rounding.
    public mutating func recompute() {
        guard capacity > 0 else { return }
        let l = Int32(capacity)
        if rowCount == 0 {
            for i in gram.indices { gram[i] = 0 }
            return
        }
        y.withUnsafeBufferPointer { yp in
            gram.withUnsafeMutableBufferPointer { g in
                cblas_dsyrk(
                    CblasColMajor, CblasUpper, CblasTrans, l, Int32(rowCount), 1.0, yp.baseAddress, Int32(stride), 0.0,
                    g.baseAddress, l)
            }
        }
        for j in 0..<capacity { for i in 0..<j { gram[j + i * capacity] = gram[i + j * capacity] } }
    }

    /// `RecordedInverse` on the rows `rows` (in that order) and the columns `columns`: G
    /// restricted to `columns` is the images' Gram matrix on these rows when every other row of
    /// Y is zero in these columns, which the caller keeps (its rows outside the system). Only the
    /// columns the pivoted Cholesky keeps are gathered, in its order.
    public func recordedInverse(rows: [Int], columns: [Int], rankTolerance: Double) -> RecordedInverse {
        let m = rows.count
        guard m > 0, let (pivots, r) = keptColumns(columns, rankTolerance: rankTolerance) else {
            return RecordedInverse(rows: m, s: [], y: [], r: [], rank: 0)
        }
        let k = pivots.count
        func gathered(_ a: [Double]) -> [Double] {
            [Double](unsafeUninitializedCapacity: m * k) { out, initialized in
                a.withUnsafeBufferPointer { source in
                    for (t, p) in pivots.enumerated() {
                        let from = columns[p] * stride, to = t * m
                        for (i, row) in rows.enumerated() { out[to &+ i] = source[from &+ row] }
                    }
                }
                initialized = m * k
            }
        }
        let directions = gathered(s)
        guard directions.allSatisfy(\.isFinite) else { return RecordedInverse(rows: m, s: [], y: [], r: [], rank: 0) }
        return RecordedInverse(rows: m, s: directions, y: gathered(y), r: r, rank: k)
    }

    /// `recordedInverse(rows:columns:rankTolerance:)` with `diagonal` (one entry per row of
    /// `rows`) folded in, the numbers of `RecordedInverse.folding(diagonal:)` bit for bit:
    /// gathered straight into `Z = S Π_k − D⁻¹ Y Π_k` and `Y Π_k`, without S, and into the
    /// storage of `spare` — a folded inverse no longer used, such as the caller's last — which
    /// is taken (left nil). A caller that builds one every Newton system then allocates, and the
    /// kernel zeroes, no new pages for it: at 10,000 nodes two arrays of ≈ 1,000 × 240 entries
    /// a system, whose first touches were ≈ 5 % of a cleared year (docs/performance.md).
    public func foldedInverse(
        rows: [Int], columns: [Int], rankTolerance: Double, diagonal: [Double], reusing spare: inout RecordedInverse?
    ) -> RecordedInverse {
        precondition(diagonal.count == rows.count, "one diagonal entry per row")
        let m = rows.count
        var (yk, zk) = spare.map { ($0.y, $0.z) } ?? ([], [])
        spare = nil
        guard m > 0, let (pivots, r) = keptColumns(columns, rankTolerance: rankTolerance) else {
            return RecordedInverse(rows: m, s: [], y: [], r: [], rank: 0)
        }
        let k = pivots.count
        // Emptied and refilled in place: the capacity stays where the storage is unique.
        yk.removeAll(keepingCapacity: true)
        yk.append(contentsOf: repeatElement(0, count: m * k))
        zk.removeAll(keepingCapacity: true)
        zk.append(contentsOf: repeatElement(0, count: m * k))
        var finite = true
        s.withUnsafeBufferPointer { sSource in
            y.withUnsafeBufferPointer { ySource in
                diagonal.withUnsafeBufferPointer { d in
                    yk.withUnsafeMutableBufferPointer { yOut in
                        zk.withUnsafeMutableBufferPointer { zOut in
                            for (t, p) in pivots.enumerated() {
                                let from = columns[p] * stride, to = t * m
                                for (i, row) in rows.enumerated() {
                                    let direction = sSource[from &+ row], image = ySource[from &+ row]
                                    if !direction.isFinite { finite = false }
                                    yOut[to &+ i] = image
                                    zOut[to &+ i] = direction - image / d[i]
                                }
                            }
                        }
                    }
                }
            }
        }
        guard finite else { return RecordedInverse(rows: m, s: [], y: [], r: [], rank: 0) }
        var folded = RecordedInverse(rows: m, s: [], y: yk, r: r, rank: k)
        folded.diagonal = diagonal
        folded.z = zk
        return folded
    }

    /// G restricted to `columns` and its pivoted Cholesky factorization
    /// (`RecordedInverse.factor`): the kept columns' positions in `columns`, in pivot order,
    /// and `R_k`.
    private func keptColumns(_ columns: [Int], rankTolerance: Double) -> (pivots: [Int], r: [Double])? {
        let pairs = columns.count
        var g = [Double](repeating: 0, count: pairs * pairs)
        for (b, j) in columns.enumerated() { for (a, i) in columns.enumerated() { g[a + b * pairs] = gram[i + j * capacity] } }
        return RecordedInverse.factor(gram: g, pairs: pairs, rankTolerance: rankTolerance)
    }
}
