import Foundation
import LinearAlgebra

/// Which linear solver handles `I − A` and `I − Ã`.
public enum LinearSolverChoice: String, Sendable, CaseIterable {
    /// Pick by structure (see `LeontiefFactorizer`): triangular substitution without loops;
    /// with loops sparse LU, or dense LU where the loops are dense enough that it is faster.
    case automatic
    /// Dense LU (dgetrf) once per matrix, reused for the transposed solve and every right-hand side.
    case dense
    /// Block triangular substitution for networks without loops (`TriangularLeontiefFactorization`);
    /// a cyclic network is rejected with `SolveError.solverNotApplicable`.
    case triangular
    /// Restarted GMRES with an ILU(0) preconditioner over sparse storage
    /// (`KrylovLeontiefFactorization`), for any network.
    case krylov
    /// Sparse direct LU (SuiteSparse KLU: block triangular form, LU on the cyclic blocks only;
    /// `SparseLeontiefFactorization`), for any network.
    case sparse
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
    /// Solves `M Y = C` (or `Mᵀ Y = C`) in place for every column of `block` (N × k,
    /// column-major): many right-hand sides with one factorization, without per-column arrays.
    func solve(_ block: inout Matrix, transposed: Bool)
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

    /// Column by column through `solve(_:transposed:)`, for methods without a block solve.
    public func solve(_ block: inout Matrix, transposed: Bool) {
        guard block.columns > 0 else { return }
        block = Matrix(columns: solve((0..<block.columns).map { block.column($0) }, transposed: transposed))
    }
}

/// Dense LU of `M` on LAPACK: one dgetrf, then dgetrs with 'N' or 'T' for all right-hand sides.
public struct DenseLeontiefFactorization: LeontiefFactorization {
    /// The most active nodes it factors (`--solver dense` on a larger network is refused with
    /// a message that names the other solvers). Why: each factorization holds an N × N matrix
    /// of 8N² bytes and a year makes several (the price fixed point keeps its factors while it
    /// factors again), so at the 32-bit indexing limit of LAPACK (46,340) one matrix alone is
    /// 17 GB; at 20,000 it is 3.2 GB and dgetrf's (2/3)N³ = 5.3e12 flops take about 2.5 min at
    /// the 36 GFLOP/s measured at 2,000 nodes (docs/performance.md, "Solver choice"). The limit
    /// is the assumption that a forced dense run should fit a workstation; `.automatic` never
    /// factors densely above `LeontiefFactorizer.defaultDenseNodeLimit` (4,000).
    public static let nodeLimit = 20_000

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
        let n = c.activeNodes.count
        guard n <= Self.nodeLimit else {
            let gigabytes = String(format: "%.1f", 8 * Double(n) * Double(n) / 1e9)
            let flops = String(format: "%.1e", 2.0 / 3.0 * pow(Double(n), 3))
            throw .solverNotApplicable(
                "the dense solver would factor a \(n) × \(n) matrix (\(gigabytes) GB, ≈ \(flops) flops a factorization, several a year); it takes at most \(Self.nodeLimit) active nodes — choose the automatic, sparse or krylov linear solver"
            )
        }
        do {
            lu = try LUFactorization(factoring: system.leontiefMatrix(withTariffs: withTariffs))
        } catch {
            switch error {
            case .singular(let pivot):
                throw .singular(node: pivot < c.activeNodes.count ? c.activeNodes[pivot] : nil, reciprocalCondition: 0)
            case .nonFiniteInput:
                throw .nonFinite("a coefficient of the Leontief matrix is not finite")
            case .tooLarge(let d):
                throw .solverNotApplicable("\(d) active nodes exceed the dense solver's 32-bit LAPACK indexing")
            }
        }
        reciprocalCondition = estimateCondition ? lu.reciprocalCondition() : 0
    }

    public func solve(_ columns: [[Double]], transposed: Bool) -> [[Double]] {
        guard !columns.isEmpty else { return [] }
        let y = lu.solve(Matrix(columns: columns), transposed: transposed)
        return (0..<columns.count).map { y.column($0) }
    }

    /// One dgetrs for every column of `block`.
    public func solve(_ block: inout Matrix, transposed: Bool) {
        guard block.columns > 0 else { return }
        block = lu.solve(block, transposed: transposed)
    }
}

