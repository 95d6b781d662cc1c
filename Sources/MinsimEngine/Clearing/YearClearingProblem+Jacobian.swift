import LinearAlgebra

// The Jacobian of `YearClearingProblem`: the columns asked for, formed as block solves with
// the point's two factorizations (`YearClearingProblem+Factors.swift`).
extension YearClearingProblem {
    /// `∂F_i/∂z_j` by implicit differentiation of the year model at `point`.
    ///
    /// Prices: the fixed point `P = T(P, κ) + v + μ`, `T_j = Σ_q b_jq P̄_m(q, r_j)`, gives
    /// ```
    /// (I − Gᵀ) dP = dμ + (∂T/∂κ) dκ,   G[s, j] = Σ b_j,m · g_k,
    /// g_k = S_k (1 + τ_k + κ_k) (1 − σ_q (1 − P̄_m / c_k))        (c_k = P_s (1 + τ_k + κ_k))
    /// ```
    /// because Armington shares move with prices, `∂S_k/∂ log c_k' = −σ S_k (δ_kk' − S_k')`, so
    /// `∂P̄_m/∂P_s = g_k`. G has the pattern of Ã but coefficients of either sign.
    /// Composite prices, shares and demand follow:
    /// ```
    /// dP̄_m = Σ_k g_k dP_s (+ S_k P_s (1 − σ(1 − P̄_m/c_k)) dκ_k)
    /// dS_k = −σ S_k (d log c_k − Σ_k' S_k' d log c_k')
    /// dD_m = ε D_m dP̄_m / P̄_m − D_ref (P̄/P̄₀)^ε dρ_m
    /// ```
    /// Quantities: `x_s = Σ_k S_k U_m`, `U_m = D_m − R_m + Σ b x`, so
    /// `(I − A) dx = Σ_k e_s (dS_k U_m + S_k dD_m)` and `dF_k = dS_k U_m + S_k dU_m`.
    /// (Where secondary supply was cut to a market's use, U_m is pinned at 0; that kink is
    /// not differentiated — the damping of the solver absorbs it.)
    ///
    /// Columns go in chunks: one block solve with `I − Gᵀ` for the chunk's rent columns, the
    /// per-column market loops writing the quantity right-hand sides straight into one block,
    /// one block solve with `I − A`; nothing is allocated per column.
    mutating func jacobian(at point: Point, rows: [Int], columns: [Int]) throws(SolveError) -> Matrix {
        try jacobian(at: point, rows: rows, columns: columns, blocked: nil)
    }

    /// `jacobian(at:rows:columns:)` with the block loops of `rentBlock` chosen (`blocked`;
    /// nil: above `wideBlockNodes` nodes); either way the columns are the same numbers.
    mutating func jacobian(at point: Point, rows: [Int], columns: [Int], blocked: Bool?) throws(SolveError) -> Matrix {
        let n = calibration.dimension
        var out = Matrix(rows: rows.count, columns: columns.count)
        guard !rows.isEmpty, !columns.isEmpty else { return out }
        let factors = try factorizations(at: point)
        var work = ColumnWork(
            routes: factors.live.route.count, markets: calibration.markets.count,
            quotaRows: rows.contains { $0 >= quotaOffset && $0 < marketOffset })
        // Columns per block solve: at most 64, and an interleaved block (N × chunk doubles in
        // the triangular and sparse solves) of at most 64 KiB, below glibc's mmap threshold,
        // so that each block's work array comes from the heap rather than fresh zeroed pages.
        // Above `wideBlockNodes` (no quota rows) the rent columns go a block at a time.
        let wide = (blocked ?? (n > Self.wideBlockNodes)) && !work.quotaRows
        let chunk = wide ? Self.wideChunk : Swift.max(1, Swift.min(64, 8192 / Swift.max(n, 1)))
        var first = 0
        while first < columns.count {
            let block = columns[first..<Swift.min(first + chunk, columns.count)]
            // Price responses of the rent columns in this chunk: one block solve with I − Gᵀ.
            let rentColumns = block.filter { $0 < marketOffset }
            var dPrice = Matrix(rows: n, columns: rentColumns.count)
            if !rentColumns.isEmpty {
                fillPriceRightHandSides(&dPrice, columns: rentColumns, point: point, gFactor: factors.gFactor)
                factors.g.solve(&dPrice, transposed: true)
                recordPriceResponses(at: point, columns: rentColumns, dPrice)
            }
            // The quantity right-hand sides, and what the rows need besides dx: dP̄ of the
            // demand markets, dS of the quota routes, dD of every market (quota rows).
            var dOutput = Matrix(rows: n, columns: block.count)
            work.startChunk(columns: block.count, demandMarkets: demandMarkets.count, quotaRoutes: quotaRoutes.count)
            if wide {
                var offsets: [Int] = []
                for (offset, col) in block.enumerated() {
                    if col < marketOffset {
                        offsets.append(offset)
                    } else {
                        dOutput.withUnsafeMutableBufferPointer { rhs in
                            let r = UnsafeMutableBufferPointer(rebasing: rhs[(offset * n)..<((offset + 1) * n)])
                            unservedColumn(col, offset: offset, point: point, live: factors.live, into: r, &work)
                        }
                    }
                }
                rentBlock(offsets: offsets, dP: dPrice, live: factors.live, use: point.use, into: &dOutput, &work)
            } else {
                dPrice.withUnsafeBufferPointer { dP in
                    dOutput.withUnsafeMutableBufferPointer { rhs in
                        var rent = 0
                        for (offset, col) in block.enumerated() {
                            let r = UnsafeMutableBufferPointer(rebasing: rhs[(offset * n)..<((offset + 1) * n)])
                            if col < marketOffset {
                                let column = UnsafeBufferPointer(rebasing: dP[(rent * n)..<((rent + 1) * n)])
                                rent += 1
                                rentColumn(col, offset: offset, dP: column, live: factors.live, use: point.use, into: r, &work)
                            } else {
                                unservedColumn(col, offset: offset, point: point, live: factors.live, into: r, &work)
                            }
                        }
                    }
                }
            }
            factors.a.solve(&dOutput, transposed: false)
            writeRows(rows, of: dOutput, at: first, point: point, work: &work, into: &out)
            first += block.count
        }
        return out
    }

