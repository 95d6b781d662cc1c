import Foundation

/// The price–share fixed point of an acyclic network solved exactly in one pass, node by node
/// in an order where every supplier of every market a node buys from comes before it:
/// ```
/// for j in order:
///     for each market m that j buys from, not yet done:   (its suppliers are priced)
///         S_k = Armington(P, τ, K, f) over m's routes k    (MODEL.md §4)
///         P̄_m = Σ_k S_k (1 + τ_k) P_s(k)
///     P_j = v_j + μ_j + Σ_m b_mj P̄_m                       (MODEL.md §3: (I − Ã)ᵀ P = v + μ)
/// ```
/// Each price is final when it is computed, because nothing it depends on comes later: the
/// fixed point `P = v + μ + Ã(S(P))ᵀ P` is block-triangular in this order, one node to a block.
///
/// **Why.** The market clearing evaluates the year at many rents. On large networks it solves
/// each evaluation's fixed point by Newton's method on a nearby point's factors
/// (`YearSolver.nearbyNewton`): two to four iterations, each computing every route's share
/// (an `exp` and, for tariffed routes, a `log` per route) and a triangular solve, then the
/// shares once more at the result. On an acyclic network this pass computes every share once
/// and needs no solve. The result is the fixed point to rounding, not to the iteration's
/// tolerance (`SolverOptions.priceTolerance`).
///
/// The order comes from every route of every market a node buys from, whatever its share —
/// a route whose share is 0 at some prices (closed, or its weight underflowing) still orders
/// its supplier first — so it holds for every year condition on this calibration's recipes.
/// Where a node buys from itself through a market or the routes form a loop there is no such
/// order (`init` returns nil) and the caller iterates.
struct PriceSweep: Sendable {
    /// System indices, each after every supplier of every market it buys from.
    let order: [Int]
    /// Per node (system index), `uses[useStart[j] ..< useStart[j + 1]]` are the markets it buys
    /// from with their coefficients b ≠ 0 (`Calibration.consumption` grouped by column).
    let useStart: [Int]
    let useMarket: [Int]
    let useCoefficient: [Double]

    /// The order for `c`'s routes and recipes; nil where the network has a loop (a node among
    /// the suppliers of a market it buys from, directly or through other nodes).
    ///
    /// - Complexity: O(N + Σ over consumption entries of the market's routes).
    init?(_ c: Calibration) {
        let n = c.dimension
        // Uses with a coefficient of 0 add nothing to a price and are left out (the structure
        // below need not order their suppliers first).
        let consumption = c.consumption.filter { $0.coefficient != 0 }
        var start = [Int](repeating: 0, count: n + 1)
        for use in consumption { start[use.column + 1] += 1 }
        for j in 0..<n { start[j + 1] += start[j] }
        var fill = start
        var market = [Int](repeating: 0, count: consumption.count)
        var coefficient = [Double](repeating: 0, count: consumption.count)
        for use in consumption {
            market[fill[use.column]] = use.market
            coefficient[fill[use.column]] = use.coefficient
            fill[use.column] += 1
        }
        // A node among the suppliers of a market it buys from is a loop of its own, which the
        // triangular analysis leaves to the diagonal; other loops it finds. Every route is an
        // edge (shares of 1), whatever its share in a given year.
        for j in 0..<n {
            for u in start[j]..<start[j + 1] where c.markets[market[u]].routes.contains(where: { c.supplierIndex[$0] == j }) {
                return nil
            }
        }
        let structure = LeontiefSystem(
            calibration: c, shares: [Double](repeating: 1, count: c.routes.count),
            tariffs: [Double](repeating: 0, count: c.routes.count))
        guard
            case .acyclic(let levels) = SubstitutionOrder.analyse(
                structure.coefficientMatrix(withTariffs: false), findingLoop: false)
        else { return nil }
        order = levels.order
        useStart = start
        useMarket = market
        useCoefficient = coefficient
    }

    /// Prices and shares at cost target `v + μ` (`costTarget`, per node) and delivered-cost
    /// markups `tariffs` (τ + κ per route), with the shares' other inputs as in
    /// `Calibration.armingtonShares` (whose shares these are, bit for bit, at these prices).
    /// Markets no node buys from (final demand only) get their shares at the end.
    func solve(
        _ c: Calibration, costTarget: [Double], tariffs: [Double], capacities: NodeTable<Double?>, closed: [Bool]?,
        logPreference: [Double]?
    ) -> (prices: [Double], shares: [Double]) {
        let n = c.dimension
        precondition(costTarget.count == n && tariffs.count == c.routes.count, "one cost per node, one markup per route")
        var prices = [Double](repeating: 0, count: n)
        var logP = [Double](repeating: 0, count: n)
        let logK = c.activeNodes.map { Calibration.logWeight(capacity: capacities[$0]) }
        var shares = [Double](repeating: 0, count: c.routes.count)
        var scratch = [Double](repeating: 0, count: c.routes.count)
        var composite = [Double](repeating: 0, count: c.markets.count)
        var done = [Bool](repeating: false, count: c.markets.count)
        prices.withUnsafeMutableBufferPointer { pm in
            logP.withUnsafeMutableBufferPointer { lm in
                c.withShareInputs(
                    prices: UnsafeBufferPointer(pm), logPrices: UnsafeBufferPointer(lm), logWeights: logK, tariffs: tariffs
                ) { inputs in
                    shares.withUnsafeMutableBufferPointer { out in
                        scratch.withUnsafeMutableBufferPointer { lw in
                            // A market's shares and composite `P̄_m = Σ S_k (1 + τ_k) P_s` once its
                            // suppliers are priced.
                            func settle(_ m: Int) {
                                let market = c.markets[m]
                                inputs.fill(market, closed: closed, logPreference: logPreference, into: out, scratch: lw)
                                var p = 0.0
                                for k in market.routes where out[k] != 0 {
                                    p += out[k] * pm[inputs.supplier[k]] * (1 + inputs.tariffs[k])
                                }
                                composite[m] = p
                                done[m] = true
                            }
                            for j in order {
                                var p = costTarget[j]
                                for u in useStart[j]..<useStart[j + 1] {
                                    let m = useMarket[u]
                                    if !done[m] { settle(m) }
                                    p += useCoefficient[u] * composite[m]
                                }
                                pm[j] = p
                                lm[j] = Foundation.log(p)
                            }
                            for m in c.markets.indices where !done[m] { settle(m) }
                        }
                    }
                }
            }
        }
        return (prices, shares)
    }
}
