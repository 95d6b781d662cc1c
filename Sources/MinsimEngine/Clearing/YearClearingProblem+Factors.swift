import LinearAlgebra

// What the Jacobian of `YearClearingProblem` builds once per evaluated point.
extension YearClearingProblem {
    /// The markets each node supplies over a live route (`liveStart` per market, `liveSupplier`
    /// per live route), in market order, as compressed rows: node j's are
    /// `markets[start[j]..<start[j + 1]]`.
    static func marketsBySupplier(liveStart: [Int], liveSupplier: [Int], n: Int) -> (start: [Int], markets: [Int]) {
        var count = [Int](repeating: 0, count: n + 1)
        var last = [Int](repeating: -1, count: n)
        for m in 0..<(liveStart.count - 1) {
            for p in liveStart[m]..<liveStart[m + 1] where last[liveSupplier[p]] != m {
                last[liveSupplier[p]] = m
                count[liveSupplier[p] + 1] += 1
            }
        }
        for j in 0..<n { count[j + 1] += count[j] }
        var next = count, markets = [Int](repeating: 0, count: count[n])
        for j in 0..<n { last[j] = -1 }
        for m in 0..<(liveStart.count - 1) {
            for p in liveStart[m]..<liveStart[m + 1] where last[liveSupplier[p]] != m {
                let j = liveSupplier[p]
                last[j] = m
                markets[next[j]] = m
                next[j] += 1
            }
        }
        return (count, markets)
    }

    /// The per-route factors `S_k (1 − σ (1 − P̄/c_k))` of G, and the factorizations of
    /// `I − Gᵀ` (price responses) and `I − A` (quantity responses) at `point`: made at the
    /// first request of columns there and reused for every later one.
    mutating func factorizations(at point: Point) throws(SolveError) -> JacobianFactors {
        if let f = factors, f.serial == point.serial { return f }
        let c = calibration
        let priced = point.priced
        let shares = priced.shares, prices = priced.prices, markup = priced.deliveredMarkup
        var gFactor = [Double](repeating: 0, count: c.routes.count)
        let productSigma = c.network.products.map(\.elasticity)
        for (m, market) in c.markets.enumerated() {
            let sigma = productSigma[market.product.rawValue]
            for k in market.routes where shares[k] > 0 {
                let ck = prices[c.supplierIndex[k]] * (1 + markup[k])
                gFactor[k] = shares[k] * (1 - sigma * (1 - point.composite[m] / ck))
            }
        }
        let factorizer = LeontiefFactorizer(choice: solver.options.linearSolver)
        // G and A have the pattern of the live routes (g_k ≠ 0 where S_k > 0), which rarely
        // changes within a year: its analysis is kept in `structure` and redone only when the
        // pattern differs.
        let g = try factorizer.factor(
            LeontiefSystem(calibration: c, shares: gFactor, tariffs: markup), withTariffs: true,
            estimateCondition: false, reusing: &structure)
        let aSystem = LeontiefSystem(calibration: c, shares: shares, tariffs: [Double](repeating: 0, count: c.routes.count))
        let a = try factorizer.factor(aSystem, withTariffs: false, estimateCondition: false, reusing: &structure)
        let made = JacobianFactors(serial: point.serial, gFactor: gFactor, g: g, a: a, live: liveRoutes(at: point, gFactor))
        factors = made
        return made
    }

