import Foundation
import LinearAlgebra
import Testing

@testable import MinsimEngine

/// The matrix-free path's own homotopy and demand continuation (`MarketClearing.matrixFreePaths`),
/// tried where the matrix-free Newton solve stops unsolved, before the dense fallback.
@Suite("Market clearing: the matrix-free homotopy and continuation")
struct MatrixFreePathTests {
    /// Networks of the hybrid step's scan (4 regions × 3 stages × 3 products, every third node
    /// capped; `MatrixFreeHybridTests`) on which the method without the hybrid step stalls.
    static let stalled: [(seed: UInt64, feedback: Double, tightness: Double, growth: Double)] = [
        (11, 0.0, 0.9, 1.3), (12, 0.0, 0.9, 1.8), (18, 0.05, 0.6, 1.3), (3, 0.05, 0.9, 1.8),
    ]

    func fixture(_ c: (seed: UInt64, feedback: Double, tightness: Double, growth: Double)) throws -> ScarceNetwork {
        try ScarceNetwork(
            seed: c.seed, regions: 4, stages: 3, productsPerStage: 3, feedback: c.feedback, stride: 3,
            tightness: c.tightness, demandGrowth: c.growth)
    }

    /// A case's cold-year problem, and the point where a matrix-free solve of it stopped
    /// unsolved (`fallsBack` off) for the paths to start from: after `steps` Newton steps, by the
    /// method with or without the hybrid step (`stopped`: the problem as that solve left it, with
    /// its product record); `dense`: the Josephy–Newton solution from the cold start.
    struct Stopped {
        var problem: YearClearingProblem
        var stopped: YearClearingProblem
        var first: ComplementarityResult<YearClearingProblem.Point>
        var record: MatrixFreeNewton.ProductRecord
        var dense: ComplementarityResult<YearClearingProblem.Point>
        var label: String
    }

    func stopped(
        _ c: (seed: UInt64, feedback: Double, tightness: Double, growth: Double), steps: Int, hybrid: Bool
    ) throws -> Stopped {
        let (problem, start) = try fixture(c).clearingProblem()
        let settings = MarketClearing().settings.solver
        var newton = MatrixFreeNewton(settings: settings)
        newton.fallsBack = false
        newton.maxSteps = steps
        if !hybrid { newton.maxPinned = 0 }
        var record = MatrixFreeNewton.ProductRecord(limit: newton.recordedProducts)
        var p = problem, reference = problem
        let first = try newton.solve(&p, from: start, record: &record).result
        let dense = try ComplementaritySolver(settings: settings).solve(&reference, from: start)
        return Stopped(
            problem: problem, stopped: p, first: first, record: record, dense: dense,
            label: "seed \(c.seed) feedback \(c.feedback)")
    }

    /// From a point two Newton steps into the cold year (unsolved, `iterationLimit`), the paths
    /// finish on the matrix-free method alone — no Jacobian — to the clearing's tolerance, inside
    /// the box, at the equilibrium the Josephy–Newton method finds from the cold start (to 1e-6
    /// in the scaled unknowns: as in `MatrixFreeHybridTests`, these nearly degenerate points
    /// make the inverse Jacobian's norm, which bounds the distance by the residual, large); and
    /// leave the problem's homotopy shift and demand scale as they found them.
    @Test("from a point the matrix-free solve left unsolved, the paths reach the equilibrium without a Jacobian")
    func pathsFinishWithoutJacobian() throws {
        for c in Self.stalled {
            var s = try stopped(c, steps: 2, hybrid: true)
            let (problem, first, dense, label) = (s.problem, s.first, s.dense, s.label)
            try #require(first.status == .iterationLimit, "\(label): \(first.status)")
            let newton = MatrixFreeNewton(settings: MarketClearing().settings.solver)
            let paths = try MarketClearing.matrixFreePaths(&s.stopped, newton: newton, first: first, record: &s.record)
            let p = s.stopped
            try #require(dense.status == .solved, "\(label)")
            #expect(paths.result.status == .solved && paths.result.jacobians == 0, "\(label): \(paths.result.status)")
            #expect(paths.homotopy + paths.continuation >= 1, "\(label)")
            #expect(paths.result.naturalResidual <= newton.settings.tolerance, "\(label)")
            #expect(p.residualShift.isEmpty && p.demandScale == 1, "\(label)")
            for i in paths.result.z.indices {
                #expect(paths.result.z[i] >= problem.lowerBounds[i] && paths.result.z[i] <= problem.upperBounds[i])
                #expect(abs(paths.result.z[i] - dense.z[i]) <= 1e-6, "\(label): unknown \(i)")
            }
            // The work of the stopped solve is counted in the paths' result.
            #expect(paths.result.evaluations > first.evaluations && paths.result.iterations >= first.iterations)
        }
    }

