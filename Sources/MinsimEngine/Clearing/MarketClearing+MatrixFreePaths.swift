extension MarketClearing {
    /// The matrix-free path's own way on where its Newton solve stops unsolved (and the
    /// one-dimensional finish of a single share's stall, `shareFinish`, did not apply or failed),
    /// before the dense fallback: the Newton homotopy from the point reached, then the demand
    /// continuation from zero rents, each stage solved by the matrix-free method
    /// (`MatrixFreeNewton`, its own dense fallback off) and preconditioned by the year's products
    /// so far (`record`).
    ///
    /// **Why.** Above 2,048 nodes the dense fallback forms a Jacobian of every working column
    /// (≈ 1,000–1,100 at 10,000 nodes, each ≈ 65 plain year solves' work). On the 10,000-node
    /// networks of other seeds (docs/performance.md, "Other seeds of the 10,000-node
    /// networks") two years stalled on the matrix-free path: one the Josephy–Newton method
    /// finished on 2 Jacobians, the other only after its homotopy (11 stages) and the demand
    /// continuation (3): 26 Jacobians, ≈ 2,000 plain solves for that year. The same paths with
    /// matrix-free stages finish both without a Jacobian.
    ///
    /// **Homotopy.** With `z₀` the point reached and `r₀ = F(z₀)`, the MCPs
    /// `F(z) − (1 − λ) r₀ ⊥ [l, u]`, λ = 0 → 1 (`homotopy(_:settings:first:)`'s path), the
    /// intermediate stages to a hundredth of the stalled point's natural residual: the dense
    /// homotopy's 1e-3 is no target here, where the stall is near the solution (‖Φ‖∞ 1e-4 …
    /// 1e-3) and would meet it at every λ < 1 without a step. Its stages start next to their
    /// solutions; where the stall is a pair of unserved shares whose Newton step the box cuts, a
    /// small step in λ moves them by a small amount and the box decides the pair one stage at a
    /// time.
    ///
    /// **From the year before's solution** (`yearBefore`, a warm year): there `z₀` is that
    /// solution, not the stalled point. The year's MCP is not monotone — a market's delivered
    /// price `P̄_m = Σ_s S_s P_s (1 + τ)` is an average over Armington shares, and a rent on an
    /// expensive supplier moves the shares away from it faster than it raises its price, so
    /// `P̄_m` can fall as the rent rises (MODEL.md §4–5) — and the merit `½‖Φ‖²` has minima that
    /// are not solutions. The 10,000-node stall of docs/performance.md ("The stall's start and
    /// the non-monotone price") was one: the direct solve's first, global steps raised a rent
    /// from 14.70 to 15.76 and took a market's unserved share from 0.097 to 0.003, where that
    /// market's price gap falls as the share rises and no solution is near; from there every
    /// homotopy stage stalled beyond λ = 0.5. The year before's solution (the rent 14.70, the
    /// share 0.097) is next to the year's (14.70, 0.144): from it the homotopy finished in 3
    /// stages.
    ///
    /// **Continuation.** Every final demand scaled by λ, λ = 0 → 1, from zero rents
    /// (`continuation(_:solver:first:)`'s path): where the homotopy's stages stall too, the
    /// year is approached from where nothing binds, the binding rents and shed markets built up
    /// stage by stage. In a warm year its first stage is λ = 1 itself — the year solved from
    /// zero rents at full demand, as a cold year is, halving λ only where that fails: where the
    /// homotopy from the year before's solution stalls, that solution's branch has ended (on
    /// the same network, year 14: the share went from 0.44 to 0 and the rent from 14.70 to
    /// 18.97), and the year's own start from zero, which a cold year takes in 19–27 steps, found
    /// it in one stage where λ = 0.25, 0.75, 1 took three. For the same reason that homotopy's
    /// λ step stops at `warmHomotopyMinimumStep` (1/4), not 1/16: smaller steps do not cross a
    /// fold. In a cold year the direct solve started from zero rents already, so the stages
    /// start at λ = 0.25 as before.
    ///
    /// Each path stops at its evaluation or product budget (`matrixFreePathEvaluations`,
    /// `budgets`) or where λ's step falls below its minimum; the caller then falls back as before, from the point the
    /// matrix-free solve reached (`first`), not from a stage's.
    /// - Parameter yearBefore: the year before's solution in this problem's unknowns
    ///   (`unknowns(_:of:)`), nil in a cold year.
    /// - Returns: the last stage's result (solved, or the path's last failure) with the work of
    ///   `first` and every stage, and the stages of each path.
    static func matrixFreePaths(
        _ problem: inout YearClearingProblem, newton: MatrixFreeNewton,
        first: ComplementarityResult<YearClearingProblem.Point>, record: inout MatrixFreeNewton.ProductRecord,
        yearBefore: [Double]? = nil,
        budgets: (homotopy: Int, continuation: Int) = (homotopyProducts, continuationProducts)
    ) throws(SolveError) -> (result: ComplementarityResult<YearClearingProblem.Point>, homotopy: Int, continuation: Int) {
        var stage = newton
        stage.fallsBack = false
        let tight = newton.settings.tolerance
        let l = problem.lowerBounds, u = problem.upperBounds
        let reached = FischerBurmeister.naturalResidual(z: first.z, f: first.residual, lower: l, upper: u)
        let loose = Swift.max(tight, 1e-2 * reached)
        defer {
            problem.residualShift = []
            problem.demandScale = 1
        }
        // Each path ends once its product budget is spent; a stage stops at the end of the
        // Newton step that crosses it (`MatrixFreeNewton.productBudget`).
        var spent = 0
        func solveStage(_ budget: Int, from z: [Double]) throws(SolveError) -> ComplementarityResult<YearClearingProblem.Point> {
            stage.productBudget = budget - spent
            let result = try stage.solve(&problem, from: z, record: &record).result
            spent += result.jacobianColumns
            return result
        }
        // The homotopy's origin and its residual there (one evaluation more, counted).
        var origin = first.z, r0 = first.residual, start = first
        if let yearBefore {
            origin = FischerBurmeister.projected(yearBefore, lower: l, upper: u)
            r0 = try problem.evaluate(origin).residual
            var counted = first.totals
            counted.evaluations += 1
            start = first.with(status: first.status, totals: counted)
        }
        let homotopy = try follow(
            from: origin, first: start, minimumStep: yearBefore == nil ? 1.0 / 16 : warmHomotopyMinimumStep,
            maxEvaluations: start.evaluations + matrixFreePathEvaluations,
            exhausted: { spent >= budgets.homotopy }
        ) { (target: Double, z: [Double]) throws(SolveError) in
            problem.residualShift = target < 1 ? r0.map { (1 - target) * $0 } : []
            stage.settings.tolerance = target < 1 ? loose : tight
            return try solveStage(budgets.homotopy, from: z)
        }
        problem.residualShift = []
        stage.settings.tolerance = tight
        if homotopy.reached {
            return (homotopy.last.with(status: .solved, totals: homotopy.totals), homotopy.steps, 0)
        }
        let failed = homotopy.last.with(status: homotopy.last.status, totals: homotopy.totals)
        spent = 0
        let continuation = try follow(
            from: [Double](repeating: 0, count: l.count), first: failed, minimumStep: 1.0 / 64,
            maxEvaluations: failed.evaluations + matrixFreePathEvaluations, exhausted: { spent >= budgets.continuation },
            initialStep: yearBefore == nil ? 0.25 : 1
        ) { (target: Double, z: [Double]) throws(SolveError) in
            problem.demandScale = target
            return try solveStage(budgets.continuation, from: z)
        }
        let status = continuation.reached ? ComplementarityStatus.solved : continuation.last.status
        return (continuation.last.with(status: status, totals: continuation.totals), homotopy.steps, continuation.steps)
    }

    /// Year solves each matrix-free path may take, and the Jacobian–vector products of the
    /// homotopy's and the continuation's stages (`matrixFreePaths`; a stage stops at the end of
    /// the Newton step that crosses its path's). In plain year solves a product costs about the same at every
    /// size (≈ 0.04 at 10,000 nodes), so the budgets are too: ≈ 60 and ≈ 250 plain solves,
    /// against ≈ 65 for one Jacobian of the dense fallback at 10,000 nodes. Measured on the
    /// 10,000-node stalls: homotopies of 312 products (finished, seed 3) and ≈ 1,180 (failed,
    /// seed 2), continuations of ≈ 3,500 (seed 2) and 4,041 (seed 3, tried alone)
    /// (docs/performance.md, "The matrix-free stall finished by a homotopy or a demand
    /// continuation"). 240 year solves, not the 160 of before: with the record of 240 products
    /// the seed-2 cyclic network's stalled year 14 reached demand scale 0.75 on the
    /// continuation and then spent 99 year solves on one stage to 1, which left no budget for
    /// the shorter stage; it fell back to 26 Jacobians (≈ 1,700 plain solves). With 240 the
    /// continuation finished, without a Jacobian (docs/performance.md, "A Gram matrix kept
    /// across Newton systems").
    static let matrixFreePathEvaluations = 240
    /// The smallest λ step of the homotopy from the year before's solution (`matrixFreePaths`,
    /// a warm year), against 1/16 from a stalled point. That homotopy follows the year's change
    /// of conditions from the year before's equilibrium; where a quarter of it cannot be
    /// followed, the branch has ended at a fold, which smaller steps do not cross (the path
    /// turns back in λ), and the continuation from full demand is next. Measured on the
    /// 10,000-node seed-2 cyclic run: its year 14 took stages 0.25, 0.125, 0.0625, all failed
    /// (44 steps, 157 year solves, 2,008 products in the year); with 1/4, one failed stage
    /// (30 / 90 / 1,414). Its year 6, whose homotopy from the year before finished, took the
    /// same stages either way.
    static let warmHomotopyMinimumStep = 0.25
    static let homotopyProducts = 1_500
    static let continuationProducts = 6_000
}
