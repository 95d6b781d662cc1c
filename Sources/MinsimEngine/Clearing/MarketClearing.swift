import Foundation
import LinearAlgebra

/// Clears one year's markets under capacity limits, export quotas and choke prices: the mixed
/// complementarity problem of MODEL.md §5,
/// ```
/// 0 ≤ μ_n        ⊥  K_n − x_n ≥ 0          capacitated node n (scarcity rent μ_n)
/// 0 ≤ κ_e        ⊥  Q_e − F_e ≥ 0          route e under an export quota (quota rent κ_e)
/// 0 ≤ ρ_m ≤ 1    ⊥  B_m − P̄_m             final-demand market m (unserved share ρ_m)
/// ```
/// with `B_m = c_q · P̄_m,0` the choke price: buyers in m pay up to B_m and drop out beyond it.
/// Rents are unbounded, so scarcity raises prices until the uses with the lowest choke prices
/// are shed; unmet demand `ρ_m · D_m` is priced, never allocated by rule.
///
/// Before solving, routes that cannot carry anything are closed: bans (quota 0), routes of
/// nodes with zero capacity (shut, or not built yet), and — repeatedly — routes of nodes that
/// use an input no open route supplies any more. A final-demand market left with no open
/// route is unserved in full (its delivered price is unbounded, above any choke price); this
/// is the equilibrium of a zero-capacity sole supplier, not an error.
///
/// The MCP is solved by `ComplementaritySolver` (projected Levenberg–Marquardt on the
/// Fischer–Burmeister reformulation) in the scaled unknowns of `YearClearingProblem`, warm
/// started from the previous year. The certificate is computed afresh on the final solution.
public struct MarketClearing: Sendable {
    public var settings: MarketClearingSettings
    public var solver: YearSolver
    /// Whether a year whose solution at zero rents and full service clears every market is
    /// returned as it is (`plainEquilibrium`); off, the year goes through the problem and the
    /// solver (the same result bit for bit: the tests compare the two).
    var certifiesPlainYear = true

    public init(settings: MarketClearingSettings = MarketClearingSettings(), solver: YearSolver = YearSolver()) {
        self.settings = settings
        self.solver = solver
    }

    /// - Parameters:
    ///   - demandElasticity: ε per product (≤ 0), in product order.
    ///   - warmStart: where the previous year ended; nil starts from zero rents and full service.
    /// - Precondition: valid settings and conditions (`SimulationSettings.issues(in:)`,
    ///   `YearConditions.issues(in:)` empty); `Simulation` checks them before every year.
    /// - Throws: `SolveError` for a year model that cannot be solved at the
    ///   starting point. A solve that ends without meeting the tolerance is returned, with a
    ///   certificate that says so (`certificate.certified == false`).
    public func solve(
        _ c: Calibration, conditions: YearConditions, demandElasticity: [Double],
        warmStart: ClearingWarmStart? = nil
    ) throws(SolveError) -> ClearedYear {
        let net = c.network
        precondition(demandElasticity.count == net.products.count, "one demand elasticity per product")
        // Bad input, checked before any solve by the caller (`SimulationSettings.issues(in:)`,
        // `YearConditions.issues(in:)`).
        let settingsIssues = SimulationSettings(demandElasticity: demandElasticity, clearing: settings).issues(in: net)
        precondition(settingsIssues.isEmpty, settingsIssues.map { $0.message(in: net) }.joined(separator: "; "))
        let issues = conditions.issues(in: c)
        precondition(issues.isEmpty, issues.map { $0.message(in: net) }.joined(separator: "; "))
        return try solve(checked: c, conditions: conditions, demandElasticity: demandElasticity, warmStart: warmStart)
    }