/// Chooses and builds the factorization for a system.
///
/// `.automatic` chooses by structure, read off the coefficients:
/// - no loops (`SubstitutionOrder`: every input from an upstream level, e.g. a stage-ordered
///   network): triangular substitution, O(nonzeros) memory and time, exact, no factorization;
/// - loops: the sparse LU's ordering is analysed (`SparseLU.Analysis`: block triangular form
///   and AMD, near O(nonzeros)), which estimates the flops of factoring the cyclic blocks
///   sparsely. Dense LU is chosen only where it is measured to win: when those flops exceed
///   `denseBreakEven(nodes:)` of dense LU's `(2/3) N³` (dgetrf runs that much faster per flop
///   than the sparse kernels) and N ≤ `denseNodeLimit`. Otherwise sparse LU: on every benchmark
///   network, whose loops are small (largest diagonal block 60–1,100 nodes of 1,000–100,000),
///   it beat dense LU by 8–600× and GMRES by 1.7–2.9× (1,000–10,000 nodes, Cooperlake kernels).
///
/// GMRES + ILU(0) is never chosen automatically: on every benchmark network the sparse LU
/// was faster (docs/performance.md, "Solver choice"); it stays available as `.krylov`.
///
/// `decision` says which method `.automatic` takes for a system and why, for the manifest.
public struct LeontiefFactorizer: Sendable {
    /// Largest cyclic system the automatic choice may factor densely. An N × N matrix of
    /// doubles takes 8N² bytes: 128 MB at N = 4000.
    public static let defaultDenseNodeLimit = 4000

    /// Dense LU is chosen when the sparse LU's estimated flops exceed this fraction of
    /// `(2/3) N³` — the ratio of the two methods' speeds per flop, measured by
    /// `RatioReport --sections choice` (docs/performance.md, "Solver choice"): on random
    /// strongly connected matrices of 0.2–40 % density, one thread, OpenBLAS on the CPU's own
    /// kernels (Cooperlake), the ratio at which the two take equal time,
    /// `flops ratio × dense time ÷ sparse time`, had medians 0.073 (N = 500), 0.057 (1,000) and
    /// 0.030 (2,000): KLU runs at ≈ 1.1–1.3 GFLOP/s of its estimate at every size, while dgetrf
    /// gets faster per flop as N grows (≈ 16 GFLOP/s at 500, 36 at 2,000). Between those sizes
    /// the break-even is interpolated linearly in `log N`; below 500 and above 2,000 it is held
    /// at the end values (above 2,000 dgetrf is near its peak, so 0.030 leans, if anything, to
    /// the sparse LU, which needs far less memory). The rule is a fixed function of the
    /// structure, so the choice — and the output — does not depend on the machine it runs on.
    /// (On OpenBLAS's generic Prescott kernels, which ran before minsim chose the CPU's own, the
    /// break-even was 0.17 at all three sizes.)
    public static func denseBreakEven(nodes: Int) -> Double {
        let points: [(nodes: Double, ratio: Double)] = [(500, 0.073), (1_000, 0.057), (2_000, 0.030)]
        let n = Double(nodes)
        guard let first = points.first, let last = points.last else { return 0 }
        if n <= first.nodes { return first.ratio }
        if n >= last.nodes { return last.ratio }
        for (lo, hi) in zip(points, points.dropFirst()) where n <= hi.nodes {
            if n == hi.nodes { return hi.ratio }
            let t = log(n / lo.nodes) / log(hi.nodes / lo.nodes)
            return exp(log(lo.ratio) + t * (log(hi.ratio) - log(lo.ratio)))
        }
        return last.ratio
    }

    public var choice: LinearSolverChoice
    /// Largest cyclic system `.automatic` factors densely (default `defaultDenseNodeLimit`).
    public var denseNodeLimit: Int

    public init(choice: LinearSolverChoice = .automatic, denseNodeLimit: Int = Self.defaultDenseNodeLimit) {
        self.choice = choice
        self.denseNodeLimit = denseNodeLimit
    }

    /// What `.automatic` found in the structure and what it chose.
    public enum Decision: Sendable, Equatable {
        /// No loops: triangular substitution over `levels` levels.
        case triangular(levels: Int)
        /// Loops; sparse LU whose estimated flops are `estimatedFlops`, against dense `denseFlops`
        /// and the measured `breakEven` fraction of them for this size.
        case sparse(blocks: Int, largestBlock: Int, estimatedFlops: Double, denseFlops: Double, breakEven: Double)
        /// Loops; dense LU, since the sparse LU's estimated flops come too close to it.
        case dense(blocks: Int, largestBlock: Int, estimatedFlops: Double, denseFlops: Double, breakEven: Double)

