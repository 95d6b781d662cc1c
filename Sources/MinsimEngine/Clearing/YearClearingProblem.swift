import Foundation
import LinearAlgebra

/// The year's equilibrium as a box MCP (MODEL.md §5) in scaled unknowns and residuals:
/// ```
/// unknown                      bounds     residual F
/// μ̂_n = μ_n / P₀_n            [0, ∞)     (K_n − x_n) / K_n           capacitated node n
/// κ_e  (ad-valorem quota rent) [0, ∞)     (Q_e − F_e) / Q_e           route e under a quota
/// ρ_m  (unserved share)        [0, 1]     (B_m − P̄_m) / B_m           final-demand market m
/// ```
/// Given the unknowns, the year model gives everything else: the price–share fixed point with
/// value added `v + μ` and delivered costs `P(1 + τ + κ)`, final demand
/// `D_m = (1 − ρ_m) D_ref,m (P̄_m / P̄_m,0)^ε_q`, and quantities `(I − A) x = S (D − R)`.
///
/// The Jacobian is exact (implicit differentiation of the fixed point and the quantity
/// solve, see `jacobian(at:rows:columns:)`); it costs one factorization of `I − G` (the price
/// fixed point's Jacobian), one of `I − A`, and one block solve with each for all requested
/// columns at once.
struct YearClearingProblem: ComplementarityProblem {
    typealias Failure = SolveError

    /// What the Jacobian needs at an evaluated point (a class: the solver keeps and passes
    /// points around, and a copy of the struct retained every array of two solutions).
    final class Point {
        let priced: PriceSolution
        let solution: YearSolution
        /// `P̄` per market (`calibration.markets` order).
        let composite: [Double]
        /// Final demand `D_m` used, per market.
        let demand: [Double]
        /// Total use `U_m = D_m − R_m + Σ_p b x`, per market.
        let use: [Double]
        /// Which evaluation produced this point (keys the Jacobian's factorizations).
        let serial: Int
        /// The unknowns evaluated.
        let z: [Double]

        init(
            priced: PriceSolution, solution: YearSolution, composite: [Double], demand: [Double], use: [Double], serial: Int,
            z: [Double]
        ) {
            self.z = z
            self.priced = priced
            self.solution = solution
            self.composite = composite
            self.demand = demand
            self.use = use
            self.serial = serial
        }
    }

    /// The factorizations of `I − Gᵀ` and `I − A` at one evaluated point, the per-route
    /// factors of G and the live routes the columns visit: made once per point however many
    /// times columns are asked for there.
    struct JacobianFactors {
        let serial: Int
        let gFactor: [Double]
        let g: any LeontiefFactorization
        let a: any LeontiefFactorization
        let live: LiveRoutes
    }

    /// Routes with a positive share, per market (the only ones a response moves), flattened
    /// with what the per-column loops read: supplier, S_k, g_k, P_s, τ_k + κ_k; per market the
    /// demand response ε D / P̄ (0 where the market has no demand unknown) and σ.
    struct LiveRoutes {
        var start = [0], route: [Int] = [], supplier: [Int] = [], share: [Double] = []
        var g: [Double] = [], price: [Double] = [], markup: [Double] = []
        /// Position of each route among the live ones (−1: not live).
        var position: [Int] = []
        /// The markets each node supplies over a live route (`marketsBySupplier`).
        var supplierMarketStart: [Int] = [], supplierMarkets: [Int] = []
        var demandIndex: [Int] = [], demandResponse: [Double] = [], sigma: [Double] = []
    }

    let calibration: Calibration
    /// The year's conditions with closed routes applied and dead markets' demand removed.
    let conditions: YearConditions
    /// The year solver of every evaluation (condition estimate on request, see
    /// `YearSolver.triangularConditionOnRequest`).
    let solver: YearSolver
    /// The conditions' route vectors, made once for every evaluation.
    let pricing: YearSolver.PricingInputs
    /// ε per product.
    let elasticity: [Double]
    /// System index and K of each capacitated node with a rent unknown.
    let capacityNodes: [Int]
    let capacity: [Double]
    /// Route index and Q of each route with a quota rent unknown.
    let quotaRoutes: [Int]
    let quota: [Double]
    /// Market index (`calibration.markets`), D_ref, P̄₀ and B of each market with an unserved-share unknown.
    let demandMarkets: [Int]
    let referenceDemand: [Double]
    let baseComposite: [Double]
    let choke: [Double]