    /// Where the stall itself is the start (the method without the hybrid step, run to its
    /// stall), the paths run with the same method: each case ends solved at the Josephy–Newton
    /// equilibrium or reports that it did not (never a `.solved` that is not one), and on at
    /// least one of them the homotopy fails and the demand continuation finishes — so that the
    /// continuation's branch is exercised; a failure of that `#require` means the fixtures no
    /// longer reach it, not that it is wrong.
    @Test("from a stall, the homotopy or the demand continuation finishes, or the paths say they did not")
    func pathsFromStalls() throws {
        var continued = 0
        for c in Self.stalled {
            var s = try stopped(c, steps: 40, hybrid: false)
            let (first, dense, label) = (s.first, s.dense, s.label)
            try #require(first.status == .stalled, "\(label): \(first.status)")
            var newton = MatrixFreeNewton(settings: MarketClearing().settings.solver)
            newton.maxPinned = 0
            let paths = try MarketClearing.matrixFreePaths(&s.stopped, newton: newton, first: first, record: &s.record)
            #expect(s.stopped.residualShift.isEmpty && s.stopped.demandScale == 1, "\(label)")
            if paths.result.status == .solved {
                #expect(paths.result.naturalResidual <= newton.settings.tolerance, "\(label)")
                for i in paths.result.z.indices { #expect(abs(paths.result.z[i] - dense.z[i]) <= 1e-6, "\(label): \(i)") }
                if paths.continuation > 0 { continued += 1 }
            } else {
                #expect(paths.result.naturalResidual > newton.settings.tolerance, "\(label)")
            }
        }
        try #require(continued >= 1, "no fixture reached the demand continuation")
    }
}

extension MatrixFreePathTests {
    /// With no products to spend, neither path runs a stage: the result is the stopped point's,
    /// unsolved, with its work only, and the problem is left unshifted and unscaled.
    @Test("with no product budget the paths run no stage and return the point they were given")
    func emptyBudget() throws {
        var s = try stopped(Self.stalled[0], steps: 2, hybrid: true)
        let first = s.first
        try #require(first.status == .iterationLimit)
        let newton = MatrixFreeNewton(settings: MarketClearing().settings.solver)
        let paths = try MarketClearing.matrixFreePaths(
            &s.stopped, newton: newton, first: first, record: &s.record, budgets: (homotopy: 0, continuation: 0))
        #expect(paths.result.status != .solved && paths.homotopy == 0 && paths.continuation == 0)
        #expect(paths.result.z == first.z)
        #expect(paths.result.evaluations == first.evaluations && paths.result.jacobianColumns == first.jacobianColumns)
        #expect(s.stopped.residualShift.isEmpty && s.stopped.demandScale == 1)
    }
}

extension MatrixFreePathTests {
    /// `productBudget` stops a solve at the end of the Newton step that crosses it: unsolved,
    /// with at least the budget's products and fewer than the budget plus one step's (a Newton
    /// system takes at most `maxProducts`, its search one more); unbounded, the same solve
    /// finishes.
    @Test("a product budget stops the matrix-free solve at the step that crosses it")
    func productBudgetStops() throws {
        let (problem, start) = try fixture(Self.stalled[1]).clearingProblem()
        var newton = MatrixFreeNewton(settings: MarketClearing().settings.solver)
        newton.fallsBack = false
        var free = problem
        let unbounded = try newton.solve(&free, from: start)
        try #require(unbounded.result.status == .solved && unbounded.counts.products > 10)
        newton.productBudget = 5
        var bounded = problem
        let stopped = try newton.solve(&bounded, from: start)
        #expect(stopped.result.status == .iterationLimit)
        #expect(stopped.counts.products >= 5 && stopped.counts.products < 5 + newton.maxProducts + 1)
        #expect(stopped.counts.steps < unbounded.counts.steps)
    }
}

extension MatrixFreePathTests {
    /// A stalled case's year and the year after it (every final demand 3 % higher: the same
    /// network and unknowns), the first solved by the Josephy–Newton method from the cold start.
    func twoYears(_ c: (seed: UInt64, feedback: Double, tightness: Double, growth: Double)) throws -> (
        before: ComplementarityResult<YearClearingProblem.Point>, year: YearClearingProblem, label: String
    ) {
        let (problem, start) = try fixture(c).clearingProblem()
        var next = c
        next.growth *= 1.03
        let (year, _) = try fixture(next).clearingProblem()
        try #require(year.capacityNodes == problem.capacityNodes && year.demandMarkets == problem.demandMarkets)
        var solving = problem
        let before = try ComplementaritySolver(settings: MarketClearing().settings.solver).solve(&solving, from: start)
        try #require(before.status == .solved)
        return (before, year, "seed \(c.seed) feedback \(c.feedback)")
    }

