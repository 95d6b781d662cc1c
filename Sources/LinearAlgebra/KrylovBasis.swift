import COpenBLAS

/// The orthonormal basis `V = [v₁ … v_k]` of a Krylov space, `rows × k`, column-major in one
/// buffer, with the orthogonalizations of GMRES's Arnoldi step (`RestartedGMRES`).
///
/// Classical Gram–Schmidt applied twice (CGS2) on BLAS level 2:
/// ```
/// h = Vᵀ w,  w ← w − V h;   h' = Vᵀ w,  w ← w − V h';   h ← h + h'
/// ```
/// is as stable as modified Gram–Schmidt: the second pass makes `‖Vᵀ w‖` of order ε, the
/// "twice is enough" of Giraud, Langou & Rozložník (2005, *Comput. Math. Appl.* 50, 1069–1075;
/// Kahan–Parlett), and GMRES with it is backward stable. Its four dgemv's stream V in blocks
/// where modified Gram–Schmidt makes k dependent dot products and axpys (a sequential
/// reduction per vector); for k of a few hundred vectors of about a thousand rows that is the
/// difference between a few and tens of microseconds per hundred vectors.
public struct KrylovBasis: Sendable {
    public let rows: Int
    public private(set) var count = 0
    /// Column j at `storage[j·rows ..< (j + 1)·rows]`.
    private var storage: [Double] = []

    /// An empty basis for vectors of `rows` entries, with room for `capacity` of them.
    public init(rows: Int, capacity: Int) {
        self.rows = rows
        storage.reserveCapacity(rows * Swift.max(capacity, 0))
    }

    /// Appends `w / scale` as the next basis vector.
    public mutating func append(_ w: [Double], dividedBy scale: Double) {
        precondition(w.count == rows, "a basis vector has \(rows) entries, not \(w.count)")
        for x in w { storage.append(x / scale) }
        count += 1
    }

    /// Basis vector j.
    public func vector(_ j: Int) -> ArraySlice<Double> { storage[(j * rows)..<((j + 1) * rows)] }

    /// Modified Gram–Schmidt: `h_i = w · v_i` (a sequential sum), `w ← w − h_i v_i` (daxpy),
    /// for i = 0, 1, …, count − 1 in turn. Returns h.
    public func modifiedGramSchmidt(_ w: inout [Double]) -> [Double] {
        precondition(w.count == rows, "w has \(w.count) entries, the basis \(rows)")
        var h = [Double](repeating: 0, count: count)
        let n = rows
        storage.withUnsafeBufferPointer { v in
            w.withUnsafeMutableBufferPointer { wp in
                guard let base = v.baseAddress else { return }
                for i in 0..<count {
                    let column = base + i * n
                    var s = 0.0
                    for t in 0..<n { s += wp[t] * column[t] }
                    h[i] = s
                    if n > 0 { cblas_daxpy(Int32(n), -s, column, 1, wp.baseAddress, 1) }
                }
            }
        }
        return h
    }

    /// Classical Gram–Schmidt twice (the type's doc). Returns h.
    public func classicalGramSchmidtTwice(_ w: inout [Double]) -> [Double] {
        precondition(w.count == rows, "w has \(w.count) entries, the basis \(rows)")
        var h = [Double](repeating: 0, count: count), again = h
        guard count > 0, rows > 0 else { return h }
        let m = Int32(rows), k = Int32(count)
        // c = Vᵀ w, w ← w − V c.
        func project(_ c: inout [Double]) {
            storage.withUnsafeBufferPointer { v in
                w.withUnsafeMutableBufferPointer { wp in
                    c.withUnsafeMutableBufferPointer { cp in
                        cblas_dgemv(
                            CblasColMajor, CblasTrans, m, k, 1.0, v.baseAddress, m, wp.baseAddress, 1, 0.0, cp.baseAddress, 1)
                        cblas_dgemv(
                            CblasColMajor, CblasNoTrans, m, k, -1.0, v.baseAddress, m, cp.baseAddress, 1, 1.0, wp.baseAddress, 1)
                    }
                }
            }
        }
        project(&h)
        project(&again)
        for i in 0..<count { h[i] += again[i] }
        return h
    }

    /// `V η` for the first `eta.count` basis vectors, as a sum of daxpys in basis order.
    public func combination(_ eta: [Double]) -> [Double] {
        precondition(eta.count <= count, "\(eta.count) coefficients for \(count) vectors")
        var u = [Double](repeating: 0, count: rows)
        guard rows > 0 else { return u }
        storage.withUnsafeBufferPointer { v in
            u.withUnsafeMutableBufferPointer { up in
                guard let base = v.baseAddress else { return }
                for (j, e) in eta.enumerated() { cblas_daxpy(Int32(rows), e, base + j * rows, 1, up.baseAddress, 1) }
            }
        }
        return u
    }
}
