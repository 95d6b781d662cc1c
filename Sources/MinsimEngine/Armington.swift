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
        // Per node, not per route: log K, and log P for the untariffed routes. Where τ = 0,
        // P·(1 + τ) is P exactly, so log P is the same double the route would compute; only
        // tariffed routes take their own log. The result is bit for bit that of one log per route.
        let logK = activeNodes.map { Self.logWeight(capacity: capacities[$0]) }
        let logP = prices.map { Foundation.log($0) }
        var shares = [Double](repeating: 0, count: routes.count)
        var logW = [Double](repeating: 0, count: routes.count)
        prices.withUnsafeBufferPointer { p in
            logP.withUnsafeBufferPointer { lp in
                withShareInputs(prices: p, logPrices: lp, logWeights: logK, tariffs: tariffs) { inputs in
                    shares.withUnsafeMutableBufferPointer { out in
                        logW.withUnsafeMutableBufferPointer { lw in
                            for market in markets {
                                inputs.fill(market, closed: closed, logPreference: logPreference, into: out, scratch: lw)
                            }
                        }
                    }
                }
            }
        }
        return shares
    }

    /// What one market's shares read (`ShareInputs`), over the caller's prices (buffers, so that
    /// the acyclic sweep can write them as it goes): `logPrices` holds log P per node where the
    /// market's suppliers are (the rest is not read), `logWeights` log K per node
    /// (`logWeight(capacity:)`).
    func withShareInputs<R>(
        prices: UnsafeBufferPointer<Double>, logPrices: UnsafeBufferPointer<Double>, logWeights: [Double],
        tariffs: [Double], _ body: (ShareInputs) -> R
    ) -> R {
        supplierIndex.withUnsafeBufferPointer { sup in
            logAffinity.withUnsafeBufferPointer { phi in
                tariffs.withUnsafeBufferPointer { tau in
                    logWeights.withUnsafeBufferPointer { logK in
                        body(
                            ShareInputs(
                                network: network, supplier: sup, logAffinity: phi, tariffs: tau, prices: prices,
                                logPrices: logPrices, logWeights: logK))
                    }
                }
            }
        }
    }

    /// The inputs of one market's Armington shares as unchecked buffers, valid inside
    /// `withShareInputs`: `armingtonShares` fills every market with them, the acyclic price
    /// sweep (`PriceSweep`) each market as soon as its suppliers are priced. One code path, so
    /// that both give the same shares bit for bit at the same prices.
    struct ShareInputs {
        let network: Network
        let supplier: UnsafeBufferPointer<Int>
        let logAffinity: UnsafeBufferPointer<Double>
        let tariffs: UnsafeBufferPointer<Double>
        let prices: UnsafeBufferPointer<Double>
        let logPrices: UnsafeBufferPointer<Double>
        let logWeights: UnsafeBufferPointer<Double>

        /// The shares of `market`'s routes into `out` (a market without any weight — every
        /// route closed or every supplier without capacity — is left at the caller's zeros),
        /// with `scratch` for the log weights (both in `routes` order).
        @inline(__always)
        func fill(
            _ market: MarketRoutes, closed: [Bool]?, logPreference: [Double]?, into out: UnsafeMutableBufferPointer<Double>,
            scratch lw: UnsafeMutableBufferPointer<Double>
        ) {
            let sigma = network.product(market.product).elasticity
            var top = -Double.infinity
            for k in market.routes {
                let s = supplier[k]
                var w: Double
                if closed?[k] == true {
                    w = -Double.infinity
                } else {
                    let logDelivered = tariffs[k] == 0 ? logPrices[s] : Foundation.log(prices[s] * (1 + tariffs[k]))
                    w = logAffinity[k] + logWeights[s] - sigma * logDelivered
                }
                if let logPreference, w > -Double.infinity { w += logPreference[k] }
                lw[k] = w
                top = Swift.max(top, w)
            }
            guard top > -Double.infinity else { return }
            var total = 0.0
            for k in market.routes {
                let w = Foundation.exp(lw[k] - top)
                out[k] = w
                total += w
            }
            for k in market.routes { out[k] /= total }
        }
    }

    /// Tariffs per route from a route table; absent routes are 0.
    ///
    /// Each entry is placed through its market (`marketIndex`, O(1)) and a binary search within
    /// that market's routes, instead of a search over every route: at 100,000 routes the
    /// latter's cache misses made this a sixth of a year's time. Entries for routes that carry
    /// no trade (or name a region or product outside the network) are ignored.
    public func routeVector(_ table: [Route: Double]) -> [Double] {
        var out = [Double](repeating: 0, count: routes.count)
        let regions = 0..<network.regions.count
        for (route, value) in table {
            guard regions.contains(route.importer.rawValue), regions.contains(route.exporter.rawValue),
                (0..<network.products.count).contains(route.product.rawValue),
                let m = marketIndex[route.importer, route.product]
            else { continue }
            // Within a market, routes are sorted by exporter, and so are their suppliers' system
            // positions (system order is by product, then region): search the compact
            // `supplierIndex` rather than the routes themselves.
            guard let target = systemPositions[route.supplier] else { continue }
            let range = markets[m].routes
            var lo = range.lowerBound, hi = range.upperBound
            while lo < hi {
                let mid = (lo + hi) / 2
                if supplierIndex[mid] < target { lo = mid + 1 } else { hi = mid }
            }
            if lo < range.upperBound && supplierIndex[lo] == target { out[lo] = value }
        }
        return out
    }
}
