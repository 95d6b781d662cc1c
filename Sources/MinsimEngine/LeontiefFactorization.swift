import LinearAlgebra

/// Which linear solver handles `I − A` and `I − Ã`.
public enum LinearSolverChoice: String, Sendable, CaseIterable {
    /// Pick by structure and size (see `LeontiefFactorizer`).
    case automatic
    /// Dense LU (dgetrf) once per matrix, reused for the transposed solve and every right-hand side.
    case dense
    /// Block triangular substitution for networks without loops (`TriangularLeontiefFactorization`);
    /// a cyclic network is rejected with `SolveError.invalidInput`.
    case triangular
    /// Restarted GMRES with an ILU(0) preconditioner over sparse storage
    /// (`KrylovLeontiefFactorization`), for any network.
    case krylov
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
    /// `‖M‖₁`, for condition numbers computed by the caller.
    public var oneNorm: Double { lu.oneNorm }

    /// - Parameter estimateCondition: run dgecon (a few O(N²) solves). A caller that solves
    ///   `Mᵀ z = 1` anyway can skip it: for a productive network `M⁻¹ ≥ 0`, so
    ///   `‖M⁻¹‖₁ = max_j Σ_i (M⁻¹)_ij = ‖M⁻ᵀ 1‖∞` exactly, and `rcond = 1 / (‖M‖₁ ‖z‖∞)`.
    ///   Until then `reciprocalCondition` is 0.
    init(_ system: LeontiefSystem, withTariffs: Bool, estimateCondition: Bool = true) throws(SolveError) {
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
        reciprocalCondition = estimateCondition ? lu.reciprocalCondition() : 0
    }

    public func solve(_ columns: [[Double]], transposed: Bool) -> [[Double]] {
        guard !columns.isEmpty else { return [] }
        let y = lu.solve(Matrix(columns: columns), transposed: transposed)
        return (0..<columns.count).map { y.column($0) }
    }
}

/// Chooses and builds the factorization for a system.
///
/// `.automatic` reads the structure off the coefficients (`SubstitutionOrder`):
/// - no loops (every input from an upstream level, e.g. a stage-ordered network):
///   triangular substitution, O(nonzeros) memory and time, exact;
/// - loops and N ≤ `denseNodeLimit` (4000 by default): dense LU, the most robust choice while it fits;
/// - loops and N > `denseNodeLimit`: GMRES + ILU(0) over sparse storage.
public struct LeontiefFactorizer: Sendable {
    /// Largest cyclic system the automatic choice factors densely. An N × N matrix of doubles
    /// takes 8N² bytes: 128 MB at N = 4000, and dgetrf's (2/3)N³ ≈ 4·10¹⁰ flops take about a
    /// second per factorization; beyond that memory grows past what a laptop run should take
    /// and every fixed-point iteration refactors.
    public static let defaultDenseNodeLimit = 4000

    public var choice: LinearSolverChoice
    /// Largest cyclic system `.automatic` factors densely (default `defaultDenseNodeLimit`).
    public var denseNodeLimit: Int

    public init(choice: LinearSolverChoice = .automatic, denseNodeLimit: Int = Self.defaultDenseNodeLimit) {
        self.choice = choice
        self.denseNodeLimit = denseNodeLimit
    }

    /// Factors `I − A` (or `I − Ã` when `withTariffs`).
    ///
    /// - Throws: `SolveError.singular` or `.invalidInput` from the chosen method;
    ///   `.invalidInput` when `.triangular` is forced on a network with a loop (naming it);
    ///   `.notConverged` when GMRES fails on its condition-estimate solves.
    public func factor(_ system: LeontiefSystem, withTariffs: Bool,
                       estimateCondition: Bool = true) throws(SolveError) -> any LeontiefFactorization {
        switch choice {
        case .dense:
            return try DenseLeontiefFactorization(system, withTariffs: withTariffs, estimateCondition: estimateCondition)
        case .krylov:
            return try KrylovLeontiefFactorization(coefficients: system.coefficientMatrix(withTariffs: withTariffs))
        case .triangular:
            let a = system.coefficientMatrix(withTariffs: withTariffs)
            switch SubstitutionOrder.analyse(a) {
            case .acyclic(let levels):
                return try TriangularLeontiefFactorization(coefficients: a, levels: levels, nodes: system.calibration.activeNodes)
            case .cyclic(let loop):
                let net = system.calibration.network
                let names = loop.prefix(8).map { net.name(of: system.calibration.activeNodes[$0]) }
                let path = (names + [names.first ?? ""]).joined(separator: " → ")
                throw .invalidInput("the triangular solver needs a network without loops, but \(path)\(loop.count > 8 ? " (\(loop.count) nodes)" : "") form a supply loop (an input from the same or a later stage); choose the automatic, dense or krylov linear solver")
            }
        case .automatic:
            let a = system.coefficientMatrix(withTariffs: withTariffs)
            switch SubstitutionOrder.analyse(a) {
            case .acyclic(let levels):
                return try TriangularLeontiefFactorization(coefficients: a, levels: levels, nodes: system.calibration.activeNodes)
            case .cyclic:
                if system.dimension <= denseNodeLimit {
                    return try DenseLeontiefFactorization(system, withTariffs: withTariffs, estimateCondition: estimateCondition)
                }
                return try KrylovLeontiefFactorization(coefficients: a)
            }
        }
    }
}