    /// `solve` for settings and conditions the caller has checked (`Simulation` checks every
    /// year's before solving it): the same year, without checking the conditions again.
    func solve(
        checked c: Calibration, conditions: YearConditions, demandElasticity: [Double],
        warmStart: ClearingWarmStart?
    ) throws(SolveError) -> ClearedYear {
        let capacity = c.activeNodes.map { conditions.capacities[$0] }
        // A year whose plain solution already clears every market is its own equilibrium.
        let plain =
            certifiesPlainYear
            ? try plainEquilibrium(
                c, conditions: conditions, demandElasticity: demandElasticity, warmStart: warmStart, capacity: capacity)
            : (year: nil, first: nil)
        if let year = plain.year { return year }
        var (problem, z0, closure) = try makeProblem(
            c, conditions: conditions, demandElasticity: demandElasticity,
            warmStart: warmStart, capacity: capacity, evaluated: plain.first)
        let solver = ComplementaritySolver(settings: settings.solver)
        var direct = settings.solver
        direct.maxIterations = Swift.min(direct.maxIterations, settings.directIterations)
        direct.maxEvaluations = Swift.min(direct.maxEvaluations, 4 * settings.directIterations)
        direct.lineSearchTrials = Swift.min(direct.lineSearchTrials, settings.directTrials)
        direct.relaxedSteps = settings.directRelaxedSteps
        // Large networks: semismooth Newton on Jacobian–vector products (`MatrixFreeNewton`),
        // elsewhere the Josephy–Newton method; either starts from the evaluation at z = 0 made
        // already, if any.
        var result: ComplementarityResult<YearClearingProblem.Point>
        var products: CarriedProducts? = nil
        var continuationSteps = 0, homotopySteps = 0, shareSolves = 0
        let first = plain.first?.startingEvaluation(of: &problem)
        if MatrixFreeNewton.applies(to: problem) {
            let solved = try Self.solveMatrixFree(&problem, from: z0, warmStart: warmStart, settings: direct, first: first)
            (result, products) = (solved.result, solved.products)
            (homotopySteps, continuationSteps, shareSolves) = solved.stages
        } else {
            result = try ComplementaritySolver(settings: direct).solve(&problem, from: z0, first: first)
        }
        // A Newton system too large for the dense methods stays so on any path of them.
        if result.status != .solved && result.status != .tooLarge && settings.directTrials < 11 {
            let path = try Self.homotopy(&problem, settings: direct, first: result)
            result = path.0
            homotopySteps += path.1
        }
        if result.status != .solved && result.status != .tooLarge {
            let path = try Self.continuation(&problem, solver: solver, first: result)
            result = path.0
            continuationSteps += path.1
        }

        // Results at the final point.
        let point = result.point
        // The condition estimate the evaluations left out, made once on the final solution.
        let sol = try problem.solver.estimatingCondition(point.solution, priced: point.priced)
        var stats = ClearingStatistics()
        stats.status = result.status
        stats.iterations = result.iterations
        stats.evaluations = result.evaluations
        stats.jacobians = result.jacobians
        stats.jacobianColumns = result.jacobianColumns
        stats.naturalResidual = result.naturalResidual
        stats.log = result.log
        stats.continuationSteps = continuationSteps
        stats.homotopySteps = homotopySteps
        stats.shareFinishSolves = shareSolves
        let unknowns = ClearingUnknowns(
            capacityNodes: problem.capacityNodes, capacity: problem.capacity, quotaRoutes: problem.quotaRoutes,
            quota: problem.quota, demandMarkets: problem.demandMarkets, reference: problem.referenceDemand,
            base: problem.baseComposite, choke: problem.choke)
        return clearedYear(
            c, conditions: conditions, demandElasticity: demandElasticity, capacity: capacity, unknowns: unknowns,
            closure: closure, z: result.z, composite: point.composite, demand: point.demand, solution: sol,
            mu: problem.rents(result.z).mu, statistics: stats, pricePattern: problem.patterns.structure,
            products: products)
    }

