/// How a year's solve ended. Numerical failures with no usable answer are thrown as
/// `SolveError`; these statuses describe answers that exist.
public enum SolveStatus: Sendable, Equatable {
    /// The price–share fixed point converged and every check passed.
    case solved
    /// The fixed point stopped at the iteration limit; the answer is the last iterate and
    /// `statistics.finalRelativeChange` says how far it was still moving.
    case iterationLimitReached
    /// Mass balance failed its tolerance on some node (see `statistics`); the answer is suspect.
    case massBalanceViolated
}

/// Solver statistics reported with every year.
public struct SolverStatistics: Sendable, Equatable {
    /// Fixed-point iterations taken (each is one factorization of `I − Ã` and one price solve).
    public var iterations: Int = 0
    /// `max_n |P_k − P_{k−1}| / P_k` at the last iteration.
    public var finalRelativeChange: Double = 0
    /// LU factorizations performed in this solve.
    public var factorizations: Int = 0
    /// Fixed-point iterations solved with the previous iteration's factors plus iterative
    /// refinement instead of a new factorization.
    public var reusedFactorizations: Int = 0
    /// `‖(I − Ã)ᵀP − v − μ‖∞ / ‖v + μ‖∞` of the final prices.
    public var priceResidual: Double = 0
    /// `‖(I − A)x − f‖∞ / max(‖f‖∞, tiny)` of the final quantities.
    public var quantityResidual: Double = 0
    /// Largest `|x_n − Σ_r F_n→r| / throughput_n` over nodes.
    public var massBalanceResidual: Double = 0
    /// The relative tolerance applied to `massBalanceResidual`.
    public var massBalanceTolerance: Double = 0
    /// Node with the largest mass-balance residual (nil when the network is empty).
    public var worstMassBalanceNode: Node? = nil
    /// Reciprocal 1-norm condition estimate of `I − A` (dgecon).
    public var reciprocalCondition: Double = 1
    /// Reciprocal 1-norm condition estimate of `I − Ã`.
    public var priceReciprocalCondition: Double = 1
    /// Number of active nodes N.
    public var nodes: Int = 0
    /// Nonzeros of A.
    public var nonzeros: Int = 0
    /// The linear solver used (e.g. "dense LU (dgetrf/dgetrs)").
    public var linearSolver: String = ""
    /// Why that solver: what `.automatic` found in the structure, or that the user chose it.
    public var linearSolverReason: String = ""
}

/// One year's solution: per node, per route, with solver statistics.
public struct YearSolution: Sendable {
    public let calibration: Calibration
    public let status: SolveStatus
    public let statistics: SolverStatistics
    /// Gross output x per active node (system order), product units.
    public let output: [Double]
    /// Producer price P per active node, currency per unit.
    public let prices: [Double]
    /// Value added per unit v (+ scarcity rent μ) per active node.
    public let valueAdded: [Double]
    /// S per route (`calibration.routes` order).
    public let shares: [Double]
    /// Statutory tariff τ per route.
    public let tariffs: [Double]
    /// Quota rent per route as an ad-valorem equivalent (0 where no quota binds).
    public let routeRents: [Double]
    /// F per route, product units.
    public let flows: [Double]
    /// Secondary material actually used per market (region, product): the scenario's supply,
    /// cut where it exceeded the market's use.
    public let secondaryUsed: NodeTable<Double>

    public var network: Network { calibration.network }
    public var routes: [Route] { calibration.routes }
    public var activeNodes: [Node] { calibration.activeNodes }

    /// Delivered price `P[(s,q)] · (1 + τ[q][s→r] + quota rent)` per route.
    public var deliveredPrices: [Double] {
        calibration.routes.indices.map { k in prices[calibration.supplierIndex[k]] * (1 + tariffs[k] + routeRents[k]) }
    }

    /// Quota rent `F · P[(s,q)] · rent` per route, in currency (to whoever holds the licences).
    public var quotaRentRevenue: [Double] {
        calibration.routes.indices.map { k in flows[k] * prices[calibration.supplierIndex[k]] * routeRents[k] }
    }

    /// Tariff revenue `F · P[(s,q)] · τ` per route, in currency.
    public var tariffRevenue: [Double] {
        calibration.routes.indices.map { k in flows[k] * prices[calibration.supplierIndex[k]] * tariffs[k] }
    }

    /// Output of a node; 0 for an inactive node.
    public func output(of node: Node) -> Double {
        let j = calibration.systemIndex[node]
        return j < 0 ? 0 : output[j]
    }

    /// Price of a node; nil for an inactive node (it produces nothing and has no price).
    public func price(of node: Node) -> Double? {
        let j = calibration.systemIndex[node]
        return j < 0 ? nil : prices[j]
    }

    /// Flow on a route; 0 when the route carries no trade.
    public func flow(on route: Route) -> Double {
        guard let k = routeIndex(route) else { return 0 }
        return flows[k]
    }

    /// Share of a route; 0 when the route carries no trade.
    public func share(of route: Route) -> Double {
        guard let k = routeIndex(route) else { return 0 }
        return shares[k]
    }

    private func routeIndex(_ route: Route) -> Int? { calibration.index(of: route) }

}
