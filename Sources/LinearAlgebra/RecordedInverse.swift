import COpenBLAS

/// An approximate inverse of a matrix `M` built from products with it already paid for: pairs
/// `(s_i, y_i)` with `y_i ≈ M s_i`, e.g. a Krylov solver's earlier operator calls. It is exact
/// on the span of the `y_i` and leaves the rest to a cheaper approximation `D⁻¹` (a diagonal):
/// ```
/// G = YᵀY,  Πᵀ G Π = Rᵀ R       pivoted Cholesky (LAPACK dpstrf), stopped at the rank k where
///                               R_kk ≤ rankTolerance · R_11
/// c = R_k⁻¹ R_k⁻ᵀ Π_kᵀ Yᵀ r     the least-squares coefficients of r on the kept images Y Π_k
/// P⁻¹ r = S Π_k c + D⁻¹ (r − Y Π_k c)
/// ```
/// `Y Π_k c` is the orthogonal projection of r on the kept images, so with `M S = Y` exactly,
/// `M P⁻¹ r = r` for every r in their span: a right-preconditioned Krylov solve sees the
/// identity there and works only on the complement — the deflation (augmentation)
/// preconditioner of Erhel, Burrage & Pohl 1996 and Baglama et al. 1998, with recorded images
/// in place of eigenvectors: the subspace recycling of GCRO-DR (Parks et al. 2006) without
/// recomputing `M S` for a changed matrix. Where M has moved since the pairs were recorded, P⁻¹
/// is only a less exact preconditioner; the Krylov solve on the true M stays exact.
///
/// The Gram matrix (one BLAS-3 product, `rows · pairs²` flops) costs a fifth of a Householder
/// QR of Y and squares Y's condition number; the pivoting ranks the images by how much each
/// adds to the others' span, and the truncation drops those the pairs determine only to
/// `rankTolerance` relative accuracy (nearly dependent images, as successive Krylov spaces of
/// similar systems give), whose `R_kk⁻¹` would amplify rounding (ε κ(G) ≤ 1e-16 / rankTolerance²)
/// and the change of M.
public struct RecordedInverse: Sendable {
    /// Images kept (the numerical rank of Y).
    public let rank: Int
    let rows: Int
    /// S Π_k and Y Π_k, `rows × rank` each, column-major; R_k, `rank × rank` upper triangular.
    var s: [Double]
    var y: [Double]
    var r: [Double]
    /// With a diagonal folded in (`folding(diagonal:)`): `D` and `S Π_k − D⁻¹ Y Π_k`
    /// (`rows × rank`); empty otherwise.
    var diagonal: [Double] = []
    var z: [Double] = []

    /// - Parameters:
    ///   - directions: S, `rows × pairs`.
    ///   - images: Y, `rows × pairs`, `Y ≈ M S`.
    ///   - rankTolerance: the relative size of R's diagonal below which the pivoted Cholesky stops.
    public init(directions: Matrix, images: Matrix, rankTolerance: Double) {
        precondition(directions.rows == images.rows && directions.columns == images.columns, "one image per direction")
        let m = images.rows, pairs = images.columns
        guard m > 0, pairs > 0, images.isFinite, directions.isFinite else {
            self.init(rows: m, s: [], y: [], r: [], rank: 0)
            return
        }
        var g = [Double](repeating: 0, count: pairs * pairs)
        images.storage.withUnsafeBufferPointer { yp in
            g.withUnsafeMutableBufferPointer { gp in
                cblas_dsyrk(
                    CblasColMajor, CblasUpper, CblasTrans, Int32(pairs), Int32(m), 1.0, yp.baseAddress, Int32(m), 0.0,
                    gp.baseAddress, Int32(pairs))
            }
        }
        guard let (pivots, r) = Self.factor(gram: g, pairs: pairs, rankTolerance: rankTolerance) else {
            self.init(rows: m, s: [], y: [], r: [], rank: 0)
            return
        }
        let k = pivots.count
        // The kept columns in pivot order, copied whole.
        func pivoted(_ a: Matrix) -> [Double] {
            [Double](unsafeUninitializedCapacity: m * k) { out, initialized in
                a.storage.withUnsafeBufferPointer { source in
                    for j in 0..<k {
                        let from = pivots[j] * m
                        for i in 0..<m { out[j &* m &+ i] = source[from &+ i] }
                    }
                }
                initialized = m * k
            }
        }
        self.init(rows: m, s: pivoted(directions), y: pivoted(images), r: r, rank: k)
    }

    /// The parts as they are (`S Π_k`, `Y Π_k`, `rows × rank` each, and `R_k`).
    init(rows: Int, s: [Double], y: [Double], r: [Double], rank: Int) {
        self.rows = rows
        self.s = s
        self.y = y
        self.r = r
        self.rank = rank
    }