    /// Demand continuation, the fallback when the direct solve from the warm start fails:
    /// solve the year with every final demand (and the secondary supply) scaled by λ, from
    /// λ = 0 — where nothing binds and zero rents are the solution — up to λ = 1, each solve
    /// warm-started from the last. λ advances by the step that last worked (doubled after a
    /// success, halved after a failure, down to 1/1024), so that each subproblem starts close
    /// to its solution, where Newton's method converges. Deterministic, like the direct solve.
    /// The returned result is that of λ = 1 (solved or not) and the number of λ steps taken.
    static func continuation(
        _ problem: inout YearClearingProblem, solver: ComplementaritySolver,
        first: ComplementarityResult<YearClearingProblem.Point>
    ) throws(SolveError)
        -> (ComplementarityResult<YearClearingProblem.Point>, Int)
    {
        defer { problem.demandScale = 1 }
        let path = try follow(
            from: [Double](repeating: 0, count: problem.lowerBounds.count), first: first, minimumStep: 1.0 / 1024,
            maxEvaluations: 20 * solver.settings.maxEvaluations
        ) { (target: Double, z: [Double]) throws(SolveError) in
            problem.demandScale = target
            return try solver.solve(&problem, from: z)
        }
        guard path.reached else { return (path.last, path.steps) }
        return (path.last.with(status: path.last.status, totals: path.totals), path.steps)
    }

    /// The year's MCP (unknowns, bounds, the year model with closed routes applied), the
    /// warm-started unknowns, and the closure of routes, nodes and markets. `known`: K per
    /// active node when the caller has it already (`solve(checked:…)` needs it too).
    /// `evaluated`: the year at z = 0 evaluated already (`plainEquilibrium`), whose analysed
    /// price pattern the problem's memo then starts from, as the problem's own first evaluation
    /// would have left it.
    func makeProblem(
        _ c: Calibration, conditions: YearConditions, demandElasticity: [Double],
        warmStart: ClearingWarmStart?, capacity known: [Double?]? = nil, evaluated: PlainEvaluation? = nil
    ) throws(SolveError) -> (problem: YearClearingProblem, start: [Double], closure: ClearingClosure) {
        let capacity = known ?? c.activeNodes.map { conditions.capacities[$0] }
        let closure = Self.closure(c, conditions: conditions, capacity: capacity)

        var cond = conditions
        for k in c.routes.indices where closure.closedRoutes[k] { cond.routeQuotas[c.routes[k]] = 0 }
        for (m, market) in c.markets.enumerated() where !closure.marketOpen[m] {
            cond.finalDemand[market.importer, market.product] = 0
        }
        let u = try unknowns(
            c, conditions: conditions, demandElasticity: demandElasticity, capacity: capacity, closure: closure)
        let problem = YearClearingProblem(
            calibration: c, conditions: cond, solver: solver, elasticity: demandElasticity,
            capacityNodes: u.capacityNodes, capacity: u.capacity, quotaRoutes: u.quotaRoutes, quota: u.quota,
            demandMarkets: u.demandMarkets, referenceDemand: u.reference, baseComposite: u.base, choke: u.choke,
            startingPrices: Self.startingPrices(c, warmStart: warmStart),
            pricePattern: evaluated.map(\.pricePattern) ?? warmStart?.pricePattern)
        let z0 = warmStart.map { Self.unknowns($0, of: problem) } ?? [Double](repeating: 0, count: problem.lowerBounds.count)
        return (problem, z0, closure)
    }

