import LinearAlgebra

/// Which linear solver handles `I − A` and `I − Ã`.
public enum LinearSolverChoice: String, Sendable, CaseIterable {
    /// Pick by structure and size (see `LeontiefFactorizer`).
    case automatic
    /// Dense LU (dgetrf) once per matrix, reused for the transposed solve and every right-hand side.
    case dense
}

/// A factorization of `M = I − A` (or `I − Ã`) that solves with `M` and `Mᵀ`.
///
/// The year solver depends only on this protocol, so the dense LU and structure-aware solvers
/// (block substitution for stage-ordered networks, Krylov methods for large cyclic ones) are
/// interchangeable and must agree to solver precision.
public protocol LeontiefFactorization: Sendable {
    /// Order N of the system.
    var dimension: Int { get }
    /// Solves `M y = c` (or `Mᵀ y = c`) for each column in `columns`.
    func solve(_ columns: [[Double]], transposed: Bool) -> [[Double]]
    /// Reciprocal 1-norm condition estimate, in (0, 1].
    var reciprocalCondition: Double { get }
    /// Name of the method, reported in the manifest (e.g. "dense LU (dgetrf/dgetrs)").
    var method: String { get }
}

extension LeontiefFactorization {
    /// Solves `M y = c` (or `Mᵀ y = c`) for one right-hand side.
    public func solve(_ c: [Double], transposed: Bool = false) -> [Double] {
        solve([c], transposed: transposed)[0]
    }
}

/// Dense LU of `M` on LAPACK: one dgetrf, then dgetrs with 'N' or 'T' for all right-hand sides.
public struct DenseLeontiefFactorization: LeontiefFactorization {
    public let lu: LUFactorization
    public let reciprocalCondition: Double
    public var dimension: Int { lu.dimension }
    public var method: String { "dense LU (dgetrf/dgetrs)" }

    /// - Throws: `SolveError.singular` naming the node at a zero pivot.
    init(_ system: LeontiefSystem, withTariffs: Bool) throws(SolveError) {
        let c = system.calibration
        do {
            lu = try LUFactorization(factoring: system.leontiefMatrix(withTariffs: withTariffs))
        } catch {
            switch error {
            case .singular(let pivot):
                throw .singular(node: pivot < c.activeNodes.count ? c.activeNodes[pivot] : nil, reciprocalCondition: 0)
            case .nonFiniteInput:
                throw .invalidInput("a coefficient of the Leontief matrix is not finite")
            case .tooLarge(let d):
                throw .invalidInput("\(d) active nodes exceed the dense solver's 32-bit LAPACK indexing")
            }
        }
        reciprocalCondition = lu.reciprocalCondition()
    }

    public func solve(_ columns: [[Double]], transposed: Bool) -> [[Double]] {
        guard !columns.isEmpty else { return [] }
        let y = lu.solve(Matrix(columns: columns), transposed: transposed)
        return (0..<columns.count).map { y.column($0) }
    }
}

/// Chooses and builds the factorization for a system.
public struct LeontiefFactorizer: Sendable {
    public var choice: LinearSolverChoice
    public init(choice: LinearSolverChoice = .automatic) { self.choice = choice }

    /// Factors `I − A` (or `I − Ã` when `withTariffs`).
    public func factor(_ system: LeontiefSystem, withTariffs: Bool) throws(SolveError) -> any LeontiefFactorization {
        switch choice {
        case .automatic, .dense:
            return try DenseLeontiefFactorization(system, withTariffs: withTariffs)
        }
    }
}
