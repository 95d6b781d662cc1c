import LinearAlgebra

// Jacobian–vector products of `YearClearingProblem`: the matrix-free Newton method's only
// access to the Jacobian (`MatrixFreeNewton`).
extension YearClearingProblem {
    /// `J v` at an evaluated point, without forming any column of J: the linearization of
    /// `jacobian(at:rows:columns:)` with the seed `v` in place of a unit vector, so one product
    /// costs what one Jacobian column costs — one solve with `I − Gᵀ`, one pass over the live
    /// routes, one solve with `I − A` — on the point's factorizations (`factorizations(at:)`,
    /// made at the first product there and reused by every later one).
    ///
    /// With `v = (v_μ, v_κ, v_ρ)`:
    /// ```
    /// (I − Gᵀ) dP = Σ_a v_μ,a P₀_j(a) e_j(a) + Σ_e v_κ,e (∂T/∂κ_e)
    /// dP̄_m = Σ_k g_k (1 + τ_k + κ_k) dP_s + Σ_e v_κ,e g_k(e) P_s(e)             (k(e) ∈ m)
    /// d log c_k = dP_s / P_s + v_κ,e / (1 + τ_k + κ_k)                            (k = k(e))
    /// dS_k = −σ S_k (d log c_k − Σ_k' S_k' d log c_k')
    /// dD_m = ε D_m dP̄_m / P̄_m − D_ref (P̄/P̄₀)^ε v_ρ,m
    /// (I − A) dx = Σ_k e_s (dS_k U_m + S_k dD_m)
    /// ```
    /// and the rows as in the Jacobian: `−dx_j / K`, `−(dS_k U_m + S_k dU_m) / Q`,
    /// `−dP̄_m / B_m`. Every term is a column's term times `v_j`, summed in another order, so
    /// `J v` equals the formed Jacobian times v to rounding (`MatrixFreeProductTests`).
    ///
    /// - Returns: `J v` (one entry per unknown) and the price response `dP` (N entries), which
    ///   the Newton method uses to start the next fixed point from `P + t dP`.
    mutating func product(at point: Point, _ v: [Double]) throws(SolveError) -> (jv: [Double], dPrice: [Double]) {
        let c = calibration
        let n = c.dimension
        let unknowns = lowerBounds.count
        precondition(v.count == unknowns, "one seed entry per unknown")
        let factors = try factorizations(at: point)
        let live = factors.live
        let prices = point.priced.prices
        // Price right-hand side: capacity rents at their node, quota rents through the
        // consumption of their route's market.
        var dPrice = Matrix(rows: n, columns: 1)
        var quotaSeed = [Double](repeating: 0, count: live.route.count)
        var rentMoves = false
        dPrice.withUnsafeMutableBufferPointer { r in
            for (a, j) in capacityNodes.enumerated() where v[a] != 0 {
                r[j] += c.basePrices[j] * v[a]
                rentMoves = true
            }
            for (e, k) in quotaRoutes.enumerated() where v[quotaOffset + e] != 0 {
                let weight = v[quotaOffset + e]
                let dPbar = factors.gFactor[k] * prices[c.supplierIndex[k]] * weight
                let m = c.routeMarket[k]
                for entry in c.consumption where entry.market == m { r[entry.column] += entry.coefficient * dPbar }
                if live.position[k] >= 0 { quotaSeed[live.position[k]] = weight }
                rentMoves = true
            }
        }
        if rentMoves { factors.g.solve(&dPrice, transposed: true) }
        // Composite prices, shares, demand and the quantity right-hand side, market by market.
        let markets = c.markets.count
        var dComposite = [Double](repeating: 0, count: markets)
        var dDemand = [Double](repeating: 0, count: markets)
        var dShare = [Double](repeating: 0, count: live.route.count)
        var dOutput = Matrix(rows: n, columns: 1)
        var dLog = [Double](repeating: 0, count: live.route.count)
        dPrice.withUnsafeBufferPointer { dP in
            dOutput.withUnsafeMutableBufferPointer { r in
                for m in 0..<markets {
                    let lo = live.start[m], hi = live.start[m + 1]
                    guard lo < hi else { continue }
                    var total = 0.0, meanLog = 0.0
                    for p in lo..<hi {
                        let dPs = dP[live.supplier[p]]
                        var dl = dPs / live.price[p]
                        total += live.g[p] * (1 + live.markup[p]) * dPs
                        let own = quotaSeed[p]
                        if own != 0 {
                            dl += own / (1 + live.markup[p])
                            total += live.g[p] * live.price[p] * own
                        }
                        dLog[p] = dl
                        meanLog += live.share[p] * dl
                    }
                    dComposite[m] = total
                    var dDm = live.demandResponse[m] * total
                    let a = live.demandIndex[m]
                    if a >= 0, v[marketOffset + a] != 0 {
                        let q = c.markets[m].product
                        dDm -=
                            demandScale * referenceDemand[a]
                            * Self.response(point.composite[m] / baseComposite[a], elasticity[q.rawValue]) * v[marketOffset + a]
                    }
                    dDemand[m] = dDm
                    let sigma = live.sigma[m], u = point.use[m]
                    for p in lo..<hi {
                        let dSp = sigma != 0 ? -sigma * live.share[p] * (dLog[p] - meanLog) : 0
                        dShare[p] = dSp
                        r[live.supplier[p]] += dSp * u + live.share[p] * dDm
                    }
                }
            }
        }
        factors.a.solve(&dOutput, transposed: false)
        let dx = dOutput.column(0)
        var out = [Double](repeating: 0, count: unknowns)
        for (a, j) in capacityNodes.enumerated() { out[a] = -dx[j] / capacity[a] }
        if !quotaRoutes.isEmpty {
            // dU_m = dD_m + Σ b dx over the market's consumers.
            var dUse = dDemand
            for entry in c.consumption { dUse[entry.market] += entry.coefficient * dx[entry.column] }
            let shares = point.priced.shares
            for (e, k) in quotaRoutes.enumerated() {
                let m = c.routeMarket[k]
                let dS = live.position[k] >= 0 ? dShare[live.position[k]] : 0
                out[quotaOffset + e] = -(dS * point.use[m] + shares[k] * dUse[m]) / quota[e]
            }
        }
        for (a, m) in demandMarkets.enumerated() { out[marketOffset + a] = -dComposite[m] / choke[a] }
        return (out, dPrice.column(0))
    }