    /// The year's matrix-free solve from `start`, stopped unsolved after `steps` Newton steps,
    /// with the problem as it left it and its product record.
    func stoppedSolve(_ problem: YearClearingProblem, from start: [Double], steps: Int) throws -> (
        first: ComplementarityResult<YearClearingProblem.Point>, problem: YearClearingProblem,
        record: MatrixFreeNewton.ProductRecord
    ) {
        var newton = MatrixFreeNewton(settings: MarketClearing().settings.solver)
        newton.fallsBack = false
        newton.maxSteps = steps
        var record = MatrixFreeNewton.ProductRecord(limit: newton.recordedProducts)
        var p = problem
        let first = try newton.solve(&p, from: start, record: &record).result
        try #require(first.status == .iterationLimit)
        return (first, p, record)
    }

    /// In a warm year the homotopy starts from the year before's solution, not from the point
    /// the solve stopped at. Given the year's own solution as "the year before's", every stage
    /// is solved where it starts: the paths take no Newton step beyond the stopped solve's and
    /// return that point itself, bit for bit — from the stopped point the homotopy would step.
    @Test("a warm year's homotopy starts from the year before's solution")
    func homotopyFromYearBefore() throws {
        for c in Self.stalled {
            let (_, year, label) = try twoYears(c)
            var dense = year
            let solution = try ComplementaritySolver(settings: MarketClearing().settings.solver).solve(
                &dense, from: [Double](repeating: 0, count: year.lowerBounds.count))
            try #require(solution.status == .solved, "\(label)")
            var s = try stoppedSolve(year, from: [Double](repeating: 0, count: year.lowerBounds.count), steps: 2)
            let newton = MatrixFreeNewton(settings: MarketClearing().settings.solver)
            let paths = try MarketClearing.matrixFreePaths(
                &s.problem, newton: newton, first: s.first, record: &s.record, yearBefore: solution.z)
            #expect(paths.result.status == .solved && paths.homotopy >= 1 && paths.continuation == 0, "\(label)")
            #expect(paths.result.iterations == s.first.iterations, "\(label)")
            #expect(paths.result.z == solution.z, "\(label)")
            // The evaluation at the year before's solution is counted.
            #expect(paths.result.evaluations >= s.first.evaluations + 1 + paths.homotopy, "\(label)")
        }
    }

    /// The next year of each stalled case, its solve started from the year before's solution
    /// and stopped after two steps: the homotopy from that solution finishes the year on the
    /// matrix-free method, at the Josephy–Newton equilibrium of the year (to 1e-6, as above).
    @Test("from the year before's solution the homotopy finishes the next year")
    func nextYearFromYearBefore() throws {
        for c in Self.stalled {
            let (before, year, label) = try twoYears(c)
            var dense = year
            let reference = try ComplementaritySolver(settings: MarketClearing().settings.solver).solve(&dense, from: before.z)
            try #require(reference.status == .solved, "\(label)")
            var s = try stoppedSolve(year, from: before.z, steps: 2)
            let newton = MatrixFreeNewton(settings: MarketClearing().settings.solver)
            let paths = try MarketClearing.matrixFreePaths(
                &s.problem, newton: newton, first: s.first, record: &s.record, yearBefore: before.z)
            #expect(paths.result.status == .solved && paths.result.jacobians == 0, "\(label): \(paths.result.status)")
            #expect(paths.result.naturalResidual <= newton.settings.tolerance, "\(label)")
            #expect(s.problem.residualShift.isEmpty && s.problem.demandScale == 1, "\(label)")
            for i in paths.result.z.indices {
                #expect(abs(paths.result.z[i] - reference.z[i]) <= 1e-6, "\(label): unknown \(i)")
            }
        }
    }

    /// In a warm year the demand continuation's first stage is λ = 1, the year solved from zero
    /// rents at full demand: with no homotopy budget, it finishes each case in one stage, where
    /// a cold year's continuation (no year before) steps λ = 0.25, 0.75, 1.
    @Test("a warm year's demand continuation starts at full demand")
    func continuationFromFullDemand() throws {
        for c in Self.stalled {
            let (before, year, label) = try twoYears(c)
            let newton = MatrixFreeNewton(settings: MarketClearing().settings.solver)
            var warm = try stoppedSolve(year, from: before.z, steps: 2)
            var cold = warm
            let budgets = (homotopy: 0, continuation: MarketClearing.continuationProducts)
            let fromFull = try MarketClearing.matrixFreePaths(
                &warm.problem, newton: newton, first: warm.first, record: &warm.record, yearBefore: before.z,
                budgets: budgets)
            let stepped = try MarketClearing.matrixFreePaths(
                &cold.problem, newton: newton, first: cold.first, record: &cold.record, budgets: budgets)
            #expect(fromFull.result.status == .solved && fromFull.homotopy == 0 && fromFull.continuation == 1, "\(label)")
            #expect(stepped.result.status == .solved && stepped.continuation == 3, "\(label)")
            #expect(warm.problem.demandScale == 1 && warm.problem.residualShift.isEmpty, "\(label)")
        }
    }
}
