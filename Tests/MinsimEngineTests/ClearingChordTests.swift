import Foundation
import LinearAlgebra
import Testing

@testable import MinsimEngine

@Suite("Market clearing: chord steps on small Jacobians and the price predictor")
struct ClearingChordTests {
    /// Kojima & Shindo (1986) from (1, 1, 1, 1), where Newton's method converges to the solution
    /// (√6/2, 0, 0, 1/2): with chord steps the solver reaches the same solution to a natural
    /// residual of 1e-10 (its tolerance), i.e. within 1e-8 (well conditioned there), and at least
    /// one accepted step reuses the last Jacobian (fewer Jacobians than steps), which without
    /// chord steps (`chordContraction = 0`, 4 columns < `reuseMinimumColumns`) never happens.
    @Test("chord steps reach the same solution of Kojima–Shindo with fewer Jacobians")
    func kojimaShindoChord() {
        var problem = ClosureProblem.kojimaShindo
        var off = ComplementaritySettings()
        off.chordContraction = 0
        let newton = ComplementaritySolver(settings: off).solve(&problem, from: [1, 1, 1, 1])
        let chord = ComplementaritySolver().solve(&problem, from: [1, 1, 1, 1])
        #expect(newton.status == .solved && chord.status == .solved)
        #expect(newton.jacobians == newton.iterations, "without chord steps every step forms its Jacobian")
        #expect(chord.jacobians < chord.iterations, "\(chord.jacobians) Jacobians in \(chord.iterations) steps")
        #expect(chord.naturalResidual <= 1e-10)
        let solution = [Double(6).squareRoot() / 2, 0, 0, 0.5]
        for (a, b) in zip(chord.z, solution) { #expect(abs(a - b) <= 1e-8, "ended at \(chord.z)") }
        for (a, b) in zip(newton.z, solution) { #expect(abs(a - b) <= 1e-8, "Newton ended at \(newton.z)") }
    }

    /// On seeded scarce networks, the year's clearing with chord steps ends at the same rents
    /// and unserved shares as with Newton steps throughout: both stop at a natural residual of
    /// 1e-10, and the unknowns' sensitivity to the residual on these networks is below 1e3 (as
    /// in `ClearingHomotopyTests`), so they agree to 1e-7 in scaled units.
    @Test("chord steps give the clearing's solution", arguments: [1, 7, 42] as [UInt64])
    func chordSameSolution(seed: UInt64) throws {
        let fixture = try ScarceNetwork(seed: seed)
        var off = MarketClearingSettings()
        off.solver.chordContraction = 0
        let newton = try MarketClearing(settings: off).solve(
            fixture.calibration, conditions: fixture.conditions, demandElasticity: fixture.elasticity)
        let chord = try MarketClearing().solve(
            fixture.calibration, conditions: fixture.conditions, demandElasticity: fixture.elasticity)
        #expect(newton.certificate.certified && chord.certificate.certified, "seed \(seed)")
        for (a, b) in zip(newton.scarcityRent, chord.scarcityRent) {
            let base = fixture.calibration.basePrices
            let scale = base.max() ?? 1
            #expect(abs(a - b) <= 1e-7 * scale, "seed \(seed): rent \(a) vs \(b)")
        }
        for (a, b) in zip(newton.markets, chord.markets) {
            #expect(abs(a.unservedShare - b.unservedShare) <= 1e-7, "seed \(seed): \(a.region) \(a.product)")
        }
    }

    /// The predictor `P(z₀) + Σ ∂P/∂z_j (z_j − z₀_j)` is a first-order Taylor expansion of the
    /// price fixed point: its error at `z₀ + h e_j` falls like h², so halving h cuts it by about
    /// 4 (≥ 3 allowed for the h³ term at these h); and an evaluation started there gives the
    /// same F as one started from the last prices, to 1e-9 (both fixed points stop at a relative
    /// price change of 1e-12; F is a ratio of quantities that move with prices by O(1–100)).
    @Test("the price predictor is first-order accurate and does not change F", arguments: [1, 7] as [UInt64])
    func predictorAccuracy(seed: UInt64) throws {
        let fixture = try ScarceNetwork(seed: seed)
        var (problem, z0, _) = try MarketClearing().makeProblem(
            fixture.calibration, conditions: fixture.conditions, demandElasticity: fixture.elasticity,
            warmStart: nil)
        let origin = try problem.evaluate(z0).point
        let rents = Array(0..<problem.quotaOffset)
        #expect(!rents.isEmpty)
        _ = try problem.jacobian(at: origin, rows: rents, columns: rents)
        var errors: [Double] = []
        for h in [0.2, 0.1] {
            var z = z0
            z[0] += h
            let predicted = try #require(problem.startingPrices(for: z))
            var exact = problem
            exact.predictor = nil
            exact.lastPrices = origin.priced.prices
            let (fExact, pointExact) = try exact.evaluate(z)
            let (fPredicted, _) = try problem.evaluate(z)
            for (a, b) in zip(fExact, fPredicted) { #expect(abs(a - b) <= 1e-9, "seed \(seed), h \(h)") }
            let truth = pointExact.priced.prices
            errors.append(zip(predicted, truth).map { abs($0 - $1) / $1 }.max() ?? 0)
            let moved = zip(origin.priced.prices, truth).map { abs($0 - $1) / $1 }.max() ?? 0
            #expect(moved > 0, "seed \(seed): the rent moves some price")
        }
        #expect(errors[1] <= errors[0] / 3, "seed \(seed): prediction errors \(errors) at h = 0.2, 0.1")
    }
}
