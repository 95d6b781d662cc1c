/// A year that has no usable solution: a numerical outcome of the solve. Each case names the
/// nodes or markets involved. Bad input is never a `SolveError`: it is an `InputIssue` (year
/// conditions, settings) or a `CalibrationIssue` (base year), found before solving.
public enum SolveError: Error, Sendable, Equatable {
    /// The network is not productive: the spectral radius of A (or of Ã with tariffs) is ≥ 1, so
    /// some nodes need more of their own output, directly or around a loop, than they make.
    /// `nodes` are those whose test solution `(I − A)⁻¹·1` falls below 1 (or is not finite),
    /// which for a productive network is impossible since `(I − A)⁻¹ = I + A + A² + … ≥ I`.
    case nonProductive(nodes: [Node], withTariffs: Bool)
    /// `I − A` is singular (an exact zero pivot) or numerically singular (rcond below the
    /// threshold). `node` is where elimination broke down, when known.
    case singular(node: Node?, reciprocalCondition: Double)
    /// `I − A` is singular whatever its coefficients: no assignment of nodes to distinct
    /// supply equations covers every node (structural rank `rank` < `dimension`, from the
    /// sparse LU's maximum transversal). `node` is where elimination met the structural zero,
    /// when known.
    case structurallySingular(node: Node?, rank: Int, dimension: Int)
    /// A market is used at the equilibrium but every route into it is closed this year (all its
    /// suppliers shut, banned or unable to produce): the year is infeasible.
    case noAvailableSupplier(product: ProductIndex, region: RegionIndex)
    /// A value formed during the solve is not finite (e.g. a Leontief coefficient or a demand
    /// after the price response overflowed); `what` says which.
    case nonFinite(String)
    /// The chosen linear solver cannot factor this system (a triangular solve of a network with
    /// loops, or factors beyond the solver's indexing or memory); `reason` says which and what
    /// to choose instead.
    case solverNotApplicable(String)
    /// An iterative linear solver (e.g. "GMRES(30) + ILU(0)") stopped after `iterations`
    /// iterations with relative residual `‖c − M y‖₂ / ‖c‖₂ = residual`, above its tolerance.
    case notConverged(method: String, iterations: Int, residual: Double)

    /// A sentence a user can act on, using the network's names.
    public func message(in network: Network) -> String {
        switch self {
        case .nonProductive(let nodes, let withTariffs):
            let names = nodes.prefix(12).map { network.name(of: $0) }.joined(separator: ", ")
            let more = nodes.count > 12 ? " and \(nodes.count - 12) more" : ""
            return
                "the network is not productive\(withTariffs ? " at tariff-inclusive costs" : ""): the recipes around \(names)\(more) need at least as much of their own outputs as they make (spectral radius of A ≥ 1); check recipe coefficients and units in those loops"
        case .singular(let node, let rcond):
            let at = node.map { " at node \(network.name(of: $0))" } ?? ""
            return
                "the system I − A is singular\(at) (reciprocal condition \(rcond)); check for a recipe that consumes exactly one unit of its own output or a zero-output loop"
        case .structurallySingular(let node, let rank, let dimension):
            let at = node.map { " at node \(network.name(of: $0))" } ?? ""
            return
                "the system I − A is structurally singular\(at): only \(rank) of its \(dimension) equations can be matched to distinct nodes, so no choice of coefficients makes it solvable; check for a node whose only input is its own output at a coefficient of exactly 1, or a loop whose recipes cancel"
        case .noAvailableSupplier(let q, let r):
            return
                "\(network.regions[r.rawValue].code) uses \(network.products[q.rawValue].name) but every supplier has zero capacity this year"
        case .nonFinite(let what):
            return "numerical breakdown: \(what)"
        case .solverNotApplicable(let reason):
            return reason
        case .notConverged(let method, let iterations, let residual):
            return
                "the iterative solver \(method) did not converge: relative residual \(residual) after \(iterations) iterations; the network's loops may be close to non-productive (a recipe chain that needs nearly as much of its own output as it makes) — check recipe coefficients in cyclic stages, or choose the dense solver if the network fits in memory"
        }
    }
}
