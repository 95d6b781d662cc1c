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
        var lambda = 0.0, step = 0.25, steps = 0
        var z = first.z
        var last = first
        var evaluations = first.evaluations, jacobians = first.jacobians, iterations = first.iterations
        var columns = first.jacobianColumns
        var log = first.log
        defer { problem.residualShift = [] }
        while lambda < 1 && step >= 1.0 / 16 {
            let target = Swift.min(lambda + step, 1)
            problem.residualShift = target < 1 ? r0.map { (1 - target) * $0 } : []
            let result = try ComplementaritySolver(settings: target < 1 ? loose : settings).solve(&problem, from: z)
            steps += 1
            evaluations += result.evaluations
            jacobians += result.jacobians
            columns += result.jacobianColumns
            iterations += result.iterations
            log += result.log
            last = result
            if result.status == .solved {
                lambda = target
                z = result.z
                step *= 2
            } else {
                step *= 0.5
            }
        }
        return (
            ComplementarityResult(
                status: lambda < 1 ? last.status : .solved, z: last.z, residual: last.residual, point: last.point,
                naturalResidual: last.naturalResidual, iterations: iterations,
                evaluations: evaluations, jacobians: jacobians, jacobianColumns: columns, log: log), steps
        )
    }
}
