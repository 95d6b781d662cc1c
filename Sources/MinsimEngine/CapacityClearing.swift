import Foundation
import LinearAlgebra

/// Options of the capacity-constrained year (MODEL.md §5).
public struct ClearingOptions: Sendable, Equatable {
    /// Give up after this many rounds of rent updates (status reported, never hidden).
    public var maxRounds: Int = 2000
    /// Complementarity tolerance, relative: `x ≤ K(1 + tol)`; a node with `μ > tol·P` must run
    /// at `x ≥ K(1 − tol)`; demand used must match demand implied by final prices to `tol`.
    /// 1e-8 is far below data precision and well above the rounding of the linear solves.
    public var tolerance: Double = 1e-8
    /// Rationing has settled when no market's rationing factor θ moves by more than this between
    /// passes. 1e-6 of a market's demand is far below data precision (≈ 1e-3 at best); the
    /// capacity and complementarity checks of the final solution still apply `tolerance`.
    public var rationingTolerance: Double = 1e-6
    /// Price ceiling as a multiple of each node's base price. Rents stop at the ceiling; what
    /// the capacity cannot supply there is unmet demand.
    public var priceCeilingMultiple: Double = 10
    public init() {}
}

/// Outcome of the capacity-constrained solve.
public struct ClearingStatistics: Sendable, Equatable {
    public var rounds: Int = 0
    public var converged: Bool = false
    /// `max_n max(x_n/K_n − 1, 0)` over capacitated nodes.
    public var capacityViolation: Double = 0
    /// `max_n min(μ_n/P_n, 1 − x_n/K_n)` over capacitated nodes: 0 at exact complementarity.
    public var complementarityResidual: Double = 0
    /// `max |D_used − D(P)| / D(P)` over final-demand markets.
    public var demandResidual: Double = 0
    /// Nodes whose price reached the ceiling while capacity still bound.
    public var nodesAtCeiling: [Node] = []
}

/// A capacity-constrained year: scarcity rents, demand response and unmet demand.
public struct ClearedYear: Sendable {
    /// The year's solution at the final rents and demand (x ≤ K within tolerance).
    public let solution: YearSolution
    /// μ per active node, currency per unit; 0 where capacity does not bind.
    public let scarcityRent: [Double]
    /// Final demand that responded to price, before rationing, per (region, product).
    public let desiredDemand: NodeTable<Double>
    /// Final demand not supplied even at the price ceiling, per (region, product).
    public let unmetDemand: NodeTable<Double>
    public let statistics: ClearingStatistics
}

/// Solves a year under capacity limits (MODEL.md §5):
/// ```
/// x ≤ K,   μ ≥ 0,   μ · (K − x) = 0                    (complementarity, per capacitated node)
/// (I − Ã)ᵀ P = v + μ                                   (rents raise prices; Armington shifts shares away)
/// D[r][q] = D_ref[r][q] · (P̄[r][q] / P̄₀[r][q])^ε_q     (ε_q ≤ 0; P̄ = delivered composite price)
/// ```
/// Method: a damped, diagonally scaled rent iteration. For a binding node the own-price
/// elasticity of its sales is about `η = σ_q (1 − s̄) + |ε|` (s̄ its sales-weighted market
/// share), so the rent moves the node's price by the factor `(x/K)^(1/η)` each round, clamped at
/// `μ ≥ 0` and at the price ceiling. When a node sits at the ceiling and still exceeds capacity,
/// final demand that depends on it is rationed proportionally: every final-demand market with a
/// positive claim on the node (row n of `(I − A)⁻¹`, one transposed solve) keeps the share
/// `K/x`; the rest is unmet demand. Fixed shares make every unit of a downstream product need
/// its inputs in fixed proportion, so this proportional rule is the Leontief-consistent one.
public struct CapacityClearing: Sendable {
    public var options: ClearingOptions
    public var solver: YearSolver

    public init(options: ClearingOptions = ClearingOptions(), solver: YearSolver = YearSolver()) {
        self.options = options
        self.solver = solver
    }

