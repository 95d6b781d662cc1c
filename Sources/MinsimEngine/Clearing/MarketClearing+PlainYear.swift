import LinearAlgebra

/// The year solved at zero rents, zero quota rents and full service, the point every
/// clearing starts from when nothing bound the year before: what the problem's first
/// evaluation (`YearClearingProblem.evaluate` at z = 0) computes, made without the problem.
struct PlainEvaluation {
    let unknowns: ClearingUnknowns
    /// μ per active node: zeros (`YearClearingProblem.rents` at z = 0 gives `0 · P₀ = +0`, the
    /// base prices being positive).
    let scarcityRent: [Double]
    let priced: PriceSolution
    let solution: YearSolution
    /// P̄ and D per market (`calibration.markets` order), D only where a demand unknown is.
    let composite: [Double]
    let demand: [Double]
    let finalDemand: NodeTable<Double>
    /// F(0) in the problem's scaled units and its natural residual.
    let residual: [Double]
    let naturalResidual: Double
    /// The price system's analysed pattern after this solve (`PatternMemo`).
    let pricePattern: LeontiefStructure?
}

extension MarketClearing {
    /// A year with nothing binding is its own equilibrium: when the year solved at zero rents
    /// and full service (z = 0) already satisfies every condition of MODEL.md §5 —
    /// ```
    /// (K_n − x_n)/K_n ≥ −tol,   (Q_e − F_e)/Q_e ≥ −tol,   (B_m − P̄_m)/B_m ≥ −tol
    /// ```
    /// with `tol` the solver's tolerance on the natural residual (`max_i max(−F_i, 0)` at
    /// z = 0, the lower bound) — the Josephy–Newton solver stops at its first evaluation with
    /// z = 0. This makes that evaluation and the cleared year without building the problem
    /// (`makeProblem`'s closure, unknowns' tables, row weights and bounds) or running the
    /// solver's bookkeeping, and gives the same solution, certificate, statistics and warm
    /// start bit for bit: the same year solver (condition estimate on request), starting
    /// prices, pattern memo, rents (zeros), final demand and residuals as the problem's
    /// evaluation, and the same outcome code (`clearedYear`).
    ///
    /// Tried only where z = 0 is where the clearing starts (no warm start, or one with no rent,
    /// quota rent or unserved share) and nothing is closed (no zero capacity, no ban: every
    /// market, which has a route by construction, stays open).
    ///
    /// - Returns: the cleared year when z = 0 solves it; otherwise nil and the evaluation made,
    ///   which the solver starts from (`ComplementaritySolver.solve(_:from:first:)`,
    ///   `MatrixFreeNewton.solve(_:from:predicted:acceptBelow:first:record:)`), so that it is
    ///   not made again: a year that binds pays nothing for the try.
    /// - Throws: what `makeProblem` or the problem's first evaluation would throw.
    func plainEquilibrium(
        _ c: Calibration, conditions: YearConditions, demandElasticity: [Double], warmStart: ClearingWarmStart?,
        capacity: [Double?]
    ) throws(SolveError) -> (year: ClearedYear?, first: PlainEvaluation?) {
        if let w = warmStart, !w.scaledRents.isEmpty || !w.quotaRents.isEmpty || !w.unservedShares.isEmpty {
            return (nil, nil)
        }
        if capacity.contains(where: { $0 == 0 }) || conditions.routeQuotas.values.contains(0) { return (nil, nil) }
        let evaluation = try evaluatePlain(
            c, conditions: conditions, demandElasticity: demandElasticity, warmStart: warmStart, capacity: capacity)
        guard evaluation.naturalResidual <= settings.solver.tolerance else { return (nil, evaluation) }

        var inner = solver
        inner.triangularConditionOnRequest = true
        let sol = try inner.estimatingCondition(evaluation.solution, priced: evaluation.priced)
        let u = evaluation.unknowns
        var stats = ClearingStatistics()
        stats.status = .solved
        stats.evaluations = 1
        stats.naturalResidual = evaluation.naturalResidual
        return (
            clearedYear(
                c, conditions: conditions, demandElasticity: demandElasticity, capacity: capacity, unknowns: u,
                closure: nil, z: [Double](repeating: 0, count: u.count), composite: evaluation.composite,
                demand: evaluation.demand, solution: sol, mu: evaluation.scarcityRent, statistics: stats,
                pricePattern: evaluation.pricePattern),
            nil
        )
    }

