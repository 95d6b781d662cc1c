/// The price side of one year (MODEL.md §3–4): prices and sourcing shares at the fixed point
/// `S = Armington(P, τ + κ, K)`, `(I − Ã(S))ᵀ P = v + μ`, for given rents μ and κ.
///
/// Prices in this model do not depend on quantities, so a `PriceSolution` is everything the
/// quantity solve and the market clearing need from the price side: it keeps the last
/// factorization of `I − Ã` for reuse.
public struct PriceSolution: Sendable {
    public let calibration: Calibration
    /// P per active node, currency per unit.
    public let prices: [Double]
    /// S per route at `prices`.
    public let shares: [Double]
    /// Statutory tariff τ per route.
    public let statutoryTariffs: [Double]
    /// Quota rent κ per route (ad-valorem equivalent, ≥ 0).
    public let routeRents: [Double]
    /// `v + μ` per active node.
    public let costTarget: [Double]
    /// The fixed point reached `priceTolerance` (otherwise the iteration limit stopped it).
    public let converged: Bool
    public let statistics: SolverStatistics
    /// Factors of `I − Ã` from the last factorization (of the shares one chord step before
    /// the final ones); nil only for an empty network. With `factoredNearby`, factors of
    /// `I − A` at a nearby solution's shares instead (`YearSolver.NearbyFactors.quantity`):
    /// a start for the quantity solve's refinement, not the price system's factors.
    let factorization: (any LeontiefFactorization)?
    /// The fixed point was solved on a nearby solution's factors and made none of its own
    /// (`YearSolver.nearbyNewton`): `factorization` is not of `I − Ã`, and no condition
    /// estimate of `I − Ã` exists.
    let factoredNearby: Bool

    /// `τ + κ` per route: what delivered costs and Armington weights carry. Stored, not
    /// recomputed at each read: the market clearing reads it several times per evaluated point
    /// (≈ 2 % of a 4,000-node cleared year as a computed property, docs/performance.md,
    /// "Per-point work of the matrix-free path").
    public let deliveredMarkup: [Double]

    init(
        calibration: Calibration, prices: [Double], shares: [Double], statutoryTariffs: [Double], routeRents: [Double],
        costTarget: [Double], converged: Bool, statistics: SolverStatistics, factorization: (any LeontiefFactorization)?,
        factoredNearby: Bool = false
    ) {
        self.factoredNearby = factoredNearby
        self.calibration = calibration
        self.prices = prices
        self.shares = shares
        self.statutoryTariffs = statutoryTariffs
        self.routeRents = routeRents
        self.costTarget = costTarget
        self.converged = converged
        self.statistics = statistics
        self.factorization = factorization
        deliveredMarkup = zip(statutoryTariffs, routeRents).map { $0 + $1 }
    }

    /// The linear systems at these shares, with `τ + κ` on the price side.
    public var system: LeontiefSystem {
        LeontiefSystem(calibration: calibration, shares: shares, tariffs: deliveredMarkup)
    }

    /// Delivered price per route, `c_k = P[s] (1 + τ_k + κ_k)`.
    public var deliveredPrices: [Double] {
        calibration.routes.indices.map { k in
            prices[calibration.supplierIndex[k]] * (1 + statutoryTariffs[k] + routeRents[k])
        }
    }

    /// Delivered composite price of each market, `P̄[r][q] = Σ_s S[q][s→r] P[(s,q)] (1 + τ + κ)`;
    /// 0 where no route serves the market or every route is closed.
    public var compositePrices: NodeTable<Double> {
        calibration.compositePrices(prices: prices, shares: shares, markup: deliveredMarkup)
    }
}

extension Calibration {
    /// `P̄[r][q] = Σ_s S[q][s→r] P[(s,q)] (1 + markup[q][s→r])` per market; 0 for markets no
    /// route serves.
    public func compositePrices(prices: [Double], shares: [Double], markup: [Double]) -> NodeTable<Double> {
        var pf = network.nodeTable(repeating: 0.0)
        for (market, p) in zip(markets, marketCompositePrices(prices: prices, shares: shares, markup: markup)) {
            pf[market.importer, market.product] = p
        }
        return pf
    }

    /// The same sums per market in `markets` order (the clearing's unknowns are indexed so).
    func marketCompositePrices(prices: [Double], shares: [Double], markup: [Double]) -> [Double] {
        markets.map { market in
            var p = 0.0
            for k in market.routes { p += shares[k] * prices[supplierIndex[k]] * (1 + markup[k]) }
            return p
        }
    }
}
