extension MarketClearing {
    /// Newton homotopy from where the direct solve stopped, the first fallback when that solve
    /// gives up (`MarketClearingSettings.directTrials`): with `z₀` that point and `r₀ = F(z₀)`,
    /// solve the MCPs
    /// ```
    /// F(z) − (1 − λ) r₀  ⊥  [l, u],      λ = 0 → 1
    /// ```
    /// each warm-started from the last. At λ = 0, `z₀` itself is a solution; λ = 1 is the year.
    /// λ advances by the step that last worked (0.25 at first, doubled after a success, halved
    /// after a failure, down to `1/16`), so that each subproblem starts close to its solution,
    /// where Newton's method converges in a few full steps. Unlike the demand continuation from
    /// zero, which rebuilds every binding rent and shed market from nothing, the path starts at
    /// the previous year's equilibrium, which usually differs from this year's in a few rents.
    /// Each stage runs with the direct solve's limits (`settings`), the intermediate ones to a
    /// natural residual of 1e-3; when λ = 1 is not reached
    /// the last result is returned unsolved and the caller falls back to the continuation.
    /// - Returns: the result of the last stage and the number of stages taken.
    static func homotopy(
        _ problem: inout YearClearingProblem, settings: ComplementaritySettings,
        first: ComplementarityResult<YearClearingProblem.Point>
    ) throws(SolveError) -> (ComplementarityResult<YearClearingProblem.Point>, Int) {
        // Intermediate stages only need to start the next one inside Newton's region of fast
        // convergence: 1e-3 spares them the last two or three Newton steps (measured on the
        // shipped scenarios: 1e-6 took 7 % more year solves and 10 % more Jacobians).
        var loose = settings
        loose.tolerance = Swift.max(settings.tolerance, 1e-3)
        let r0 = first.residual
        defer { problem.residualShift = [] }
        let path = try follow(from: first.z, first: first, minimumStep: 1.0 / 16, maxEvaluations: .max) {
            (target: Double, z: [Double]) throws(SolveError) in
            problem.residualShift = target < 1 ? r0.map { (1 - target) * $0 } : []
            return try ComplementaritySolver(settings: target < 1 ? loose : settings).solve(&problem, from: z)
        }
        let last = path.last
        return (last.with(status: path.reached ? .solved : last.status, totals: path.totals), path.steps)
    }

    /// The λ path shared by the homotopy and the demand continuation: from λ = 0 (where `z0`
    /// solves the problem) to λ = 1, `solve(λ, z)` solving the problem at λ from `z`, each solve
    /// warm-started from the last solution. λ advances by the step that last worked
    /// (`initialStep` at first, doubled after a success, halved after a failure) until λ = 1,
    /// the step falls below `minimumStep`, the evaluations (counting `first`'s) reach
    /// `maxEvaluations`, `exhausted()` says a budget of the caller's is spent, or a stage's
    /// Newton system is too large for the dense solver (`.tooLarge`: so at every λ).
    /// - Returns: whether λ = 1 was solved, the last stage's result, the iteration, evaluation,
    ///   Jacobian and log totals of `first` and every stage, and the number of stages.
    static func follow(
        from z0: [Double], first: ComplementarityResult<YearClearingProblem.Point>, minimumStep: Double,
        maxEvaluations: Int, exhausted: () -> Bool = { false }, initialStep: Double = 0.25,
        solve: (Double, [Double]) throws(SolveError) -> ComplementarityResult<YearClearingProblem.Point>
    ) throws(SolveError)
        -> (
            reached: Bool, last: ComplementarityResult<YearClearingProblem.Point>,
            totals: ComplementarityResult<YearClearingProblem.Point>.Totals, steps: Int
        )
    {
        var lambda = 0.0, step = initialStep, steps = 0
        var z = z0
        var last = first
        var totals = first.totals
        while lambda < 1 && step >= minimumStep && totals.evaluations < maxEvaluations && !exhausted() {
            let target = Swift.min(lambda + step, 1)
            let result = try solve(target, z)
            steps += 1
            totals.add(result.totals)
            last = result
            if result.status == .solved {
                lambda = target
                z = result.z
                step *= 2
            } else if result.status == .tooLarge {
                break
            } else {
                step *= 0.5
            }
        }
        return (lambda >= 1, last, totals, steps)
    }
}

extension ComplementarityResult {
    /// The work counts of one or several solves: what a path of solves reports as a whole.
    struct Totals {
        var iterations: Int, evaluations: Int, jacobians: Int, jacobianColumns: Int
        var log: [ComplementarityIteration]

        mutating func add(_ other: Totals) {
            iterations += other.iterations
            evaluations += other.evaluations
            jacobians += other.jacobians
            jacobianColumns += other.jacobianColumns
            log += other.log
        }
    }

    var totals: Totals {
        Totals(
            iterations: iterations, evaluations: evaluations, jacobians: jacobians, jacobianColumns: jacobianColumns,
            log: log)
    }

    /// This result's point with another status and the work counts of a whole path.
    func with(status: ComplementarityStatus, totals: Totals) -> ComplementarityResult {
        ComplementarityResult(
            status: status, z: z, residual: residual, point: point, naturalResidual: naturalResidual,
            iterations: totals.iterations, evaluations: totals.evaluations, jacobians: totals.jacobians,
            jacobianColumns: totals.jacobianColumns, log: totals.log)
    }
}
