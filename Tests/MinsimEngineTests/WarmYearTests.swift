import Foundation
import Testing

@testable import MinsimEngine

/// What a warm year on the matrix-free path starts from besides the year before's solution:
/// its products (`MarketClearing.solveMatrixFree`, `CarriedProducts`).
@Suite("Market clearing: the year before's products in a warm year")
struct WarmYearTests {
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
            var (problem, z0, _) = try clearing.makeProblem(
                fixture.calibration, conditions: fixture.conditions, demandElasticity: fixture.elasticity, warmStart: nil)
            let (first, carried) = try MarketClearing.solveMatrixFree(
                &problem, from: z0, warmStart: nil, settings: clearing.settings.solver)
            try #require(first.status == .solved, "\(label)")
            // The year's warm start as the clearing hands it on, with the products.
            var warm = try clearing.solve(
                fixture.calibration, conditions: fixture.conditions, demandElasticity: fixture.elasticity
            ).warmStart
            warm.products = carried
            var next = fixture.conditions
            for r in fixture.network.regionIndices {
                for q in fixture.network.productIndices { next.finalDemand[r, q] *= 1.03 }
            }
            var results: [[Double]] = []
            for products in [carried, nil] as [CarriedProducts?] {
                warm.products = products
                var (p, start, _) = try clearing.makeProblem(
                    fixture.calibration, conditions: next, demandElasticity: fixture.elasticity, warmStart: warm)
                #expect((products?.record(for: p) != nil) == (products != nil), "\(label)")
                let (result, _) = try MarketClearing.solveMatrixFree(
                    &p, from: start, warmStart: warm, settings: clearing.settings.solver)
                #expect(result.status == .solved && result.naturalResidual <= 1e-10, "\(label)")
                results.append(result.z)
            }
            for i in results[0].indices {
                #expect(abs(results[0][i] - results[1][i]) <= 1e-7, "\(label): z[\(i)] \(results[0][i]) \(results[1][i])")
            }
        }
    }

    /// A record is kept only for the unknowns it was made on: a year with one capacitated
    /// node fewer has other row indices.
    @Test("the products are dropped when the unknowns change")
    func recordDroppedOnNewUnknowns() throws {
        let fixture = try ScarceNetwork(seed: 7)
        let clearing = MarketClearing()
        var (problem, z0, _) = try clearing.makeProblem(
            fixture.calibration, conditions: fixture.conditions, demandElasticity: fixture.elasticity, warmStart: nil)
        let (_, carried) = try MarketClearing.solveMatrixFree(
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
