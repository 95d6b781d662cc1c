import LinearAlgebra

// The linear solves of a year: factoring I − A or I − Ã with the chosen solver, reusing
// factors through iterative refinement, and the residuals that drive it.
extension YearSolver {
    /// Solves `(I − A) x = f`. The last price factorization is of I − Ã(S_prev): S_prev differs
    /// from S by O(σ · finalRelativeChange), and Ã from A only on tariffed routes. Iterative
    /// refinement against the exact current I − A converges from those factors whenever
    /// ρ((I − Ã)⁻¹(Ã − A)) < 1, which holds for ordinary tariff levels; only when it does not is
    /// I − A factored anew. Productivity of A is re-tested the same way (with τ ≥ 0, Ã ≥ A
    /// already implies it, but negative rates — subsidies — are allowed).
    func solveQuantities(
        _ system: LeontiefSystem, f: [Double], priceLU: (any LeontiefFactorization)?,
        stats: inout SolverStatistics
    ) throws(SolveError) -> [Double] {
        let c = system.calibration
        let n = c.dimension
        var x: [Double]
        let ones = [Double](repeating: 1, count: n)
        // With every τ ≥ 0, Ã ≥ A, so the productivity of Ã (tested with the price factors)
        // implies that of A; only subsidies (τ < 0) need the separate test.
        let needsTest = system.tariffs.contains { $0 < 0 }
        if let lu = priceLU, let refined = refine(system, lu: lu, rhs: f),
            !needsTest || isProductive(refine(system, lu: lu, rhs: ones))
        {
            x = refined
            stats.reciprocalCondition = stats.priceReciprocalCondition
        } else {
            let lu = try factor(system, withTariffs: false, stats: &stats)
            try checkProductive(test: lu.solve(ones), calibration: c, withTariffs: false)
            guard let refined = refine(system, lu: lu, rhs: f) else {
                throw .singular(node: nil, reciprocalCondition: stats.reciprocalCondition)
            }
            x = refined
        }
        // Clamp rounding-level negatives (the exact solution is ≥ 0: (I − A)⁻¹ ≥ 0 and f ≥ 0).
        let xScale = Vector.maxNorm(x)
        for j in 0..<n where x[j] < 0 && x[j] > -1e-12 * xScale { x[j] = 0 }
        return x
    }

    /// Factors `I − A` or `I − Ã` with the configured solver and records its statistics.
    ///
    /// With `deferCondition` (the price side, which solves `(I − Ã)ᵀ z = 1` for the productivity
    /// test anyway) the dense path skips dgecon and the caller records the exact condition
    /// number from z with `recordCondition`.
    /// With `memo` (the market clearing's evaluations) the pattern's analysis is kept there and
    /// redone only when the pattern changes (`PatternMemo`); the factors are the same.
    func factor(
        _ system: LeontiefSystem, withTariffs: Bool, stats: inout SolverStatistics,
        deferCondition: Bool = false, memo: PatternMemo? = nil
    ) throws(SolveError) -> any LeontiefFactorization {
        let factorizer = LeontiefFactorizer(choice: options.linearSolver)
        var (lu, decision) =
            if let memo {
                try factorizer.factorWithDecision(
                    system, withTariffs: withTariffs, estimateCondition: !deferCondition, memo: memo)
            } else {
                try factorizer.factorWithDecision(system, withTariffs: withTariffs, estimateCondition: !deferCondition)
            }
        // Triangular substitution has no deferred form: its estimate runs here, as before
        // `estimateCondition` reached it (the same numbers), unless the caller skips it.
        if deferCondition && !triangularConditionOnRequest, var t = lu as? TriangularLeontiefFactorization {
            try t.estimateReciprocalCondition()
            lu = t
        }
        stats.factorizations += 1
        stats.linearSolver = lu.method
        stats.linearSolverReason = decision?.reason ?? "chosen by the user: \(options.linearSolver.rawValue)"
        if deferCondition
            && (Self.deferredOneNorm(lu) != nil || (lu as? TriangularLeontiefFactorization)?.reciprocalCondition == 0)
        {
            return lu
        }
        let rcond = lu.reciprocalCondition
        if withTariffs { stats.priceReciprocalCondition = rcond } else { stats.reciprocalCondition = rcond }
        if rcond < options.singularityThreshold {
            throw .singular(node: nil, reciprocalCondition: rcond)
        }
        return lu
    }