    /// Scratch of the per-column loops, allocated once per Jacobian: d log c_k and dS_k per
    /// live route, dD_m and the markets to visit; per chunk dP̄ of the demand markets, dS of
    /// the quota routes and dD (quota rows only), column after column.
    struct ColumnWork {
        let quotaRows: Bool
        var dLog: [Double], dS: [Double], dD: [Double], dUse: [Double]
        var touched: [Bool]
        var dComposite: [Double] = [], dQuotaShares: [Double] = [], dDemand: [Double] = []

        init(routes: Int, markets: Int, quotaRows: Bool) {
            self.quotaRows = quotaRows
            dLog = [Double](repeating: 0, count: routes)
            dS = [Double](repeating: 0, count: routes)
            dD = [Double](repeating: 0, count: markets)
            dUse = quotaRows ? [Double](repeating: 0, count: markets) : []
            touched = [Bool](repeating: quotaRows, count: markets)
        }

        mutating func startChunk(columns: Int, demandMarkets: Int, quotaRoutes: Int) {
            dComposite = [Double](repeating: 0, count: demandMarkets * columns)
            if quotaRows {
                dQuotaShares = [Double](repeating: 0, count: quotaRoutes * columns)
                dDemand = [Double](repeating: 0, count: dD.count * columns)
            }
        }
    }

    /// `dμ + (∂T/∂κ) dκ` per rent column into the columns of `block` (zero on entry).
    private func fillPriceRightHandSides(_ block: inout Matrix, columns: [Int], point: Point, gFactor: [Double]) {
        let c = calibration
        let n = c.dimension
        let prices = point.priced.prices
        block.withUnsafeMutableBufferPointer { r in
            for (t, col) in columns.enumerated() {
                if col < quotaOffset {
                    let j = capacityNodes[col]
                    r[j + t * n] = c.basePrices[j]
                } else {
                    let k = quotaRoutes[col - quotaOffset]
                    let m = c.routeMarket[k]
                    let dPbar = gFactor[k] * prices[c.supplierIndex[k]]
                    for entry in c.consumption where entry.market == m {
                        r[entry.column + t * n] += entry.coefficient * dPbar
                    }
                }
            }
        }
    }

