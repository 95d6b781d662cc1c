import Foundation
import LinearAlgebra

/// Solves one year of the model: the price–share fixed point, then quantities and flows.
///
/// ```
/// repeat:  S ← Armington(P, τ, K, f)                       (MODEL.md §4; f = route preferences)
///          P ← solve (I − Ã(S))ᵀ P = v + μ                 (§3)
/// until max |ΔP|/P ≤ tolerance
/// x ← solve (I − A(S)) x = f(S)                            (§2)
/// F[q][s→r] = S · (Σ_p b x + D)
/// ```
/// Each iteration factors `I − Ã` once (dgetrf) and solves with its transpose (dgetrs 'T').
/// Without tariffs `Ã = A`, and the last factorization also gives the quantities (dgetrs 'N');
/// with tariffs `I − A` is a different matrix and is factored once more.
///
/// Productivity is tested on every factorization by solving with a right-hand side of ones
/// alongside the real one: for A ≥ 0, ρ(A) < 1 exactly when `(I − A)⁻¹·1 = Σ Aᵏ·1 ≥ 1`.
///
/// The market clearing's trial points on large networks lie one step from a point whose
/// factors it made already; there the fixed point is solved by Newton's method on those
/// factors (`nearbyNewton`, `P ← P + (I − G₀ᵀ)⁻¹ r(P)`), and productivity is certified by the
/// prices themselves (`productivitySlack`) instead of a factorization.
public struct YearSolver: Sendable {
    public var options: SolverOptions
    /// For the market clearing's many evaluations of one year: the triangular solver's
    /// condition estimate (four substitutions a factorization) is not made in the price
    /// fixed point; the exact `rcond` from the productivity test guards the singularity
    /// threshold, and `estimatingCondition` makes the estimate for the solution reported.
    var triangularConditionOnRequest = false

    public init(options: SolverOptions = SolverOptions()) {
        self.options = options
    }

    /// Solves the year under `conditions`, starting the fixed point from base prices.
    ///
    /// - Parameters:
    ///   - scarcityRent: μ per active node (currency per unit), added to value added; nil = 0.
    ///   - routeRent: quota rent per route as an ad-valorem equivalent (≥ 0), added to the
    ///     tariff in delivered costs but not counted as tariff revenue; nil = 0.
    /// - Precondition: `conditions.issues(in: calibration)` is empty (bad input is checked
    ///   before solving; `Simulation.run` reports it as `SimulationError.invalidInput`).
    /// - Throws: `SolveError` when no usable solution exists.
    /// - Complexity: O(iterations · N³) for dense factorizations.
    public func solve(
        _ calibration: Calibration, conditions: YearConditions,
        scarcityRent: [Double]? = nil, routeRent: [Double]? = nil,
        startingPrices: [Double]? = nil
    ) throws(SolveError) -> YearSolution {
        let priced = try solvePrices(
            calibration, conditions: conditions, scarcityRent: scarcityRent,
            routeRent: routeRent, startingPrices: startingPrices)
        return try solveQuantities(priced, finalDemand: conditions.finalDemand, secondarySupply: conditions.secondarySupply)
    }

    /// The price side of the year (MODEL.md §3–4): the price–share fixed point at the given rents.
    ///
    /// Prices do not depend on quantities in this model (cost push at fixed recipes, shares
    /// weighted by capacity, not by output), so the market clearing evaluates prices first,
    /// derives final demand from them and then solves quantities (`solveQuantities`).
    ///
    /// - Precondition: `conditions.issues(in: calibration)` is empty.
    /// - Throws: `SolveError` for a non-productive or singular system.
    public func solvePrices(
        _ calibration: Calibration, conditions: YearConditions,
        scarcityRent: [Double]? = nil, routeRent: [Double]? = nil,
        startingPrices: [Double]? = nil
    ) throws(SolveError) -> PriceSolution {
        // Bad input is found before solving (`Simulation` and the scenario layer check every
        // year); here it can only be a caller's mistake.
        let issues = conditions.issues(in: calibration)
        precondition(issues.isEmpty, issues.map { $0.message(in: calibration.network) }.joined(separator: "; "))
        return try solvePrices(
            calibration, conditions: conditions, inputs: PricingInputs(calibration, conditions: conditions),
            scarcityRent: scarcityRent, routeRent: routeRent, startingPrices: startingPrices)
    }

