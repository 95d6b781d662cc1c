import Foundation

extension Calibration {
    /// Capacity-weighted Armington shares at producer prices `P` (MODEL.md §4):
    /// ```
    /// w[q][s→r] = f[q][s→r] · φ[q][s→r] · K[(s,q)] · (P[(s,q)] · (1 + τ[q][s→r]))^(−σ_q)
    /// S[q][s→r] = w[q][s→r] / Σ_k w[q][k→r]
    /// ```
    /// f is the year's route preference (`YearConditions.routePreferences`, 1 where absent),
    /// passed as `log f` so that it adds to the log weight like the calibrated `log φ`.
    /// Computed in logs and normalised by the largest weight per market, so no σ or price
    /// range can overflow. A market whose every supplier has zero capacity gets all-zero
    /// shares; the solver reports it when that market is used.
    ///
    /// - Parameters:
    ///   - prices: P per active node (system order), > 0.
    ///   - tariffs: τ per route.
    ///   - capacities: K per node (`nil` = weight 1).
    ///   - closed: routes that may carry nothing this year (an export ban), by route index.
    ///   - logPreference: `log f` per route (route preferences), in `routes` order; nil = 0
    ///     everywhere, which skips the addition so that results are exactly those without it.
    /// - Returns: S per route, in `routes` order.
    public func armingtonShares(
        prices: [Double], tariffs: [Double], capacities: NodeTable<Double?>,
        closed: [Bool]? = nil, logPreference: [Double]? = nil
    ) -> [Double] {
        precondition(
            prices.count == dimension && tariffs.count == routes.count, "price/tariff vectors do not match the calibration")
        precondition(logPreference.map { $0.count == routes.count } ?? true, "preference vector does not match the calibration")
        var shares = [Double](repeating: 0, count: routes.count)
        var logW = [Double](repeating: 0, count: routes.count)
        for market in markets {
            let sigma = network.product(market.product).elasticity
            var top = -Double.infinity
            for k in market.routes {
                let route = routes[k]
                var lw =
                    closed?[k] == true
                    ? -Double.infinity
                    : logAffinity[k] + Self.logWeight(capacity: capacities[route.supplier])
                        - sigma * Foundation.log(prices[supplierIndex[k]] * (1 + tariffs[k]))
                if let logPreference, lw > -Double.infinity { lw += logPreference[k] }
                logW[k] = lw
                top = Swift.max(top, lw)
            }
            guard top > -Double.infinity else { continue }
            var total = 0.0
            for k in market.routes {
                let w = Foundation.exp(logW[k] - top)
                shares[k] = w
                total += w
            }
            for k in market.routes { shares[k] /= total }
        }
        return shares
    }

    /// Tariffs per route from a route table; absent routes are 0.
    public func routeVector(_ table: [Route: Double]) -> [Double] {
        Self.routeVector(table, routes: routes)
    }
}