    /// The live routes of `point` (see `LiveRoutes`).
    func liveRoutes(at point: Point, _ gFactor: [Double]) -> LiveRoutes {
        let c = calibration
        let shares = point.priced.shares, prices = point.priced.prices, markup = point.priced.deliveredMarkup
        var live = LiveRoutes()
        let routes = c.routes.count
        live.start.reserveCapacity(c.markets.count + 1)
        live.route.reserveCapacity(routes)
        live.supplier.reserveCapacity(routes)
        live.share.reserveCapacity(routes)
        live.g.reserveCapacity(routes)
        live.price.reserveCapacity(routes)
        live.markup.reserveCapacity(routes)
        for market in c.markets {
            for k in market.routes where shares[k] > 0 {
                live.route.append(k)
                live.supplier.append(c.supplierIndex[k])
                live.share.append(shares[k])
                live.g.append(gFactor[k])
                live.price.append(prices[c.supplierIndex[k]])
                live.markup.append(markup[k])
            }
            live.start.append(live.route.count)
        }
        live.position = [Int](repeating: -1, count: c.routes.count)
        for (p, k) in live.route.enumerated() { live.position[k] = p }
        (live.supplierMarketStart, live.supplierMarkets) = Self.marketsBySupplier(
            liveStart: live.start, liveSupplier: live.supplier, n: c.dimension)
        live.demandIndex = [Int](repeating: -1, count: c.markets.count)
        live.demandResponse = [Double](repeating: 0, count: c.markets.count)
        for (a, m) in demandMarkets.enumerated() {
            live.demandIndex[m] = a
            if point.composite[m] > 0 {
                live.demandResponse[m] = elasticity[c.markets[m].product.rawValue] * point.demand[m] / point.composite[m]
            }
        }
        let productSigma = c.network.products.map(\.elasticity)
        live.sigma = c.markets.map { productSigma[$0.product.rawValue] }
        return live
    }
}

/// A first-order prediction of the price fixed point around an evaluated point `z₀`:
/// `P(z) ≈ P(z₀) + Σ_j ∂P/∂z_j (z_j − z₀_j)` over the rent unknowns whose price responses the
/// Jacobian formed there (unserved shares do not move prices).
struct PricePredictor {
    let serial: Int
    let z: [Double]
    let prices: [Double]
    /// The Jacobian's blocks of price responses (N × columns), kept as they were solved.
    var blocks: [Matrix] = []
    /// Per rent unknown j: `∂P/∂z_j` is column `column[j]` of `blocks[block[j]]`; −1 where
    /// its column was not formed.
    var block: [Int], column: [Int]

    init(serial: Int, z: [Double], prices: [Double], unknowns: Int) {
        self.serial = serial
        self.z = z
        self.prices = prices
        block = [Int](repeating: -1, count: unknowns)
        column = [Int](repeating: -1, count: unknowns)
    }
}

extension YearClearingProblem {
    /// Keeps the price responses of rent columns formed at `point` (`dPrice`'s columns, in
    /// the order of `columns`) for `startingPrices(for:)`.
    mutating func recordPriceResponses(at point: Point, columns: [Int], _ dPrice: Matrix) {
        if predictor?.serial != point.serial {
            predictor = PricePredictor(serial: point.serial, z: point.z, prices: point.priced.prices, unknowns: marketOffset)
        }
        guard var p = predictor else { return }
        predictor = nil
        let index = p.blocks.count
        p.blocks.append(dPrice)
        for (t, col) in columns.enumerated() {
            p.block[col] = index
            p.column[col] = t
        }
        predictor = p
    }

    /// Where the price fixed point at `z` starts: the first-order prediction from the last
    /// Jacobian's point when every rent that moved since has its price response there and the
    /// predicted prices are positive; otherwise the last evaluation's prices. The fixed point
    /// converges to the same tolerance from either; the prediction is only closer, so it takes
    /// fewer iterations (a Newton step moves rents by up to a factor of several, which the
    /// last prices do not anticipate).
    func startingPrices(for z: [Double]) -> [Double]? {
        guard let p = predictor else { return lastPrices }
        var prices = p.prices
        let n = prices.count
        let predicted = prices.withUnsafeMutableBufferPointer { out in
            for j in 0..<marketOffset where z[j] != p.z[j] {
                guard p.block[j] >= 0 else { return false }
                let dz = z[j] - p.z[j]
                let base = p.column[j] * n
                p.blocks[p.block[j]].withUnsafeBufferPointer { dP in
                    for i in 0..<n { out[i] += dP[base &+ i] * dz }
                }
            }
            return true
        }
        return predicted && prices.allSatisfy { $0 > 0 && $0.isFinite } ? prices : lastPrices
    }
}
