import Foundation
import Testing

@testable import MinsimEngine

/// What a warm year on the matrix-free path starts from besides the year before's solution:
/// its products (`MarketClearing.solveMatrixFree`, `CarriedProducts`).
@Suite("Market clearing: the year before's products in a warm year")
struct WarmYearTests {
    /// The next year's conditions: every final demand +3 %.
    static func grown(_ conditions: YearConditions, in network: Network) -> YearConditions {
        var next = conditions
        for r in network.regionIndices {
            for q in network.productIndices { next.finalDemand[r, q] *= 1.03 }
        }
        return next
    }

    /// The year `conditions` on `fixture` solved matrix-free from its warm start, as
    /// `MarketClearing` does above 2,048 nodes: the problem, the result and what it carries on.
    static func solveMatrixFree(
        _ fixture: ScarceNetwork, conditions: YearConditions, warmStart: ClearingWarmStart?, clearing: MarketClearing
    ) throws -> (
        problem: YearClearingProblem, result: ComplementarityResult<YearClearingProblem.Point>, carried: CarriedProducts
    ) {
        var (problem, start, _) = try clearing.makeProblem(
            fixture.calibration, conditions: conditions, demandElasticity: fixture.elasticity, warmStart: warmStart)
        let (result, carried, _) = try MarketClearing.solveMatrixFree(
            &problem, from: start, warmStart: warmStart, settings: clearing.settings.solver)
        return (problem, result, carried)
    }

    /// Two solutions agree entry by entry to 1e-7 (see `carriedRecord` for the tolerance).
    static func expectSame(_ a: [Double], _ b: [Double], _ label: String) {
        for i in a.indices {
            #expect(abs(a[i] - b[i]) <= 1e-7, "\(label): z[\(i)] \(a[i]) \(b[i])")
        }
    }

