import COpenBLAS

extension Matrix {
    /// `A ← A + α x yᵀ` over the columns where `y_j ≠ 0` only: BLAS dger on each run of
    /// consecutive such columns. The other columns are left as they are, which is what the full
    /// update gives them (`a + α x_i · 0`).
    ///
    /// dger updates each column on its own — `α y_j` times x added to column j, blocked over
    /// rows only — so the runs give every element the value one dger over all columns gives,
    /// bit for bit, while a row y with many zeros (a pivot row of a tableau whose basis-inverse
    /// block is still mostly the identity) skips their columns.
    ///
    /// - Complexity: O(rows · (nonzeros of y)) plus one BLAS call per run.
    public mutating func addOuterProduct(_ alpha: Double, _ x: [Double], sparseRow y: [Double]) {
        precondition(x.count == rows && y.count == columns, "x needs one entry per row, y one per column")
        let height = Int32(rows), m = rows
        y.withUnsafeBufferPointer { row in
            withUnsafeMutableBufferPointer { a in
                guard let row0 = row.baseAddress, let a0 = a.baseAddress else { return }
                var start = 0
                while start < row.count {
                    guard row[start] != 0 else {
                        start += 1
                        continue
                    }
                    var end = start + 1
                    while end < row.count && row[end] != 0 { end += 1 }
                    cblas_dger(CblasColMajor, height, Int32(end - start), alpha, x, 1, row0 + start, 1, a0 + start * m, height)
                    start = end
                }
            }
        }
    }
}
