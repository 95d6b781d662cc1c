/// One final-demand market `m = (region, product)` after the clearing (MODEL.md §5).
public struct MarketOutcome: Sendable, Equatable {
    public let region: RegionIndex
    public let product: ProductIndex
    /// `D_ref`: the scenario's final demand before the price response, product units.
    public let referenceDemand: Double
    /// Demand at the delivered price, capped at the choke price:
    /// `D_ref · (min(P̄, B) / P̄₀)^ε`. Buyers who would pay up to B want this much.
    public let desiredDemand: Double
    /// `(1 − ρ) · desired`: what was delivered.
    public let served: Double
    /// `ρ · desired`: demand not served because the delivered price reached the choke price.
    public let unmet: Double
    /// ρ ∈ [0, 1].
    public let unservedShare: Double
    /// `P̄_m`, the delivered composite price; nil when no supplier can deliver at all (every
    /// route closed: banned, shut or cut off from an input).
    public let deliveredPrice: Double?
    /// `P̄_m` in the base year.
    public let baseDeliveredPrice: Double
    /// `B_m = c_q · P̄_m,0`.
    public let chokePrice: Double
}

/// Settings of the market clearing.
public struct MarketClearingSettings: Sendable, Equatable {
    /// Relative tolerance of the per-year certificate (capacity and quota violation,
    /// complementarity, unmet demand below the choke price). 1e-8 is far below data precision
    /// (≈ 1e-3 at best) and far above the rounding of a year solve (≈ 1e-13).
    public var tolerance: Double = 1e-8
    /// The complementarity solver (stops at a natural residual of 1e-10 by default).
    public var solver = ComplementaritySettings()
    /// Iterations allowed to the direct solve from the warm start (and four times as many
    /// year solves) before the demand continuation takes over (`MarketClearing.continuation`).
    /// On the shipped scenarios a year that converges directly takes 0–10 iterations; one that
    /// does not only wastes time at this stage.
    public var directIterations = 15
    /// Trial points the direct solve's line search may take before it gives up and the
    /// Newton homotopy from its last point takes over (`MarketClearing.homotopy`); 11 (a
    /// search down to `t = 1/1024`) turns the homotopy off.
    public var directTrials = 3
    /// Full Newton steps the direct solve and the homotopy stages may take without the merit
    /// test (`ComplementaritySettings.relaxedSteps`, PATH's nonmonotone watchdog, with its
    /// `relaxedWatch` of 3 steps); the demand continuation keeps the solver's own setting (0).
    /// In the hard years the Josephy–Newton target switches unserved shares across their whole
    /// box, so every point of the straight segment to it fails the merit test even in the
    /// linear model, while a second Newton step from the full step converges
    /// (docs/performance.md, branch c10-hard). Measured on the ten shipped scenarios: 1 cuts
    /// the year solves in 17 years from 1,668 to 1,297 and the Jacobians from 1,061 to 914,
    /// no scenario worse; 2 with a watch of 3 gave 1,337.
    public var directRelaxedSteps = 1
    /// `c_q` per product (`choke_price_multiple`), in product order; empty = `defaultChokePriceMultiple` for all.
    public var chokePriceMultiples: [Double] = []
    /// `c_q` for products without their own (the scenario's `price_ceiling_multiple`).
    public var defaultChokePriceMultiple: Double = 10
    public init() {}

    /// `c_q` of a product.
    public func chokePriceMultiple(of product: ProductIndex) -> Double {
        product.rawValue < chokePriceMultiples.count ? chokePriceMultiples[product.rawValue] : defaultChokePriceMultiple
    }
}

/// Numbers of the clearing solve, reported per year.
public struct ClearingStatistics: Sendable, Equatable {
    public var status: ComplementarityStatus = .solved
    /// Accepted Levenberg–Marquardt steps.
    public var iterations = 0
    /// Year solves (evaluations of F), including rejected trial points.
    public var evaluations = 0
    /// Jacobians formed.
    public var jacobians = 0
    /// Jacobian columns formed in all: only those of unknowns the Newton subproblems let move.
    public var jacobianColumns = 0
    /// Unknowns: scarcity rents, quota rents and unserved shares.
    public var rentUnknowns = 0
    public var quotaUnknowns = 0
    public var marketUnknowns = 0
    /// Natural residual of the final point, in the solver's scaled units.
    public var naturalResidual = 0.0
    /// Steps of demand continuation taken because the direct solve failed (0: it did not).
    public var continuationSteps = 0
    /// Stages of the Newton homotopy from the warm start taken because the direct solve gave
    /// up (0: it did not).
    public var homotopySteps = 0
    /// Solves of the one-dimensional finish of a stall held by one market's unserved share
    /// (`MarketClearing.shareFinish`, large networks only; 0: no such stall).
    public var shareFinishSolves = 0
    /// Capacitated nodes with a positive rent, in system order.
    public var bindingNodes: [Node] = []
    /// Markets with unmet demand (ρ > 0).
    public var sheddingMarkets: [Node] = []
    /// Nodes that cannot produce this year: zero capacity, or an input with no supplier left.
    public var unavailableNodes: [Node] = []
    public var log: [ComplementarityIteration] = []
}

/// Where the clearing of one year ended, to start the next year from.
public struct ClearingWarmStart: Sendable {
    /// μ / P₀ per capacitated node.
    public var scaledRents: [Node: Double] = [:]
    /// κ per quota route.
    public var quotaRents: [Route: Double] = [:]
    /// ρ per market (region, product).
    public var unservedShares: [Node: Double] = [:]
    /// Producer prices, to start the price–share fixed point from.
    public var prices: [Node: Double] {
        get { Dictionary(uniqueKeysWithValues: zip(priceNodes, nodePrices)) }
        set {
            let sorted = newValue.sorted { ($0.key.product, $0.key.region) < ($1.key.product, $1.key.region) }
            priceNodes = sorted.map(\.key)
            nodePrices = sorted.map(\.value)
        }
    }
    /// `prices` as two arrays: the next year reads them as they are when its active nodes are
    /// these, in this order (every year of a run without new or retired nodes), with no
    /// dictionary built or looked up.
    var priceNodes: [Node] = []
    var nodePrices: [Double] = []
    /// The price system's analysed pattern, reused while it stays (`PatternMemo`).
    var pricePattern: LeontiefStructure?
    /// The matrix-free solve's last Jacobian–vector products, the next year's first
    /// preconditioner (`MarketClearing.solveMatrixFree`); nil off the matrix-free path.
    var products: CarriedProducts?
    public init() {}
}

/// A cleared year: the equilibrium of MODEL.md §5 and its certificate.
public struct ClearedYear: Sendable {
    /// The year's solution at the equilibrium rents and served demand.
    public let solution: YearSolution
    /// μ per active node (system order), currency per unit; 0 where no capacity binds.
    public let scarcityRent: [Double]
    /// Every final-demand market with reference demand > 0.
    public let markets: [MarketOutcome]
    /// `desiredDemand` of `markets` per (region, product); 0 elsewhere.
    public let desiredDemand: NodeTable<Double>
    /// `unmet` of `markets` per (region, product); 0 elsewhere.
    public let unmetDemand: NodeTable<Double>
    /// `served` of `markets` per (region, product): final demand delivered; 0 elsewhere.
    public let servedDemand: NodeTable<Double>
    public let certificate: EquilibriumCertificate
    public let statistics: ClearingStatistics
    /// Start of the next year's clearing. (Settable inside the module so that `Simulation`
    /// can drop the carried products, ≈ 6.5 MB at 10,000 nodes, from the years it keeps.)
    public internal(set) var warmStart: ClearingWarmStart
}
