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

    /// What the Jacobian needs at an evaluated point.
    struct Point {
        let priced: PriceSolution
        let solution: YearSolution
        /// `P̄` per market (`calibration.markets` order).
        let composite: [Double]
        /// Final demand `D_m` used, per market.
        let demand: [Double]
        /// Total use `U_m = D_m − R_m + Σ_p b x`, per market.
        let use: [Double]
    }

    let calibration: Calibration
    /// The year's conditions with closed routes applied and dead markets' demand removed.
    let conditions: YearConditions
    let solver: YearSolver
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

    let lowerBounds: [Double]
    let upperBounds: [Double]
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

    init(
        calibration: Calibration, conditions: YearConditions, solver: YearSolver, elasticity: [Double],
        capacityNodes: [Int], capacity: [Double], quotaRoutes: [Int], quota: [Double],
        demandMarkets: [Int], referenceDemand: [Double], baseComposite: [Double], choke: [Double],
        startingPrices: [Double]?
    ) {
        self.calibration = calibration
        self.conditions = conditions
        self.solver = solver
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
        let (mu, kappa) = rents(z)
        let priced = try solver.solvePrices(
            c, conditions: conditions, scarcityRent: mu, routeRent: kappa,
            startingPrices: lastPrices)
        lastPrices = priced.prices
        let markup = priced.deliveredMarkup
        var composite = [Double](repeating: 0, count: c.markets.count)
        for (m, market) in c.markets.enumerated() {
            var p = 0.0
            for k in market.routes { p += priced.shares[k] * priced.prices[c.supplierIndex[k]] * (1 + markup[k]) }
            composite[m] = p
        }
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
        return (f, Point(priced: priced, solution: solution, composite: composite, demand: demand, use: use))
    }

    /// `∂F_i/∂z_j` by implicit differentiation of the year model at `point`.
    ///
    /// Prices: the fixed point `P = T(P, κ) + v + μ`, `T_j = Σ_q b_jq P̄_m(q, r_j)`, gives
    /// ```
    /// (I − Gᵀ) dP = dμ + (∂T/∂κ) dκ,   G[s, j] = Σ b_j,m · g_k,
    /// g_k = S_k (1 + τ_k + κ_k) (1 − σ_q (1 − P̄_m / c_k))        (c_k = P_s (1 + τ_k + κ_k))
    /// ```
    /// because Armington shares move with prices, `∂S_k/∂ log c_k' = −σ S_k (δ_kk' − S_k')`, so
    /// `∂P̄_m/∂P_s = g_k`. G has the pattern of Ã but coefficients of either sign.
    /// Composite prices, shares and demand follow:
    /// ```
    /// dP̄_m = Σ_k g_k dP_s (+ S_k P_s (1 − σ(1 − P̄_m/c_k)) dκ_k)
    /// dS_k = −σ S_k (d log c_k − Σ_k' S_k' d log c_k')
    /// dD_m = ε D_m dP̄_m / P̄_m − D_ref (P̄/P̄₀)^ε dρ_m
    /// ```
    /// Quantities: `x_s = Σ_k S_k U_m`, `U_m = D_m − R_m + Σ b x`, so
    /// `(I − A) dx = Σ_k e_s (dS_k U_m + S_k dD_m)` and `dF_k = dS_k U_m + S_k dU_m`.
    /// (Where secondary supply was cut to a market's use, U_m is pinned at 0; that kink is
    /// not differentiated — the damping of the solver absorbs it.)
    mutating func jacobian(at point: Point, rows: [Int], columns: [Int]) throws(SolveError) -> Matrix {
        let c = calibration
        let n = c.dimension
        let priced = point.priced
        let shares = priced.shares
        let prices = priced.prices
        let markup = priced.deliveredMarkup
        var out = Matrix(rows: rows.count, columns: columns.count)
        guard !rows.isEmpty, !columns.isEmpty else { return out }

        // Per route: S_k (1 − σ (1 − P̄/c_k)), the share-like factor of g_k and ∂P̄/∂κ.
        var gFactor = [Double](repeating: 0, count: c.routes.count)
        for (m, market) in c.markets.enumerated() {
            let sigma = c.network.product(market.product).elasticity
            for k in market.routes where shares[k] > 0 {
                let ck = prices[c.supplierIndex[k]] * (1 + markup[k])
                gFactor[k] = shares[k] * (1 - sigma * (1 - point.composite[m] / ck))
            }
        }

        // Columns in chunks, so that the per-column work arrays (shares, demand and price
        // changes) stay within a few MB however many unknowns there are.
        let factorizer = LeontiefFactorizer(choice: solver.options.linearSolver)
        let hasPriceColumns = columns.contains { $0 < marketOffset }
        let gFactors: (any LeontiefFactorization)? =
            hasPriceColumns
            ? try factorizer.factor(
                LeontiefSystem(calibration: c, shares: gFactor, tariffs: markup), withTariffs: true,
                estimateCondition: false)
            : nil
        let aSystem = LeontiefSystem(calibration: c, shares: shares, tariffs: [Double](repeating: 0, count: c.routes.count))
        let luA = try factorizer.factor(aSystem, withTariffs: false, estimateCondition: false)
        let sigmas = c.markets.map { c.network.product($0.product).elasticity }
        let quotaRows = rows.contains { $0 >= quotaOffset && $0 < marketOffset }
        var dLog = [Double](repeating: 0, count: c.routes.count)
        let chunk = 64
        var first = 0
        while first < columns.count {
            let block = Array(columns[first..<Swift.min(first + chunk, columns.count)])
            // Price responses of the rent columns in this chunk: one block solve with I − G.
            let priceColumns = block.filter { $0 < marketOffset }
            var dPrice: [[Double]] = []
            if let lu = gFactors, !priceColumns.isEmpty {
                let rhs = priceColumns.map { col -> [Double] in
                    var r = [Double](repeating: 0, count: n)
                    if col < quotaOffset {
                        let j = capacityNodes[col]
                        r[j] = c.basePrices[j]
                    } else {
                        let k = quotaRoutes[col - quotaOffset]
                        let m = c.routeMarket[k]
                        let dPbar = gFactor[k] * prices[c.supplierIndex[k]]
                        for entry in c.consumption where entry.market == m { r[entry.column] += entry.coefficient * dPbar }
                    }
                    return r
                }
                dPrice = lu.solve(rhs, transposed: true)
            }
            // Composite prices, shares and the quantity right-hand side of every column.
            var dComposite: [[Double]] = []
            var dShares: [[Double]] = []
            var dDemand: [[Double]] = []
            var quantityRHS: [[Double]] = []
            var priceIndex = 0
            for col in block {
                var dPbar = [Double](repeating: 0, count: c.markets.count)
                var dS: [Double] = []
                var dD = [Double](repeating: 0, count: c.markets.count)
                var r = [Double](repeating: 0, count: n)
                if col < marketOffset {
                    let dP = dPrice[priceIndex]
                    priceIndex += 1
                    dS = [Double](repeating: 0, count: c.routes.count)
                    let ownRoute = col >= quotaOffset ? quotaRoutes[col - quotaOffset] : -1
                    for (m, market) in c.markets.enumerated() {
                        let sigma = sigmas[m]
                        var total = 0.0, meanLog = 0.0
                        for k in market.routes where shares[k] > 0 {
                            let s = c.supplierIndex[k]
                            var dl = dP[s] / prices[s]
                            total += gFactor[k] * (1 + markup[k]) * dP[s]
                            if k == ownRoute {
                                dl += 1 / (1 + markup[k])
                                total += gFactor[k] * prices[s]
                            }
                            dLog[k] = dl
                            meanLog += shares[k] * dl
                        }
                        dPbar[m] = total
                        if sigma != 0 {
                            for k in market.routes where shares[k] > 0 {
                                dS[k] = -sigma * shares[k] * (dLog[k] - meanLog)
                            }
                        }
                    }
                    for m in demandMarkets where point.composite[m] > 0 {
                        let q = c.markets[m].product
                        dD[m] = elasticity[q.rawValue] * point.demand[m] * dPbar[m] / point.composite[m]
                    }
                    for (m, market) in c.markets.enumerated() {
                        for k in market.routes where shares[k] > 0 || dS[k] != 0 {
                            r[c.supplierIndex[k]] += dS[k] * point.use[m] + shares[k] * dD[m]
                        }
                    }
                } else {
                    // An unserved share moves only its own market's demand.
                    let a = col - marketOffset
                    let m = demandMarkets[a]
                    let q = c.markets[m].product
                    dD[m] =
                        -demandScale * referenceDemand[a]
                        * Self.response(point.composite[m] / baseComposite[a], elasticity[q.rawValue])
                    for k in c.markets[m].routes where shares[k] > 0 { r[c.supplierIndex[k]] += shares[k] * dD[m] }
                }
                dComposite.append(dPbar)
                dShares.append(dS)
                dDemand.append(dD)
                quantityRHS.append(r)
            }
            let dOutput = luA.solve(quantityRHS, transposed: false)

            for (offset, _) in block.enumerated() {
                let b = first + offset
                let dx = dOutput[offset]
                var dUse: [Double] = []
                if quotaRows {
                    dUse = dDemand[offset]
                    for entry in c.consumption { dUse[entry.market] += entry.coefficient * dx[entry.column] }
                }
                for (a, row) in rows.enumerated() {
                    if row < quotaOffset {
                        out[a, b] = -dx[capacityNodes[row]] / capacity[row]
                    } else if row < marketOffset {
                        let k = quotaRoutes[row - quotaOffset]
                        let m = c.routeMarket[k]
                        let dSk = dShares[offset].isEmpty ? 0 : dShares[offset][k]
                        let dFlow = dSk * point.use[m] + shares[k] * dUse[m]
                        out[a, b] = -dFlow / quota[row - quotaOffset]
                    } else {
                        let ma = row - marketOffset
                        out[a, b] = -dComposite[offset][demandMarkets[ma]] / choke[ma]
                    }
                }
            }
            first += chunk
        }
        return out
    }
}
