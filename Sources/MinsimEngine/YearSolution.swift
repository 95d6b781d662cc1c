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

/// One year's solution: per node, per route and per market, with solver statistics.
///
/// Read it by name: `output(of:)`, `price(of:)` and `valueAdded(of:)` per node (an inactive node
/// produces nothing and has no price), `flow(on:)`, `share(of:)`, `tariff(on:)` and
/// `deliveredPrice(on:)` per route (a route that carries no trade has flow and share 0), and
/// `routeResults` for every trading route in `routes` order. The vectors below are the solver's
/// own storage, in system order (`activeNodes`) or `routes` order, for numerical consumers.
public struct YearSolution: Sendable {
    public let calibration: Calibration
    public let status: SolveStatus
    public let statistics: SolverStatistics
    /// Gross output x per active node (`activeNodes` order), product units.
    public let output: [Double]
    /// Producer price P per active node (`activeNodes` order), currency per unit.
    public let prices: [Double]
    /// Value added per unit v (+ scarcity rent μ) per active node (`activeNodes` order).
    public let valueAdded: [Double]
    /// S per route (`routes` order).
    public let shares: [Double]
    /// Statutory tariff τ per route (`routes` order).
    public let tariffs: [Double]
    /// Quota rent per route as an ad-valorem equivalent (0 where no quota binds), `routes` order.
    public let routeRents: [Double]
    /// F per route (`routes` order), product units.
    public let flows: [Double]
    /// Secondary material actually used per market (region, product): the scenario's supply,
    /// cut where it exceeded the market's use.
    public let secondaryUsed: NodeTable<Double>

    public var network: Network { calibration.network }
    /// Routes that can carry trade, sorted by (product, importer, exporter).
    public var routes: [Route] { calibration.routes }
    /// Active nodes in system order.
    public var activeNodes: [Node] { calibration.activeNodes }

    // MARK: - By node

    /// Output of a node; 0 for an inactive node.
    public func output(of node: Node) -> Double {
        calibration.systemIndex(of: node).map { output[$0] } ?? 0
    }

    /// Price of a node; nil for an inactive node (it produces nothing and has no price).
    public func price(of node: Node) -> Double? {
        calibration.systemIndex(of: node).map { prices[$0] }
    }

    /// Value added per unit `v + μ` of a node; nil for an inactive node.
    public func valueAdded(of node: Node) -> Double? {
        calibration.systemIndex(of: node).map { valueAdded[$0] }
    }

    // MARK: - By route

    /// Everything the solution says about one trading route.
    public struct RouteResult: Sendable, Equatable {
        public let route: Route
        /// F, product units.
        public let flow: Double
        /// S, the route's share of its market.
        public let share: Double
        /// Statutory tariff τ.
        public let tariff: Double
        /// Quota rent κ as an ad-valorem equivalent.
        public let quotaRent: Double
        /// `P[(s,q)] · (1 + τ + κ)`, currency per unit.
        public let deliveredPrice: Double
        /// `F · P[(s,q)] · τ`, currency.
        public let tariffRevenue: Double
        /// `F · P[(s,q)] · κ`, currency (to whoever holds the licences).
        public let quotaRentRevenue: Double
    }

    /// The results of every trading route, in `routes` order.
    public var routeResults: some RandomAccessCollection<RouteResult> {
        calibration.routes.indices.lazy.map { routeResult(at: $0) }
    }

    /// The results on `route`; nil when the route carries no trade (not in `routes`).
    public func result(on route: Route) -> RouteResult? {
        routeIndex(route).map { routeResult(at: $0) }
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

    /// Statutory tariff on a trading route; nil when the route carries no trade.
    public func tariff(on route: Route) -> Double? { routeIndex(route).map { tariffs[$0] } }

    /// Delivered price `P[(s,q)] · (1 + τ + κ)` on a trading route; nil when it carries no trade.
    public func deliveredPrice(on route: Route) -> Double? { result(on: route)?.deliveredPrice }

    /// Delivered price `P[(s,q)] · (1 + τ[q][s→r] + quota rent)` per route (`routes` order).
    public var deliveredPrices: [Double] { routeResults.map(\.deliveredPrice) }

    /// Quota rent `F · P[(s,q)] · rent` per route (`routes` order), in currency.
    public var quotaRentRevenue: [Double] { routeResults.map(\.quotaRentRevenue) }

    /// Tariff revenue `F · P[(s,q)] · τ` per route (`routes` order), in currency.
    public var tariffRevenue: [Double] { routeResults.map(\.tariffRevenue) }

    // MARK: - By market

    /// Secondary material used in `market`, product units (0 where none).
    public func secondaryUsed(in market: Market) -> Double { secondaryUsed[market.importer, market.product] }

    /// The trading routes into `market`, by exporter (empty when no route serves it).
    public func routes(into market: Market) -> ArraySlice<Route> {
        guard let m = calibration.marketIndex[market.importer, market.product] else { return [] }
        return calibration.routes[calibration.markets[m].routes]
    }

    private func routeIndex(_ route: Route) -> Int? { calibration.index(of: route) }

    private func routeResult(at k: Int) -> RouteResult {
        let p = prices[calibration.supplierIndex[k]]
        return RouteResult(
            route: calibration.routes[k], flow: flows[k], share: shares[k], tariff: tariffs[k], quotaRent: routeRents[k],
            deliveredPrice: p * (1 + tariffs[k] + routeRents[k]), tariffRevenue: flows[k] * p * tariffs[k],
            quotaRentRevenue: flows[k] * p * routeRents[k])
    }
}