    /// Records `rcond(I − Ã) = 1 / (‖I − Ã‖₁ ‖(I − Ã)⁻ᵀ 1‖∞)` for a dense or sparse LU whose
    /// condition estimate was deferred (exact for a productive network, where the inverse is
    /// non-negative), and applies the singularity threshold.
    func recordCondition(
        of lu: any LeontiefFactorization, test z: [Double],
        stats: inout SolverStatistics
    ) throws(SolveError) {
        let triangular = (lu as? TriangularLeontiefFactorization)?.oneNorm
        guard let norm = Self.deferredOneNorm(lu) ?? triangular, lu.reciprocalCondition == 0 else { return }
        let rcond = 1 / max(norm * Vector.maxNorm(z), .leastNormalMagnitude)
        // The triangular solver reports its Hager–Higham estimate, made on request
        // (`triangularConditionOnRequest`, `estimatingCondition`); until then NaN stands in and
        // the exact value only guards the singularity threshold.
        stats.priceReciprocalCondition = triangular == nil ? rcond : .nan
        if rcond < options.singularityThreshold {
            throw .singular(node: nil, reciprocalCondition: rcond)
        }
    }

    /// `solution` (solved at `priced`) with the condition estimate that
    /// `triangularConditionOnRequest` left out made now: the same estimate of the same factors
    /// as a solve without it reports. Unchanged when there is nothing to estimate.
    /// Where the prices were solved on a nearby solution's factors (`PriceSolution.factoredNearby`),
    /// none of `I − Ã` exists: it is factored here, once, at the final shares, with its
    /// estimate, so the solution reports the same solver and estimate as one solved afresh.
    /// - Throws: `.singular` when the estimate is below the singularity threshold.
    func estimatingCondition(_ solution: YearSolution, priced: PriceSolution) throws(SolveError) -> YearSolution {
        var stats = solution.statistics
        if priced.factoredNearby {
            _ = try factor(priced.system, withTariffs: true, stats: &stats)
        } else {
            guard stats.priceReciprocalCondition.isNaN, var t = priced.factorization as? TriangularLeontiefFactorization
            else { return solution }
            try t.estimateReciprocalCondition()
            let rcond = t.reciprocalCondition
            if rcond < options.singularityThreshold { throw .singular(node: nil, reciprocalCondition: rcond) }
            stats.priceReciprocalCondition = rcond
        }
        if stats.reciprocalCondition.isNaN { stats.reciprocalCondition = stats.priceReciprocalCondition }
        return YearSolution(
            calibration: solution.calibration, status: solution.status, statistics: stats, output: solution.output,
            prices: solution.prices, valueAdded: solution.valueAdded, shares: solution.shares, tariffs: solution.tariffs,
            routeRents: solution.routeRents, flows: solution.flows, secondaryUsed: solution.secondaryUsed)
    }

    /// `‖M‖₁` of a direct factorization that can defer its condition estimate (dense or sparse LU).
    static func deferredOneNorm(_ lu: any LeontiefFactorization) -> Double? {
        (lu as? DenseLeontiefFactorization)?.oneNorm ?? (lu as? SparseLeontiefFactorization)?.oneNorm
    }

    /// Solves `(I − A) x = f` with factors `lu` of (nearly) that matrix, refining
    /// `x ← x + lu⁻¹(f − (I − A)x)` until the residual stops improving or reaches rounding level.
    /// Returns nil when the factors are too far from the matrix for refinement to converge.
    func refine(
        _ system: LeontiefSystem, lu: any LeontiefFactorization, rhs f: [Double],
        withTariffs: Bool = false, transposed: Bool = false, accept: Double = 1e-6
    ) -> [Double]? {
        var x = lu.solve(f, transposed: transposed)
        let fScale = max(Vector.maxNorm(f), .leastNormalMagnitude)
        var previous = Double.infinity
        for _ in 0..<8 {
            let r = residual(system, x: x, rhs: f, withTariffs: withTariffs, transposed: transposed)
            let norm = Vector.maxNorm(r) / fScale
            guard norm.isFinite else { return nil }
            // 64·ε relative is the rounding level of forming the residual itself; a step that
            // does not at least halve the residual has stagnated there.
            if norm <= 64 * Double.ulpOfOne || norm > 0.5 * previous { return norm < accept ? x : nil }
            previous = norm
            Vector.axpy(1, lu.solve(r, transposed: transposed), &x)
        }
        let r = residual(system, x: x, rhs: f, withTariffs: withTariffs, transposed: transposed)
        return Vector.maxNorm(r) / fScale < accept ? x : nil
    }

    /// `rhs − (I − M)y` (or with the transpose) computed from the sparse coefficients.
    func residual(_ system: LeontiefSystem, x: [Double], rhs: [Double], withTariffs: Bool, transposed: Bool) -> [Double] {
        let ax = system.multiply(x, withTariffs: withTariffs, transposed: transposed)
        return (0..<x.count).map { rhs[$0] - (x[$0] - ax[$0]) }
    }
}
