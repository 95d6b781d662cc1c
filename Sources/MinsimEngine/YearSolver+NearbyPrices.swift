import LinearAlgebra

// The price fixed point solved by Newton's method on factors made at a nearby solution: the
// market clearing's trial points, whose rents differ from an evaluated point's by one step.
extension YearSolver {
    /// Factors made at an evaluated price solution `P₀` (the market clearing's
    /// `YearClearingProblem.factorizations(at:)`), for solving the fixed point at nearby rents.
    ///
    /// `derivative` factors `I − Gᵀ(P₀)`, the Jacobian of the fixed point's residual
    /// `r(P) = v + μ − (I − Ã(S(P)))ᵀ P` (with `G_k = S_k (1 − σ (1 − P̄/c_k))` in place of
    /// the shares: Ã's own change with P through the shares included); `quantity` factors
    /// `I − A(S(P₀))` without tariffs, from which the quantity solve refines.
    struct NearbyFactors {
        let derivative: any LeontiefFactorization
        let quantity: any LeontiefFactorization
        /// The network's acyclic order, where it has one: the fixed point is then solved in one
        /// pass (`PriceSweep`) instead of by Newton's method on `derivative`.
        var sweep: PriceSweep? = nil
    }

    /// Newton steps on the fixed point with the nearby Jacobian,
    /// ```
    /// P ← P + (I − G₀ᵀ)⁻¹ r(P),     r(P) = v + μ − (I − Ã(S(P)))ᵀ P,
    /// ```
    /// until the relative change `max |ΔP|/P` is within `priceTolerance`. Why: the chord
    /// iteration of `solvePrices` uses `I − Ãᵀ`, which leaves out how the shares move with the
    /// prices; it converges linearly (on the 10,000-node benchmark networks: as many iterations
    /// as the network has stages when acyclic, 6–10 when cyclic), and begins with a fresh
    /// factorization. With `I − G₀ᵀ` the error contracts by about `‖(I − G₀ᵀ)⁻¹ (G(P) − G₀)ᵀ‖`,
    /// i.e. by how far the rents moved since `P₀`: from the clearing's predicted start of a
    /// local step (error 1e-7 … 1e-5) three steps reach 1e-13 with no factorization made.
    ///
    /// Stops (not converged, `prices` the last accepted iterate) when a step's change is not at
    /// most half the one before — the nearby Jacobian is too far from the current one — or a
    /// price would not be finite and positive.
    func nearbyNewton(
        _ c: Calibration, start: [Double], factors: NearbyFactors, costTarget: [Double],
        shares shareAt: ([Double]) -> [Double], tariffs tau: [Double]
    ) -> (prices: [Double], iterations: Int, change: Double, converged: Bool) {
        var prices = start
        var previous = Double.infinity
        var iterations = 0
        while iterations < Self.nearbyNewtonSteps {
            let system = LeontiefSystem(calibration: c, shares: shareAt(prices), tariffs: tau)
            let r = residual(system, x: prices, rhs: costTarget, withTariffs: true, transposed: true)
            var next = prices
            Vector.axpy(1, factors.derivative.solve(r, transposed: true), &next)
            iterations += 1
            guard next.allSatisfy({ $0.isFinite && $0 > 0 }) else { break }
            var change = 0.0
            for j in 0..<next.count { change = max(change, abs(next[j] - prices[j]) / next[j]) }
            guard change <= 0.5 * previous else { break }
            prices = next
            previous = change
            if change <= options.priceTolerance { return (prices, iterations, change, true) }
        }
        return (prices, iterations, previous, false)
    }

    /// Newton steps before `solvePrices` goes on with its own iteration.
    static let nearbyNewtonSteps = 8

    /// The slack `w = (I − Ãᵀ) p` when prices `p` certify that `I − Ã` (the system's matrix
    /// with tariffs) is productive and well enough conditioned, without a factorization (nil
    /// otherwise): for `Ã ≥ 0` and `p > 0`, a slack
    /// `w = (I − Ãᵀ) p > 0` in every row gives `Ãᵀ p < p`, so `ρ(Ã) < 1` (Collatz–Wielandt),
    /// and, `(I − Ãᵀ)⁻¹` being ≥ 0, `(I − Ãᵀ)⁻¹ 1 ≤ p / min w` and `‖Ãᵀ‖∞ ≤ max p / min p`:
    /// ```
    /// rcond∞(I − Ãᵀ) ≥ min w / ((1 + max p / min p) · max p)
    /// ```
    /// which must reach `singularityThreshold`. The test the factorization makes
    /// (`checkProductive`, `(I − Ãᵀ)⁻¹ 1 ≥ 1`) follows. Nil — and the caller factors — where a
    /// coefficient is negative (a subsidy below −100 %) or a slack is not positive: these
    /// prices prove nothing either way. The slack is returned because the caller's price
    /// residual is `v + μ − w`: one pass over the coefficients serves both.
    func productivitySlack(_ system: LeontiefSystem, prices p: [Double]) -> [Double]? {
        let n = p.count
        guard n > 0 else { return [] }
        var ap = [Double](repeating: 0, count: n)
        var negative = false
        p.withUnsafeBufferPointer { pp in
            ap.withUnsafeMutableBufferPointer { out in
                // Ãᵀ p: entry (i, j) of Ã moves p_i into row j of the transpose.
                system.forEachCoefficient(withTariffs: true) { i, j, a in
                    if a < 0 { negative = true }
                    out[j] += a * pp[i]
                }
            }
        }
        guard !negative else { return nil }
        let w = (0..<n).map { p[$0] - ap[$0] }
        var minW = Double.infinity, minP = Double.infinity, maxP = 0.0
        for j in 0..<n {
            minW = min(minW, w[j])
            minP = min(minP, p[j])
            maxP = max(maxP, p[j])
        }
        guard minW > 0, minP > 0, maxP.isFinite else { return nil }
        return minW / ((1 + maxP / minP) * maxP) >= options.singularityThreshold ? w : nil
    }
}