    /// - Parameters:
    ///   - demandElasticity: ε per product (≤ 0), in `network.products` order.
    /// - Throws: `SolveError` as `YearSolver` does.
    public func solve(_ c: Calibration, conditions: YearConditions,
                      demandElasticity: [Double]) throws(SolveError) -> ClearedYear {
        let net = c.network
        precondition(demandElasticity.count == net.products.count, "one demand elasticity per product")
        guard demandElasticity.allSatisfy({ $0.isFinite && $0 <= 0 }) else {
            throw .invalidInput("demand elasticities must be finite and ≤ 0")
        }
        let n = c.dimension
        let tol = options.tolerance
        let basePF = compositePrices(c, prices: c.basePrices, shares: c.baseShares, tariffs: c.routeVector(c.base.tariffs))
        let ceilingMultiple = options.priceCeilingMultiple
        let ceiling = c.basePrices.map { $0 * ceilingMultiple }
        var capacity = [Double?](repeating: nil, count: n)
        for (j, node) in c.activeNodes.enumerated() { capacity[j] = conditions.capacities[node] }
        // A node with zero capacity (an outage, a closed plant) keeps a vanishing trade weight
        // (1e-12 of its base capacity, or of 1 without one) so that a market it alone serves still
        // has a supplier; its limit stays 0, its rent goes to the ceiling and everything that
        // depends on it is rationed, i.e. reported as unmet demand instead of failing the year.
        // Everything else in the conditions (tariffs, route preferences, secondary supply) reaches
        // every inner solve unchanged through this copy.
        //
        // A new node (`BaseYear.referenceCapacities`) with zero capacity is a plant not built
        // yet: its routes are closed instead, as by a ban, so it produces exactly 0 and takes no
        // rent (x = K = 0 with μ = 0 satisfies complementarity); its markets have the suppliers
        // they had before it was opened.
        var solveConditions = conditions
        var unbuilt = Set<Int>()
        for (j, node) in c.activeNodes.enumerated() where capacity[j] == 0 {
            if c.base.referenceCapacities[node] != nil {
                unbuilt.insert(j)
            } else {
                solveConditions.capacities[node] = 1e-12 * max(c.base.capacities[node] ?? 1, 1e-300)
            }
        }
        if !unbuilt.isEmpty {
            for (k, route) in c.routes.enumerated() where unbuilt.contains(c.supplierIndex[k]) {
                solveConditions.routeQuotas[route] = 0
            }
        }
        // Export quotas (MODEL.md §6 shocks): a positive quota binds through a rent per route,
        // an ad-valorem equivalent added to the delivered cost; a zero quota is a ban, which
        // the year solver applies by closing the route.
        var quota = [Double?](repeating: nil, count: c.routes.count)
        for (route, q) in conditions.routeQuotas where q > 0 {
            if let k = c.index(of: route) { quota[k] = q }
        }
        let baseDelivered = c.routes.indices.map { k in
            c.basePrices[c.supplierIndex[k]] * (1 + (c.base.tariffs[c.routes[k]] ?? 0))
        }

        var mu = [Double](repeating: 0, count: n)
        var routeRent = [Double](repeating: 0, count: c.routes.count)
        var nodeStep = Self.AdaptiveStep(count: n)
        var routeStep = Self.AdaptiveStep(count: c.routes.count)
        var desired = conditions.finalDemand
        var prices: [Double]? = nil
        var stats = ClearingStatistics()
        var last: YearSolution? = nil
        let nodeAtCeiling = { (sol: YearSolution, j: Int) in sol.prices[j] >= ceiling[j] * (1 - tol) }
        let routeAtCeiling = { (sol: YearSolution, k: Int) in
            // Route k's delivered price alone (`deliveredPrices` would build the whole array per call).
            sol.prices[c.supplierIndex[k]] * (1 + sol.tariffs[k] + sol.routeRents[k]) >= ceilingMultiple * baseDelivered[k] * (1 - tol)
        }

        // Allocation at the ceiling. A node priced at the ceiling that is still asked for more
        // than its capacity does not ration its buyers at once: it allocates, i.e. the weight of
        // its routes in their markets is scaled by a factor a ∈ (0, 1] (a shadow rent that moves
        // shares but not prices), so buyers that have other suppliers turn to them, as with a
        // rent that could exceed the ceiling:
        //     w[q][s→r] = a_s · φ · K · (P (1 + τ))^(−σ),   a_s < 1 only if P_s = ceiling and x_s = K_s
        // Only the excess that no other supplier can take (a at its floor: a sole supplier, or
        // every alternative at the ceiling too) is rationed, as unmet final demand. Without this,
        // a refinery buying 1 % of its ore from a mine at the ceiling would have its whole output
        // rationed with the mine's main customers (Leontief shares are fixed within a solve).
        var allocation = [Double](repeating: 1, count: n)
        var shadow = [Double](repeating: 1, count: n)     // virtual price / ceiling, ≥ 1
        let allocationFloor = 1e-6   // a weight 10⁶ times smaller: no buyer left to turn away
        let maxShadow = { (sigma: Double) in sigma > 0 ? pow(allocationFloor, -1 / sigma) : 1 }
        // Routes by supplier, built the first time a node allocates (most years never do).
        var routesOf: [[Int]] = []
        let allocatedBy = { (cond: YearConditions, allocation: [Double]) -> YearConditions in
            guard allocation.contains(where: { $0 < 1 }) else { return cond }
            if routesOf.isEmpty {
                routesOf = Array(repeating: [], count: n)
                for k in c.routes.indices { routesOf[c.supplierIndex[k]].append(k) }
            }
            var out = cond
            for j in 0..<n where allocation[j] < 1 {
                for k in routesOf[j] { out.routePreferences[c.routes[k]] = (cond.routePreferences[c.routes[k]] ?? 1) * allocation[j] }
            }
            return out
        }

        // Two alternating phases until the rationing stops changing:
        //  A. rents with the rationing held fixed (prices capped at the ceiling, allocation
        //     beyond it), so that nodes with spare capacity after rationing lose their rents;
        //  B. rationing recomputed from the unrationed solution at those rents, for the nodes and
        //     routes priced at the ceiling that still cannot supply it.
        // Keeping rationing fixed within a phase stops it switching on and off between rounds.
        var rationing = net.nodeTable(repeating: 1.0)
        var rationers: [Node] = []
        var stickyNodes = Set<Int>(), stickyRoutes = Set<Int>()
        var rationingUsed = rationing     // the rationing of the last solve
        var phaseConverged = false
        for _ in 1...200 {
            for _ in 1...max(options.maxRounds, 1) {
                var cond = allocatedBy(solveConditions, allocation)
                cond.finalDemand = Self.scaled(desired, by: rationing)
                rationingUsed = rationing
                let sol = try solver.solve(c, conditions: cond, scarcityRent: mu, routeRent: routeRent, startingPrices: prices)
                last = sol
                prices = sol.prices
                stats.rounds += 1
                phaseConverged = false

                // Demand implied by the new prices, and how far the demand used was from it.
                let pf = compositePrices(c, prices: sol.prices, shares: sol.shares, tariffs: zip(sol.tariffs, sol.routeRents).map { $0 + $1 })
                var demandResidual = 0.0
                for r in net.regionIndices {
                    for q in net.productIndices {
                        let ref = conditions.finalDemand[r, q]
                        guard ref > 0 else { continue }
                        let ratio = basePF[r, q] > 0 ? pf[r, q] / basePF[r, q] : 1
                        let next = ref * pow(ratio, demandElasticity[q.rawValue])
                        demandResidual = max(demandResidual, abs(desired[r, q] - next) / next)
                        desired[r, q] = next
                    }
                }

                // Complementarity of the unrationed solution: a node below the ceiling must fit its
                // capacity; one at the ceiling must too while it can still allocate; one whose
                // allocation is at the floor may exceed it (the excess is rationed afterwards).
                var violation = 0.0, complementarity = 0.0
                for j in 0..<n {
                    guard let k = capacity[j] else { continue }
                    let excess = k > 0 ? sol.output[j] / k - 1 : (sol.output[j] > 0 ? Double.infinity : 0)
                    if !nodeAtCeiling(sol, j) || allocation[j] > allocationFloor * (1 + 1e-9) { violation = max(violation, excess) }
                    complementarity = max(complementarity, min(mu[j] / sol.prices[j], max(-excess, 0)))
                    complementarity = max(complementarity, min(shadow[j] - 1, max(-excess, 0)))
                }
                for k in c.routes.indices {
                    guard let q = quota[k] else { continue }
                    let excess = sol.flows[k] / q - 1
                    if !routeAtCeiling(sol, k) { violation = max(violation, excess) }
                    complementarity = max(complementarity, min(routeRent[k], max(-excess, 0)))
                }
                stats.capacityViolation = max(violation, 0)
                stats.complementarityResidual = complementarity
                stats.demandResidual = demandResidual
                if violation <= tol && complementarity <= tol && demandResidual <= tol {
                    phaseConverged = true
                    break
                }

                // Rent updates, diagonally scaled by each node's own-price elasticity of sales:
                // the price moves by the factor (x/K)^(step/η), η = σ(1 − s̄). The step adapts per
                // node: halved when the excess changes sign (overshoot), grown while it keeps its
                // sign (too timid), so coupled nodes neither oscillate nor crawl.
                let sales = salesShare(c, solution: sol)
                for j in 0..<n {
                    guard let k = capacity[j] else { continue }
                    let ratio = k > 0 ? sol.output[j] / k : (sol.output[j] > 0 ? 1e6 : 0)
                    let step = nodeStep.next(j, excess: ratio - 1, tolerance: tol)
                    let sigma = net.product(c.activeNodes[j].product).elasticity
                    let eta = max(sigma * (1 - sales[j]), 0.25)
                    let factor = ratio > 0 ? pow(ratio, step / eta) : 0.5
                    // The rent moves the node's *virtual* price P·shadow; the part above the
                    // ceiling is kept as the shadow ratio, which moves shares (allocation) but not
                    // the price: a = shadow^(−σ).
                    let virtualPrice = sol.prices[j] * shadow[j]
                    let target = max(virtualPrice * max(factor, 1e-6), sol.prices[j] - mu[j])
                    if target > ceiling[j] {
                        mu[j] = max(0, mu[j] + ceiling[j] - sol.prices[j])
                        shadow[j] = min(target / ceiling[j], maxShadow(sigma))
                    } else {
                        mu[j] = max(0, mu[j] + target - sol.prices[j])
                        shadow[j] = 1
                    }
                    allocation[j] = sigma > 0 ? pow(shadow[j], -sigma) : 1
                }
                for k in c.routes.indices {
                    guard let q = quota[k] else { continue }
                    let tau = sol.tariffs[k]
                    let ratio = sol.flows[k] / q
                    let step = routeStep.next(k, excess: ratio - 1, tolerance: tol)
                    let sigma = net.product(c.routes[k].product).elasticity
                    let eta = max(sigma * (1 - sol.shares[k]), 0.25)
                    let factor = ratio > 0 ? pow(ratio, step / eta) : 0.5
                    let cap = ceilingMultiple * baseDelivered[k] / sol.prices[c.supplierIndex[k]] - 1 - tau
                    routeRent[k] = min(max(0, (1 + tau + routeRent[k]) * max(factor, 1e-6) - 1 - tau), max(cap, 0))
                }
            }
            guard let phaseSolution = last else { break }
            // B. Unrationed output at these rents (the same solution when nothing is rationed).
            var unrationed = phaseSolution
            if rationing.allValuesEqual(to: 1) == false {
                var cond = allocatedBy(solveConditions, allocation)
                cond.finalDemand = desired
                unrationed = try solver.solve(c, conditions: cond, scarcityRent: mu, routeRent: routeRent,
                                              startingPrices: phaseSolution.prices)
            }
            // Rationers stay candidates in later passes even if their price slips below the
            // ceiling once rationing relieves them; otherwise they would drop out and come back.
            let (next, who, ns, rs) = try rationingAtCeiling(
                c, solution: unrationed, desired: desired, capacity: capacity, quota: quota,
                sticky: stickyNodes, stickyRoutes: stickyRoutes,
                atCeilingNode: { nodeAtCeiling(unrationed, $0) }, atCeilingRoute: { routeAtCeiling(unrationed, $0) })
            stickyNodes.formUnion(ns)
            stickyRoutes.formUnion(rs)
            let change = next.maxAbsoluteDifference(from: rationing)
            rationers = who
            if change <= options.rationingTolerance { break }
            rationing = next
        }
        guard var solution = last else { throw .invalidInput("no round was solved") }
        stats.nodesAtCeiling = rationers
        if rationingUsed.maxAbsoluteDifference(from: rationing) > 0 {
            // The rationing moved in the last pass: solve once more with the final rationing.
            var cond = allocatedBy(solveConditions, allocation)
            cond.finalDemand = Self.scaled(desired, by: rationing)
            solution = try solver.solve(c, conditions: cond, scarcityRent: mu, routeRent: routeRent, startingPrices: solution.prices)
        }
        // Convergence is judged on the final, rationed solution: x ≤ K and μ·(K − x) = 0 within
        // the tolerance, and the last rent phase settled (demand consistent with prices). The
        // rationing pattern itself may still move by more than `rationingTolerance` between
        // passes; that is reported through these residuals, not hidden.
        var unmet = net.nodeTable(repeating: 0.0)
        var violation = 0.0, complementarity = 0.0
        for r in net.regionIndices {
            for q in net.productIndices { unmet[r, q] = desired[r, q] * (1 - rationing[r, q]) }
        }
        for j in 0..<n {
            guard let k = capacity[j], k > 0 else { continue }
            let excess = solution.output[j] / k - 1
            violation = max(violation, excess)
            complementarity = max(complementarity, min(mu[j] / solution.prices[j], max(-excess, 0)))
        }
        for k in c.routes.indices {
            guard let q = quota[k] else { continue }
            let excess = solution.flows[k] / q - 1
            violation = max(violation, excess)
            complementarity = max(complementarity, min(routeRent[k], max(-excess, 0)))
        }
        stats.capacityViolation = max(violation, 0)
        stats.complementarityResidual = complementarity
        stats.converged = phaseConverged && violation <= tol && complementarity <= tol
        return ClearedYear(solution: solution, scarcityRent: mu, desiredDemand: desired,
                           unmetDemand: unmet, statistics: stats)
    }

