import LinearAlgebra

/// The year's MCP unknowns (MODEL.md §5) and the data of each: the capacitated nodes with a
/// rent unknown (system index, K), the routes with a quota rent unknown (route index, Q), the
/// final-demand markets with an unserved-share unknown (market index, D_ref, P̄₀, B). Made once
/// a year by `MarketClearing.unknowns`, for the problem (`makeProblem`) or for the year that
/// is its own equilibrium (`MarketClearing.plainEquilibrium`).
struct ClearingUnknowns {
    var capacityNodes: [Int] = [], capacity: [Double] = []
    var quotaRoutes: [Int] = [], quota: [Double] = []
    var demandMarkets: [Int] = [], reference: [Double] = [], base: [Double] = [], choke: [Double] = []

    /// Offsets of the quota and market blocks in z (rents first, as in `YearClearingProblem`).
    var quotaOffset: Int { capacityNodes.count }
    var marketOffset: Int { capacityNodes.count + quotaRoutes.count }
    var count: Int { capacityNodes.count + quotaRoutes.count + demandMarkets.count }
}

/// Routes that cannot carry anything, nodes that cannot produce and markets with an open route
/// (`MarketClearing.closure`).
typealias ClearingClosure = (closedRoutes: [Bool], unavailable: [Bool], marketOpen: [Bool])

extension MarketClearing {
    /// The cleared year at its final point: the market outcomes, the certificate of MODEL.md §5
    /// on the final solution, the statistics and the next year's warm start.
    /// - Parameters:
    ///   - z: the final unknowns (`u`'s order); `composite`, `demand`: P̄ and D per market there;
    ///   - solution: the year's solution there, with its condition estimate made;
    ///   - mu: μ per active node; `closure`: nil when nothing is closed (no route, node or market);
    ///   - statistics: the solver's part filled in (status, counts, residual, log);
    ///   - products: the matrix-free solve's products, for the next year's (`ClearingWarmStart`).
    func clearedYear(
        _ c: Calibration, conditions: YearConditions, demandElasticity: [Double], capacity: [Double?],
        unknowns u: ClearingUnknowns, closure: ClearingClosure?, z: [Double], composite: [Double],
        demand: [Double], solution sol: YearSolution, mu: [Double], statistics: ClearingStatistics,
        pricePattern: LeontiefStructure?, products: CarriedProducts? = nil
    ) -> ClearedYear {
        let net = c.network
        let n = c.dimension
        let marketOffset = u.marketOffset, quotaOffset = u.quotaOffset
        var markets: [MarketOutcome] = []
        markets.reserveCapacity(u.demandMarkets.count)
        var desired = net.nodeTable(repeating: 0.0), unmet = net.nodeTable(repeating: 0.0),
            delivered = net.nodeTable(repeating: 0.0)
        var certificate = EquilibriumCertificate(tolerance: settings.tolerance)
        // The largest residual of each kind and the first place it is reached: what
        // `EquilibriumCertificate.record` keeps (a strictly larger value replaces), recorded once
        // per kind after the loop rather than through a key path per market and node.
        var belowChoke = Largest(), aboveChoke = Largest()
        for (a, m) in u.demandMarkets.enumerated() {
            let market = c.markets[m]
            let rho = z[marketOffset + a]
            let pbar = composite[m]
            let choke = u.choke[a], base = u.base[a], reference = u.reference[a]
            let epsilon = demandElasticity[market.product.rawValue]
            let want = reference * YearClearingProblem.response(Swift.min(pbar, choke) / base, epsilon)
            let served = demand[m]
            let short = Swift.max(want - served, 0)
            markets.append(
                MarketOutcome(
                    region: market.importer, product: market.product, referenceDemand: reference,
                    desiredDemand: want, served: served, unmet: short, unservedShare: rho,
                    deliveredPrice: pbar, baseDeliveredPrice: base, chokePrice: choke))
            desired[market.importer, market.product] = want
            unmet[market.importer, market.product] = short
            delivered[market.importer, market.product] = served
            let gap = (choke - pbar) / choke
            belowChoke.consider(Swift.min(rho, Swift.max(gap, 0)), at: a)
            aboveChoke.consider(Swift.min(1 - rho, Swift.max(-gap, 0)), at: a)
        }
        func marketName(_ a: Int) -> String {
            let market = c.markets[u.demandMarkets[a]]
            return net.name(of: Node(market.importer, market.product))
        }
        belowChoke.record("unmet demand below the choke price", into: \.unmetBelowChoke, of: &certificate, name: marketName)
        aboveChoke.record("demand served above the choke price", into: \.servedAboveChoke, of: &certificate, name: marketName)
        // Markets nobody can supply: unserved in full at the choke price. (The markets above
        // come in `c.markets` order, by product and region, so only these need sorting in.)
        let servedCount = markets.count
        if let closure {
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
        var capacityViolation = Largest(), capacityComplementarity = Largest()
        for j in 0..<n {
            guard let k = capacity[j] else { continue }
            let x = sol.output[j]
            if k > 0 {
                let slack = (k - x) / k
                capacityViolation.consider(Swift.max(-slack, 0), at: j)
                capacityComplementarity.consider(Swift.min(mu[j] / c.basePrices[j], Swift.max(slack, 0)), at: j)
            } else {
                let scale = Swift.max(productScale[c.activeNodes[j].product.rawValue], .leastNormalMagnitude)
                capacityViolation.consider(Swift.max(x, 0) / scale, at: j)
            }
        }
        let nodeName = { (j: Int) in net.name(of: c.activeNodes[j]) }
        capacityViolation.record("capacity violation", into: \.capacityViolation, of: &certificate, name: nodeName)
        capacityComplementarity.record(
            "capacity complementarity", into: \.capacityComplementarity, of: &certificate, name: nodeName)
        if !conditions.routeQuotas.isEmpty {
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
                    certificate.record(
                        "quota violation", Swift.max(sol.flows[k], 0) / scale, at: name(), into: \.quotaViolation)
                }
            }
        }
        certificate.yearSolved = sol.status == .solved

