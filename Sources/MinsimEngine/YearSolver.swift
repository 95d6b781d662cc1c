import Foundation
import LinearAlgebra

/// Options of the one-year solve.
public struct SolverOptions: Sendable, Equatable {
    /// Give up on the price–share fixed point after this many iterations.
    public var maxIterations: Int = 200
    /// Converged when `max_n |P_k − P_{k−1}| / P_k` falls to this. 1e-12 sits well above the
    /// rounding noise of a solve (≈ N·ε·cond) on the networks here, and far below any
    /// difference a user would read.
    public var priceTolerance: Double = 1e-12
    /// Mass balance per node must close to this fraction of the node's throughput. After one
    /// step of iterative refinement the residual is at rounding level (≈ 1e-15) for any
    /// network with rcond ≫ ε; 1e-9 leaves room for ill-conditioning while still catching any
    /// lost or double-counted flow, which shows up at O(1).
    public var massBalanceTolerance: Double = 1e-9
    /// Systems whose reciprocal condition estimate falls below this are treated as singular:
    /// fewer than one significant digit of the solution could be trusted.
    public var singularityThreshold: Double = 1e-15
    /// The linear solver for `I − A` and `I − Ã`.
    public var linearSolver: LinearSolverChoice = .automatic

    public init() {}
}

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
public struct YearSolver: Sendable {
    public var options: SolverOptions

    public init(options: SolverOptions = SolverOptions()) {
        self.options = options
    }

