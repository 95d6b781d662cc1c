import LinearAlgebra

extension YearClearingProblem {
    /// What the Jacobian–vector products at one evaluated point share (`product(at:rows:values:into:)`):
    /// the per-route and per-market constants of the product's market loop, made once per point,
    /// and scratch reused by every product there, so that a product allocates only its result.
    ///
    /// Why: at 10,000 nodes GMRES makes 20–150 products per Newton step at one point. Each one
    /// used to allocate and zero-fill two N-vectors, four arrays over the ≈ 50,000 live routes and
    /// the markets, and the seed over all unknowns, and to recompute in its route loop what
    /// depends on the point only — `1/P_s`, `g_k (1 + τ_k + κ_k)`, `σ S_k U_m` — and per seeded
    /// market the demand level `D_ref (P̄/P̄₀)^ε` (a `pow`).
    struct ProductWorkspace {
        /// The point (`Point.serial`) and demand scale the constants below belong to (−1: none yet).
        var serial = -1
        var demandScale = Double.nan
        /// Per live route p (`LiveRoutes` order): `1 / P_s`, `g_k (1 + τ_k + κ_k)`, `−σ_m S_k U_m`.
        var reciprocalPrice: [Double] = [], passThrough: [Double] = [], shareShift: [Double] = []
        /// Per market with a demand unknown: `λ D_ref (P̄_m/P̄₀)^ε`, the demand an unserved share
        /// of 1 removes (NaN until a product seeds the market's unserved share).
        var demandLevel: [Double] = []
        /// The seed over all unknowns: zero except on the rows of the product in progress.
        var seed: [Double] = []
        /// Per live route: the seed of its quota rent (0 unless seeded), and `d log c_k` of the
        /// product in progress.
        var quotaSeed: [Double] = [], dLog: [Double] = []
        /// Per market: whether a seeded quota route is live in it, `Σ S d log c` and `dD_m` of the
        /// product in progress (the last two read only where quota rows exist).
        var quotaMarket: [Bool] = [], meanLog: [Double] = [], dDemand: [Double] = []
        /// `dP` and the quantity right-hand side / `dx`, N × 1 each.
        var dPrice = Matrix(rows: 0, columns: 1), dOutput = Matrix(rows: 0, columns: 1)

        init() {}
    }

    /// Makes `w`'s constants those of `point` (nothing when they already are).
    func prepare(_ w: inout ProductWorkspace, at point: Point, live: LiveRoutes) {
        if w.serial == point.serial && w.demandScale == demandScale { return }
        let routes = live.route.count, markets = calibration.markets.count, n = calibration.dimension
        // Rewritten in place at each new point (every entry below is written): the live routes
        // rarely change in number within a year.
        if w.reciprocalPrice.count != routes {
            w.reciprocalPrice = [Double](repeating: 0, count: routes)
            w.passThrough = w.reciprocalPrice
            w.shareShift = w.reciprocalPrice
        }
        w.reciprocalPrice.withUnsafeMutableBufferPointer { reciprocal in
            w.passThrough.withUnsafeMutableBufferPointer { passThrough in
                w.shareShift.withUnsafeMutableBufferPointer { shift in
                    for m in 0..<markets {
                        let sigmaUse = live.sigma[m] * point.use[m]
                        for p in live.start[m]..<live.start[m + 1] {
                            reciprocal[p] = 1 / live.price[p]
                            passThrough[p] = live.g[p] * (1 + live.markup[p])
                            shift[p] = -sigmaUse * live.share[p]
                        }
                    }
                }
            }
        }
        // The demand levels (a `pow` each) are made at the first product that seeds their market.
        if w.demandLevel.count == markets {
            w.demandLevel.withUnsafeMutableBufferPointer { $0.update(repeating: .nan) }
        } else {
            w.demandLevel = [Double](repeating: .nan, count: markets)
        }
        if w.seed.count != lowerBounds.count { w.seed = [Double](repeating: 0, count: lowerBounds.count) }
        if w.quotaSeed.count != routes { w.quotaSeed = [Double](repeating: 0, count: routes) }
        if w.dLog.count != routes { w.dLog = [Double](repeating: 0, count: routes) }
        if w.quotaMarket.count != markets {
            w.quotaMarket = [Bool](repeating: false, count: markets)
            w.meanLog = [Double](repeating: 0, count: markets)
            w.dDemand = w.meanLog
        }
        if w.dPrice.rows != n {
            w.dPrice = Matrix(rows: n, columns: 1)
            w.dOutput = w.dPrice
        }
        w.serial = point.serial
        w.demandScale = demandScale
    }

    /// `λ D_ref (P̄_m/P̄₀)^ε` of the market of demand unknown `a` at `point`, into `w.demandLevel`.
    func prepareDemandLevel(_ w: inout ProductWorkspace, demandUnknown a: Int, at point: Point) {
        let m = demandMarkets[a]
        guard w.demandLevel[m].isNaN else { return }
        let q = calibration.markets[m].product
        w.demandLevel[m] =
            demandScale * referenceDemand[a] * Self.response(point.composite[m] / baseComposite[a], elasticity[q.rawValue])
    }
}