    /// A rent column's quantity right-hand side `r` (zero on entry) from its price response
    /// `dP`: composite prices, shares and demand of the markets the response reaches.
    private func rentColumn(
        _ col: Int, offset: Int, dP: UnsafeBufferPointer<Double>, live: LiveRoutes, use: [Double],
        into r: UnsafeMutableBufferPointer<Double>, _ w: inout ColumnWork
    ) {
        let c = calibration
        let quotaRows = w.quotaRows
        let ownRoute = col >= quotaOffset ? quotaRoutes[col - quotaOffset] : -1
        let own = ownRoute >= 0 ? live.position[ownRoute] : -1
        // A market none of whose suppliers' prices move adds exactly nothing to a rent
        // column's quantity right-hand side (every term is ±0): without quota rows, which read
        // dS and dD of every market, only the markets of the suppliers with dP ≠ 0 (and of the
        // column's own route) are visited, in market order.
        if !quotaRows {
            for j in 0..<dP.count where dP[j] != 0 {
                for s in live.supplierMarketStart[j]..<live.supplierMarketStart[j + 1] {
                    w.touched[live.supplierMarkets[s]] = true
                }
            }
            if ownRoute >= 0 { w.touched[c.routeMarket[ownRoute]] = true }
        }
        let compositeBase = offset * demandMarkets.count
        for m in 0..<w.touched.count where w.touched[m] {
            if !quotaRows { w.touched[m] = false }
            let lo = live.start[m], hi = live.start[m + 1]
            var total = 0.0, meanLog = 0.0
            for p in lo..<hi {
                let dPs = dP[live.supplier[p]]
                var dl = dPs / live.price[p]
                total += live.g[p] * (1 + live.markup[p]) * dPs
                if p == own {
                    dl += 1 / (1 + live.markup[p])
                    total += live.g[p] * live.price[p]
                }
                w.dLog[p] = dl
                meanLog += live.share[p] * dl
            }
            let a = live.demandIndex[m]
            if a >= 0 { w.dComposite[compositeBase + a] = total }
            let dDm = live.demandResponse[m] * total
            w.dD[m] = dDm
            let sigma = live.sigma[m]
            for p in lo..<hi {
                let dSp = sigma != 0 ? -sigma * live.share[p] * (w.dLog[p] - meanLog) : 0
                w.dS[p] = dSp
                r[live.supplier[p]] += dSp * use[m] + live.share[p] * dDm
            }
        }
        if quotaRows {
            let base = offset * quotaRoutes.count
            for (e, k) in quotaRoutes.enumerated() where live.position[k] >= 0 {
                w.dQuotaShares[base + e] = w.dS[live.position[k]]
            }
            let markets = w.dD.count
            for m in 0..<markets { w.dDemand[offset * markets + m] = w.dD[m] }
        }
    }

    /// An unserved share's quantity right-hand side: it moves only its own market's demand.
    private func unservedColumn(
        _ col: Int, offset: Int, point: Point, live: LiveRoutes, into r: UnsafeMutableBufferPointer<Double>,
        _ w: inout ColumnWork
    ) {
        let a = col - marketOffset
        let m = demandMarkets[a]
        let q = calibration.markets[m].product
        let dDm =
            -demandScale * referenceDemand[a] * Self.response(point.composite[m] / baseComposite[a], elasticity[q.rawValue])
        for p in live.start[m]..<live.start[m + 1] { r[live.supplier[p]] += live.share[p] * dDm }
        if w.quotaRows { w.dDemand[offset * w.dD.count + m] = dDm }
    }

    /// The rows of the chunk's columns (starting at column `first` of `out`) from the
    /// quantity responses `dOutput` and the per-column scratch.
    private func writeRows(
        _ rows: [Int], of dOutput: Matrix, at first: Int, point: Point, work w: inout ColumnWork, into out: inout Matrix
    ) {
        let c = calibration
        let n = c.dimension
        let shares = point.priced.shares
        let height = rows.count
        let markets = w.dD.count
        dOutput.withUnsafeBufferPointer { dx in
            out.withUnsafeMutableBufferPointer { o in
                for offset in 0..<dOutput.columns {
                    let x = offset * n, b = (first + offset) * height
                    if w.quotaRows {
                        for m in 0..<markets { w.dUse[m] = w.dDemand[offset * markets + m] }
                        for entry in c.consumption { w.dUse[entry.market] += entry.coefficient * dx[x + entry.column] }
                    }
                    for (a, row) in rows.enumerated() {
                        if row < quotaOffset {
                            o[b + a] = -dx[x + capacityNodes[row]] / capacity[row]
                        } else if row < marketOffset {
                            let e = row - quotaOffset
                            let k = quotaRoutes[e]
                            let m = c.routeMarket[k]
                            let dFlow = w.dQuotaShares[offset * quotaRoutes.count + e] * point.use[m] + shares[k] * w.dUse[m]
                            o[b + a] = -dFlow / quota[e]
                        } else {
                            let ma = row - marketOffset
                            o[b + a] = -w.dComposite[offset * demandMarkets.count + ma] / choke[ma]
                        }
                    }
                }
            }
        }
    }
}