    /// Rationing factors θ per final-demand market for the nodes and routes priced at the
    /// ceiling (or rationing in the previous pass) whose unrationed output still exceeds their
    /// capacity or quota.
    ///
    /// `solution` is unrationed. For each such constraint s, the claim of final-demand market m
    /// on it is `c_sm = ∂(load_s)/∂D_m` (node: `z = (I − A)⁻ᵀ e_n`; route k: `z = (I − A)⁻ᵀ u`,
    /// u the importer's intermediate use of q, plus 1 for the importer's own final demand), one
    /// transposed solve each. Loads are linear in demand, `load_s(θ) = b_s + Σ_m c_sm θ_m D_m`,
    /// so θ is found by iterative proportional fitting: scale the markets behind each overloaded
    /// constraint by the share its capacity allows, repeat until no constraint is overloaded.
    /// θ only decreases, so this converges, and it cuts shared markets no more than jointly needed.
    private func rationingAtCeiling(
        _ c: Calibration, solution sol: YearSolution, desired: NodeTable<Double>,
        capacity: [Double?], quota: [Double?], sticky: Set<Int>, stickyRoutes: Set<Int>,
        atCeilingNode: (Int) -> Bool, atCeilingRoute: (Int) -> Bool
    ) throws(SolveError) -> (NodeTable<Double>, [Node], Set<Int>, Set<Int>) {
        let n = c.dimension
        let tol = options.tolerance
        var theta = c.network.nodeTable(repeating: 1.0)
        var sources: [(u: [Double], direct: Int?, route: Int?, limit: Double, load: Double, node: Node)] = []
        var nodes = Set<Int>(), routes = Set<Int>()
        for j in 0..<n where atCeilingNode(j) || sticky.contains(j) {
            guard let k = capacity[j], sol.output[j] > k * (1 + tol) else { continue }
            var e = [Double](repeating: 0, count: n)
            e[j] = 1
            sources.append((u: e, direct: nil, route: nil, limit: k, load: sol.output[j], node: c.activeNodes[j]))
            nodes.insert(j)
        }
        for k in c.routes.indices where atCeilingRoute(k) || stickyRoutes.contains(k) {
            guard let q = quota[k], sol.flows[k] > q * (1 + tol) else { continue }
            let m = c.marketIndex[c.routes[k].importer, c.routes[k].product]
            var u = [Double](repeating: 0, count: n)
            for entry in c.consumption where entry.market == m { u[entry.column] += entry.coefficient * sol.shares[k] }
            // The route's own share of the importer's final demand is a direct claim (below).
            sources.append((u: u, direct: m, route: k, limit: q, load: sol.flows[k], node: c.routes[k].supplier))
            routes.insert(k)
        }
        guard !sources.isEmpty else { return (theta, [], nodes, routes) }
        let system = LeontiefSystem(calibration: c, shares: sol.shares, tariffs: sol.tariffs)
        let lu = try LeontiefFactorizer(choice: solver.options.linearSolver).factor(system, withTariffs: false)
        // claims[s][m] and the part of each load that no final demand drives (e.g. net of secondary feed).
        var claims: [[Double]] = []
        var fixed: [Double] = []
        for source in sources {
            let z = lu.solve(source.u, transposed: true)
            var row = [Double](repeating: 0, count: c.markets.count)
            var driven = 0.0
            for (mi, market) in c.markets.enumerated() {
                var claim = 0.0
                for kk in market.routes { claim += z[c.supplierIndex[kk]] * sol.shares[kk] }
                if mi == source.direct, let k = source.route { claim += sol.shares[k] }
                row[mi] = claim > 1e-12 ? claim : 0
                driven += row[mi] * desired[market.importer, market.product]
            }
            claims.append(row)
            fixed.append(source.load - driven)
        }
        var marketTheta = [Double](repeating: 1, count: c.markets.count)
        for _ in 0..<500 {
            var worst = 0.0
            for (si, source) in sources.enumerated() {
                var driven = 0.0
                for (mi, market) in c.markets.enumerated() where claims[si][mi] > 0 {
                    driven += claims[si][mi] * marketTheta[mi] * desired[market.importer, market.product]
                }
                let load = fixed[si] + driven
                guard load > source.limit * (1 + tol), driven > 0 else { continue }
                worst = max(worst, load / source.limit - 1)
                // Markets whose load is a negligible part of the constraint's (< 1e-9) are left
                // alone: allocation has already turned them to other suppliers (their weight on
                // this node is at most the allocation floor), and cutting them would ration a
                // buyer for a supplier it no longer depends on.
                let negligible = Self.negligibleLoad(claims[si], marketTheta, desired, c, driven)
                let cut = max(source.limit - fixed[si] - negligible, 0)
                let material = driven - negligible
                guard material > 0 else { continue }
                let factor = cut / material
                for (mi, market) in c.markets.enumerated() where claims[si][mi] > 0
                    && claims[si][mi] * marketTheta[mi] * desired[market.importer, market.product] >= 1e-9 * driven {
                    marketTheta[mi] *= factor
                }
            }
            if worst <= tol { break }
        }
        for (mi, market) in c.markets.enumerated() { theta[market.importer, market.product] = marketTheta[mi] }
        return (theta, sources.map(\.node), nodes, routes)
    }