        var stats = statistics
        stats.rentUnknowns = u.capacityNodes.count
        stats.quotaUnknowns = u.quotaRoutes.count
        stats.marketUnknowns = u.demandMarkets.count
        var next = ClearingWarmStart()
        for (a, j) in u.capacityNodes.enumerated() where z[a] > 0 {
            stats.bindingNodes.append(c.activeNodes[j])
            next.scaledRents[c.activeNodes[j]] = z[a]
        }
        for (b, k) in u.quotaRoutes.enumerated() where z[quotaOffset + b] > 0 {
            next.quotaRents[c.routes[k]] = z[quotaOffset + b]
        }
        for (a, m) in u.demandMarkets.enumerated() where z[marketOffset + a] > 0 {
            next.unservedShares[Node(c.markets[m].importer, c.markets[m].product)] = z[marketOffset + a]
        }
        for market in markets where market.unservedShare > 0 { stats.sheddingMarkets.append(Node(market.region, market.product)) }
        if let closure {
            for j in 0..<n where closure.unavailable[j] { stats.unavailableNodes.append(c.activeNodes[j]) }
        }
        next.priceNodes = c.activeNodes
        next.nodePrices = sol.prices
        next.pricePattern = pricePattern
        next.products = products

        return ClearedYear(
            solution: sol, scarcityRent: mu, markets: markets, desiredDemand: desired, unmetDemand: unmet,
            servedDemand: delivered, certificate: certificate, statistics: stats, warmStart: next)
    }
}

/// The largest of a sequence of residuals and the first position reaching it, compared as
/// `EquilibriumCertificate.record` compares (only a value strictly above the largest so far,
/// which starts at 0, replaces it), so that one `record` at the end gives the certificate the
/// same value and the same place.
private struct Largest {
    var value = 0.0, position = -1

    mutating func consider(_ v: Double, at i: Int) {
        if v > value { value = v; position = i }
    }

    func record(
        _ name: String, into keyPath: WritableKeyPath<EquilibriumCertificate, Double>,
        of certificate: inout EquilibriumCertificate, name place: (Int) -> String
    ) {
        guard position >= 0 else { return }
        certificate.record(name, value, at: place(position), into: keyPath)
    }
}