    /// A cheap estimate of the Jacobian's diagonal at `point`, the matrix-free Newton method's
    /// preconditioner: each capacity rent's own-price effect on its node's output through the
    /// shares and demand of the markets it supplies, without the propagation through the
    /// price and quantity systems (`(I − Gᵀ)⁻¹ ≈ I`, `(I − A)⁻¹ ≈ I`):
    /// ```
    /// J_aa ≈ (P₀_j / K_a) Σ_{k: s(k) = j} [σ S_k (1 − S_k) U_m / P_j − S_k ε D_m g_k (1 + τ_k + κ_k) / P̄_m]
    /// ```
    /// Quota rents get the same for their route's share; unserved shares 0 (prices do not
    /// depend on quantities, so `∂F_m/∂ρ_m = 0` exactly).
    mutating func diagonalEstimate(at point: Point) throws(SolveError) -> [Double] {
        let c = calibration
        let live = try factorizations(at: point).live
        var ownOutput = [Double](repeating: 0, count: c.dimension)
        var ownRoute = [Double](repeating: 0, count: live.route.count)
        for m in 0..<c.markets.count {
            let u = point.use[m], sigma = live.sigma[m], response = live.demandResponse[m]
            for p in live.start[m]..<live.start[m + 1] {
                let s = live.share[p]
                // −dx/dP per unit price change of this supplier, through this route.
                let effect = sigma * s * (1 - s) * u / live.price[p] - s * response * live.g[p] * (1 + live.markup[p])
                ownOutput[live.supplier[p]] += effect
                ownRoute[p] = effect
            }
        }
        var out = [Double](repeating: 0, count: lowerBounds.count)
        for (a, j) in capacityNodes.enumerated() { out[a] = c.basePrices[j] * ownOutput[j] / capacity[a] }
        for (e, k) in quotaRoutes.enumerated() where live.position[k] >= 0 {
            // A quota rent is ad valorem: d log c_k = dκ / (1 + τ + κ), i.e. dP_s = P_s dκ / (1 + τ + κ).
            let p = live.position[k]
            out[quotaOffset + e] = ownRoute[p] * live.price[p] / (1 + live.markup[p]) / quota[e]
        }
        return out
    }
}