    /// The pivoted Cholesky factorization `Πᵀ G Π = RᵀR` of a Gram matrix (`pairs × pairs`,
    /// upper triangle), stopped at the rank k where `R_kk ≤ rankTolerance · R_11`: the kept
    /// columns' indices in pivot order (0-based) and `R_k` (`k × k`, column-major); nil where
    /// G is zero or not finite. For G formed here and for the one `MaintainedGram` keeps.
    static func factor(gram: [Double], pairs: Int, rankTolerance: Double) -> (pivots: [Int], r: [Double])? {
        guard pairs > 0, gram.allSatisfy(\.isFinite) else { return nil }
        var g = gram
        var largest = 0.0
        for j in 0..<pairs { largest = Swift.max(largest, g[j + j * pairs]) }
        guard largest > 0 else { return nil }
        var pivots = [Int32](repeating: 0, count: pairs)
        var found: Int32 = 0
        let info = g.withUnsafeMutableBufferPointer { gp in
            LAPACKE_dpstrf(
                LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), Int32(pairs), gp.baseAddress, Int32(pairs), &pivots, &found,
                rankTolerance * rankTolerance * largest)
        }
        precondition(info >= 0, "dpstrf rejected argument \(-info)")
        let k = Int(found)
        var rk = [Double](repeating: 0, count: k * k)
        for j in 0..<k { for i in 0...j { rk[i + j * k] = g[i + j * pairs] } }
        return ((0..<k).map { Int(pivots[$0]) - 1 }, rk)
    }

    /// `S Π_k c` (the exact part) and `r − Y Π_k c` (the remainder, for the caller's `D⁻¹`).
    public func split(_ v: [Double]) -> (recorded: [Double], remainder: [Double]) {
        precondition(v.count == rows, "one entry per row")
        guard rank > 0 else { return ([Double](repeating: 0, count: rows), v) }
        let c = coefficients(v)
        var recorded = [Double](repeating: 0, count: rows)
        var remainder = v
        accumulate(y, c, scale: -1, into: &remainder, keeping: 1)
        accumulate(s, c, scale: 1, into: &recorded, keeping: 0)
        return (recorded, remainder)
    }

    /// `c = R_k⁻¹ R_k⁻ᵀ Π_kᵀ Yᵀ v`: the normal equations of `min ‖Y Π_k c − v‖₂`.
    func coefficients(_ v: [Double]) -> [Double] {
        var c = [Double](repeating: 0, count: rank)
        let m = Int32(rows), k = Int32(rank)
        y.withUnsafeBufferPointer { yp in
            v.withUnsafeBufferPointer { vp in
                c.withUnsafeMutableBufferPointer { cp in
                    cblas_dgemv(
                        CblasColMajor, CblasTrans, m, k, 1.0, yp.baseAddress, m, vp.baseAddress, 1, 0.0, cp.baseAddress, 1)
                    r.withUnsafeBufferPointer { rp in
                        cblas_dtrsv(CblasColMajor, CblasUpper, CblasTrans, CblasNonUnit, k, rp.baseAddress, k, cp.baseAddress, 1)
                        cblas_dtrsv(
                            CblasColMajor, CblasUpper, CblasNoTrans, CblasNonUnit, k, rp.baseAddress, k, cp.baseAddress, 1)
                    }
                }
            }
        }
        return c
    }

    /// This inverse with the caller's diagonal `D` folded in, for `apply(_:)`:
    /// ```
    /// P⁻¹ v = S Π_k c + D⁻¹ (v − Y Π_k c) = D⁻¹ v + Z c,   Z = S Π_k − D⁻¹ Y Π_k
    /// ```
    /// formed once (`rows · rank` flops), so that each application streams one `rows × rank`
    /// matrix for `Z c` where `split(_:)` and the caller's `D⁻¹` stream two (`Y c`, `S c`).
    public func folding(diagonal: [Double]) -> RecordedInverse {
        precondition(diagonal.count == rows, "one diagonal entry per row")
        var folded = self
        folded.diagonal = diagonal
        var zk = s
        zk.withUnsafeMutableBufferPointer { zk in
            y.withUnsafeBufferPointer { y in
                diagonal.withUnsafeBufferPointer { d in
                    for j in 0..<rank {
                        let column = j &* rows
                        for i in 0..<rows { zk[column &+ i] -= y[column &+ i] / d[i] }
                    }
                }
            }
        }
        folded.z = zk
        return folded
    }

    /// `P⁻¹ v = D⁻¹ v + Z c` with the diagonal of `folding(diagonal:)` (the equation there;
    /// c the least-squares coefficients of v on the kept images, as in `split(_:)`).
    public func apply(_ v: [Double]) -> [Double] {
        precondition(v.count == rows, "one entry per row")
        precondition(diagonal.count == rows, "apply(_:) needs a diagonal folded in (folding(diagonal:))")
        var out = (0..<rows).map { v[$0] / diagonal[$0] }
        guard rank > 0 else { return out }
        accumulate(z, coefficients(v), scale: 1, into: &out, keeping: 1)
        return out
    }

    /// `out ← α A c + β out` for a `rows × rank` column-major A (`S`, `Y` or `Z`), by dgemv.
    private func accumulate(
        _ a: [Double], _ c: [Double], scale alpha: Double, into out: inout [Double], keeping beta: Double
    ) {
        let m = Int32(rows), k = Int32(rank)
        a.withUnsafeBufferPointer { ap in
            c.withUnsafeBufferPointer { cp in
                out.withUnsafeMutableBufferPointer { op in
                    cblas_dgemv(
                        CblasColMajor, CblasNoTrans, m, k, alpha, ap.baseAddress, m, cp.baseAddress, 1, beta, op.baseAddress, 1)
                }
            }
        }
    }
}