    var lowerBounds: [Double]
    var upperBounds: [Double]
    /// Rows weighted by the value they stand for — capacity `P₀ K`, quota `P₀ Q`, demand at the
    /// choke price `D_ref B` — normalized to a largest weight of 1. By Leontief duality the
    /// content of node n in a unit of market m's demand (`∂x_n/∂ρ_m`) is the pass-through of n's
    /// rent into m's delivered price (`∂P̄_m/∂μ_n`), so in these units the coupling blocks of the
    /// Jacobian are (up to tariff factors) skew-symmetric and the linearization is monotone where
    /// substitution is, as the interior-point subproblem needs.
    let rowWeights: [Double]
    /// Prices of the last evaluation: the next fixed point starts there.
    var lastPrices: [Double]?
    /// λ ∈ (0, 1] scaling every final demand and the secondary supply: the continuation
    /// parameter of `MarketClearing`'s fallback (1 is the year itself).
    var demandScale = 1.0
    /// `s` subtracted from every residual, `F(z) − s`: the Newton homotopy of
    /// `MarketClearing.homotopy` (empty: none, the year itself).
    var residualShift: [Double] = []
    /// Evaluations so far (the serial of the next point).
    var evaluationCount = 0
    /// The factorizations of the point whose Jacobian columns were formed last.
    var factors: JacobianFactors?
    /// Whether evaluations solve their price fixed point by Newton's method on `factors`
    /// (`YearSolver.nearbyNewton`) where those exist: the matrix-free path's, whose trial
    /// points lie one step from the point of the last products (`MarketClearing.solveMatrixFree`).
    var nearbyPrices = false
    /// The network's acyclic order for the nearby evaluations' one-pass price solve
    /// (`PriceSweep`), analysed at the first of them; nil where the network has a loop.
    var priceSweep: PriceSweep?
    var priceSweepAnalysed = false
    /// The analysed pattern of those factorizations, reused while the pattern stays.
    var structure: LeontiefStructure?
    /// The matrix-free Newton method's products' workspace (`product(at:rows:values:)`), kept
    /// across its GMRES solves, hybrid steps and line-search products at one point.
    var productWorkspace = ProductWorkspace()
    /// The analysed pattern of the evaluations' price systems, kept across the year's
    /// evaluations and from the year before (`ClearingWarmStart.pricePattern`).
    let patterns: PatternMemo
    /// The price responses `∂P/∂z_j` of the rent columns formed at the last Jacobian's point:
    /// the next evaluations start their fixed point from the first-order prediction
    /// (`startingPrices(for:)`).
    var predictor: PricePredictor?

    init(
        calibration: Calibration, conditions: YearConditions, solver: YearSolver, elasticity: [Double],
        capacityNodes: [Int], capacity: [Double], quotaRoutes: [Int], quota: [Double],
        demandMarkets: [Int], referenceDemand: [Double], baseComposite: [Double], choke: [Double],
        startingPrices: [Double]?, pricePattern: LeontiefStructure? = nil
    ) {
        self.calibration = calibration
        self.conditions = conditions
        var inner = solver
        inner.triangularConditionOnRequest = true
        self.solver = inner
        pricing = YearSolver.PricingInputs(calibration, conditions: conditions)
        self.elasticity = elasticity
        self.capacityNodes = capacityNodes
        self.capacity = capacity
        self.quotaRoutes = quotaRoutes
        self.quota = quota
        self.demandMarkets = demandMarkets
        self.referenceDemand = referenceDemand
        self.baseComposite = baseComposite
        self.choke = choke
        self.lastPrices = startingPrices
        patterns = PatternMemo(pricePattern)
        let count = capacityNodes.count + quotaRoutes.count + demandMarkets.count
        var weights = zip(capacityNodes, capacity).map { calibration.basePrices[$0] * $1 }
        weights += zip(quotaRoutes, quota).map { calibration.basePrices[calibration.supplierIndex[$0]] * $1 }
        weights += zip(referenceDemand, choke).map { $0 * $1 }
        let largest = weights.max() ?? 1
        rowWeights = weights.map { Swift.max($0 / largest, 1e-300) }
        lowerBounds = [Double](repeating: 0, count: count)
        upperBounds =
            [Double](repeating: .infinity, count: capacityNodes.count + quotaRoutes.count)
            + [Double](repeating: 1, count: demandMarkets.count)
    }

