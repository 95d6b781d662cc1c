import Foundation
import LinearAlgebra

/// Preconditioned GMRES for cyclic networks too large for a dense LU.
///
/// Keeps `M = I − A` (or `I − Ã`) in sparse form and an ILU(0) of it as the preconditioner
/// `P = L U ≈ M`; each solve runs restarted GMRES (`RestartedGMRES`):
/// ```
/// M y = c:    GMRES on  M P⁻¹ u = c,     y = P⁻¹ u,    P⁻¹ = U⁻¹ L⁻¹
/// Mᵀ y = c:   GMRES on  Mᵀ P⁻ᵀ u = c,    y = P⁻ᵀ u,    P⁻ᵀ = L⁻ᵀ U⁻ᵀ
/// ```
/// to a relative residual `‖c − M y‖₂ / ‖c‖₂ ≤ 1e-13`; the year solver's iterative refinement
/// against the exact sparse A polishes quantities further. Storage: O(nonzeros) for M and
/// its ILU(0), plus `restart + 1` vectors of length N while solving.
///
/// The reciprocal condition `1 / (‖M‖₁ ‖M⁻¹‖₁)`: `‖M⁻¹‖₁ = ‖M⁻ᵀ1‖∞` from one GMRES solve when
/// that solve certifies M as a nonsingular M-matrix (every productive network), else the
/// Hager–Higham estimator with GMRES solves, the estimator dgecon runs on LU factors
/// (`InverseNormEstimator`). These solves also check that GMRES converges on this matrix:
/// the iterations and residual they needed are reported in `method` and `estimateSolves`.
///
/// `solve` cannot throw (the protocol's contract), so a later solve that fails to reach the
/// tolerance returns its best iterate; its residual then shows in the year's reported price
/// or quantity residual. Failure during construction throws `SolveError.notConverged`.
public struct KrylovLeontiefFactorization: LeontiefFactorization {
    /// Name used in `method`.
    public static let methodName = "GMRES"

    /// How the solves made while estimating the condition number went.
    public struct Convergence: Sendable, Equatable {
        /// Number of GMRES solves.
        public var solves: Int = 0
        /// Largest number of iterations one solve needed.
        public var maxIterations: Int = 0
        /// Largest final relative residual `‖c − M y‖₂ / ‖c‖₂`.
        public var worstRelativeResidual: Double = 0
    }

    public let dimension: Int
    public let reciprocalCondition: Double
    public let estimateSolves: Convergence
    /// `M = I − A` in CSR form, system order.
    private let matrix: SparseMatrix
    /// nil when ILU(0) broke down; GMRES then runs unpreconditioned.
    private let preconditioner: IncompleteLUPreconditioner?
    private let breakdownRow: Int?
    private let gmres: RestartedGMRES

    public var method: String {
        let p = preconditioner != nil ? "ILU(0)" : "no preconditioner (ILU(0) pivot \(breakdownRow ?? -1) broke down)"
        let r = String(format: "%.1e", estimateSolves.worstRelativeResidual)
        return
            "\(Self.methodName)(\(gmres.restart)) + \(p), ≤ \(estimateSolves.maxIterations) it per solve, rel. residual ≤ \(r) (\(estimateSolves.solves) condition-estimate solve\(estimateSolves.solves == 1 ? "" : "s"))"
    }

    /// Prepares GMRES on `M = I − a` for the coefficient matrix `a` (CSR, system order).
    ///
    /// - Throws: `.nonFinite` for a non-finite coefficient; `.notConverged` when GMRES
    ///   misses the tolerance on one of the condition-estimate solves.
    init(
        coefficients a: SparseMatrix, restart: Int = 30, tolerance: Double = 1e-13,
        maxIterations: Int = 1_000
    ) throws(SolveError) {
        precondition(a.rows == a.columns, "coefficient matrix must be square, got \(a.rows)×\(a.columns)")
        guard a.isFinite else { throw .nonFinite("a coefficient of the Leontief matrix is not finite") }
        let m = SparseMatrix.identity(minus: a)
        let gmres = RestartedGMRES(restart: restart, tolerance: tolerance, maxIterations: maxIterations)
        let preconditioner: IncompleteLUPreconditioner?
        let breakdownRow: Int?
        switch IncompleteLUPreconditioner.factor(m) {
        case .factored(let p): (preconditioner, breakdownRow) = (p, nil)
        case .breakdown(let row): (preconditioner, breakdownRow) = (nil, row)
        }
        var stats = Convergence()
        func solve(_ c: [Double], _ transposed: Bool) throws(SolveError) -> [Double] {
            let result = Self.run(gmres, matrix: m, preconditioner: preconditioner, c, transposed: transposed)
            stats.solves += 1
            stats.maxIterations = max(stats.maxIterations, result.iterations)
            stats.worstRelativeResidual = max(stats.worstRelativeResidual, result.relativeResidual)
            guard result.converged else {
                let p = preconditioner != nil ? "ILU(0)" : "no preconditioner"
                throw .notConverged(
                    method: "\(Self.methodName)(\(gmres.restart)) + \(p)\(transposed ? " (transposed)" : "")",
                    iterations: result.iterations, residual: result.relativeResidual)
            }
            return result.solution
        }
        // A ≥ 0 makes M = I − A a Z-matrix: one solve gives ‖M⁻¹‖₁ exactly when it certifies
        // an M-matrix; otherwise (non-productive or signed data) Hager–Higham.
        var inverseNorm: Double? = nil
        if a.values.allSatisfy({ $0 >= 0 }) {
            inverseNorm = try InverseNormEstimator.exactForMMatrix(dimension: a.rows) { c throws(SolveError) in try solve(c, true)
            }
        }
        let norm: Double
        if let exact = inverseNorm {
            norm = exact
        } else {
            norm = try InverseNormEstimator.estimate(dimension: a.rows) { (c, t) throws(SolveError) in try solve(c, t) }
        }
        self.dimension = a.rows
        self.matrix = m
        self.preconditioner = preconditioner
        self.breakdownRow = breakdownRow
        self.gmres = gmres
        self.estimateSolves = stats
        self.reciprocalCondition = InverseNormEstimator.reciprocalCondition(oneNorm: m.oneNorm, inverseOneNorm: norm)
    }

    /// Solves `M y = c` or `Mᵀ y = c` for each column by preconditioned GMRES.
    ///
    /// - Complexity: O(iterations · (nonzeros + restart · N)) per column.
    public func solve(_ columns: [[Double]], transposed: Bool) -> [[Double]] {
        columns.map { solveReporting($0, transposed: transposed).solution }
    }

    /// One solve with its iteration count and final relative residual.
    public func solveReporting(_ c: [Double], transposed: Bool) -> RestartedGMRES.Result {
        precondition(c.count == dimension, "right-hand side has \(c.count) entries, system has \(dimension) nodes")
        return Self.run(gmres, matrix: matrix, preconditioner: preconditioner, c, transposed: transposed)
    }

    private static func run(
        _ gmres: RestartedGMRES, matrix m: SparseMatrix, preconditioner: IncompleteLUPreconditioner?,
        _ c: [Double], transposed: Bool
    ) -> RestartedGMRES.Result {
        gmres.solve(
            c, operator: { m.multiply($0, transposed: transposed) },
            preconditioner: { v in preconditioner.map { $0.apply(v, transposed: transposed) } ?? v })
    }
}