    /// Solves the year under `conditions`, starting the fixed point from base prices.
    ///
    /// - Parameters:
    ///   - scarcityRent: μ per active node (currency per unit), added to value added; nil = 0.
    ///   - routeRent: quota rent per route as an ad-valorem equivalent (≥ 0), added to the
    ///     tariff in delivered costs but not counted as tariff revenue; nil = 0.
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
    /// - Throws: `SolveError` for invalid conditions, a non-productive or singular system.
    public func solvePrices(
        _ calibration: Calibration, conditions: YearConditions,
        scarcityRent: [Double]? = nil, routeRent: [Double]? = nil,
        startingPrices: [Double]? = nil
    ) throws(SolveError) -> PriceSolution {
        let c = calibration
        let n = c.dimension
        try validate(conditions, calibration: c)
        let statutory = c.routeVector(conditions.tariffs)
        let rent = routeRent ?? [Double](repeating: 0, count: c.routes.count)
        precondition(
            rent.count == c.routes.count, "route rent has \(rent.count) entries, calibration has \(c.routes.count) routes")
        // Delivered costs carry the tariff and any quota rent alike.
        let tau = zip(statutory, rent).map { $0 + $1 }
        let closed: [Bool]? =
            conditions.routeQuotas.isEmpty
            ? nil
            : c.routeVector(conditions.routeQuotas.mapValues { $0 == 0 ? 1 : 0 }).map { $0 == 1 }
        // Route preferences enter the Armington weights as log f (MODEL.md §4); none = nil, so
        // a year without them computes exactly what it did before they existed.
        let logPreference: [Double]? =
            conditions.routePreferences.isEmpty
            ? nil
            : c.routeVector(conditions.routePreferences.mapValues { Foundation.log($0) })
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

        for iteration in 1...max(options.maxIterations, 1) {
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
                let lu = try factor(system, withTariffs: true, stats: &stats, deferCondition: true)
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
            stats.iterations = iteration
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
                let fresh = try factor(system, withTariffs: true, stats: &stats)
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
    ///   `.nonProductive` or `.singular` from the quantity system.
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
                    throw .invalidInput("final demand for \(c.network.name(of: Node(r, q))) is \(d); it must be finite and ≥ 0")
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
        var nnz = 0
        system.forEachCoefficient(withTariffs: false) { _, _, _ in nnz += 1 }
        stats.nonzeros = nnz

        let balanced = checkMassBalance(c, output: x, flows: flows, stats: &stats)
        let all = x + priced.prices + flows + priced.shares
        guard all.allSatisfy({ $0.isFinite }) else {
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

    /// Solves `(I − A) x = f`. The last price factorization is of I − Ã(S_prev): S_prev differs
    /// from S by O(σ · finalRelativeChange), and Ã from A only on tariffed routes. Iterative
    /// refinement against the exact current I − A converges from those factors whenever
    /// ρ((I − Ã)⁻¹(Ã − A)) < 1, which holds for ordinary tariff levels; only when it does not is
    /// I − A factored anew. Productivity of A is re-tested the same way (with τ ≥ 0, Ã ≥ A
    /// already implies it, but negative rates — subsidies — are allowed).
    private func solveQuantities(
        _ system: LeontiefSystem, f: [Double], priceLU: (any LeontiefFactorization)?,
        stats: inout SolverStatistics
    ) throws(SolveError) -> [Double] {
        let c = system.calibration
        let n = c.dimension
        var x: [Double]
        let ones = [Double](repeating: 1, count: n)
        // With every τ ≥ 0, Ã ≥ A, so the productivity of Ã (tested with the price factors)
        // implies that of A; only subsidies (τ < 0) need the separate test.
        let needsTest = system.tariffs.contains { $0 < 0 }
        if let lu = priceLU, let refined = refine(system, lu: lu, rhs: f),
            !needsTest || isProductive(refine(system, lu: lu, rhs: ones))
        {
            x = refined
            stats.reciprocalCondition = stats.priceReciprocalCondition
        } else {
            let lu = try factor(system, withTariffs: false, stats: &stats)
            try checkProductive(test: lu.solve(ones), calibration: c, withTariffs: false)
            guard let refined = refine(system, lu: lu, rhs: f) else {
                throw .singular(node: nil, reciprocalCondition: stats.reciprocalCondition)
            }
            x = refined
        }
        // Clamp rounding-level negatives (the exact solution is ≥ 0: (I − A)⁻¹ ≥ 0 and f ≥ 0).
        let xScale = Vector.maxNorm(x)
        for j in 0..<n where x[j] < 0 && x[j] > -1e-12 * xScale { x[j] = 0 }
        return x
    }

    // MARK: - Steps

    private func validate(_ conditions: YearConditions, calibration c: Calibration) throws(SolveError) {
        let net = c.network
        for (route, t) in conditions.tariffs.sorted(by: { $0.key < $1.key }) where !(t.isFinite && t > -1) {
            throw .invalidInput("tariff on \(net.name(of: route)) is \(t); rates must be finite and greater than −1")
        }
        for (route, q) in conditions.routeQuotas.sorted(by: { $0.key < $1.key }) where !(q.isFinite && q >= 0) {
            throw .invalidInput("quota on \(net.name(of: route)) is \(q); quotas must be finite and ≥ 0")
        }
        for (route, f) in conditions.routePreferences.sorted(by: { $0.key < $1.key }) where !(f.isFinite && f > 0) {
            throw .invalidInput("preference factor on \(net.name(of: route)) is \(f); factors must be finite and > 0")
        }
        for r in net.regionIndices {
            for q in net.productIndices {
                let d = conditions.finalDemand[r, q]
                if !(d.isFinite && d >= 0) {
                    throw .invalidInput("final demand for \(net.name(of: Node(r, q))) is \(d); it must be finite and ≥ 0")
                }
                if let k = conditions.capacities[r, q], !(k.isFinite && k >= 0) {
                    throw .invalidInput("capacity of \(net.name(of: Node(r, q))) is \(k); it must be finite and ≥ 0")
                }
                if d > 0 && c.marketIndex[r, q] < 0 { throw .noSupplier(product: q, region: r) }
                if let sec = conditions.secondarySupply?[r, q], !(sec.isFinite && sec >= 0) {
                    throw .invalidInput("secondary supply of \(net.name(of: Node(r, q))) is \(sec); it must be finite and ≥ 0")
                }
            }
        }
    }

    /// Factors `I − A` or `I − Ã` with the configured solver and records its statistics.
    ///
    /// With `deferCondition` (the price side, which solves `(I − Ã)ᵀ z = 1` for the productivity
    /// test anyway) the dense path skips dgecon and the caller records the exact condition
    /// number from z with `recordCondition`.
    private func factor(
        _ system: LeontiefSystem, withTariffs: Bool, stats: inout SolverStatistics,
        deferCondition: Bool = false
    ) throws(SolveError) -> any LeontiefFactorization {
        let (lu, decision) = try LeontiefFactorizer(choice: options.linearSolver)
            .factorWithDecision(system, withTariffs: withTariffs, estimateCondition: !deferCondition)
        stats.factorizations += 1
        stats.linearSolver = lu.method
        stats.linearSolverReason = decision?.reason ?? "chosen by the user: \(options.linearSolver.rawValue)"
        if deferCondition && Self.deferredOneNorm(lu) != nil { return lu }
        let rcond = lu.reciprocalCondition
        if withTariffs { stats.priceReciprocalCondition = rcond } else { stats.reciprocalCondition = rcond }
        if rcond < options.singularityThreshold {
            throw .singular(node: nil, reciprocalCondition: rcond)
        }
        return lu
    }

    /// Records `rcond(I − Ã) = 1 / (‖I − Ã‖₁ ‖(I − Ã)⁻ᵀ 1‖∞)` for a dense or sparse LU whose
    /// condition estimate was deferred (exact for a productive network, where the inverse is
    /// non-negative), and applies the singularity threshold.
    private func recordCondition(
        of lu: any LeontiefFactorization, test z: [Double],
        stats: inout SolverStatistics
    ) throws(SolveError) {
        guard let norm = Self.deferredOneNorm(lu), lu.reciprocalCondition == 0 else { return }
        let rcond = 1 / max(norm * Vector.maxNorm(z), .leastNormalMagnitude)
        stats.priceReciprocalCondition = rcond
        if rcond < options.singularityThreshold {
            throw .singular(node: nil, reciprocalCondition: rcond)
        }
    }

    /// `‖M‖₁` of a direct factorization that can defer its condition estimate (dense or sparse LU).
    private static func deferredOneNorm(_ lu: any LeontiefFactorization) -> Double? {
        (lu as? DenseLeontiefFactorization)?.oneNorm ?? (lu as? SparseLeontiefFactorization)?.oneNorm
    }

    /// True when a test solution `(I − A)⁻¹·1` exists and is ≥ 1 everywhere (0.5 with margin).
    private func isProductive(_ y: [Double]?) -> Bool {
        guard let y else { return false }
        return y.allSatisfy { $0.isFinite && $0 >= 0.5 }
    }

    /// Throws `.nonProductive` naming nodes where `(I − A)⁻¹·1` (or its transpose) is below 1.
    private func checkProductive(test y: [Double], calibration c: Calibration, withTariffs: Bool) throws(SolveError) {
        // Exact arithmetic gives y ≥ 1 for a productive network; 0.5 leaves a wide margin for rounding.
        guard !isProductive(y) else { return }
        let bad = zip(c.activeNodes, y).filter { !($0.1.isFinite && $0.1 >= 0.5) }.map(\.0)
        if !bad.isEmpty { throw .nonProductive(nodes: bad, withTariffs: withTariffs) }
    }

    /// A market with every route closed (all suppliers banned, shut or unable to produce) may
    /// have no use: no final demand, and — once quantities are known (`output`) — no
    /// intermediate use by a node that produces. Before quantities, intermediate use is judged
    /// by the recipe alone only when `output` is nil and the consumer could produce.
    private func checkMarketsServed(_ system: LeontiefSystem, demand: NodeTable<Double>, output: [Double]?) throws(SolveError) {
        let c = system.calibration
        for (m, market) in c.markets.enumerated() {
            let total = market.routes.reduce(0.0) { $0 + system.shares[$1] }
            guard total == 0 else { continue }
            if demand[market.importer, market.product] > 0 {
                throw .noAvailableSupplier(product: market.product, region: market.importer)
            }
            guard let x = output else { continue }
            if c.consumption.contains(where: { $0.market == m && x[$0.column] > 0 }) {
                throw .noAvailableSupplier(product: market.product, region: market.importer)
            }
        }
    }

    /// Solves `(I − A) x = f` with factors `lu` of (nearly) that matrix, refining
    /// `x ← x + lu⁻¹(f − (I − A)x)` until the residual stops improving or reaches rounding level.
    /// Returns nil when the factors are too far from the matrix for refinement to converge.
    private func refine(
        _ system: LeontiefSystem, lu: any LeontiefFactorization, rhs f: [Double],
        withTariffs: Bool = false, transposed: Bool = false, accept: Double = 1e-6
    ) -> [Double]? {
        var x = lu.solve(f, transposed: transposed)
        let fScale = max(Vector.maxNorm(f), .leastNormalMagnitude)
        var previous = Double.infinity
        for _ in 0..<8 {
            let r = residual(system, x: x, rhs: f, withTariffs: withTariffs, transposed: transposed)
            let norm = Vector.maxNorm(r) / fScale
            guard norm.isFinite else { return nil }
            // 64·ε relative is the rounding level of forming the residual itself; a step that
            // does not at least halve the residual has stagnated there.
            if norm <= 64 * Double.ulpOfOne || norm > 0.5 * previous { return norm < accept ? x : nil }
            previous = norm
            Vector.axpy(1, lu.solve(r, transposed: transposed), &x)
        }
        let r = residual(system, x: x, rhs: f, withTariffs: withTariffs, transposed: transposed)
        return Vector.maxNorm(r) / fScale < accept ? x : nil
    }

    /// `rhs − (I − M)y` (or with the transpose) computed from the sparse coefficients.
    private func residual(_ system: LeontiefSystem, x: [Double], rhs: [Double], withTariffs: Bool, transposed: Bool) -> [Double] {
        let ax = system.multiply(x, withTariffs: withTariffs, transposed: transposed)
        return (0..<x.count).map { rhs[$0] - (x[$0] - ax[$0]) }
    }

    /// Mass balance per node: `x_n = Σ_r F[n→r]`, relative to the node's throughput
    /// `max(x_n, Σ_r F)`, with a floor of 1e-12 of the largest output of the same product so that
    /// nodes with near-zero output are not judged on rounding alone.
    private func checkMassBalance(_ c: Calibration, output x: [Double], flows: [Double], stats: inout SolverStatistics) -> Bool {
        var shipped = [Double](repeating: 0, count: x.count)
        for k in c.routes.indices { shipped[c.supplierIndex[k]] += flows[k] }
        var productScale = [Double](repeating: 0, count: c.network.products.count)
        for (j, node) in c.activeNodes.enumerated() {
            productScale[node.product.rawValue] = max(productScale[node.product.rawValue], x[j], shipped[j])
        }
        var worst = 0.0
        var worstNode: Node? = nil
        for (j, node) in c.activeNodes.enumerated() {
            let scale = max(x[j], shipped[j], 1e-12 * productScale[node.product.rawValue], .leastNormalMagnitude)
            let rel = abs(x[j] - shipped[j]) / scale
            if rel > worst || worstNode == nil { worst = max(rel, worst); worstNode = node }
        }
        stats.massBalanceResidual = worst
        stats.massBalanceTolerance = options.massBalanceTolerance
        stats.worstMassBalanceNode = worstNode
        return worst <= options.massBalanceTolerance
    }
}
