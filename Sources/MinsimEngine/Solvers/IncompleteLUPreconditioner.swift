import LinearAlgebra

/// ILU(0): `M ≈ L U` with L unit lower and U upper triangular, both restricted to the sparsity
/// pattern of M (Saad, *Iterative Methods for Sparse Linear Systems*, 2nd ed., SIAM 2003,
/// Algorithm 10.4, IKJ variant):
/// ```
/// for i = 1 … n−1, for k < i with m_ik ≠ 0 (ascending):
///     m_ik ← m_ik / m_kk
///     m_ij ← m_ij − m_ik m_kj    for j > k with both m_ij and m_kj in the pattern
/// ```
/// Why ILU(0) for `M = I − A`: with `A ≥ 0` and `ρ(A) < 1`, M is a nonsingular M-matrix, for
/// which ILU(0) exists with positive pivots (Meijerink & van der Vorst 1977). In system order
/// (product-major, stage order) the inter-stage couplings are above the diagonal, so ILU(0)
/// reproduces them exactly and only approximates the within-stage loops (scrap, feedback);
/// on an acyclic network in system order it is the exact LU and GMRES takes one step.
///
/// Storage: one copy of the pattern of M (O(nonzeros)); application costs O(nonzeros), with
/// both triangular sweeps on `SparseMatrix.solveUpperTriangular`.
struct IncompleteLUPreconditioner: Sendable {
    /// `−L_sᵀ`: the strictly lower part of L, transposed and negated, so that
    /// `L = (I − N_L)ᵀ` and both sweeps use the strictly-upper kernel of `SparseMatrix`.
    private let lowerTransposed: SparseMatrix
    /// `−U_s`: the strictly upper part of U, negated, so that `U = D_U − N_U`.
    private let upper: SparseMatrix
    /// `u_ii`.
    private let pivots: [Double]
    /// The unit diagonal of L.
    private let ones: [Double]

    /// The factorization, or the row whose pivot was missing, zero or not finite.
    enum Outcome: Sendable {
        case factored(IncompleteLUPreconditioner)
        case breakdown(row: Int)
    }

    /// Factors the square sparse matrix `m` (CSR with ascending columns per row).
    ///
    /// - Complexity: O(Σ_i Σ_{k ∈ L(i)} |row k|), about O(nonzeros · entries per row).
    static func factor(_ m: SparseMatrix) -> Outcome {
        precondition(m.rows == m.columns, "ILU(0) needs a square matrix, got \(m.rows)×\(m.columns)")
        let n = m.rows
        let rowStart = m.rowStart, cols = m.columnIndices
        var v = m.values
        var diag = [Int](repeating: -1, count: n)
        for i in 0..<n {
            for p in rowStart[i]..<rowStart[i + 1] where cols[p] == i { diag[i] = p }
        }
        // where[j] = offset of m_ij in the current row i, or −1.
        var slot = [Int](repeating: -1, count: n)
        for i in 0..<n {
            for p in rowStart[i]..<rowStart[i + 1] { slot[cols[p]] = p }
            for p in rowStart[i]..<rowStart[i + 1] {
                let k = cols[p]
                guard k < i else { break }
                let lik = v[p] / v[diag[k]]
                v[p] = lik
                for q in (diag[k] + 1)..<rowStart[k + 1] {
                    let s = slot[cols[q]]
                    if s >= 0 { v[s] -= lik * v[q] }
                }
            }
            for p in rowStart[i]..<rowStart[i + 1] { slot[cols[p]] = -1 }
            guard diag[i] >= 0, v[diag[i]] != 0, v[diag[i]].isFinite else { return .breakdown(row: i) }
        }
        var lr: [Int] = [], lc: [Int] = [], lv: [Double] = []
        var ur: [Int] = [], uc: [Int] = [], uv: [Double] = []
        var pivots = [Double](repeating: 0, count: n)
        for i in 0..<n {
            pivots[i] = v[diag[i]]
            for p in rowStart[i]..<rowStart[i + 1] where cols[p] != i {
                if cols[p] < i {
                    lr.append(cols[p]); lc.append(i); lv.append(-v[p])
                } else {
                    ur.append(i); uc.append(cols[p]); uv.append(-v[p])
                }
            }
        }
        return .factored(
            IncompleteLUPreconditioner(
                lowerTransposed: SparseMatrix(rows: n, columns: n, rowIndices: lr, columnIndices: lc, values: lv),
                upper: SparseMatrix(rows: n, columns: n, rowIndices: ur, columnIndices: uc, values: uv),
                pivots: pivots, ones: [Double](repeating: 1, count: n)))
    }

    /// `(L U)⁻¹ r` (forward then back substitution) or `(L U)⁻ᵀ r = L⁻ᵀ U⁻ᵀ r`.
    ///
    /// ```
    /// L z = r:   z_i = r_i − Σ_{j<i} l_ij z_j              (i ascending, gather)
    /// U y = z:   y_i = (z_i − Σ_{j>i} u_ij y_j) / u_ii     (i descending, gather)
    /// Uᵀ z = r:  z_i = r_i / u_ii;  r_j −= u_ij z_i, j > i  (i ascending, scatter)
    /// Lᵀ y = z:  y_i = z_i;        z_j −= l_ij y_i, j < i  (i descending, scatter)
    /// ```
    /// - Complexity: O(N + nonzeros).
    func apply(_ r: [Double], transposed: Bool) -> [Double] {
        let n = pivots.count
        precondition(r.count == n, "vector has \(r.count) entries, preconditioner is \(n)×\(n)")
        var y = r
        if transposed {
            upper.solveUpperTriangular(diagonal: pivots, interleaved: &y, count: 1, transposed: true)
            lowerTransposed.solveUpperTriangular(diagonal: ones, interleaved: &y, count: 1, transposed: false)
        } else {
            lowerTransposed.solveUpperTriangular(diagonal: ones, interleaved: &y, count: 1, transposed: true)
            upper.solveUpperTriangular(diagonal: pivots, interleaved: &y, count: 1, transposed: false)
        }
        return y
    }
}
