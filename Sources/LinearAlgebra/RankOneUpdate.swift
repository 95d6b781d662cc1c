import COpenBLAS

extension Matrix {
    /// `M ← M + α x yᵀ` (BLAS dger), `x` with one entry per row, `y` one per column.
    ///
    /// - Complexity: O(rows · columns), memory-bound; used by pivoting methods, whose every
    ///   pivot is one such update of a dense tableau.
    public mutating func addOuterProduct(_ alpha: Double, _ x: [Double], _ y: [Double]) {
        precondition(
            x.count == rows && y.count == columns, "outer product of \(x.count) and \(y.count) does not match \(rows)×\(columns)")
        guard rows > 0 && columns > 0 else { return }
        let m = rows, n = columns
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                storage.withUnsafeMutableBufferPointer { ap in
                    cblas_dger(
                        CblasColMajor, Int32(m), Int32(n), alpha, xp.baseAddress, 1, yp.baseAddress, 1, ap.baseAddress, Int32(m))
                }
            }
        }
    }
}