        /// One sentence for the manifest.
        public var reason: String {
            func e(_ x: Double) -> String { String(format: "%.2g", x) }
            switch self {
            case .triangular(let levels):
                return "automatic: no supply loops (\(levels) levels), so block triangular substitution"
            case .sparse(let blocks, let largest, let flops, let dense, let breakEven):
                return
                    "automatic: supply loops (\(blocks) diagonal blocks, largest \(largest) nodes); sparse LU needs ≈ \(e(flops)) flops against dense LU's \(e(dense)), below the measured break-even of \(e(breakEven)) of them at this size, so sparse LU"
            case .dense(let blocks, let largest, let flops, let dense, let breakEven):
                return
                    "automatic: supply loops (\(blocks) diagonal blocks, largest \(largest) nodes); sparse LU needs ≈ \(e(flops)) flops against dense LU's \(e(dense)), above the measured break-even of \(e(breakEven)) of them at this size, so dense LU"
            }
        }
    }

    /// Factors `I − A` (or `I − Ã` when `withTariffs`).
    ///
    /// - Throws: `SolveError.singular`, `.structurallySingular`, `.nonFinite` or
    ///   `.solverNotApplicable` from the chosen method; `.solverNotApplicable` when `.triangular`
    ///   is forced on a network with a loop
    ///   (naming it); `.notConverged` when GMRES fails on its condition-estimate solves.
    public func factor(
        _ system: LeontiefSystem, withTariffs: Bool,
        estimateCondition: Bool = true
    ) throws(SolveError) -> any LeontiefFactorization {
        try factorWithDecision(system, withTariffs: withTariffs, estimateCondition: estimateCondition).factorization
    }

    /// Factors `I − A` (or `I − Ã`) and says, for `.automatic`, what was chosen and why (nil
    /// for a forced choice).
    public func factorWithDecision(_ system: LeontiefSystem, withTariffs: Bool, estimateCondition: Bool = true)
        throws(SolveError) -> (factorization: any LeontiefFactorization, decision: Decision?)
    {
        let nodes = system.calibration.activeNodes
        switch choice {
        case .dense:
            return (try DenseLeontiefFactorization(system, withTariffs: withTariffs, estimateCondition: estimateCondition), nil)
        case .krylov:
            return (try KrylovLeontiefFactorization(coefficients: system.coefficientMatrix(withTariffs: withTariffs)), nil)
        case .sparse:
            let a = system.coefficientMatrix(withTariffs: withTariffs)
            return (try SparseLeontiefFactorization(coefficients: a, nodes: nodes, estimateCondition: estimateCondition), nil)
        case .triangular:
            let a = system.coefficientMatrix(withTariffs: withTariffs)
            switch SubstitutionOrder.analyse(a) {
            case .acyclic(let levels):
                return (
                    try TriangularLeontiefFactorization(
                        coefficients: a, levels: levels, nodes: nodes, estimateCondition: estimateCondition), nil
                )
            case .cyclic(let loop):
                let net = system.calibration.network
                let names = loop.prefix(8).map { net.name(of: nodes[$0]) }
                let path = (names + [names.first ?? ""]).joined(separator: " → ")
                throw .solverNotApplicable(
                    "the triangular solver needs a network without loops, but \(path)\(loop.count > 8 ? " (\(loop.count) nodes)" : "") form a supply loop (an input from the same or a later stage); choose the automatic, dense, sparse or krylov linear solver"
                )
            }
        case .automatic:
            // The generated columns go to the analysis and, with loops and when canonical (every
            // calibrated network), to the sparse LU as they are, as Mᵀ in CSR (M's columns);
            // anything else through A in CSR. The same matrices reach KLU either way.
            if let columns = system.coefficientColumns(withTariffs: withTariffs) {
                switch SubstitutionOrder.analyse(columns) {
                case .acyclic(let levels):
                    let f = try TriangularLeontiefFactorization(
                        coefficients: columns.matrix, levels: levels, nodes: nodes, estimateCondition: estimateCondition)
                    return (f, .triangular(levels: levels.levelCount))
                case .cyclic:
                    if let at = columns.transposedMatrix {
                        let mt = SparseMatrix.identity(minus: at)
                        let analysis = try Self.analysis(nodes: nodes) { () throws(SparseLUError) in
                            try SparseLU.Analysis(dimension: mt.rows, columnStart: mt.rowStart, rowIndices: mt.columnIndices)
                        }
                        return try withLoops(
                            system, withTariffs: withTariffs, estimateCondition: estimateCondition, analysis: analysis
                        ) { () throws(SolveError) in
                            try SparseLeontiefFactorization(
                                transposedMatrix: mt, nodes: nodes, analysis: analysis, estimateCondition: estimateCondition)
                        }
                    }
                }
            }
            let a = system.coefficientMatrix(withTariffs: withTariffs)
            switch SubstitutionOrder.analyse(a, findingLoop: false) {
            case .acyclic(let levels):
                let f = try TriangularLeontiefFactorization(
                    coefficients: a, levels: levels, nodes: nodes, estimateCondition: estimateCondition)
                return (f, .triangular(levels: levels.levelCount))
            case .cyclic:
                let m = SparseLeontiefFactorization.leontiefMatrix(a)
                let analysis = try Self.analysis(nodes: nodes) { () throws(SparseLUError) in try SparseLU.Analysis(m) }
                return try withLoops(system, withTariffs: withTariffs, estimateCondition: estimateCondition, analysis: analysis) {
                    () throws(SolveError) in
                    try SparseLeontiefFactorization(
                        matrix: m, nodes: nodes, analysis: analysis, estimateCondition: estimateCondition)
                }
            }
        }
    }

