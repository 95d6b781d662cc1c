// Operations on a `SparseMatrix`: transpose, products, the triangular solve of block-triangular
// substitution, norms, renumbering and sums. Each is O(rows + columns + nonzeros) unless it says
// otherwise.

extension SparseMatrix {
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
        y.withUnsafeMutableBufferPointer { w in
            solveUpperTriangular(diagonal: d, interleaved: w, count: k, transposed: transposed)
        }
    }

    /// `solveUpperTriangular(diagonal:interleaved:count:transposed:)` on memory the caller owns,
    /// e.g. the storage of a one-column `Matrix` solved in place with no copy (the matrix-free
    /// clearing's Jacobian–vector products, where copying in and out cost as much as the
    /// sweep: docs/performance.md, "Per-point work of the matrix-free path").
    public func solveUpperTriangular(
        diagonal d: [Double], interleaved w: UnsafeMutableBufferPointer<Double>, count k: Int, transposed: Bool
    ) {
        precondition(
            rows == columns && d.count == rows && k >= 0 && w.count == rows * k,
            "triangular solve: \(rows)×\(columns) matrix, \(d.count) pivots, \(w.count) entries for \(k) right-hand sides")
        let n = rows
        guard n > 0 && k > 0 else { return }
        rowStart.withUnsafeBufferPointer { rs in
            columnIndices.withUnsafeBufferPointer { ci in
                values.withUnsafeBufferPointer { v in
                    d.withUnsafeBufferPointer { dp in
                        if k == 1 {
                            // One right-hand side (GMRES, ILU sweeps): no inner loop.
                            if transposed {
                                for i in 0..<n {
                                    // A zero carries nothing forward (the row's updates would add
                                    // 0): with a sparse right-hand side — the clearing's products
                                    // seed only the capacitated nodes' prices — the rows no seed
                                    // reaches are skipped.
                                    let wi = w[i]
                                    if wi == 0 { continue }
                                    let yi = wi / dp[i]
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
