import COpenBLAS

/// Errors from the dense linear-algebra layer. Programmer mistakes (shape mismatches) are
/// preconditions; these are the numerical outcomes a caller must handle.
public enum LinearAlgebraError: Error, Sendable, Equatable {
    /// LAPACK dgetrf found `U[pivot, pivot] = 0` exactly (`info > 0`): the matrix is singular.
    /// `pivot` is zero-based.
    case singular(pivot: Int)
    /// The matrix holds NaN or ±Inf, so no factorization is attempted.
    case nonFiniteInput
    /// The matrix is too large for LAPACK's 32-bit integer interface.
    case tooLarge(dimension: Int)
}

/// An LU factorization `P M = L U` with partial pivoting (LAPACK dgetrf), kept so that one
/// factorization serves every later solve.
///
/// The same factors solve both `M y = c` and `Mᵀ y = c` (dgetrs with trans 'N' or 'T'),
/// for one or many right-hand sides at once. No inverse is ever formed: solving costs
/// O(n²) per right-hand side after the O(n³) factorization.
///
/// ```
/// let lu = try LUFactorization(factoring: m)   // O(n³), once
/// let x  = lu.solve([1, 2])                    // M x = c
/// let y  = lu.solve([1, 2], transposed: true)  // Mᵀ y = c
/// ```
public struct LUFactorization: Sendable {
    /// Order of the factored matrix.
    public let dimension: Int
    /// Packed L (unit lower, below the diagonal) and U (upper, on and above it).
    private let factors: [Double]
    /// LAPACK's one-based row interchanges.
    private let pivots: [Int32]
    /// 1-norm of the original matrix, kept for the condition estimate.
    public let oneNorm: Double

    /// Factors the square matrix `matrix`.
    ///
    /// - Throws: `LinearAlgebraError.singular(pivot:)` when a pivot is exactly zero
    ///   (LAPACK `info > 0`), `.nonFiniteInput` for NaN/Inf entries, `.tooLarge` beyond 32-bit indexing.
    /// - Complexity: O(n³) floating-point operations, O(n²) memory.
    ///
    /// The matrix is consumed: a caller passing a freshly assembled matrix hands over its
    /// buffer, which is factored in place (no N×N copy). The `_work` LAPACKE entry points are
    /// used throughout: their plain counterparts rescan the whole array for NaN on every call,
    /// which this initialiser has already excluded.
    public init(factoring matrix: consuming Matrix) throws(LinearAlgebraError) {
        precondition(matrix.rows == matrix.columns, "LU needs a square matrix, got \(matrix.rows)×\(matrix.columns)")
        let n = matrix.rows
        guard n < Int(Int32.max) / max(n, 1) else { throw .tooLarge(dimension: n) }
        guard matrix.isFinite else { throw .nonFiniteInput }
        self.dimension = n
        self.oneNorm = matrix.oneNorm
        var a = (consume matrix).storage
        var ipiv = [Int32](repeating: 0, count: n)
        guard n > 0 else {
            self.factors = a
            self.pivots = ipiv
            return
        }
        let info = a.withUnsafeMutableBufferPointer { ap in
            ipiv.withUnsafeMutableBufferPointer { pp in
                LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, Int32(n), Int32(n), ap.baseAddress, Int32(n), pp.baseAddress)
            }
        }
        // info < 0 means an illegal argument, which would be a bug in this wrapper.
        precondition(info >= 0, "dgetrf rejected argument \(-info)")
        if info > 0 { throw .singular(pivot: Int(info) - 1) }
        self.factors = a
        self.pivots = ipiv
    }

    /// Solves `M y = c` (or `Mᵀ y = c` when `transposed`) for one right-hand side.
    ///
    /// - Complexity: O(n²).
    public func solve(_ c: [Double], transposed: Bool = false) -> [Double] {
        precondition(c.count == dimension, "Right-hand side has \(c.count) entries, matrix is \(dimension)×\(dimension)")
        var y = c
        solveInPlace(&y, count: 1, transposed: transposed)
        return y
    }

    /// Solves `M Y = C` (or `Mᵀ Y = C`) for all columns of `C` in one dgetrs call.
    ///
    /// - Complexity: O(n² · k) for k right-hand sides.
    public func solve(_ c: Matrix, transposed: Bool = false) -> Matrix {
        precondition(c.rows == dimension, "Right-hand sides have \(c.rows) rows, matrix is \(dimension)×\(dimension)")
        var y = c
        solveInPlace(&y.storage, count: c.columns, transposed: transposed)
        return y
    }

    private func solveInPlace(_ b: inout [Double], count: Int, transposed: Bool) {
        guard dimension > 0 && count > 0 else { return }
        let trans = CChar(UInt8(ascii: transposed ? "T" : "N"))
        let info = factors.withUnsafeBufferPointer { ap in
            pivots.withUnsafeBufferPointer { pp in
                b.withUnsafeMutableBufferPointer { bp in
                    LAPACKE_dgetrs_work(
                        LAPACK_COL_MAJOR, trans, Int32(dimension), Int32(count),
                        ap.baseAddress, Int32(dimension), pp.baseAddress,
                        bp.baseAddress, Int32(dimension))
                }
            }
        }
        precondition(info == 0, "dgetrs rejected argument \(-info)")
    }

    /// Reciprocal condition number estimate in the 1-norm, `1 / (‖M‖₁ ‖M⁻¹‖₁)` (LAPACK dgecon).
    ///
    /// Near 1 for a well-conditioned matrix, near machine epsilon (≈ 2.2e-16) when the matrix
    /// is numerically singular. Costs O(n²) (a few solves with the factors); no inverse is formed.
    public func reciprocalCondition() -> Double {
        guard dimension > 0 else { return 1 }
        var rcond = 0.0
        var work = [Double](repeating: 0, count: 4 * dimension)
        var iwork = [Int32](repeating: 0, count: dimension)
        let info = factors.withUnsafeBufferPointer { ap in
            work.withUnsafeMutableBufferPointer { wp in
                iwork.withUnsafeMutableBufferPointer { ip in
                    LAPACKE_dgecon_work(
                        LAPACK_COL_MAJOR, CChar(UInt8(ascii: "1")), Int32(dimension),
                        ap.baseAddress, Int32(dimension), oneNorm, &rcond, wp.baseAddress, ip.baseAddress)
                }
            }
        }
        // dgecon returns info < 0 only for bad arguments; NaN in factors is excluded by init.
        return info == 0 ? rcond : 0
    }
}