    /// The year's unknowns (`ClearingUnknowns`): every capacitated node that can produce
    /// (K > 0), every open route under a positive quota (in route order), every open market
    /// with final demand. `closure`: nil when nothing is closed.
    /// - Throws: `SolveError.nonFinite` for a market with demand and no positive base price.
    func unknowns(
        _ c: Calibration, conditions: YearConditions, demandElasticity: [Double], capacity: [Double?],
        closure: ClearingClosure?
    ) throws(SolveError) -> ClearingUnknowns {
        let n = c.dimension
        var u = ClearingUnknowns()
        // Each list reserved at its exact size (growing them was a tenth of the set-up of a
        // year with nothing binding).
        let capacitated = (0..<n).reduce(0) { $0 + (closure?.unavailable[$1] != true && capacity[$1] ?? 0 > 0 ? 1 : 0) }
        u.capacityNodes.reserveCapacity(capacitated)
        u.capacity.reserveCapacity(capacitated)
        for j in 0..<n where closure?.unavailable[j] != true {
            if let k = capacity[j], k > 0 { u.capacityNodes.append(j); u.capacity.append(k) }
        }
        if !conditions.routeQuotas.isEmpty {
            for (route, q) in conditions.routeQuotas.sorted(by: { $0.key < $1.key }) where q > 0 {
                if let k = c.index(of: route), closure?.closedRoutes[k] != true { u.quotaRoutes.append(k); u.quota.append(q) }
            }
        }
        let baseComposite = c.baseCompositePrices
        let demanded = c.markets.indices.reduce(0) { count, m in
            count
                + (closure?.marketOpen[m] != false && conditions.finalDemand[c.markets[m].importer, c.markets[m].product] > 0
                    ? 1 : 0)
        }
        u.demandMarkets.reserveCapacity(demanded)
        u.reference.reserveCapacity(demanded)
        u.base.reserveCapacity(demanded)
        u.choke.reserveCapacity(demanded)
        for (m, market) in c.markets.enumerated() where closure?.marketOpen[m] != false {
            let d = conditions.finalDemand[market.importer, market.product]
            guard d > 0 else { continue }
            let p0 = baseComposite[market.importer, market.product]
            guard p0 > 0 && p0.isFinite else {
                throw .nonFinite(
                    "the base delivered price of \(c.network.name(of: Node(market.importer, market.product))) is \(p0); a market with final demand needs a positive base price"
                )
            }
            u.demandMarkets.append(m)
            u.reference.append(d)
            u.base.append(p0)
            u.choke.append(settings.chokePriceMultiple(of: market.product) * p0)
        }
        return u
    }

    /// The prices the year's first fixed point starts from: the warm start's, as they are when
    /// its nodes are this year's active nodes, else per node (base prices for new nodes); nil
    /// (base prices) without a warm start.
    static func startingPrices(_ c: Calibration, warmStart: ClearingWarmStart?) -> [Double]? {
        warmStart.flatMap { w in
            if w.priceNodes.isEmpty { return nil }
            if w.priceNodes == c.activeNodes { return w.nodePrices }
            let prices = w.prices
            return c.activeNodes.enumerated().map { prices[$0.element] ?? c.basePrices[$0.offset] }
        }
    }

    /// Routes that cannot carry anything this year, nodes that cannot produce, and markets
    /// left with an open route.
    ///
    /// A route is closed when banned (quota 0) or when its supplier cannot produce; a node
    /// cannot produce when its capacity is 0 or when one of its recipe inputs comes from a
    /// market with no open route. The second rule feeds the first, so both are applied until
    /// nothing changes (at most once per node).
    static func closure(_ c: Calibration, conditions: YearConditions, capacity: [Double?]) -> ClearingClosure {
        var unavailable = capacity.map { $0 == 0 }
        // Without quotas no route is banned: no lookup (a hash of the route) per route.
        let quotas = conditions.routeQuotas
        var closed = c.routes.indices.map { k in
            (!quotas.isEmpty && quotas[c.routes[k]] == 0) || unavailable[c.supplierIndex[k]]
        }
        var open = [Bool](repeating: true, count: c.markets.count)
        var changed = true
        while changed {
            changed = false
            for (m, market) in c.markets.enumerated() { open[m] = market.routes.contains { !closed[$0] } }
            for entry in c.consumption where !open[entry.market] && !unavailable[entry.column] {
                unavailable[entry.column] = true
                changed = true
            }
            if changed {
                for k in c.routes.indices where unavailable[c.supplierIndex[k]] { closed[k] = true }
            }
        }
        return (closed, unavailable, open)
    }
}
