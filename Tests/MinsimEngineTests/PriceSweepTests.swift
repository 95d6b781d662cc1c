import LinearAlgebra
import Testing

@testable import MinsimEngine

/// The one-pass price solve of acyclic networks (`PriceSweep`) against the iterated fixed
/// point and the equations themselves, on the seeded scarce networks of the clearing tests
/// (capacity-weighted shares), with a 25 % tariff on every fourth route, scarcity rents of 40 %
/// of the base price on every third node and a quota rent of 0.1 on every fifth route.
@Suite("Market clearing: the price–share fixed point of an acyclic network in one pass")
struct PriceSweepTests {
    /// The year's conditions with the tariffs, and the rents, as above.
    static func year(_ fixture: ScarceNetwork) -> (conditions: YearConditions, mu: [Double], kappa: [Double]) {
        let c = fixture.calibration
        var conditions = fixture.conditions
        for (k, route) in c.routes.enumerated() where k % 4 == 1 { conditions.tariffs[route] = 0.25 }
        let mu = (0..<c.dimension).map { j in j % 3 == 0 ? 0.4 * c.basePrices[j] : 0 }
        let kappa = c.routes.indices.map { k in k % 5 == 2 ? 0.1 : 0 }
        return (conditions, mu, kappa)
    }

    /// - The shares are `armingtonShares` at the swept prices, bit for bit (one code path).
    /// - The prices solve `(I − Ã(S))ᵀ P = v + μ` at those shares to 1e-14 relative: each price
    ///   is a sum of positive terms over at most `stages` levels, so its rounding is a few ulps
    ///   per level (measured: 2.0–2.5e-16 on these seeds); 1e-14 leaves a factor of 40.
    /// - They equal the iterated fixed point (`YearSolver.solvePrices` from base prices) to
    ///   1e-11 relative: that iteration stops where a step changes no price by more than
    ///   `priceTolerance` (1e-12) relative, so its own error is within 1e-12 · r/(1 − r) for a
    ///   contraction rate r; 1e-11 allows r up to 0.9 (measured: ≤ 2.9e-16, the iteration
    ///   ends exactly on an acyclic network).
    @Test("on an acyclic network one pass is the fixed point", arguments: [1, 7, 42] as [UInt64])
    func fixedPoint(seed: UInt64) throws {
        let fixture = try ScarceNetwork(seed: seed)
        let c = fixture.calibration
        let (conditions, mu, kappa) = Self.year(fixture)
        let sweep = try #require(PriceSweep(c), "seed \(seed): a network without feedback is acyclic")
        let inputs = YearSolver.PricingInputs(c, conditions: conditions)
        let tau = zip(inputs.statutory, kappa).map { $0 + $1 }
        let cost = zip(c.valueAdded, mu).map { $0 + $1 }
        let swept = sweep.solve(
            c, costTarget: cost, tariffs: tau, capacities: conditions.capacities, closed: inputs.closed,
            logPreference: inputs.logPreference)
        let shares = c.armingtonShares(
            prices: swept.prices, tariffs: tau, capacities: conditions.capacities, closed: inputs.closed,
            logPreference: inputs.logPreference)
        #expect(swept.shares == shares, "seed \(seed)")
        let system = LeontiefSystem(calibration: c, shares: swept.shares, tariffs: tau)
        let carried = system.multiply(swept.prices, withTariffs: true, transposed: true)
        var worst = 0.0
        for j in 0..<c.dimension { worst = max(worst, abs(cost[j] - (swept.prices[j] - carried[j]))) }
        #expect(worst <= 1e-14 * Vector.maxNorm(cost), "seed \(seed): residual \(worst)")
        let reference = try YearSolver().solvePrices(c, conditions: conditions, scarcityRent: mu, routeRent: kappa)
        #expect(reference.converged, "seed \(seed)")
        for j in 0..<c.dimension {
            #expect(
                abs(swept.prices[j] - reference.prices[j]) <= 1e-11 * reference.prices[j],
                "seed \(seed) node \(j): \(swept.prices[j]) against \(reference.prices[j])")
        }
    }

    /// With feedback the synthetic networks have loops (the triangular analysis finds one);
    /// there is no order, and the clearing keeps Newton's method on the nearby factors.
    @Test("a network with a loop has no sweep", arguments: [1, 7, 42] as [UInt64])
    func loop(seed: UInt64) throws {
        let fixture = try ScarceNetwork(seed: seed, feedback: 0.05)
        let c = fixture.calibration
        let system = LeontiefSystem(calibration: c, shares: c.baseShares, tariffs: [Double](repeating: 0, count: c.routes.count))
        guard case .cyclic = SubstitutionOrder.analyse(system.coefficientMatrix(withTariffs: false), findingLoop: false) else {
            Issue.record("seed \(seed): the feedback network has no loop to test")
            return
        }
        #expect(PriceSweep(c) == nil, "seed \(seed)")
    }

    /// A clearing evaluation near a factored point, with the sweep and with Newton's method on
    /// the nearby factors (`YearSolver.nearbyNewton`), gives the same residual to 1e-10: the
    /// Newton iterate stops at a relative price change ≤ 1e-12, and the residuals (slack ÷
    /// capacity, price gap ÷ choke price) move with prices at slopes of order 1–10 here
    /// (`newtonDirection`'s scaling note), so they agree to ≈ 1e-11 (measured: ≤ 1.8e-15).
    @Test("a nearby evaluation gives the residual Newton's method gives", arguments: [1, 7, 42] as [UInt64])
    func nearbyEvaluation(seed: UInt64) throws {
        let fixture = try ScarceNetwork(seed: seed)
        var (problem, z0) = try fixture.clearingProblem()
        problem.nearbyPrices = true
        let (_, point) = try problem.evaluate(z0)
        _ = try problem.factorizations(at: point)
        let z1 = z0.indices.map { i in i < problem.quotaOffset ? z0[i] + 0.05 * Double(i % 3) : z0[i] }
        var newton = problem
        let swept = try problem.evaluate(z1).residual
        try #require(problem.priceSweep != nil, "seed \(seed): the sweep was used")
        newton.priceSweep = nil
        newton.priceSweepAnalysed = true
        let iterated = try newton.evaluate(z1).residual
        for i in swept.indices {
            #expect(abs(swept[i] - iterated[i]) <= 1e-10, "seed \(seed) unknown \(i): \(swept[i]) against \(iterated[i])")
        }
    }
}