    var quotaOffset: Int { capacityNodes.count }
    var marketOffset: Int { capacityNodes.count + quotaRoutes.count }

    /// μ per active node and κ per route from the unknowns.
    func rents(_ z: [Double]) -> (mu: [Double], kappa: [Double]) {
        let c = calibration
        var mu = [Double](repeating: 0, count: c.dimension)
        for (a, j) in capacityNodes.enumerated() { mu[j] = z[a] * c.basePrices[j] }
        var kappa = [Double](repeating: 0, count: c.routes.count)
        for (b, k) in quotaRoutes.enumerated() { kappa[k] = z[quotaOffset + b] }
        return (mu, kappa)
    }

    /// `D_m = (1 − ρ) D_ref (P̄/P̄₀)^ε` per unknown market at composite price `pbar`.
    func demand(unserved rho: Double, market a: Int, composite pbar: Double) -> Double {
        let q = calibration.markets[demandMarkets[a]].product
        return (1 - rho) * demandScale * referenceDemand[a] * Self.response(pbar / baseComposite[a], elasticity[q.rawValue])
    }

    /// `r^ε`, exactly 1 for ε = 0.
    static func response(_ ratio: Double, _ epsilon: Double) -> Double {
        epsilon == 0 ? 1 : Foundation.pow(ratio, epsilon)
    }

    mutating func evaluate(_ z: [Double]) throws(SolveError) -> (residual: [Double], point: Point) {
        let c = calibration
        if nearbyPrices && factors != nil && !priceSweepAnalysed {
            priceSweep = PriceSweep(c)
            priceSweepAnalysed = true
        }
        let (mu, kappa) = rents(z)
        let priced = try solver.solvePrices(
            c, conditions: conditions, inputs: pricing, scarcityRent: mu, routeRent: kappa,
            startingPrices: startingPrices(for: z), memo: patterns,
            near: nearbyPrices
                ? factors.map { YearSolver.NearbyFactors(derivative: $0.g, quantity: $0.a, sweep: priceSweep) } : nil)
        lastPrices = priced.prices
        let composite = c.marketCompositePrices(prices: priced.prices, shares: priced.shares, markup: priced.deliveredMarkup)
        var finalDemand = c.network.nodeTable(repeating: 0.0)
        var demand = [Double](repeating: 0, count: c.markets.count)
        for (a, m) in demandMarkets.enumerated() {
            let d = self.demand(unserved: z[marketOffset + a], market: a, composite: composite[m])
            demand[m] = d
            finalDemand[c.markets[m].importer, c.markets[m].product] = d
        }
        var secondary = conditions.secondarySupply
        if demandScale != 1, let r = secondary {
            var scaled = r
            for ri in c.network.regionIndices { for q in c.network.productIndices { scaled[ri, q] = demandScale * r[ri, q] } }
            secondary = scaled
        }
        let solution = try solver.solveQuantities(priced, finalDemand: finalDemand, secondarySupply: secondary)
        let used = YearSolver.netDemand(finalDemand, solution.secondaryUsed)
        let use = priced.system.marketUse(output: solution.output, demand: used)

        var f = [Double](repeating: 0, count: z.count)
        for (a, j) in capacityNodes.enumerated() { f[a] = (capacity[a] - solution.output[j]) / capacity[a] }
        for (b, k) in quotaRoutes.enumerated() { f[quotaOffset + b] = (quota[b] - solution.flows[k]) / quota[b] }
        for (a, m) in demandMarkets.enumerated() { f[marketOffset + a] = (choke[a] - composite[m]) / choke[a] }
        for (i, shift) in residualShift.enumerated() { f[i] -= shift }
        evaluationCount += 1
        return (
            f,
            Point(
                priced: priced, solution: solution, composite: composite, demand: demand, use: use,
                serial: evaluationCount, z: z)
        )
    }
}