    /// The next year (final demand +3 %) on seeded 24-node networks, acyclic and cyclic,
    /// solved matrix-free from the year's warm start with the year before's products as the
    /// first preconditioner and without: the record only preconditions (GMRES always applies
    /// the current Newton matrix), so both end certified and at the same solution. Both meet
    /// the natural residual 1e-10; the unknowns are rents and shares of order 0.1–1 whose
    /// conditions have slopes of order 0.01–1 in these units (`newtonDirection`'s scaling
    /// note), so two points within that residual differ by at most ≈ 1e-8; 1e-7 allows that
    /// with room, far below the change from one year to the next (≈ 1e-2).
    @Test("the carried products leave the solution unchanged", arguments: [1, 7, 42] as [UInt64])
    func carriedRecord(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            let fixture = try ScarceNetwork(seed: seed, feedback: feedback)
            let clearing = MarketClearing()
            let label = "seed \(seed) feedback \(feedback)"
            let (_, first, carried) = try Self.solveMatrixFree(
                fixture, conditions: fixture.conditions, warmStart: nil, clearing: clearing)
            try #require(first.status == .solved, "\(label)")
            // The year's warm start as the clearing hands it on, with the products.
            var warm = try clearing.solve(
                fixture.calibration, conditions: fixture.conditions, demandElasticity: fixture.elasticity
            ).warmStart
            warm.products = carried
            let next = Self.grown(fixture.conditions, in: fixture.network)
            var results: [[Double]] = []
            for products in [carried, nil] as [CarriedProducts?] {
                warm.products = products
                let (p, result, _) = try Self.solveMatrixFree(fixture, conditions: next, warmStart: warm, clearing: clearing)
                #expect((products?.record(for: p) != nil) == (products != nil), "\(label)")
                #expect(result.status == .solved && result.naturalResidual <= 1e-10, "\(label)")
                results.append(result.z)
            }
            Self.expectSame(results[0], results[1], label)
        }
    }

    /// The extrapolated start (`MarketClearing.solveMatrixFree`): three years, final demand
    /// +3 % a year, on seeded 24-node networks. The second year carries its solution and its
    /// change from the first, exactly (a difference of the two solutions, tolerance 0); the
    /// third year, solved from the extrapolation and without it, ends certified at the same
    /// solution (1e-7, as in `carriedRecord`: both meet the natural residual 1e-10).
    @Test("a warm year starts from the years before's extrapolation, same solution", arguments: [1, 7, 42] as [UInt64])
    func extrapolatedStart(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            let fixture = try ScarceNetwork(seed: seed, feedback: feedback)
            let clearing = MarketClearing()
            let label = "seed \(seed) feedback \(feedback)"
            var years = [fixture.conditions]
            for _ in 1..<3 { years.append(Self.grown(years[years.count - 1], in: fixture.network)) }
            // Years 0 and 1 as a run clears them, the products and solutions carried along.
            var warm: ClearingWarmStart? = nil
            var solutions: [[Double]] = []
            for t in 0..<2 {
                let (_, result, carried) = try Self.solveMatrixFree(
                    fixture, conditions: years[t], warmStart: warm, clearing: clearing)
                try #require(result.status == .solved, "\(label) year \(t)")
                solutions.append(result.z)
                var next = try clearing.solve(
                    fixture.calibration, conditions: years[t], demandElasticity: fixture.elasticity, warmStart: warm
                ).warmStart
                next.products = carried
                warm = next
            }
            let carried = try #require(warm?.products)
            #expect(carried.solution == solutions[1], "\(label)")
            #expect(carried.change == zip(solutions[1], solutions[0]).map { $0 - $1 }, "\(label)")
            var results: [[Double]] = []
            for change in [carried.change, nil] {
                var w = try #require(warm)
                w.products?.change = change
                let (_, result, _) = try Self.solveMatrixFree(fixture, conditions: years[2], warmStart: w, clearing: clearing)
                #expect(result.status == .solved && result.naturalResidual <= 1e-10, "\(label)")
                results.append(result.z)
            }
            Self.expectSame(results[0], results[1], label)
        }
    }

    /// The choice between the predicted and the plain start (`MatrixFreeNewton.solve`): with
    /// the year's solution as the prediction, the solve starts there and takes no step; below
    /// `acceptBelow` without evaluating the plain start (one evaluation), otherwise after
    /// comparing both (two, and the plain start's merit reported). A prediction worse than the
    /// plain start (every unknown at its upper bound, rents at 5; the plain start the solution)
    /// is evaluated and passed over: no step, two evaluations. With the plain start's evaluation
    /// given, both are compared whatever the bound.
    @Test("the predicted start is taken below the bound or where its merit is lower")
    func predictedStartChoice() throws {
        let fixture = try ScarceNetwork(seed: 7)
        let clearing = MarketClearing()
        var (problem, z0, _) = try clearing.makeProblem(
            fixture.calibration, conditions: fixture.conditions, demandElasticity: fixture.elasticity, warmStart: nil)
        let newton = MatrixFreeNewton(settings: clearing.settings.solver)
        let plain = try newton.solve(&problem, from: z0).result
        try #require(plain.status == .solved)
        for (bound, evaluations) in [(Double.infinity, 1), (0, 2)] {
            var record = MatrixFreeNewton.ProductRecord(limit: newton.recordedProducts)
            let (result, counts) = try newton.solve(
                &problem, from: z0, predicted: plain.z, acceptBelow: bound, record: &record)
            #expect(result.status == .solved && counts.steps == 0, "bound \(bound)")
            #expect(result.evaluations == evaluations, "bound \(bound)")
            #expect((counts.startMerit != nil) == (evaluations == 2), "bound \(bound)")
        }
        // With the start's evaluation given (`first`, as the nothing-binding shortcut hands it
        // over), the start is compared even below the bound: it costs no evaluation more, and is
        // counted once.
        let given = try problem.evaluate(z0)
        var withFirst = MatrixFreeNewton.ProductRecord(limit: newton.recordedProducts)
        let fromFirst = try newton.solve(
            &problem, from: z0, predicted: plain.z, acceptBelow: .infinity, first: given, record: &withFirst)
        #expect(fromFirst.result.status == .solved && fromFirst.counts.steps == 0)
        #expect(fromFirst.result.evaluations == 2 && fromFirst.counts.startMerit != nil)
        #expect(fromFirst.result.z == plain.z, "the predicted start (the solution) has the lower merit")
        let far = problem.upperBounds.map { $0.isFinite ? $0 : 5 }
        var record = MatrixFreeNewton.ProductRecord(limit: newton.recordedProducts)
        let (result, counts) = try newton.solve(&problem, from: plain.z, predicted: far, acceptBelow: 0, record: &record)
        let startMerit = try #require(counts.startMerit)
        let atFar = try problem.evaluate(far)
        let farPhi = ComplementaritySolver.reformulation(far, atFar.residual, problem.lowerBounds, problem.upperBounds)
        #expect(0.5 * ComplementaritySolver.squaredNorm(farPhi.value) > startMerit)
        #expect(result.status == .solved && counts.steps == 0 && result.evaluations == 2)
    }

    /// A record is kept only for the unknowns it was made on: a year with one capacitated
    /// node fewer has other row indices.
    @Test("the products are dropped when the unknowns change")
    func recordDroppedOnNewUnknowns() throws {
        let fixture = try ScarceNetwork(seed: 7)
        let clearing = MarketClearing()
        var (problem, z0, _) = try clearing.makeProblem(
            fixture.calibration, conditions: fixture.conditions, demandElasticity: fixture.elasticity, warmStart: nil)
        let (_, carried, _) = try MarketClearing.solveMatrixFree(
            &problem, from: z0, warmStart: nil, settings: clearing.settings.solver)
        #expect(carried.record.count > 0 && carried.record(for: problem) != nil)
        var fewer = fixture.conditions
        let capped = try #require(fixture.calibration.activeNodes.first { fewer.capacities[$0] != nil })
        fewer.capacities[capped] = nil
        let other = try clearing.makeProblem(
            fixture.calibration, conditions: fewer, demandElasticity: fixture.elasticity, warmStart: nil
        ).problem
        #expect(carried.record(for: other) == nil)
    }
}
