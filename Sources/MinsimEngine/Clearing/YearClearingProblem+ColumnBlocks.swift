import LinearAlgebra

// The large networks' rent columns, a block at a time (`YearClearingProblem.jacobian`).
extension YearClearingProblem {
    /// Networks with more nodes than this form the Jacobian's rent columns a block at a time
    /// (`rentBlock`), in blocks of `wideChunk` columns. Smaller ones keep the column-at-a-time
    /// loops and blocks of at most 64 KiB (their columns and outputs are unchanged).
    ///
    /// Why: at 10,000 nodes a block of 64 KiB held one column, and each column streamed the
    /// whole live-route table (supplier, share, g, price, markup of every live route: several
    /// megabytes, out of cache) and the factors' sparse pattern through memory for a handful
    /// of flops per entry. A block of columns reads each table entry once for all of its
    /// columns. The limit is an assumption: above it the tables no longer fit in the cache
    /// (the 1,000-node networks' do, and their blocks were already 8 columns).
    static let wideBlockNodes = 2048
    /// Columns per block on networks above `wideBlockNodes` (N × 32 doubles: 2.5 MB at 10,000
    /// nodes per block array; a few of them live at once).
    static let wideChunk = 32

    /// The quantity right-hand sides of a block of rent columns from their price responses
    /// `dP` (N × k, column-major, column t for `columns[t]`), into the columns `offsets[t]` of
    /// `rhs` (N × chunk, column-major, zero there on entry), with dP̄ of the demand markets in
    /// `w.dComposite`. Each column visits the markets `rentColumn` visits, with the same sums in
    /// the same order, so the values are the same; only without quota rows (`w.quotaRows`
    /// false), where no column is a quota rent's.
    func rentBlock(
        offsets: [Int], dP: Matrix, live: LiveRoutes, use: [Double], into rhs: inout Matrix, _ w: inout ColumnWork
    ) {
        precondition(!w.quotaRows, "the block loops do not record the quota rows' dS and dD")
        let n = calibration.dimension
        let k = offsets.count
        guard k > 0 else { return }
        let demandCount = demandMarkets.count
        // dP interleaved (node-major): the columns of one supplier side by side; and which
        // columns reach which market (`reach[m·k + t]`: a supplier of m has dP ≠ 0 in column
        // t), so that each column visits exactly the markets `rentColumn` would visit.
        let markets = w.touched.count
        var price = [Double](repeating: 0, count: n * k)
        var reach = [Bool](repeating: false, count: markets * k)
        var widest = 0
        dP.withUnsafeBufferPointer { d in
            for t in 0..<k {
                for j in 0..<n where d[j &+ t &* n] != 0 {
                    price[j &* k &+ t] = d[j &+ t &* n]
                    for s in live.supplierMarketStart[j]..<live.supplierMarketStart[j + 1] {
                        let m = live.supplierMarkets[s]
                        reach[m &* k &+ t] = true
                        widest = Swift.max(widest, live.start[m + 1] - live.start[m])
                    }
                }
            }
        }
        var dLog = [Double](repeating: 0, count: widest * k)
        var total = [Double](repeating: 0, count: k), meanLog = total, dDm = total
        var active = [Int](repeating: 0, count: k)
        var out = [Double](repeating: 0, count: n * k)
        price.withUnsafeBufferPointer { dPs in
            out.withUnsafeMutableBufferPointer { r in
                for m in 0..<markets {
                    var count = 0
                    for t in 0..<k where reach[m &* k &+ t] {
                        active[count] = t
                        count += 1
                    }
                    if count == 0 { continue }
                    let lo = live.start[m], hi = live.start[m + 1]
                    for t in active[0..<count] { total[t] = 0; meanLog[t] = 0 }
                    for p in lo..<hi {
                        let s = live.supplier[p] &* k, row = (p &- lo) &* k
                        let price = live.price[p], gm = live.g[p] * (1 + live.markup[p]), share = live.share[p]
                        for t in active[0..<count] {
                            let x = dPs[s &+ t]
                            let dl = x / price
                            total[t] += gm * x
                            dLog[row &+ t] = dl
                            meanLog[t] += share * dl
                        }
                    }
                    let a = live.demandIndex[m]
                    if a >= 0 { for t in active[0..<count] { w.dComposite[offsets[t] &* demandCount &+ a] = total[t] } }
                    let response = live.demandResponse[m]
                    for t in active[0..<count] { dDm[t] = response * total[t] }
                    let sigma = live.sigma[m], u = use[m]
                    for p in lo..<hi {
                        let s = live.supplier[p] &* k, row = (p &- lo) &* k, share = live.share[p]
                        for t in active[0..<count] {
                            let dSp = sigma != 0 ? -sigma * share * (dLog[row &+ t] - meanLog[t]) : 0
                            r[s &+ t] += dSp * u + share * dDm[t]
                        }
                    }
                }
            }
        }
        rhs.withUnsafeMutableBufferPointer { b in
            for (t, offset) in offsets.enumerated() {
                let base = offset &* n
                for j in 0..<n { b[base &+ j] = out[j &* k &+ t] }
            }
        }
    }
}
