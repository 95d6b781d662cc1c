extension MarketClearing {
    /// A stalled matrix-free solve whose whole residual is one market's unserved share,
    /// finished as a one-dimensional problem in that share, before the Newton homotopy and the
    /// demand continuation (`matrixFreePaths`).
    ///
    /// **Why.** On the 10,000-node seed-3 acyclic network (docs/performance.md, "Twelve networks
    /// under two sets of BLAS kernels") year 6 stalled with every |Φ| ≤ 7.6e-7 but one market's:
    /// `ρ_m = 0.995` with `F_m = (B_m − P̄_m)/B_m = 1.2e-4 > 0` — buyers below their choke price
    /// and yet shed. The year's problem is not monotone (`matrixFreePaths`), and along the share
    /// the reduced gap `g(ρ) = F_m(ρ, z*(ρ))` — `z*(ρ)` the other unknowns solved with `ρ_m` held
    /// at ρ — had no root near 0.995 for Newton's linearization to find; the homotopy stalled
    /// the same way, and the continuation from zero rents finished the year after 126 year
    /// solves in all, a third of the network's 17-year cost. The market's solution was at its
    /// bound, fully served (`g(0) = 4.9e-4 ≥ 0`).
    ///
    /// **Method.** With `m` the share, `ρ_s` its stalled value and `b` the bound `F_m` points
    /// to (`l_m` where `F_m > 0`: serve more; `u_m` where `F_m < 0`), the other unknowns are
    /// solved with `ρ_m = b` (its bounds set to b, where its Fischer–Burmeister row is 0 and
    /// leaves the Newton systems): a short probe (`shareProbeProducts`, `shareProbeSteps`).
    /// Where `g(b)` has the sign of `F_m`, `ρ_m = b` satisfies the market's complementarity and
    /// the rest holds: the point is a solution of the whole problem, which the final solve
    /// confirms without a step. Where the sign changed, a root of g lies between b and `ρ_s`,
    /// found by the Illinois variant of regula falsi (Dowell & Jarratt 1971) to
    /// |g| ≤ 10⁻³ |F_m(ρ_s)|, each trial warm-started from the nearer bracket end; the whole
    /// problem is then solved from the last trial's point. Every inner solve is a
    /// `MatrixFreeNewton` solve without its fallback, on the year's product record.
    ///
    /// - Returns: nil where the stall is not one share's (`singleShareStall`); otherwise the
    ///   final solve's result when it is solved, else `stalled` — either with the work of every
    ///   inner solve added to its totals — and the number of inner solves.
    static func shareFinish(
        _ problem: inout YearClearingProblem, newton: MatrixFreeNewton,
        stalled: ComplementarityResult<YearClearingProblem.Point>, record: inout MatrixFreeNewton.ProductRecord
    ) throws(SolveError) -> (result: ComplementarityResult<YearClearingProblem.Point>, solves: Int)? {
        let l = problem.lowerBounds, u = problem.upperBounds
        let z = stalled.z, f = stalled.residual
        guard let m = singleShareStall(z: z, f: f, lower: l, upper: u, marketOffset: problem.marketOffset) else {
            return nil
        }
        var stage = newton
        stage.fallsBack = false
        var totals = stalled.totals
        var spent = 0, solves = 0
        defer {
            problem.lowerBounds = l
            problem.upperBounds = u
        }
        // The other unknowns solved with ρ_m held at `rho`, within `limit` products in all.
        func solveHeld(_ rho: Double, from start: [Double], limit: Int) throws(SolveError)
            -> ComplementarityResult<YearClearingProblem.Point>
        {
            problem.lowerBounds[m] = rho
            problem.upperBounds[m] = rho
            var s = start
            s[m] = rho
            stage.productBudget = Swift.max(limit - spent, 1)
            let r = try stage.solve(&problem, from: s, record: &record).result
            spent += r.jacobianColumns
            solves += 1
            totals.add(r.totals)
            return r
        }
        var failed: (result: ComplementarityResult<YearClearingProblem.Point>, solves: Int) {
            (stalled.with(status: stalled.status, totals: totals), solves)
        }
        var a = f[m] > 0 ? l[m] : u[m], b = z[m]
        var gb = f[m]
        stage.maxSteps = shareProbeSteps
        var ra = try solveHeld(a, from: z, limit: shareProbeProducts)
        stage.maxSteps = newton.maxSteps
        guard ra.status == .solved else { return failed }
        var ga = ra.residual[m]
        var last = ra
        if ga != 0 && (ga > 0) != (gb > 0) {
            var rb: ComplementarityResult<YearClearingProblem.Point>? = nil
            var side = 0
            for _ in 0..<shareIterations {
                guard spent < shareFinishProducts else { return failed }
                let x = (a * gb - b * ga) / (gb - ga)
                let r = try solveHeld(x, from: abs(x - a) <= abs(x - b) ? ra.z : (rb?.z ?? z), limit: shareFinishProducts)
                guard r.status == .solved else { return failed }
                let gx = r.residual[m]
                last = r
                if abs(gx) <= 1e-3 * abs(f[m]) { break }
                // Illinois: the end kept twice in a row has its g halved.
                if (gx > 0) == (ga > 0) {
                    a = x
                    ga = gx
                    ra = r
                    if side == -1 { gb *= 0.5 }
                    side = -1
                } else {
                    b = x
                    gb = gx
                    rb = r
                    if side == 1 { ga *= 0.5 }
                    side = 1
                }
            }
        }
        problem.lowerBounds = l
        problem.upperBounds = u
        stage.productBudget = Swift.max(shareFinishProducts - spent, 1)
        let whole = try stage.solve(&problem, from: last.z, record: &record).result
        solves += 1
        totals.add(whole.totals)
        guard whole.status == .solved else { return failed }
        return (whole.with(status: .solved, totals: totals), solves)
    }

    /// The market unknown holding a stall's residual (`shareFinish`): the unknown of the
    /// largest natural residual, where that is an unserved share and every other unknown's is
    /// at most `shareConcentration` of it; nil otherwise. A stall of two or more unknowns (the
    /// pairs of shares the hybrid step decides, a fold of several) is left to the paths.
    static func singleShareStall(z: [Double], f: [Double], lower l: [Double], upper u: [Double], marketOffset: Int)
        -> Int?
    {
        var worst = -1, worstSize = 0.0, rest = 0.0
        for i in z.indices {
            let r = FischerBurmeister.naturalResidual(z: z[i], f: f[i], lower: l[i], upper: u[i])
            if r > worstSize {
                rest = Swift.max(rest, worstSize)
                worst = i
                worstSize = r
            } else {
                rest = Swift.max(rest, r)
            }
        }
        guard worst >= marketOffset, worstSize > 0, rest <= shareConcentration * worstSize else { return nil }
        return worst
    }

    /// The largest share of a stall's natural residual the other unknowns may hold for it to be
    /// one share's (`singleShareStall`). At the seed-3 stall the others held 0.2–0.7 %, and 5 %
    /// where the solve had released its pinned unknowns on the way there
    /// (`MatrixFreeNewton.releaseBelow`: with 1 % that stall went to the paths, 111 year solves
    /// for the year against 20); the two stalls of the seed-2 cyclic network that were not one
    /// share's, 17 % and 19 % (there the one-dimensional finish, tried at 50 %, did not find the
    /// year's solution: docs/performance.md). 10 % is between, by a factor of 2 either way.
    static let shareConcentration = 0.1
    /// The probe at the bound: steps and products (a step that crosses the budget ends it).
    /// At the seed-3 stall it took 6 year solves and 46 products; at a stall whose bound was far
    /// from its solution (seed 5 acyclic, year 10, the root at ρ ≈ 0.2 from 0.028 toward 1) the
    /// probe unbounded took 29 year solves and 881 products, which the budget cuts short.
    static let shareProbeSteps = 6
    static let shareProbeProducts = 100
    /// Regula-falsi trials and the products of the whole finish.
    static let shareIterations = 12
    static let shareFinishProducts = 400
}
