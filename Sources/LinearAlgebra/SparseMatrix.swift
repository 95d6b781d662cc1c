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
        }
        var merged = [Int](repeating: 0, count: rows + 1)
        var stored = 0
        // Offsets and indices were checked above, so the passes below run on unchecked buffers.
        columnStart.withUnsafeBufferPointer { cs in
            rowIndices.withUnsafeBufferPointer { ri in
                values.withUnsafeBufferPointer { vv in
                    start.withUnsafeMutableBufferPointer { st in
                        outColumns.withUnsafeMutableBufferPointer { oc in
                            outValues.withUnsafeMutableBufferPointer { ov in
                                merged.withUnsafeMutableBufferPointer { mg in
                                    for i in ri { st[i + 1] += 1 }
                                    for i in 0..<rows { st[i + 1] += st[i] }
                                    // Visiting columns in order leaves every row's columns ascending.
                                    var fill = Array(st)
                                    fill.withUnsafeMutableBufferPointer { fl in
                                        for j in 0..<columns {
                                            for p in cs[j]..<cs[j + 1] {
                                                let i = ri[p]
                                                oc[fl[i]] = j
                                                ov[fl[i]] = vv[p]
                                                fl[i] += 1
                                            }
                                        }
                                    }
                                    // Merge adjacent duplicates and drop zeros, compacting in place.
                                    for i in 0..<rows {
                                        var p = st[i]
                                        while p < st[i + 1] {
                                            let j = oc[p]
                                            var v = 0.0
                                            while p < st[i + 1] && oc[p] == j {
                                                v += ov[p]
                                                p += 1
                                            }
                                            if v != 0 {
                                                oc[stored] = j
                                                ov[stored] = v
                                                stored += 1
                                            }
                                        }
                                        mg[i + 1] = stored
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        outColumns.removeLast(count - stored)
        outValues.removeLast(count - stored)
        self.init(rows: rows, columns: columns, rowStart: merged, columnIndices: outColumns, values: outValues)
    }

    /// Takes CSR arrays as they are when they already satisfy the invariants — offsets from 0
    /// to the entry count, columns in range and strictly ascending within each row, no value
    /// exactly 0 — and returns nil otherwise. O(rows + nonzeros) to check, no copy or sort:
    /// the way in for entries generated in order (e.g. a matrix's columns, read as the rows of
    /// its transpose).
    public init?(canonicalRows rows: Int, columns: Int, rowStart: [Int], columnIndices: [Int], values: [Double]) {
        guard rows >= 0, columns >= 0, rowStart.count == rows + 1, rowStart.first == 0,
            rowStart.last == values.count, columnIndices.count == values.count
        else { return nil }
        for i in 0..<rows {
            guard rowStart[i] <= rowStart[i + 1] else { return nil }
            var previous = -1
            for p in rowStart[i]..<rowStart[i + 1] {
                let j = columnIndices[p]
                guard j > previous && j < columns && values[p] != 0 else { return nil }
                previous = j
            }
        }
        self.init(rows: rows, columns: columns, rowStart: rowStart, columnIndices: columnIndices, values: values)
    }

    /// Builds a matrix from CSR arrays that already satisfy the invariants (module-internal:
    /// the operations in SparseMatrix+Operations.swift build their results with it).
    init(rows: Int, columns: Int, rowStart: [Int], columnIndices: [Int], values: [Double]) {
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
        var columns = [Int](repeating: 0, count: a.nonzeroCount + n)
        var values = [Double](repeating: 0, count: a.nonzeroCount + n)
        var q = 0
        a.rowStart.withUnsafeBufferPointer { rs in
            a.columnIndices.withUnsafeBufferPointer { ci in
                a.values.withUnsafeBufferPointer { av in
                    columns.withUnsafeMutableBufferPointer { oc in
                        values.withUnsafeMutableBufferPointer { ov in
                            for i in 0..<n {
                                var diagonalDone = false
                                for p in rs[i]..<rs[i + 1] {
                                    let j = ci[p]
                                    if !diagonalDone && j >= i {
                                        diagonalDone = true
                                        let v = j == i ? 1 - av[p] : 1
                                        if v != 0 {
                                            oc[q] = i
                                            ov[q] = v
                                            q += 1
                                        }
                                        if j == i { continue }
                                    }
                                    oc[q] = j
                                    ov[q] = -av[p]
                                    q += 1
                                }
                                if !diagonalDone {
                                    oc[q] = i
                                    ov[q] = 1
                                    q += 1
                                }
                                start[i + 1] = q
                            }
                        }
                    }
                }
            }
        }
        columns.removeLast(columns.count - q)
        values.removeLast(values.count - q)
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
}
