import Foundation
import Testing

@testable import MinsimEngine

/// The dense clearing method's size limit (`ComplementaritySettings.maxDenseUnknowns`): a year
/// whose Newton system would exceed it ends as `.tooLarge` at once, on every path that would
/// otherwise form its Jacobian (the Josephy–Newton solve, the matrix-free method's fallback,
/// the homotopy and the demand continuation), and a system of exactly the limit still runs.
@Suite("Market clearing: the dense method's size limit")
struct DenseLimitTests {
    /// Without a working-set margin every unknown is in the Newton system, so with the limit
    /// one below their count the solve stops before its first Jacobian: one evaluation (the
    /// start's), no Jacobian column, no step, the start returned; with the limit at their count
    /// the same solve runs as without a limit (the same unknowns to the bit: nothing else in
    /// the solve reads the limit).
    @Test("a Newton system above the limit stops before its Jacobian; one at the limit runs", arguments: [1, 42] as [UInt64])
    func stopsBeforeJacobian(seed: UInt64) throws {
        let fixture = try ScarceNetwork(seed: seed)
        let (problem, start) = try fixture.clearingProblem()
        let n = problem.lowerBounds.count
        var below = ComplementaritySettings()
        below.maxDenseUnknowns = n - 1
        var p1 = problem
        let stopped = try ComplementaritySolver(settings: below).solve(&p1, from: start)
        #expect(stopped.status == .tooLarge, "seed \(seed): \(stopped.status)")
        #expect(stopped.evaluations == 1 && stopped.jacobians == 0 && stopped.jacobianColumns == 0)
        #expect(stopped.iterations == 0 && stopped.log.isEmpty)
        #expect(stopped.z == FischerBurmeister.projected(start, lower: problem.lowerBounds, upper: problem.upperBounds))
        var at = ComplementaritySettings()
        at.maxDenseUnknowns = n
        var p2 = problem, p3 = problem
        let limited = try ComplementaritySolver(settings: at).solve(&p2, from: start)
        let free = try ComplementaritySolver().solve(&p3, from: start)
        #expect(limited.status == .solved, "seed \(seed): \(limited.status)")
        #expect(limited.z == free.z && limited.evaluations == free.evaluations)
    }

    /// The matrix-free method stopped before its first step (`maxSteps` 0) falls back on the
    /// Josephy–Newton solver, which refuses the system: the result is `.tooLarge` after the
    /// fallback's one evaluation, with no Jacobian formed.
    @Test("the matrix-free method's fallback stops at the limit")
    func matrixFreeFallback() throws {
        let fixture = try ScarceNetwork(seed: 7)
        var (problem, start) = try fixture.clearingProblem()
        var settings = MarketClearing().settings.solver
        settings.maxDenseUnknowns = 1
        var method = MatrixFreeNewton(settings: settings)
        method.maxSteps = 0
        let solved = try method.solve(&problem, from: start)
        #expect(solved.counts.fellBack && solved.counts.steps == 0, "\(solved.counts)")
        #expect(solved.result.status == .tooLarge)
        #expect(solved.result.jacobians == 0 && solved.result.jacobianColumns == 0)
        #expect(solved.result.evaluations == 2, "the start's and the fallback's")
    }

    /// Through `MarketClearing`: a binding year whose system exceeds the limit is returned
    /// uncertified with the status `.tooLarge`, without a homotopy stage or a continuation step
    /// (each would refuse the same system again), after the plain solve and the solver's
    /// evaluation at its start; `Simulation` turns it into `notCertified` for the year.
    @Test("a year above the limit ends uncertified as too large, with no homotopy or continuation")
    func clearingSkipsPaths() throws {
        let fixture = try ScarceNetwork(seed: 1)
        var settings = MarketClearingSettings()
        settings.solver.maxDenseUnknowns = 1
        let year = try MarketClearing(settings: settings).solve(
            fixture.calibration, conditions: fixture.conditions, demandElasticity: fixture.elasticity)
        #expect(!year.certificate.certified)
        #expect(year.statistics.status == .tooLarge)
        #expect(year.statistics.homotopySteps == 0 && year.statistics.continuationSteps == 0)
        #expect(year.statistics.jacobians == 0 && year.statistics.evaluations == 1, "\(year.statistics)")
        // The same year with the default limit clears (so the refusal above is the limit's).
        #expect(try clear(fixture).certificate.certified)
    }

    /// The homotopy's stages share the year's size: the first stage that refuses it ends the
    /// path (one stage, not the halvings down to the minimum step).
    @Test("the homotopy ends at the first stage that is too large")
    func homotopyStops() throws {
        let fixture = try ScarceNetwork(seed: 42)
        var (problem, start) = try fixture.clearingProblem()
        var none = ComplementaritySettings()
        none.maxIterations = 0
        let first = try ComplementaritySolver(settings: none).solve(&problem, from: start)
        var settings = ComplementaritySettings()
        settings.maxDenseUnknowns = 1
        let (result, stages) = try MarketClearing.homotopy(&problem, settings: settings, first: first)
        #expect(result.status == .tooLarge && stages == 1, "\(result.status), \(stages) stages")
        #expect(problem.residualShift.isEmpty)
    }
}