    /// The year at z = 0 as `YearClearingProblem.evaluate` computes it (with nothing closed,
    /// so the problem's conditions are the year's own): prices at zero rents from the warm
    /// start's prices, P̄ per market, final demand `D_ref (P̄/P̄₀)^ε` on the demand unknowns'
    /// markets (the evaluation's `(1 − 0) · 1 · D_ref · r^ε`, the factors 1 exact), quantities,
    /// and `F(0)`.
    func evaluatePlain(
        _ c: Calibration, conditions: YearConditions, demandElasticity: [Double], warmStart: ClearingWarmStart?,
        capacity: [Double?]
    ) throws(SolveError) -> PlainEvaluation {
        let u = try unknowns(
            c, conditions: conditions, demandElasticity: demandElasticity, capacity: capacity, closure: nil)
        var inner = solver
        inner.triangularConditionOnRequest = true
        let memo = PatternMemo(warmStart?.pricePattern)
        let mu = [Double](repeating: 0, count: c.dimension)
        let priced = try inner.solvePrices(
            c, conditions: conditions, inputs: YearSolver.PricingInputs(c, conditions: conditions), scarcityRent: mu,
            routeRent: [Double](repeating: 0, count: c.routes.count),
            startingPrices: Self.startingPrices(c, warmStart: warmStart), memo: memo)
        let composite = c.marketCompositePrices(prices: priced.prices, shares: priced.shares, markup: priced.deliveredMarkup)
        var finalDemand = c.network.nodeTable(repeating: 0.0)
        var demand = [Double](repeating: 0, count: c.markets.count)
        for (a, m) in u.demandMarkets.enumerated() {
            let market = c.markets[m]
            let epsilon = demandElasticity[market.product.rawValue]
            let d = u.reference[a] * YearClearingProblem.response(composite[m] / u.base[a], epsilon)
            demand[m] = d
            finalDemand[market.importer, market.product] = d
        }
        let solution = try inner.solveQuantities(priced, finalDemand: finalDemand, secondarySupply: conditions.secondarySupply)
        // F(0) and its natural residual at the lower bound 0, `|0 − mid(0, −F, u)|`.
        var f = [Double](repeating: 0, count: u.count)
        for (a, j) in u.capacityNodes.enumerated() { f[a] = (u.capacity[a] - solution.output[j]) / u.capacity[a] }
        for (b, k) in u.quotaRoutes.enumerated() { f[u.quotaOffset + b] = (u.quota[b] - solution.flows[k]) / u.quota[b] }
        for (a, m) in u.demandMarkets.enumerated() { f[u.marketOffset + a] = (u.choke[a] - composite[m]) / u.choke[a] }
        var natural = 0.0
        for (i, fi) in f.enumerated() {
            let upper = i < u.marketOffset ? Double.infinity : 1
            natural = Swift.max(natural, FischerBurmeister.naturalResidual(z: 0, f: fi, lower: 0, upper: upper))
        }
        return PlainEvaluation(
            unknowns: u, scarcityRent: mu, priced: priced, solution: solution, composite: composite, demand: demand,
            finalDemand: finalDemand, residual: f, naturalResidual: natural, pricePattern: memo.structure)
    }
}

extension PlainEvaluation {
    /// This evaluation as the first of `problem` (built with nothing closed, z = 0 at the
    /// start and `pricePattern` as its memo's pattern): the point `evaluate(0)` would return,
    /// with the problem left as that evaluation leaves it (one evaluation counted, its prices
    /// the next fixed point's start).
    func startingEvaluation(of problem: inout YearClearingProblem) -> (residual: [Double], point: YearClearingProblem.Point) {
        let used = YearSolver.netDemand(finalDemand, solution.secondaryUsed)
        let use = priced.system.marketUse(output: solution.output, demand: used)
        problem.lastPrices = priced.prices
        problem.evaluationCount += 1
        let point = YearClearingProblem.Point(
            priced: priced, solution: solution, composite: composite, demand: demand, use: use,
            serial: problem.evaluationCount, z: [Double](repeating: 0, count: residual.count))
        return (residual, point)
    }
}
