import Foundation
import LinearAlgebra
import Testing

@testable import MinsimEngine

/// The price fixed point solved by Newton's method on a nearby solution's factors
/// (`YearSolver.nearbyNewton`, the matrix-free clearing's trial points) and the productivity
/// certificate that spares it a factorization (`YearSolver.productivitySlack`).
@Suite("Prices near an evaluated point: Newton on its factors")
struct NearbyPriceTests {
    /// The seeded interior point's problem and factors, and rents one small step away.
    static func nearby(seed: UInt64, feedback: Double, step: Double) throws -> (
        problem: YearClearingProblem, point: YearClearingProblem.Point, factors: YearSolver.NearbyFactors,
        mu: [Double], kappa: [Double], z: [Double]
    ) {
        var (problem, z, point, v) = try MatrixFreeProductTests.interior(seed: seed, feedback: feedback)
        let made = try problem.factorizations(at: point)
        let factors = YearSolver.NearbyFactors(derivative: made.g, quantity: made.a)
        let moved = z.indices.map { z[$0] + step * v[$0] }
        let (mu, kappa) = problem.rents(moved)
        return (problem, point, factors, mu, kappa, moved)
    }

    static func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) / max(abs($1), 1e-300) }.max() ?? 0
    }

    /// From the interior point's prices, at rents moved by 1e-3 × a seeded direction (a local
    /// step of the clearing): Newton on the point's factors reaches the fixed point the chord
    /// iteration reaches, with no factorization of its own and in no more iterations (fewer
    /// where the network has cycles: an acyclic one's chord iteration is exact after as many
    /// iterations as it has stages). Both stop
    /// at a relative change of at most 1e-12 (`priceTolerance`); the chord's remaining error is
    /// at most q/(1 − q) times that for its contraction q (< 0.9 on these networks, else it would
    /// not have converged in the iterations it took), Newton's far less, so 1e-10 bounds their
    /// difference with room while a wrong fixed point (a missed share response) would differ at
    /// the step's own size, 1e-3.
    @Test("Newton on nearby factors reaches the chord iteration's fixed point", arguments: [1, 7, 42] as [UInt64])
    func sameFixedPoint(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            let (problem, point, factors, mu, kappa, _) = try Self.nearby(seed: seed, feedback: feedback, step: 1e-3)
            let c = problem.calibration, solver = problem.solver
            let chord = try solver.solvePrices(
                c, conditions: problem.conditions, inputs: problem.pricing, scarcityRent: mu, routeRent: kappa,
                startingPrices: point.priced.prices)
            let newton = try solver.solvePrices(
                c, conditions: problem.conditions, inputs: problem.pricing, scarcityRent: mu, routeRent: kappa,
                startingPrices: point.priced.prices, near: factors)
            let label = "seed \(seed) feedback \(feedback)"
            #expect(chord.converged && newton.converged, "\(label)")
            #expect(newton.factoredNearby && !chord.factoredNearby, "\(label)")
            #expect(newton.statistics.factorizations == 0 && chord.statistics.factorizations >= 1, "\(label)")
            // Never more iterations; on the cyclic networks, where the chord iteration converges
            // only linearly, fewer (measured: 4 against 6, 10 and 7; acyclic 3–4 against 4).
            let fewer =
                feedback > 0
                ? newton.statistics.iterations < chord.statistics.iterations
                : newton.statistics.iterations <= chord.statistics.iterations
            #expect(fewer, "\(label): \(newton.statistics.iterations) against \(chord.statistics.iterations)")
            #expect(Self.relativeDifference(newton.prices, chord.prices) <= 1e-10, "\(label)")
            #expect(Self.relativeDifference(newton.shares, chord.shares) <= 1e-10, "\(label)")
            #expect(newton.statistics.priceResidual <= 1e-10, "\(label): \(newton.statistics.priceResidual)")
            // The quantity solve refines from the nearby I − A and gives the chord's quantities.
            let demand = problem.conditions.finalDemand
            let x1 = try solver.solveQuantities(newton, finalDemand: demand, secondarySupply: nil)
            let x0 = try solver.solveQuantities(chord, finalDemand: demand, secondarySupply: nil)
            #expect(Self.relativeDifference(x1.output, x0.output) <= 1e-10, "\(label)")
        }
    }

    /// At rents a whole unit away (the clearing's global phase), where the point's Jacobian
    /// may be too far off: whether Newton converges there or stops and hands over to the chord
    /// iteration, the fixed point is the same (tolerance as above).
    @Test("far from the factors' point the fixed point is still the chord iteration's", arguments: [1, 7, 42] as [UInt64])
    func farStart(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            let (problem, point, factors, mu, kappa, _) = try Self.nearby(seed: seed, feedback: feedback, step: 4)
            let c = problem.calibration, solver = problem.solver
            let chord = try solver.solvePrices(
                c, conditions: problem.conditions, inputs: problem.pricing, scarcityRent: mu.map { max($0, 0) },
                routeRent: kappa.map { max($0, 0) }, startingPrices: point.priced.prices)
            let newton = try solver.solvePrices(
                c, conditions: problem.conditions, inputs: problem.pricing, scarcityRent: mu.map { max($0, 0) },
                routeRent: kappa.map { max($0, 0) }, startingPrices: point.priced.prices, near: factors)
            #expect(newton.converged, "seed \(seed) feedback \(feedback)")
            #expect(Self.relativeDifference(newton.prices, chord.prices) <= 1e-10, "seed \(seed) feedback \(feedback)")
        }
    }

    /// The certificate by hand. At the base year's prices `(I − Ãᵀ) P₀ = v` (the calibration's
    /// value added, positive on these networks): certified. A price vector whose first node's
    /// price is below the cost of its inputs (`p_j < (Ãᵀ p)_j`, slack negative) proves nothing:
    /// not certified, and the solver factors. A subsidy of −150 % makes a coefficient negative:
    /// not certified whatever the prices.
    @Test("the productivity certificate: a positive slack certifies, anything else does not")
    func certificate() throws {
        let fixture = try ScarceNetwork(seed: 7)
        let c = fixture.calibration
        let solver = YearSolver()
        let zero = [Double](repeating: 0, count: c.routes.count)
        let system = LeontiefSystem(calibration: c, shares: c.baseShares, tariffs: zero)
        #expect(c.valueAdded.allSatisfy { $0 > 0 })
        #expect(solver.productivitySlack(system, prices: c.basePrices) != nil)
        // A consumer node whose price is set below its input cost.
        let consumer = try #require(c.consumption.first?.column)
        let inputCost = system.multiply(c.basePrices, withTariffs: true, transposed: true)[consumer]
        var low = c.basePrices
        low[consumer] = 0.5 * inputCost
        #expect(solver.productivitySlack(system, prices: low) == nil)
        // A zero price is no certificate either.
        var zeroPrice = c.basePrices
        zeroPrice[0] = 0
        #expect(solver.productivitySlack(system, prices: zeroPrice) == nil)
        let subsidized = LeontiefSystem(
            calibration: c, shares: c.baseShares, tariffs: [Double](repeating: -1.5, count: c.routes.count))
        #expect(solver.productivitySlack(subsidized, prices: c.basePrices) == nil)
    }

    /// A year solution whose prices were solved on nearby factors reports, once its condition
    /// is estimated (`estimatingCondition`, as the clearing does for the year it returns), the
    /// solver and condition estimate of the same point solved afresh: the estimate of the same
    /// matrix to within the 1e-10 its shares differ by (an estimate is a norm of solves with
    /// it, continuous in the entries; 1e-6 relative leaves room for the estimator's own path).
    @Test("the solution from nearby factors reports the fresh solve's condition", arguments: [1, 42] as [UInt64])
    func conditionReported(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            var (problem, _, _, _, _, z) = try Self.nearby(seed: seed, feedback: feedback, step: 1e-3)
            var inner = problem.solver
            inner.triangularConditionOnRequest = true
            problem.nearbyPrices = true
            let near = try problem.evaluate(z).point
            problem.nearbyPrices = false
            problem.factors = nil
            let fresh = try problem.evaluate(z).point
            let label = "seed \(seed) feedback \(feedback)"
            try #require(near.priced.factoredNearby && !fresh.priced.factoredNearby, "\(label)")
            let a = try inner.estimatingCondition(near.solution, priced: near.priced).statistics
            let b = try inner.estimatingCondition(fresh.solution, priced: fresh.priced).statistics
            #expect(a.linearSolver == b.linearSolver && !a.linearSolver.isEmpty, "\(label)")
            #expect(a.priceReciprocalCondition.isFinite && a.priceReciprocalCondition > 0, "\(label)")
            #expect(
                abs(a.priceReciprocalCondition - b.priceReciprocalCondition) <= 1e-6 * b.priceReciprocalCondition,
                "\(label): \(a.priceReciprocalCondition) against \(b.priceReciprocalCondition)")
        }
    }

    /// The matrix-free method with its trial points priced on nearby factors clears the seeded
    /// networks to the same equilibrium as with every fixed point solved afresh: the same
    /// status, and unknowns within 1e-8 (each solution is within the tolerance 1e-10 of the
    /// natural residual; the rents' sensitivity to the residual on these networks is below 100).
    @Test("the matrix-free clearing with nearby prices reaches the same equilibrium", arguments: [1, 7, 42] as [UInt64])
    func sameEquilibrium(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            let fixture = try ScarceNetwork(seed: seed, feedback: feedback)
            let settings = MarketClearingSettings().solver
            var results: [ComplementarityResult<YearClearingProblem.Point>] = []
            for nearby in [false, true] {
                var (problem, start) = try fixture.clearingProblem()
                problem.nearbyPrices = nearby
                results.append(try MatrixFreeNewton(settings: settings).solve(&problem, from: start).result)
            }
            let label = "seed \(seed) feedback \(feedback)"
            #expect(results[0].status == .solved && results[1].status == .solved, "\(label)")
            #expect(results[1].naturalResidual <= settings.tolerance, "\(label)")
            let gap = zip(results[0].z, results[1].z).map { abs($0 - $1) }.max() ?? 0
            #expect(gap <= 1e-8, "\(label): \(gap)")
        }
    }
}