    /// The part of a constraint's demand-driven load from markets below 1e-9 of it.
    static func negligibleLoad(_ claims: [Double], _ theta: [Double], _ desired: NodeTable<Double>, _ c: Calibration, _ driven: Double) -> Double {
        var small = 0.0
        for (mi, market) in c.markets.enumerated() where claims[mi] > 0 {
            let load = claims[mi] * theta[mi] * desired[market.importer, market.product]
            if load < 1e-9 * driven { small += load }
        }
        return small
    }

    /// `D · θ` per market.
    static func scaled(_ d: NodeTable<Double>, by theta: NodeTable<Double>) -> NodeTable<Double> {
        var out = d
        for r in 0..<d.regionCount {
            for q in 0..<d.productCount {
                let (ri, qi) = (RegionIndex(r), ProductIndex(q))
                out[ri, qi] = d[ri, qi] * theta[ri, qi]
            }
        }
        return out
    }

    /// Per-variable step sizes for the rent iteration ("bold driver"): halve on a sign change of
    /// the excess, grow by 30 % (up to 1) while the sign holds.
    struct AdaptiveStep {
        var step: [Double]
        var sign: [Int]
        init(count: Int) {
            step = [Double](repeating: 0.7, count: count)
            sign = [Int](repeating: 0, count: count)
        }
        mutating func next(_ i: Int, excess: Double, tolerance: Double) -> Double {
            let s = excess > tolerance ? 1 : (excess < -tolerance ? -1 : 0)
            if s != 0 && sign[i] != 0 {
                step[i] = s != sign[i] ? max(step[i] * 0.5, 1e-3) : min(step[i] * 1.3, 1)
            }
            if s != 0 { sign[i] = s }
            return step[i]
        }
    }

    /// Delivered composite price of each market, `P̄[r][q] = Σ_s S[q][s→r] P[(s,q)] (1 + τ[q][s→r])`.
    func compositePrices(_ c: Calibration, prices: [Double], shares: [Double], tariffs: [Double]) -> NodeTable<Double> {
        var pf = c.network.nodeTable(repeating: 0.0)
        for market in c.markets {
            var p = 0.0
            for k in market.routes { p += shares[k] * prices[c.supplierIndex[k]] * (1 + tariffs[k]) }
            pf[market.importer, market.product] = p
        }
        return pf
    }

    /// Each node's sales-weighted share in the markets it serves, `s̄_n = Σ F_k S_k / Σ F_k`.
    func salesShare(_ c: Calibration, solution: YearSolution) -> [Double] {
        var weighted = [Double](repeating: 0, count: c.dimension)
        var total = [Double](repeating: 0, count: c.dimension)
        for k in c.routes.indices {
            let j = c.supplierIndex[k]
            weighted[j] += solution.flows[k] * solution.shares[k]
            total[j] += solution.flows[k]
        }
        return (0..<c.dimension).map { total[$0] > 0 ? weighted[$0] / total[$0] : 1 }
    }
}
