import COpenBLAS

/// Linear least squares on LAPACK: `min_y ‖M y − c‖₂` for a tall matrix of full column rank.
public enum LeastSquares {
    /// Solves `min_y ‖M y − c‖₂` by Householder QR (LAPACK dgels), `M` being `m × n` with
    /// `m ≥ n` and full column rank.
    ///
    /// QR works on `M` itself rather than on the normal equations `MᵀM y = Mᵀc`, so the
    /// condition number is not squared: a Levenberg–Marquardt step
    /// `(HᵀH + λI) d = −HᵀΦ` is solved as `min ‖[H; √λ I] d + [Φ; 0]‖` for this reason.
    ///
    /// - Returns: y (n entries), or nil when `M` is rank deficient (a zero diagonal in R,
    ///   dgels `info > 0`) or holds non-finite entries.
    /// - Complexity: O(m n²).
    public static func solve(_ matrix: Matrix, _ rhs: [Double]) -> [Double]? {
        let m = matrix.rows, n = matrix.columns
        precondition(m >= n, "least squares needs at least as many rows as columns, got \(m)×\(n)")
        precondition(rhs.count == m, "right-hand side has \(rhs.count) entries, matrix has \(m) rows")
        guard n > 0 else { return [] }
        guard matrix.isFinite, rhs.allSatisfy({ $0.isFinite }) else { return nil }
        guard m < Int(Int32.max) / max(n, 1) else { return nil }
        var a = matrix.storage
        var b = rhs
        // Workspace query, then the solve (the _work entry points skip LAPACKE's NaN scans,
        // excluded above).
        var query = 0.0
        let trans = CChar(UInt8(ascii: "N"))
        var info = LAPACKE_dgels_work(LAPACK_COL_MAJOR, trans, Int32(m), Int32(n), 1, nil, Int32(m), nil, Int32(m), &query, -1)
        precondition(info == 0, "dgels workspace query rejected argument \(-info)")
        var work = [Double](repeating: 0, count: max(Int(query), 1))
        info = a.withUnsafeMutableBufferPointer { ap in
            b.withUnsafeMutableBufferPointer { bp in
                work.withUnsafeMutableBufferPointer { wp in
                    LAPACKE_dgels_work(
                        LAPACK_COL_MAJOR, trans, Int32(m), Int32(n), 1, ap.baseAddress, Int32(m),
                        bp.baseAddress, Int32(m), wp.baseAddress, Int32(wp.count))
                }
            }
        }
        precondition(info >= 0, "dgels rejected argument \(-info)")
        guard info == 0 else { return nil }
        return Array(b[0..<n])
    }
}
