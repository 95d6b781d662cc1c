/// A sparse matrix of `Double` in compressed sparse row (CSR) form.
///
/// Row `i` holds the entries at offsets `rowStart[i] ..< rowStart[i + 1]` of `columnIndices`
/// and `values`, with columns strictly ascending within the row (duplicates summed, exact
/// zeros dropped). The transpose of a CSR matrix is the same matrix in compressed sparse
/// column (CSC) form, so `transposed` doubles as the CSC view.
///
/// ```
/// let m = SparseMatrix(rows: 2, columns: 2, rowIndices: [0, 1, 1], columnIndices: [1, 0, 1],
///                      values: [0.25, 0.2, 0.05])          // (i, j, a) triplets
/// let y  = m.multiply([1, 2])                   // y = M x        (row gather)
/// let yt = m.multiply([1, 2], transposed: true) // y = Mᵀ x       (row scatter)
/// ```
///
/// Storage is O(rows + nonzeros); no operation here forms a dense matrix except `dense`.
///
/// Note on BLAS: OpenBLAS has no sparse kernels, and gathering a sparse row or block into a
/// dense one for dgemv only pays when the block is more than a few percent full. Leontief
/// coefficient matrices hold a handful of entries per column (inputs × suppliers), so the
/// products here are plain loops over the stored entries, O(nonzeros).
public struct SparseMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// Offsets of each row's entries; `rows + 1` values, `rowStart[rows] == nonzeroCount`.
    public let rowStart: [Int]
    /// Column of each stored entry, strictly ascending within a row.
    public let columnIndices: [Int]
    /// Value of each stored entry (never exactly zero).
    public let values: [Double]

    /// Builds a matrix from coordinate (COO) triplets `(rowIndices[k], columnIndices[k], values[k])`
    /// in any order. Duplicates are summed; entries that are (or sum to) exactly zero are dropped.
    ///
    /// - Complexity: O(rows + columns + triplets) — two stable counting sorts, no comparison sort.
    public init(rows: Int, columns: Int, rowIndices: [Int], columnIndices: [Int], values: [Double]) {
        precondition(rows >= 0 && columns >= 0, "SparseMatrix shape must be non-negative, got \(rows)×\(columns)")
        precondition(
            rowIndices.count == columnIndices.count && rowIndices.count == values.count,
            "triplet arrays differ in length: \(rowIndices.count) rows, \(columnIndices.count) columns, \(values.count) values")
        let count = values.count
        for k in 0..<count {
            precondition(
                rowIndices[k] >= 0 && rowIndices[k] < rows && columnIndices[k] >= 0 && columnIndices[k] < columns,
                "entry (\(rowIndices[k]), \(columnIndices[k])) outside a \(rows)×\(columns) matrix")
        }
        // Counting sort by column, then a stable counting sort by row: rows in order, columns
        // ascending within each row. Indices were range-checked above, so the passes below
        // index without further checks.
        var start = [Int](repeating: 0, count: rows + 1)
        var sorted = [Int](repeating: 0, count: count)
        rowIndices.withUnsafeBufferPointer { ri in
            columnIndices.withUnsafeBufferPointer { cj in
                var next = [Int](repeating: 0, count: columns + 1)
                var byColumn = [Int](repeating: 0, count: count)
                next.withUnsafeMutableBufferPointer { nx in
                    byColumn.withUnsafeMutableBufferPointer { bc in
                        for k in 0..<count { nx[cj[k] + 1] += 1 }
                        for j in 0..<columns { nx[j + 1] += nx[j] }
                        for k in 0..<count {
                            bc[nx[cj[k]]] = k
                            nx[cj[k]] += 1
                        }
                    }
                }
                start.withUnsafeMutableBufferPointer { st in
                    sorted.withUnsafeMutableBufferPointer { so in
                        for k in 0..<count { st[ri[k] + 1] += 1 }
                        for i in 0..<rows { st[i + 1] += st[i] }
                        var fill = Array(st)
                        fill.withUnsafeMutableBufferPointer { fl in
                            for k in byColumn {
                                so[fl[ri[k]]] = k
                                fl[ri[k]] += 1
                            }
                        }
                    }
                }
            }
        }
        // Merge duplicates and drop zeros, row by row.
        var outStart = [Int](repeating: 0, count: rows + 1)
        var outColumns = [Int](repeating: 0, count: count)
        var outValues = [Double](repeating: 0, count: count)
        var stored = 0
        columnIndices.withUnsafeBufferPointer { cj in
            values.withUnsafeBufferPointer { vv in
                sorted.withUnsafeBufferPointer { so in
                    outColumns.withUnsafeMutableBufferPointer { oc in
                        outValues.withUnsafeMutableBufferPointer { ov in
                            for i in 0..<rows {
                                var p = start[i]
                                let end = start[i + 1]
                                while p < end {
                                    let j = cj[so[p]]
                                    var v = 0.0
                                    while p < end && cj[so[p]] == j {
                                        v += vv[so[p]]
                                        p += 1
                                    }
                                    if v != 0 {
                                        oc[stored] = j
                                        ov[stored] = v
                                        stored += 1
                                    }
                                }
                                outStart[i + 1] = stored
                            }
                        }
                    }
                }
            }
        }
        outColumns.removeLast(count - stored)
        outValues.removeLast(count - stored)
        self.rows = rows
        self.columns = columns
        self.rowStart = outStart
        self.columnIndices = outColumns
        self.values = outValues
    }

    /// Builds a matrix from compressed sparse columns (CSC): column j holds the entries at
    /// offsets `columnStart[j] ..< columnStart[j + 1]` of `rowIndices` and `values`, rows in any
    /// order. Duplicates are summed; entries that are (or sum to) exactly zero are dropped.
    ///
    /// One counting sort by row (a transpose) instead of the two the triplet form needs: the
    /// cheap way in when the entries are generated column by column, as Leontief columns are.
    ///
    /// - Complexity: O(rows + columns + entries).
    public init(rows: Int, columns: Int, columnStart: [Int], rowIndices: [Int], values: [Double]) {
        precondition(
            rows >= 0 && columns >= 0 && columnStart.count == columns + 1,
            "CSC for a \(rows)×\(columns) matrix needs \(columns + 1) column offsets, got \(columnStart.count)")
        precondition(
            rowIndices.count == values.count && columnStart.first == 0 && columnStart.last == values.count,
            "CSC offsets must run from 0 to the \(values.count) entries")
        let count = values.count
        var start = [Int](repeating: 0, count: rows + 1)
        var outColumns = [Int](repeating: 0, count: count)
        var outValues = [Double](repeating: 0, count: count)
        for j in 0..<columns {
            precondition(columnStart[j] <= columnStart[j + 1], "CSC column offsets must not decrease (column \(j))")
        }
        for i in rowIndices {
            precondition(i >= 0 && i < rows, "row index \(i) outside a \(rows)×\(columns) matrix")
            start[i + 1] += 1
        }
        for i in 0..<rows { start[i + 1] += start[i] }
        // Visiting columns in order leaves every row's columns ascending.
        var fill = start
        rowIndices.withUnsafeBufferPointer { ri in
            values.withUnsafeBufferPointer { vv in
                outColumns.withUnsafeMutableBufferPointer { oc in
                    outValues.withUnsafeMutableBufferPointer { ov in
                        fill.withUnsafeMutableBufferPointer { fl in
                            for j in 0..<columns {
                                for p in columnStart[j]..<columnStart[j + 1] {
                                    let i = ri[p]
                                    oc[fl[i]] = j
                                    ov[fl[i]] = vv[p]
                                    fl[i] += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        // Merge adjacent duplicates and drop zeros, compacting in place.
        var stored = 0
        var merged = [Int](repeating: 0, count: rows + 1)
        for i in 0..<rows {
            var p = start[i]
            while p < start[i + 1] {
                let j = outColumns[p]
                var v = 0.0
                while p < start[i + 1] && outColumns[p] == j {
                    v += outValues[p]
                    p += 1
                }
                if v != 0 {
                    outColumns[stored] = j
                    outValues[stored] = v
                    stored += 1
                }
            }
            merged[i + 1] = stored
        }
        outColumns.removeLast(count - stored)
        outValues.removeLast(count - stored)
        self.init(rows: rows, columns: columns, rowStart: merged, columnIndices: outColumns, values: outValues)
    }

    /// Builds a matrix from CSR arrays that already satisfy the invariants.
    private init(rows: Int, columns: Int, rowStart: [Int], columnIndices: [Int], values: [Double]) {
        self.rows = rows
        self.columns = columns
        self.rowStart = rowStart
        self.columnIndices = columnIndices
        self.values = values
    }

    /// The sparse form of a dense matrix (exact zeros are not stored).
    public init(_ dense: Matrix) {
        var r: [Int] = [], c: [Int] = [], v: [Double] = []
        for j in 0..<dense.columns {
            for i in 0..<dense.rows where dense[i, j] != 0 {
                r.append(i); c.append(j); v.append(dense[i, j])
            }
        }
        self.init(rows: dense.rows, columns: dense.columns, rowIndices: r, columnIndices: c, values: v)
    }

    /// The `n × n` identity.
    public static func identity(_ n: Int) -> SparseMatrix {
        SparseMatrix(
            rows: n, columns: n, rowStart: Array(0...n), columnIndices: Array(0..<n),
            values: [Double](repeating: 1, count: n))
    }

    /// `I − a` for a square `a`, merged row by row in one pass (the diagonal slots into each
    /// row's ascending columns; an entry that cancels to exactly 0 is dropped, as in `adding`).
    ///
    /// - Complexity: O(n + nonzeros), no sorting.
    public static func identity(minus a: SparseMatrix) -> SparseMatrix {
        precondition(a.rows == a.columns, "I − A needs a square matrix, got \(a.rows)×\(a.columns)")
        let n = a.rows
        var start = [Int](repeating: 0, count: n + 1)
        var columns = [Int]()
        var values = [Double]()
        columns.reserveCapacity(a.nonzeroCount + n)
        values.reserveCapacity(a.nonzeroCount + n)
        for i in 0..<n {
            var diagonalDone = false
            for p in a.rowStart[i]..<a.rowStart[i + 1] {
                let j = a.columnIndices[p]
                if !diagonalDone && j >= i {
                    diagonalDone = true
                    let v = j == i ? 1 - a.values[p] : 1
                    if v != 0 { columns.append(i); values.append(v) }
                    if j == i { continue }
                }
                columns.append(j)
                values.append(-a.values[p])
            }
            if !diagonalDone { columns.append(i); values.append(1) }
            start[i + 1] = columns.count
        }
        return SparseMatrix(rows: n, columns: n, rowStart: start, columnIndices: columns, values: values)
    }

    /// Number of stored (nonzero) entries.
    public var nonzeroCount: Int { values.count }

    /// Offsets of row `i`'s entries in `columnIndices` and `values`.
    @inlinable
    public func entries(inRow i: Int) -> Range<Int> {
        rowStart[i]..<rowStart[i + 1]
    }

    /// Element `(row, column)`; 0 where nothing is stored. O(log entries in the row).
    public subscript(row: Int, column: Int) -> Double {
        precondition(
            row >= 0 && row < rows && column >= 0 && column < columns,
            "Index (\(row), \(column)) out of range for \(rows)×\(columns) matrix")
        guard let p = position(row: row, column: column) else { return 0 }
        return values[p]
    }

    /// Offset of entry `(row, column)` in `values`, or nil when it is not stored.
    public func position(row: Int, column: Int) -> Int? {
        var lo = rowStart[row], hi = rowStart[row + 1]
        while lo < hi {
            let mid = (lo + hi) / 2
            if columnIndices[mid] < column { lo = mid + 1 } else { hi = mid }
        }
        return lo < rowStart[row + 1] && columnIndices[lo] == column ? lo : nil
    }

    /// The transpose, in CSR form (equivalently, this matrix in CSC form).
    ///
    /// - Complexity: O(rows + columns + nonzeros).
    public var transposed: SparseMatrix {
        var start = [Int](repeating: 0, count: columns + 1)
        for j in columnIndices { start[j + 1] += 1 }
        for j in 0..<columns { start[j + 1] += start[j] }
        var fill = start
        var rowsOut = [Int](repeating: 0, count: nonzeroCount)
        var valuesOut = [Double](repeating: 0, count: nonzeroCount)
        // Rows are visited in order, so each output row's columns come out ascending.
        for i in 0..<rows {
            for p in entries(inRow: i) {
                let j = columnIndices[p]
                rowsOut[fill[j]] = i
                valuesOut[fill[j]] = values[p]
                fill[j] += 1
            }
        }
        return SparseMatrix(rows: columns, columns: rows, rowStart: start, columnIndices: rowsOut, values: valuesOut)
    }

    /// Matrix–vector product `y = M x` (row gather) or `y = Mᵀ x` (row scatter).
    ///
    /// ```
    /// y_i = Σ_{p ∈ row i} v_p x_{c_p}             (transposed: false)
    /// y_{c_p} += v_p x_i   for every p in row i    (transposed: true)
    /// ```
    /// - Complexity: O(rows + columns + nonzeros).
    public func multiply(_ x: [Double], transposed: Bool = false) -> [Double] {
        let n = transposed ? rows : columns
        precondition(
            x.count == n, "Vector of length \(x.count) does not match \(rows)×\(columns) sparse matrix\(transposed ? "ᵀ" : "")")
        var y = [Double](repeating: 0, count: transposed ? columns : rows)
        rowStart.withUnsafeBufferPointer { rs in
            columnIndices.withUnsafeBufferPointer { ci in
                values.withUnsafeBufferPointer { v in
                    x.withUnsafeBufferPointer { xp in
                        y.withUnsafeMutableBufferPointer { yp in
                            if transposed {
                                for i in 0..<rows {
                                    let xi = xp[i]
                                    if xi == 0 { continue }
                                    for p in rs[i]..<rs[i + 1] { yp[ci[p]] += v[p] * xi }
                                }
                            } else {
                                for i in 0..<rows {
                                    var s = 0.0
                                    for p in rs[i]..<rs[i + 1] { s += v[p] * xp[ci[p]] }
                                    yp[i] = s
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// Solves `(D − U) Y = C`, or `(D − U)ᵀ Y = C` when `transposed`, in place, where this
    /// matrix is `U`, strictly upper triangular, and `D = diag(d)`:
    /// ```
    /// (D − U) y = c:    y_i = (c_i + Σ_{j>i} u_ij y_j) / d_i,   i = n−1 … 0   (back substitution, row gather)
    /// (D − U)ᵀ y = c:   y_i = c_i / d_i,  then  c_j += u_ij y_i  for j > i,   i = 0 … n−1   (forward, row scatter)
    /// ```
    /// One CSR copy of U serves both directions. `y` holds `count` right-hand sides interleaved
    /// (`y[i·count + c]` is entry i of column c), so each sweep reads the index arrays once.
    ///
    /// - Precondition: square, every stored entry above the diagonal, `d.count == rows`,
    ///   `y.count == rows · count`. Zero pivots are the caller's to exclude.
    /// - Complexity: O(count · (rows + nonzeros)).
    public func solveUpperTriangular(diagonal d: [Double], interleaved y: inout [Double], count k: Int, transposed: Bool) {
        precondition(
            rows == columns && d.count == rows && k >= 0 && y.count == rows * k,
            "triangular solve: \(rows)×\(columns) matrix, \(d.count) pivots, \(y.count) entries for \(k) right-hand sides")
        let n = rows
        guard n > 0 && k > 0 else { return }
        rowStart.withUnsafeBufferPointer { rs in
            columnIndices.withUnsafeBufferPointer { ci in
                values.withUnsafeBufferPointer { v in
                    d.withUnsafeBufferPointer { dp in
                        y.withUnsafeMutableBufferPointer { w in
                            if k == 1 {
                                // One right-hand side (GMRES, ILU sweeps): no inner loop.
                                if transposed {
                                    for i in 0..<n {
                                        let yi = w[i] / dp[i]
                                        w[i] = yi
                                        for p in rs[i]..<rs[i + 1] {
                                            precondition(
                                                ci[p] > i, "triangular solve: entry (\(i), \(ci[p])) is not above the diagonal")
                                            w[ci[p]] += v[p] * yi
                                        }
                                    }
                                } else {
                                    for i in stride(from: n - 1, through: 0, by: -1) {
                                        var s = w[i]
                                        for p in rs[i]..<rs[i + 1] {
                                            precondition(
                                                ci[p] > i, "triangular solve: entry (\(i), \(ci[p])) is not above the diagonal")
                                            s += v[p] * w[ci[p]]
                                        }
                                        w[i] = s / dp[i]
                                    }
                                }
                            } else if transposed {
                                for i in 0..<n {
                                    let di = dp[i]
                                    for c in 0..<k { w[i * k + c] /= di }
                                    for p in rs[i]..<rs[i + 1] {
                                        let j = ci[p], a = v[p]
                                        precondition(j > i, "triangular solve: entry (\(i), \(j)) is not above the diagonal")
                                        for c in 0..<k { w[j * k + c] += a * w[i * k + c] }
                                    }
                                }
                            } else {
                                for i in stride(from: n - 1, through: 0, by: -1) {
                                    for p in rs[i]..<rs[i + 1] {
                                        let j = ci[p], a = v[p]
                                        precondition(j > i, "triangular solve: entry (\(i), \(j)) is not above the diagonal")
                                        for c in 0..<k { w[i * k + c] += a * w[j * k + c] }
                                    }
                                    let di = dp[i]
                                    for c in 0..<k { w[i * k + c] /= di }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The diagonal `m_ii`, i < min(rows, columns) (0 where not stored).
    public var diagonal: [Double] {
        (0..<min(rows, columns)).map { i in position(row: i, column: i).map { values[$0] } ?? 0 }
    }

    /// The 1-norm `max_j Σ_i |m_ij|` (largest absolute column sum).
    public var oneNorm: Double {
        var sums = [Double](repeating: 0, count: columns)
        for p in 0..<nonzeroCount { sums[columnIndices[p]] += abs(values[p]) }
        return sums.max() ?? 0
    }

    /// The ∞-norm `max_i Σ_j |m_ij|` (largest absolute row sum).
    public var infinityNorm: Double {
        var m = 0.0
        for i in 0..<rows {
            var s = 0.0
            for p in entries(inRow: i) { s += abs(values[p]) }
            m = max(m, s)
        }
        return m
    }

    /// True when every stored value is finite.
    public var isFinite: Bool { values.allSatisfy { $0.isFinite } }

    /// The dense form, for tests and small systems. O(rows · columns) memory.
    public var dense: Matrix {
        var m = Matrix(rows: rows, columns: columns)
        for i in 0..<rows { for p in entries(inRow: i) { m.add(values[p], at: i, columnIndices[p]) } }
        return m
    }

    /// The same matrix with rows and columns renumbered: entry `(i, j)` moves to
    /// `(newIndex[i], newIndex[j])`, so the result is `P M Pᵀ` for the permutation `P`.
    ///
    /// - Complexity: O(rows + nonzeros).
    public func permuted(_ newIndex: [Int]) -> SparseMatrix {
        precondition(rows == columns && newIndex.count == rows, "permuted needs a square matrix and one new index per row")
        var r = [Int](repeating: 0, count: nonzeroCount)
        var c = [Int](repeating: 0, count: nonzeroCount)
        for i in 0..<rows {
            for p in entries(inRow: i) {
                r[p] = newIndex[i]
                c[p] = newIndex[columnIndices[p]]
            }
        }
        return SparseMatrix(rows: rows, columns: columns, rowIndices: r, columnIndices: c, values: values)
    }

    /// `self + α B` for matrices of the same shape (entries that cancel exactly are dropped).
    public func adding(_ b: SparseMatrix, scaledBy alpha: Double = 1) -> SparseMatrix {
        precondition(rows == b.rows && columns == b.columns, "Cannot add \(b.rows)×\(b.columns) to \(rows)×\(columns)")
        var r: [Int] = [], c: [Int] = [], v: [Double] = []
        r.reserveCapacity(nonzeroCount + b.nonzeroCount)
        c.reserveCapacity(nonzeroCount + b.nonzeroCount)
        v.reserveCapacity(nonzeroCount + b.nonzeroCount)
        for (m, scale) in [(self, 1.0), (b, alpha)] {
            for i in 0..<m.rows {
                for p in m.entries(inRow: i) {
                    r.append(i); c.append(m.columnIndices[p]); v.append(scale * m.values[p])
                }
            }
        }
        return SparseMatrix(rows: rows, columns: columns, rowIndices: r, columnIndices: c, values: v)
    }
}
