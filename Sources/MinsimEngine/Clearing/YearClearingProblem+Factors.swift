import LinearAlgebra

// What the Jacobian of `YearClearingProblem` builds once per evaluated point.
extension YearClearingProblem {
    /// The markets each node supplies over a live route (`liveStart` per market, `liveSupplier`
    /// per live route).
    static func marketsBySupplier(liveStart: [Int], liveSupplier: [Int], n: Int) -> [[Int]] {
        var out = [[Int]](repeating: [], count: n)
        for m in 0..<(liveStart.count - 1) {
            for p in liveStart[m]..<liveStart[m + 1] where out[liveSupplier[p]].last != m { out[liveSupplier[p]].append(m) }
        }
        return out
    }

    /// The per-route factors `S_k (1 − σ (1 − P̄/c_k))` of G, and the factorizations of
    /// `I − Gᵀ` (price responses) and `I − A` (quantity responses) at `point`: made at the
    /// first request of columns there and reused for every later one.
    mutating func factorizations(at point: Point) throws(SolveError)
        -> (gFactor: [Double], g: any LeontiefFactorization, a: any LeontiefFactorization)
    {
        if let f = factors, f.serial == point.serial { return (f.gFactor, f.g, f.a) }
        let c = calibration
        let priced = point.priced
        let shares = priced.shares, prices = priced.prices, markup = priced.deliveredMarkup
        var gFactor = [Double](repeating: 0, count: c.routes.count)
        for (m, market) in c.markets.enumerated() {
            let sigma = c.network.product(market.product).elasticity
            for k in market.routes where shares[k] > 0 {
                let ck = prices[c.supplierIndex[k]] * (1 + markup[k])
                gFactor[k] = shares[k] * (1 - sigma * (1 - point.composite[m] / ck))
            }
        }
        let factorizer = LeontiefFactorizer(choice: solver.options.linearSolver)
        let g = try factorizer.factor(
            LeontiefSystem(calibration: c, shares: gFactor, tariffs: markup), withTariffs: true,
            estimateCondition: false)
        let aSystem = LeontiefSystem(calibration: c, shares: shares, tariffs: [Double](repeating: 0, count: c.routes.count))
        let a = try factorizer.factor(aSystem, withTariffs: false, estimateCondition: false)
        factors = JacobianFactors(serial: point.serial, gFactor: gFactor, g: g, a: a)
        return (gFactor, g, a)
    }
}