    /// The sparse LU's analysis of a pattern, its errors as `SolveError`s naming nodes.
    static func analysis(
        nodes: [Node], _ analyse: () throws(SparseLUError) -> SparseLU.Analysis
    ) throws(SolveError) -> SparseLU.Analysis {
        do {
            return try analyse()
        } catch {
            throw SparseLeontiefFactorization.solveError(error, nodes: nodes, dimension: nodes.count)
        }
    }

    /// With loops: dense LU where `decide` says it wins, otherwise the sparse LU `sparse` makes.
    func withLoops(
        _ system: LeontiefSystem, withTariffs: Bool, estimateCondition: Bool, analysis: SparseLU.Analysis,
        sparse: () throws(SolveError) -> SparseLeontiefFactorization
    ) throws(SolveError) -> (factorization: any LeontiefFactorization, decision: Decision?) {
        let decision = decide(analysis)
        if case .dense = decision {
            return (
                try DenseLeontiefFactorization(system, withTariffs: withTariffs, estimateCondition: estimateCondition), decision
            )
        }
        return (try sparse(), decision)
    }

    /// The automatic choice for a matrix with loops, from the sparse LU's analysis of its
    /// pattern: dense LU when N ≤ `denseNodeLimit` and the estimated sparse flops exceed
    /// `denseBreakEven(nodes: N) · (2/3) N³`, else sparse LU.
    public func decide(_ analysis: SparseLU.Analysis) -> Decision {
        let n = Double(analysis.dimension)
        let denseFlops = 2.0 / 3.0 * n * n * n
        let (blocks, largest, flops) = (analysis.blocks, analysis.largestBlock, analysis.estimatedFlops)
        let breakEven = Self.denseBreakEven(nodes: analysis.dimension)
        if analysis.dimension <= denseNodeLimit && flops > breakEven * denseFlops {
            return .dense(
                blocks: blocks, largestBlock: largest, estimatedFlops: flops, denseFlops: denseFlops, breakEven: breakEven)
        }
        return .sparse(
            blocks: blocks, largestBlock: largest, estimatedFlops: flops, denseFlops: denseFlops, breakEven: breakEven)
    }

    /// Factors an arbitrary square sparse matrix `m` with the sparse LU (for systems that are
    /// not `I − A`, such as the Jacobian `I − G` of a Newton step, whose entries may have any
    /// sign). The result solves `m y = c` and `mᵀ y = c` for blocks of right-hand sides and
    /// refactors cheaply with new values on the same pattern.
    ///
    /// - Parameter nodes: names of the rows/columns for errors (nil: errors name no node).
    /// - Throws: `.structurallySingular`, `.singular`, `.nonFinite`, `.solverNotApplicable`.
    public static func factor(
        matrix m: SparseMatrix, nodes: [Node]? = nil,
        estimateCondition: Bool = true
    ) throws(SolveError) -> SparseLeontiefFactorization {
        try SparseLeontiefFactorization(matrix: m, nodes: nodes, estimateCondition: estimateCondition)
    }
}
