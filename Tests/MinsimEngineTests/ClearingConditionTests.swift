import Foundation
import Testing

@testable import MinsimEngine

/// The market clearing's evaluations leave the triangular solver's condition estimate out and
/// make it once on the final solution (`YearSolver.triangularConditionOnRequest`,
/// `estimatingCondition`): the year reported must carry exactly the statistics of a solve that
/// estimates at every factorization, since the manifest prints them.
@Suite("Clearing: the condition estimate made once, on the final solution")
struct ClearingConditionTests {
    @Test("a triangular factorization estimates on request exactly what it estimates at once")
    func onRequest() throws {
        let f = try ScarceNetwork(seed: 11)
        let system = LeontiefSystem(
            calibration: f.calibration, shares: f.calibration.baseShares,
            tariffs: [Double](repeating: 0, count: f.calibration.routes.count))
        let factorizer = LeontiefFactorizer(choice: .triangular)
        let eager = try factorizer.factor(system, withTariffs: false, estimateCondition: true)
        let lazy = try factorizer.factor(system, withTariffs: false, estimateCondition: false)
        guard var t = lazy as? TriangularLeontiefFactorization else {
            Issue.record("the triangular choice gave \(lazy.method)")
            return
        }
        // Not estimated: 0, which no estimate can be (it is 1 / (‖M‖₁ ‖M⁻¹‖₁) > 0).
        #expect(t.reciprocalCondition == 0)
        try t.estimateReciprocalCondition()
        // The same four substitutions on the same factors: bit for bit.
        #expect(t.reciprocalCondition == eager.reciprocalCondition)
        #expect(eager.reciprocalCondition > 0 && eager.reciprocalCondition <= 1)
    }

    @Test("a year solved with the estimate left out reports, once estimated, the statistics of the eager solve")
    func sameStatistics() throws {
        let f = try ScarceNetwork(seed: 11)
        // Rents at which capacity binds: the fixed point runs several iterations and factors afresh.
        let cleared = try clear(f)
        #expect(cleared.certificate.certified)
        #expect(cleared.statistics.bindingNodes.count > 0)
        let mu = cleared.scarcityRent
        let eager = try YearSolver().solve(f.calibration, conditions: f.conditions, scarcityRent: mu)
        #expect(eager.statistics.linearSolver.hasPrefix(TriangularLeontiefFactorization.methodName))

        var deferred = YearSolver()
        deferred.triangularConditionOnRequest = true
        let priced = try deferred.solvePrices(f.calibration, conditions: f.conditions, scarcityRent: mu)
        let left = try deferred.solveQuantities(
            priced, finalDemand: f.conditions.finalDemand, secondarySupply: f.conditions.secondarySupply)
        #expect(left.statistics.priceReciprocalCondition.isNaN)
        let estimated = try deferred.estimatingCondition(left, priced: priced)
        // Every statistic (iterations, factorizations, residuals, both condition numbers) and
        // every number of the solution are those of the eager solve, exactly.
        #expect(estimated.statistics == eager.statistics)
        #expect(estimated.prices == eager.prices)
        #expect(estimated.output == eager.output)
        #expect(estimated.flows == eager.flows)
        // The clearing's own reported year carries an estimate, not the stand-in.
        let reported = cleared.solution.statistics.priceReciprocalCondition
        #expect(reported.isFinite && reported > 0)
    }
}
