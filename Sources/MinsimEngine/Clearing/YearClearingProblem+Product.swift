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
    /// This form makes a fresh workspace (`ProductWorkspace`); GMRES's many products at one
    /// point share one (`product(at:rows:values:into:)`).
    ///
    /// - Returns: `J v` (one entry per unknown) and the price response `dP` (N entries), which
    ///   the Newton method uses to start the next fixed point from `P + t dP`.
    mutating func product(at point: Point, _ v: [Double]) throws(SolveError) -> (jv: [Double], dPrice: [Double]) {
        precondition(v.count == lowerBounds.count, "one seed entry per unknown")
        let rows = v.indices.filter { v[$0] != 0 }
        var w = ProductWorkspace()
        let jv = try product(at: point, rows: rows, values: rows.map { v[$0] }, into: &w)
        return (jv, w.dPrice.column(0))
    }

    /// `J v` for the seed with `values` on the unknowns `rows` (distinct), with the problem's
    /// own workspace (`productWorkspace`): every product of the matrix-free Newton method, so
    /// that the point's constants are made once for all of its GMRES solves, hybrid-step solves
    /// and the line search's price response (`productPriceResponse`), not once for each
    /// (≈ 0.7 product apiece, docs/performance.md, "Per-point work of the matrix-free path").
    mutating func product(at point: Point, rows: [Int], values: [Double]) throws(SolveError) -> [Double] {
        var w = ProductWorkspace()
        swap(&w, &productWorkspace)
        defer { swap(&w, &productWorkspace) }
        return try product(at: point, rows: rows, values: values, into: &w)
    }

    /// `dP` of the last `product(at:rows:values:)`.
    var productPriceResponse: [Double] { productWorkspace.dPrice.column(0) }

    /// `J v` for the seed `v` with `values` on the unknowns `rows` (distinct) and 0 elsewhere,
    /// with the constants and scratch of `w` (`ProductWorkspace`, made for the point at its first
    /// product there): the equations of `product(at:_:)`, with no allocation but the result's.
    /// `dP` is left in `w.dPrice`.
    ///
    /// - Complexity: one solve with each factorization and O(live routes + markets + rows).
    mutating func product(
        at point: Point, rows: [Int], values: [Double], into w: inout ProductWorkspace
    ) throws(SolveError) -> [Double] {
        precondition(rows.count == values.count, "one value per seeded row")
        let c = calibration
        let factors = try factorizations(at: point)
        let live = factors.live
        prepare(&w, at: point, live: live)
        let prices = point.priced.prices
        // The seed over all unknowns and the seeded quota routes (cleared again at the end).
        var rentMoves = false, quotaSeeded = false
        for (t, i) in rows.enumerated() where values[t] != 0 {
            w.seed[i] = values[t]
            if i >= marketOffset { prepareDemandLevel(&w, demandUnknown: i - marketOffset, at: point) }
            guard i < marketOffset else { continue }
            rentMoves = true
            guard i >= quotaOffset else { continue }
            let k = quotaRoutes[i - quotaOffset]
            if live.position[k] >= 0 {
                w.quotaSeed[live.position[k]] = values[t]
                w.quotaMarket[c.routeMarket[k]] = true
                quotaSeeded = true
            }
        }
        // Price right-hand side: capacity rents at their node, quota rents through the
        // consumption of their route's market.
        w.dPrice.withUnsafeMutableBufferPointer { r in
            r.update(repeating: 0)
            for (t, i) in rows.enumerated() where values[t] != 0 && i < marketOffset {
                if i < quotaOffset {
                    let j = capacityNodes[i]
                    r[j] += c.basePrices[j] * values[t]
                } else {
                    let k = quotaRoutes[i - quotaOffset]
                    let dPbar = factors.gFactor[k] * prices[c.supplierIndex[k]] * values[t]
                    let m = c.routeMarket[k]
                    for entry in c.consumption where entry.market == m { r[entry.column] += entry.coefficient * dPbar }
                }
            }
        }
        if rentMoves { factors.g.solve(&w.dPrice, transposed: true) }
        var out = [Double](repeating: 0, count: lowerBounds.count)
        // The market loop's outputs, moved out of the workspace (not copied) and back.
        var dOutput = Matrix(rows: 0, columns: 1), dLog: [Double] = [], meanLog: [Double] = [], dDemand: [Double] = []
        swap(&dOutput, &w.dOutput)
        swap(&dLog, &w.dLog)
        swap(&meanLog, &w.meanLog)
        swap(&dDemand, &w.dDemand)
        defer {
            swap(&dOutput, &w.dOutput)
            swap(&dLog, &w.dLog)
            swap(&meanLog, &w.meanLog)
            swap(&dDemand, &w.dDemand)
        }
        marketLoop(live: live, w, rhs: &dOutput, dLog: &dLog, meanLog: &meanLog, dDemand: &dDemand, out: &out)
        factors.a.solve(&dOutput, transposed: false)
        dOutput.withUnsafeBufferPointer { dx in
            for (a, j) in capacityNodes.enumerated() { out[a] = -dx[j] / capacity[a] }
            guard !quotaRoutes.isEmpty else { return }
            // dU_m = dD_m + Σ b dx over the market's consumers.
            var dUse = dDemand
            for entry in c.consumption { dUse[entry.market] += entry.coefficient * dx[entry.column] }
            let shares = point.priced.shares
            for (e, k) in quotaRoutes.enumerated() {
                let m = c.routeMarket[k], p = live.position[k], sigma = live.sigma[m]
                let dS = p >= 0 && sigma != 0 ? -sigma * live.share[p] * (dLog[p] - meanLog[m]) : 0
                out[quotaOffset + e] = -(dS * point.use[m] + shares[k] * dUse[m]) / quota[e]
            }
        }
        // Leave the seed and the quota marks zero for the next product.
        for (t, i) in rows.enumerated() where values[t] != 0 {
            w.seed[i] = 0
            guard quotaSeeded, i >= quotaOffset, i < marketOffset else { continue }
            let k = quotaRoutes[i - quotaOffset]
            if live.position[k] >= 0 {
                w.quotaSeed[live.position[k]] = 0
                w.quotaMarket[c.routeMarket[k]] = false
            }
        }
        return out
    }

    /// The product's pass over the live routes, market by market, from `w.dPrice` (dP): dP̄_m
    /// (into the demand rows of `out`), d log c_k (`dLog`), dS_k and dD_m, and the quantity
    /// right-hand side `Σ_k e_s (dS_k U_m + S_k dD_m)` (`rhs`, N × 1); with quota rows,
    /// `Σ S d log c` and dD_m per market (`meanLog`, `dDemand`). A market with a seeded quota
    /// route takes the general loop (its own route's `v_κ` terms), the others the loop on the
    /// workspace's per-route constants.
    private func marketLoop(
        live: LiveRoutes, _ w: ProductWorkspace, rhs: inout Matrix, dLog: inout [Double], meanLog: inout [Double],
        dDemand: inout [Double], out: inout [Double]
    ) {
        let quotaRows = !quotaRoutes.isEmpty
        let offset = marketOffset
        rhs.withUnsafeMutableBufferPointer { r in
            r.update(repeating: 0)
            dLog.withUnsafeMutableBufferPointer { dLog in
                w.dPrice.withUnsafeBufferPointer { dP in
                    live.supplier.withUnsafeBufferPointer { supplier in
                        live.share.withUnsafeBufferPointer { share in
                            w.reciprocalPrice.withUnsafeBufferPointer { reciprocal in
                                w.passThrough.withUnsafeBufferPointer { passThrough in
                                    w.shareShift.withUnsafeBufferPointer { shift in
                                        for m in 0..<(live.start.count - 1) {
                                            let lo = live.start[m], hi = live.start[m + 1]
                                            let a = live.demandIndex[m]
                                            guard lo < hi else {
                                                if a >= 0 { out[offset + a] = -0.0 / choke[a] }
                                                if quotaRows { dDemand[m] = 0; meanLog[m] = 0 }
                                                continue
                                            }
                                            var total = 0.0, mean = 0.0
                                            if w.quotaMarket[m] {
                                                for p in lo..<hi {
                                                    let dPs = dP[supplier[p]], own = w.quotaSeed[p]
                                                    var dl = dPs * reciprocal[p]
                                                    total += passThrough[p] * dPs
                                                    if own != 0 {
                                                        dl += own / (1 + live.markup[p])
                                                        total += live.g[p] * live.price[p] * own
                                                    }
                                                    dLog[p] = dl
                                                    mean += share[p] * dl
                                                }
                                            } else {
                                                for p in lo..<hi {
                                                    let dPs = dP[supplier[p]]
                                                    let dl = dPs * reciprocal[p]
                                                    total += passThrough[p] * dPs
                                                    dLog[p] = dl
                                                    mean += share[p] * dl
                                                }
                                            }
                                            var dDm = live.demandResponse[m] * total
                                            if a >= 0 {
                                                let unserved = w.seed[offset + a]
                                                if unserved != 0 { dDm -= w.demandLevel[m] * unserved }
                                                out[offset + a] = -total / choke[a]
                                            }
                                            if quotaRows { dDemand[m] = dDm; meanLog[m] = mean }
                                            for p in lo..<hi {
                                                r[supplier[p]] += shift[p] * (dLog[p] - mean) + share[p] * dDm
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
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