    /// What the price side reads from a year's conditions as route vectors, made once for the
    /// many solves at different rents of the market clearing.
    struct PricingInputs {
        /// Statutory tariff τ per route.
        let statutory: [Double]
        /// Closed (quota 0) per route; nil when no route has a quota.
        let closed: [Bool]?
        /// log f per route; nil when no route has a preference factor.
        let logPreference: [Double]?

        /// - Precondition: `conditions.issues(in: c)` is empty; the public entry points
        /// (`solvePrices`, `MarketClearing.solve`) check it, so that a year `Simulation` has
        /// checked already is not checked again for every clearing.
        init(_ c: Calibration, conditions: YearConditions) {
            statutory = c.routeVector(conditions.tariffs)
            closed =
                conditions.routeQuotas.isEmpty
                ? nil
                : c.routeVector(conditions.routeQuotas.mapValues { $0 == 0 ? 1 : 0 }).map { $0 == 1 }
            // Route preferences enter the Armington weights as log f (MODEL.md §4); none = nil,
            // so a year without them computes exactly what it did before they existed.
            logPreference =
                conditions.routePreferences.isEmpty
                ? nil
                : c.routeVector(conditions.routePreferences.mapValues { Foundation.log($0) })
        }
    }

    /// `solvePrices` with the conditions' route vectors made already (`inputs` must be those
    /// of `conditions`).
    func solvePrices(
        _ calibration: Calibration, conditions: YearConditions, inputs: PricingInputs,
        scarcityRent: [Double]?, routeRent: [Double]?, startingPrices: [Double]?, memo: PatternMemo? = nil,
        near: NearbyFactors? = nil
    ) throws(SolveError) -> PriceSolution {
        let c = calibration
        let n = c.dimension
        let statutory = inputs.statutory, closed = inputs.closed, logPreference = inputs.logPreference
        let rent = routeRent ?? [Double](repeating: 0, count: c.routes.count)
        precondition(
            rent.count == c.routes.count, "route rent has \(rent.count) entries, calibration has \(c.routes.count) routes")
        // Delivered costs carry the tariff and any quota rent alike.
        let tau = zip(statutory, rent).map { $0 + $1 }
        var costTarget = c.valueAdded
        if let mu = scarcityRent {
            precondition(mu.count == n, "scarcity rent has \(mu.count) entries, system has \(n) nodes")
            for j in 0..<n { costTarget[j] += mu[j] }
        }

        var stats = SolverStatistics()
        stats.nodes = n
        var prices = startingPrices ?? c.basePrices
        var priceLU: (any LeontiefFactorization)? = nil
        var converged = false
        var refactorNext = false, chordSinceFactor = false
        let shareAt = { (p: [Double]) in
            c.armingtonShares(
                prices: p, tariffs: tau, capacities: conditions.capacities, closed: closed,
                logPreference: logPreference)
        }

        // Near an evaluated solution (the market clearing's trial points): Newton's method with
        // its factors, and no factorization where the result certifies productivity itself
        // (`nearbyNewton`, `productivitySlack`); otherwise the iteration below goes on from
        // the last Newton iterate.
        if let near {
            // On an acyclic network one pass is the fixed point (`PriceSweep`); a pass whose
            // prices are not all finite and positive (a subsidy below −100 %) leaves the
            // iteration below to find out why.
            var swept: (prices: [Double], shares: [Double])? = nil
            if let sweep = near.sweep {
                let pass = sweep.solve(
                    c, costTarget: costTarget, tariffs: tau, capacities: conditions.capacities, closed: closed,
                    logPreference: logPreference)
                if pass.prices.allSatisfy({ $0.isFinite && $0 > 0 }) { swept = pass }
            }
            let newton =
                swept.map { (prices: $0.prices, iterations: 1, change: 0.0, converged: true) }
                ?? nearbyNewton(c, start: prices, factors: near, costTarget: costTarget, shares: shareAt, tariffs: tau)
            prices = newton.prices
            stats.iterations = newton.iterations
            stats.reusedFactorizations = swept == nil ? newton.iterations : 0
            if newton.converged {
                let shares = swept?.shares ?? shareAt(prices)
                let system = LeontiefSystem(calibration: c, shares: shares, tariffs: tau)
                if let slack = productivitySlack(system, prices: prices) {
                    stats.finalRelativeChange = newton.change
                    // No factorization of I − Ã was made: the condition estimate is left to
                    // the solution reported (`estimatingCondition` factors its final system).
                    stats.priceReciprocalCondition = .nan
                    // The residual `v + μ − (I − Ãᵀ)P` from the certificate's slack.
                    stats.priceResidual =
                        Vector.maxNorm(zip(costTarget, slack).map { $0 - $1 })
                        / max(Vector.maxNorm(costTarget), .leastNormalMagnitude)
                    return PriceSolution(
                        calibration: c, prices: prices, shares: shares, statutoryTariffs: statutory, routeRents: rent,
                        costTarget: costTarget, converged: true, statistics: stats, factorization: near.quantity,
                        factoredNearby: true)
                }
            }
        }
        // The iteration limit counts the Newton iterations too.
        let newtonIterations = stats.iterations
        for iteration in 1...max(options.maxIterations - newtonIterations, 1) {
            let system = LeontiefSystem(calibration: c, shares: shareAt(prices), tariffs: tau)
            // After the first iteration the shares move less and less: take one chord step with
            // the previous factors, P ← P + LU⁻ᵀ(v + μ − (I − Ã(S))ᵀP), against the exact
            // current Ã. The fixed point itself iterates, so one step per iteration suffices; a
            // step that stops contracting (a large share move) triggers a fresh factorization.
            let ones = [Double](repeating: 1, count: n)
            var sol: [[Double]]
            if let old = priceLU, !refactorNext {
                var p = prices
                Vector.axpy(
                    1,
                    old.solve(
                        residual(system, x: prices, rhs: costTarget, withTariffs: true, transposed: true),
                        transposed: true), &p)
                sol = [p]
                stats.reusedFactorizations += 1
                chordSinceFactor = true
            } else {
                let lu = try factor(system, withTariffs: true, stats: &stats, deferCondition: true, memo: memo)
                sol = lu.solve([costTarget, ones], transposed: true)
                try checkProductive(test: sol[1], calibration: c, withTariffs: true)
                try recordCondition(of: lu, test: sol[1], stats: &stats)
                priceLU = lu
                refactorNext = false
                chordSinceFactor = false
            }
            let newPrices = sol[0]
            guard newPrices.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw .nonProductive(
                    nodes: zip(c.activeNodes, newPrices).filter { !($0.1.isFinite && $0.1 > 0) }.map(\.0), withTariffs: true)
            }
            var change = 0.0
            for j in 0..<n { change = max(change, abs(newPrices[j] - prices[j]) / newPrices[j]) }
            prices = newPrices
            stats.iterations = newtonIterations + iteration
            // A chord step that does not at least halve the change is not contracting fast
            // enough to be worth the saved factorization.
            if chordSinceFactor && change > 0.5 * stats.finalRelativeChange && change > options.priceTolerance {
                refactorNext = true
            }
            stats.finalRelativeChange = change
            if change <= options.priceTolerance { converged = true; break }
        }
        // Shares consistent with the final prices; within tolerance of those that produced them.
        let shares = shareAt(prices)
        let system = LeontiefSystem(calibration: c, shares: shares, tariffs: tau)
        // Productivity at the final shares, tested once (the chord steps skip it): refine a
        // right-hand side of ones with the factors in hand, or factor afresh if that fails.
        if chordSinceFactor, let lu = priceLU {
            let ones = [Double](repeating: 1, count: n)
            if let test = refine(system, lu: lu, rhs: ones, withTariffs: true, transposed: true, accept: 1e-13) {
                try checkProductive(test: test, calibration: c, withTariffs: true)
            } else {
                let fresh = try factor(system, withTariffs: true, stats: &stats, memo: memo)
                try checkProductive(test: fresh.solve(ones, transposed: true), calibration: c, withTariffs: true)
                priceLU = fresh
            }
        }
        stats.priceResidual =
            Vector.maxNorm(residual(system, x: prices, rhs: costTarget, withTariffs: true, transposed: true))
            / max(Vector.maxNorm(costTarget), .leastNormalMagnitude)
        return PriceSolution(
            calibration: c, prices: prices, shares: shares, statutoryTariffs: statutory, routeRents: rent,
            costTarget: costTarget, converged: converged, statistics: stats, factorization: priceLU)
    }

    /// The quantity side of the year (MODEL.md §2) at the prices and shares of `priced`:
    /// `(I − A) x = S·(D − R)`, flows, and the mass-balance check.
    ///
    /// - Parameters:
    ///   - finalDemand: `D` per market (after any price response and unserved share).
    ///   - secondarySupply: `R` per market; nil = none.
    /// - Throws: `.noAvailableSupplier` when a market that is used has every route closed,
    ///   `.nonProductive` or `.singular` from the quantity system, `.nonFinite` for a demand that
    ///   is not finite and ≥ 0 (the clearing's price response broke down).
    public func solveQuantities(
        _ priced: PriceSolution, finalDemand: NodeTable<Double>,
        secondarySupply: NodeTable<Double>?
    ) throws(SolveError) -> YearSolution {
        let c = priced.calibration
        var stats = priced.statistics
        let system = priced.system
        for r in c.network.regionIndices {
            for q in c.network.productIndices {
                let d = finalDemand[r, q]
                if !(d.isFinite && d >= 0) {
                    throw .nonFinite("final demand for \(c.network.name(of: Node(r, q))) is \(d) after the price response")
                }
            }
        }
        try checkMarketsServed(system, demand: finalDemand, output: nil)

        // Final demand net of secondary material: f = S·(D − R). Where R exceeds a market's
        // use, R is cut to that use and the quantities solved again; cutting R only raises use
        // elsewhere, so each market is cut at most once.
        var secondary = secondarySupply ?? c.network.nodeTable(repeating: 0.0)
        var demand = Self.netDemand(finalDemand, secondary)
        var x: [Double] = []
        var f: [Double] = []
        for _ in 0...c.markets.count {
            f = system.routedDemand(demand)
            x = try solveQuantities(system, f: f, priceLU: priced.factorization, stats: &stats)
            let use = system.marketUse(output: x, demand: demand)
            var cut = false
            for (m, market) in c.markets.enumerated() where use[m] < -1e-12 * max(secondary[market.importer, market.product], 1) {
                secondary[market.importer, market.product] = max(secondary[market.importer, market.product] + use[m], 0)
                cut = true
            }
            if !cut { break }
            demand = Self.netDemand(finalDemand, secondary)
        }
        // A market whose every route is closed may be used by nobody: its consumers must have
        // produced nothing (the clearing closes them too).
        try checkMarketsServed(system, demand: demand, output: x)

        let flows = system.flows(output: x, demand: demand)
        stats.quantityResidual =
            Vector.maxNorm(residual(system, x: x, rhs: f, withTariffs: false, transposed: false))
            / max(Vector.maxNorm(f), .leastNormalMagnitude)
        stats.nonzeros = system.coefficientCount

        let balanced = checkMassBalance(c, output: x, flows: flows, stats: &stats)
        guard [x, priced.prices, flows, priced.shares].allSatisfy({ $0.allSatisfy { $0.isFinite } }) else {
            throw .singular(node: nil, reciprocalCondition: stats.reciprocalCondition)
        }
        let status: SolveStatus = !balanced ? .massBalanceViolated : (priced.converged ? .solved : .iterationLimitReached)
        return YearSolution(
            calibration: c, status: status, statistics: stats, output: x, prices: priced.prices,
            valueAdded: priced.costTarget, shares: priced.shares, tariffs: priced.statutoryTariffs,
            routeRents: priced.routeRents, flows: flows, secondaryUsed: secondary)
    }

    /// `D − R` per market (negative where secondary material exceeds final demand; intermediate
    /// use makes up the difference or the caller cuts R).
    static func netDemand(_ d: NodeTable<Double>, _ r: NodeTable<Double>) -> NodeTable<Double> {
        var out = d
        for ri in 0..<d.regionCount {
            for qi in 0..<d.productCount {
                let (reg, q) = (RegionIndex(ri), ProductIndex(qi))
                if r[reg, q] != 0 { out[reg, q] = d[reg, q] - r[reg, q] }
            }
        }
        return out
    }
}
