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
        let net = c.network
        let n = c.dimension
        let capacity = c.activeNodes.map { conditions.capacities[$0] }
        var (problem, z0, closure) = try makeProblem(
            c, conditions: conditions, demandElasticity: demandElasticity,
            warmStart: warmStart, capacity: capacity)
        let capacityNodes = problem.capacityNodes, quotaRoutes = problem.quotaRoutes, demandMarkets = problem.demandMarkets
        let reference = problem.referenceDemand, base = problem.baseComposite, choke = problem.choke
        let solver = ComplementaritySolver(settings: settings.solver)
        var direct = settings.solver
        direct.maxIterations = Swift.min(direct.maxIterations, settings.directIterations)
        direct.maxEvaluations = Swift.min(direct.maxEvaluations, 4 * settings.directIterations)
        direct.lineSearchTrials = Swift.min(direct.lineSearchTrials, settings.directTrials)
        direct.relaxedSteps = settings.directRelaxedSteps
        // Large networks: semismooth Newton on Jacobian–vector products (`MatrixFreeNewton`).
        var result =
            try MatrixFreeNewton.applies(to: problem)
            ? MatrixFreeNewton(settings: direct).solve(&problem, from: z0).result
            : ComplementaritySolver(settings: direct).solve(&problem, from: z0)
        var continuationSteps = 0, homotopySteps = 0
        if result.status != .solved && settings.directTrials < 11 {
            (result, homotopySteps) = try Self.homotopy(&problem, settings: direct, first: result)
        }
        if result.status != .solved {
            (result, continuationSteps) = try Self.continuation(&problem, solver: solver, first: result)
        }

        // Results at the final point.
        let z = result.z
        let point = result.point
        // The condition estimate the evaluations left out, made once on the final solution.
        let sol = try problem.solver.estimatingCondition(point.solution, priced: point.priced)
        let (mu, _) = problem.rents(z)
        var markets: [MarketOutcome] = []
        markets.reserveCapacity(demandMarkets.count)
        var desired = net.nodeTable(repeating: 0.0), unmet = net.nodeTable(repeating: 0.0),
            delivered = net.nodeTable(repeating: 0.0)
        var certificate = EquilibriumCertificate(tolerance: settings.tolerance)
        for (a, m) in demandMarkets.enumerated() {
            let market = c.markets[m]
            let node = Node(market.importer, market.product)
            let rho = z[problem.marketOffset + a]
            let pbar = point.composite[m]
            let epsilon = demandElasticity[market.product.rawValue]
            let want = reference[a] * YearClearingProblem.response(Swift.min(pbar, choke[a]) / base[a], epsilon)
            let served = point.demand[m]
            let short = Swift.max(want - served, 0)
            markets.append(
                MarketOutcome(
                    region: market.importer, product: market.product, referenceDemand: reference[a],
                    desiredDemand: want, served: served, unmet: short, unservedShare: rho,
                    deliveredPrice: pbar, baseDeliveredPrice: base[a], chokePrice: choke[a]))
            desired[node] = want
            unmet[node] = short
            delivered[node] = served
            let gap = (choke[a] - pbar) / choke[a]
            certificate.record(
                "unmet demand below the choke price", Swift.min(rho, Swift.max(gap, 0)), at: net.name(of: node),
                into: \.unmetBelowChoke)
            certificate.record(
                "demand served above the choke price", Swift.min(1 - rho, Swift.max(-gap, 0)), at: net.name(of: node),
                into: \.servedAboveChoke)
        }
        // Markets nobody can supply: unserved in full at the choke price. (The markets above
        // come in `c.markets` order, by product and region, so only these need sorting in.)
        let servedCount = markets.count
        for (m, market) in c.markets.enumerated() where !closure.marketOpen[m] {
            let d = conditions.finalDemand[market.importer, market.product]
            guard d > 0 else { continue }
            let node = Node(market.importer, market.product)
            let p0 = c.baseCompositePrices[market.importer, market.product]
            let multiple = settings.chokePriceMultiple(of: market.product)
            let want = d * YearClearingProblem.response(multiple, demandElasticity[market.product.rawValue])
            markets.append(
                MarketOutcome(
                    region: market.importer, product: market.product, referenceDemand: d,
                    desiredDemand: want, served: 0, unmet: want, unservedShare: 1,
                    deliveredPrice: nil, baseDeliveredPrice: p0, chokePrice: multiple * p0))
            desired[node] = want
            unmet[node] = want
        }
        if markets.count > servedCount { markets.sort { ($0.product, $0.region) < ($1.product, $1.region) } }

        // Capacity and quota conditions on the final solution.
        // The largest output and flow per product, the scale of a zero capacity's or a ban's
        // violation: made only when there is one (a loop over every node or route otherwise).
        var productScale: [Double] = []
        if capacity.contains(where: { $0 == 0 }) {
            productScale = [Double](repeating: 0, count: net.products.count)
            for (j, node) in c.activeNodes.enumerated() {
                productScale[node.product.rawValue] = Swift.max(productScale[node.product.rawValue], sol.output[j])
            }
        }
        for j in 0..<n {
            guard let k = capacity[j] else { continue }
            let node = c.activeNodes[j]
            let x = sol.output[j]
            // Named only where a residual is the largest so far (`record`'s autoclosure).
            let name = { net.name(of: node) }
            if k > 0 {
                let slack = (k - x) / k
                certificate.record("capacity violation", Swift.max(-slack, 0), at: name(), into: \.capacityViolation)
                certificate.record(
                    "capacity complementarity", Swift.min(mu[j] / c.basePrices[j], Swift.max(slack, 0)), at: name(),
                    into: \.capacityComplementarity)
            } else {
                let scale = Swift.max(productScale[node.product.rawValue], .leastNormalMagnitude)
                certificate.record("capacity violation", Swift.max(x, 0) / scale, at: name(), into: \.capacityViolation)
            }
        }
        var flowScale: [Double] = []
        if conditions.routeQuotas.values.contains(0) {
            flowScale = [Double](repeating: 0, count: net.products.count)
            for (k, route) in c.routes.enumerated() {
                flowScale[route.product.rawValue] = Swift.max(flowScale[route.product.rawValue], sol.flows[k])
            }
        }
        for (route, q) in conditions.routeQuotas.sorted(by: { $0.key < $1.key }) {
            guard let k = c.index(of: route) else { continue }
            let name = { net.name(of: route) }
            if q > 0 {
                let slack = (q - sol.flows[k]) / q
                certificate.record("quota violation", Swift.max(-slack, 0), at: name(), into: \.quotaViolation)
                certificate.record(
                    "quota complementarity", Swift.min(sol.routeRents[k], Swift.max(slack, 0)), at: name(),
                    into: \.quotaComplementarity)
            } else {
                let scale = Swift.max(flowScale[route.product.rawValue], .leastNormalMagnitude)
                certificate.record("quota violation", Swift.max(sol.flows[k], 0) / scale, at: name(), into: \.quotaViolation)
            }
        }
        certificate.yearSolved = sol.status == .solved

        var stats = ClearingStatistics()
        stats.status = result.status
        stats.iterations = result.iterations
        stats.evaluations = result.evaluations
        stats.jacobians = result.jacobians
        stats.jacobianColumns = result.jacobianColumns
        stats.rentUnknowns = capacityNodes.count
        stats.quotaUnknowns = quotaRoutes.count
        stats.marketUnknowns = demandMarkets.count
        stats.naturalResidual = result.naturalResidual
        stats.bindingNodes = capacityNodes.enumerated().filter { z[$0.offset] > 0 }.map { c.activeNodes[$0.element] }
        stats.sheddingMarkets = markets.filter { $0.unservedShare > 0 }.map { Node($0.region, $0.product) }
        stats.unavailableNodes = (0..<n).filter { closure.unavailable[$0] }.map { c.activeNodes[$0] }
        stats.log = result.log
        stats.continuationSteps = continuationSteps
        stats.homotopySteps = homotopySteps

        var next = ClearingWarmStart()
        for (a, j) in capacityNodes.enumerated() where z[a] > 0 { next.scaledRents[c.activeNodes[j]] = z[a] }
        for (b, k) in quotaRoutes.enumerated() where z[problem.quotaOffset + b] > 0 {
            next.quotaRents[c.routes[k]] = z[problem.quotaOffset + b]
        }
        for (a, m) in demandMarkets.enumerated() where z[problem.marketOffset + a] > 0 {
            next.unservedShares[Node(c.markets[m].importer, c.markets[m].product)] = z[problem.marketOffset + a]
        }
        next.priceNodes = c.activeNodes
        next.nodePrices = sol.prices
        next.pricePattern = problem.patterns.structure

        return ClearedYear(
            solution: sol, scarcityRent: mu, markets: markets, desiredDemand: desired, unmetDemand: unmet,
            servedDemand: delivered,
            certificate: certificate, statistics: stats, warmStart: next)
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
    func makeProblem(
        _ c: Calibration, conditions: YearConditions, demandElasticity: [Double],
        warmStart: ClearingWarmStart?, capacity known: [Double?]? = nil
    ) throws(SolveError)
        -> (
            problem: YearClearingProblem, start: [Double],
            closure: (closedRoutes: [Bool], unavailable: [Bool], marketOpen: [Bool])
        )
    {
        let net = c.network
        let n = c.dimension
        let capacity = known ?? c.activeNodes.map { conditions.capacities[$0] }
        let closure = Self.closure(c, conditions: conditions, capacity: capacity)

        var cond = conditions
        for k in c.routes.indices where closure.closedRoutes[k] { cond.routeQuotas[c.routes[k]] = 0 }
        for (m, market) in c.markets.enumerated() where !closure.marketOpen[m] {
            cond.finalDemand[market.importer, market.product] = 0
        }

        // Unknowns.
        // Each list reserved at its exact size (growing them was a tenth of the set-up of a
        // year with nothing binding).
        var capacityNodes: [Int] = [], capacityValues: [Double] = []
        let capacitated = (0..<n).reduce(0) { $0 + (!closure.unavailable[$1] && capacity[$1] ?? 0 > 0 ? 1 : 0) }
        capacityNodes.reserveCapacity(capacitated)
        capacityValues.reserveCapacity(capacitated)
        for j in 0..<n where !closure.unavailable[j] {
            if let k = capacity[j], k > 0 { capacityNodes.append(j); capacityValues.append(k) }
        }
        var quotaRoutes: [Int] = [], quotaValues: [Double] = []
        for (route, q) in conditions.routeQuotas.sorted(by: { $0.key < $1.key }) where q > 0 {
            if let k = c.index(of: route), !closure.closedRoutes[k] { quotaRoutes.append(k); quotaValues.append(q) }
        }
        let baseComposite = c.baseCompositePrices
        var demandMarkets: [Int] = [], reference: [Double] = [], base: [Double] = [], choke: [Double] = []
        let demanded = c.markets.indices.reduce(0) { count, m in
            count + (closure.marketOpen[m] && conditions.finalDemand[c.markets[m].importer, c.markets[m].product] > 0 ? 1 : 0)
        }
        demandMarkets.reserveCapacity(demanded)
        reference.reserveCapacity(demanded)
        base.reserveCapacity(demanded)
        choke.reserveCapacity(demanded)
        for (m, market) in c.markets.enumerated() where closure.marketOpen[m] {
            let d = conditions.finalDemand[market.importer, market.product]
            guard d > 0 else { continue }
            let p0 = baseComposite[market.importer, market.product]
            guard p0 > 0 && p0.isFinite else {
                throw .nonFinite(
                    "the base delivered price of \(net.name(of: Node(market.importer, market.product))) is \(p0); a market with final demand needs a positive base price"
                )
            }
            demandMarkets.append(m)
            reference.append(d)
            base.append(p0)
            choke.append(settings.chokePriceMultiple(of: market.product) * p0)
        }

        let startPrices: [Double]? = warmStart.flatMap { w in
            if w.priceNodes.isEmpty { return nil }
            if w.priceNodes == c.activeNodes { return w.nodePrices }
            let prices = w.prices
            return c.activeNodes.enumerated().map { prices[$0.element] ?? c.basePrices[$0.offset] }
        }
        let problem = YearClearingProblem(
            calibration: c, conditions: cond, solver: solver, elasticity: demandElasticity,
            capacityNodes: capacityNodes, capacity: capacityValues, quotaRoutes: quotaRoutes, quota: quotaValues,
            demandMarkets: demandMarkets, referenceDemand: reference, baseComposite: base, choke: choke,
            startingPrices: startPrices, pricePattern: warmStart?.pricePattern)
        var z0 = [Double](repeating: 0, count: problem.lowerBounds.count)
        if let w = warmStart {
            // Only rents and shares above 0 are kept, so a year after one with nothing binding
            // looks nothing up.
            if !w.scaledRents.isEmpty {
                for (a, j) in capacityNodes.enumerated() { z0[a] = w.scaledRents[c.activeNodes[j]] ?? 0 }
            }
            if !w.quotaRents.isEmpty {
                for (b, k) in quotaRoutes.enumerated() { z0[problem.quotaOffset + b] = w.quotaRents[c.routes[k]] ?? 0 }
            }
            if !w.unservedShares.isEmpty {
                for (a, m) in demandMarkets.enumerated() {
                    z0[problem.marketOffset + a] = w.unservedShares[Node(c.markets[m].importer, c.markets[m].product)] ?? 0
                }
            }
        }
        return (problem, z0, closure)
    }

    /// Routes that cannot carry anything this year, nodes that cannot produce, and markets
    /// left with an open route.
    ///
    /// A route is closed when banned (quota 0) or when its supplier cannot produce; a node
    /// cannot produce when its capacity is 0 or when one of its recipe inputs comes from a
    /// market with no open route. The second rule feeds the first, so both are applied until
    /// nothing changes (at most once per node).
    static func closure(_ c: Calibration, conditions: YearConditions, capacity: [Double?])
        -> (closedRoutes: [Bool], unavailable: [Bool], marketOpen: [Bool])
    {
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
