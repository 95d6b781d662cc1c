import Foundation
import Testing

@testable import MinsimEngine

/// A year with nothing binding certified from its plain solution (`MarketClearing.plainEquilibrium`)
/// against the same year through the problem and the Josephy–Newton solver
/// (`certifiesPlainYear = false`): the shortcut claims the same result bit for bit, so every
/// comparison here is exact (`==` on the doubles), not within a tolerance.
@Suite("Market clearing: a year with nothing binding is its own equilibrium")
struct PlainYearTests {
    /// Both ways of clearing one year, from the same warm start.
    func both(
        _ fixture: ScarceNetwork, conditions: YearConditions? = nil, warmStart: ClearingWarmStart? = nil
    ) throws -> (shortcut: ClearedYear, full: ClearedYear) {
        var full = MarketClearing()
        full.certifiesPlainYear = false
        let cond = conditions ?? fixture.conditions
        let a = try MarketClearing().solve(
            fixture.calibration, conditions: cond, demandElasticity: fixture.elasticity, warmStart: warmStart)
        let b = try full.solve(
            fixture.calibration, conditions: cond, demandElasticity: fixture.elasticity, warmStart: warmStart)
        return (a, b)
    }

    /// Every output of a cleared year equal, element for element.
    func expectSame(_ a: ClearedYear, _ b: ClearedYear, _ label: String) {
        #expect(a.solution.output == b.solution.output, "\(label): output")
        #expect(a.solution.prices == b.solution.prices, "\(label): prices")
        #expect(a.solution.flows == b.solution.flows, "\(label): flows")
        #expect(a.solution.shares == b.solution.shares, "\(label): shares")
        #expect(a.solution.routeRents == b.solution.routeRents, "\(label): route rents")
        #expect(a.solution.statistics == b.solution.statistics, "\(label): year solve statistics")
        #expect(a.scarcityRent == b.scarcityRent, "\(label): scarcity rents")
        #expect(a.markets == b.markets, "\(label): market outcomes")
        let network = a.solution.network
        for r in network.regionIndices {
            for q in network.productIndices {
                #expect(a.desiredDemand[r, q] == b.desiredDemand[r, q], "\(label): desired demand")
                #expect(a.unmetDemand[r, q] == b.unmetDemand[r, q], "\(label): unmet demand")
                #expect(a.servedDemand[r, q] == b.servedDemand[r, q], "\(label): served demand")
            }
        }
        #expect(a.certificate == b.certificate, "\(label): certificate")
        #expect(a.statistics == b.statistics, "\(label): statistics")
        #expect(a.warmStart.scaledRents == b.warmStart.scaledRents, "\(label): warm start rents")
        #expect(a.warmStart.quotaRents == b.warmStart.quotaRents, "\(label): warm start quota rents")
        #expect(a.warmStart.unservedShares == b.warmStart.unservedShares, "\(label): warm start shares")
        #expect(a.warmStart.priceNodes == b.warmStart.priceNodes, "\(label): warm start nodes")
        #expect(a.warmStart.nodePrices == b.warmStart.nodePrices, "\(label): warm start prices")
        #expect(
            (a.warmStart.pricePattern == nil) == (b.warmStart.pricePattern == nil), "\(label): warm start pattern")
    }

    /// The generator's base year (every node capacitated at 1,000–10,000 units, outputs of a
    /// few hundred at most), every route into the first market under a quota of twice its base
    /// flow plus 1: nothing binds, so the year at zero rents is the equilibrium. Cold (no warm
    /// start) and the next year (demand +2 %) from the first year's warm start, acyclic and
    /// cyclic: the shortcut's year is the full path's.
    @Test(
        "a year with nothing binding gives the full path's outputs and certificate",
        arguments: [(1, 0.0), (7, 0.0), (42, 0.05)] as [(UInt64, Double)])
    func sameAsFullPath(seed: UInt64, feedback: Double) throws {
        let fixture = try ScarceNetwork(seed: seed, feedback: feedback)
        let c = fixture.calibration
        var cond = YearConditions(base: fixture.generator.base)
        let base = try YearSolver().solve(c, conditions: cond)
        let market = try #require(c.markets.first)
        for k in market.routes { cond.routeQuotas[c.routes[k]] = 2 * base.flows[k] + 1 }
        let cold = try both(fixture, conditions: cond)
        #expect(cold.shortcut.certificate.certified, "seed \(seed)")
        #expect(cold.shortcut.statistics.iterations == 0 && cold.shortcut.statistics.evaluations == 1, "seed \(seed)")
        #expect(cold.shortcut.statistics.bindingNodes.isEmpty && cold.shortcut.statistics.quotaUnknowns > 0)
        expectSame(cold.shortcut, cold.full, "seed \(seed), cold")

        var next = cond
        for r in fixture.network.regionIndices {
            for q in fixture.network.productIndices { next.finalDemand[r, q] *= 1.02 }
        }
        let warm = try both(fixture, conditions: next, warmStart: cold.shortcut.warmStart)
        #expect(warm.shortcut.certificate.certified, "seed \(seed)")
        expectSame(warm.shortcut, warm.full, "seed \(seed), warm")
    }

    /// Where a node binds (capacity 0.9 × base output, demand +30 %), z = 0 is not the
    /// equilibrium: the year is solved by the Josephy–Newton path, started from the plain
    /// evaluation already made (`ComplementaritySolver.solve(_:from:first:)`), and ends exactly
    /// where the full path ends, with the same number of evaluations (the first one not made
    /// twice).
    @Test("a year where a node binds is not shortcut and ends as the full path", arguments: [1, 7, 42] as [UInt64])
    func bindingYearUnchanged(seed: UInt64) throws {
        let fixture = try ScarceNetwork(seed: seed)
        let cold = try both(fixture)
        #expect(!cold.shortcut.statistics.bindingNodes.isEmpty, "seed \(seed): some node binds")
        #expect(cold.shortcut.statistics.iterations > 0, "seed \(seed)")
        #expect(cold.shortcut.certificate.certified, "seed \(seed)")
        expectSame(cold.shortcut, cold.full, "seed \(seed), binding")
    }

    /// The matrix-free path (`MatrixFreeNewton`, networks above 2,048 nodes; here run directly on
    /// the small seeded networks) started from the plain evaluation at z = 0 that the shortcut
    /// made and rejected ends exactly where the solve that evaluates z = 0 itself ends: the same
    /// iterates (`==` on every unknown and residual), the same counts, the evaluation counted
    /// once. So a binding year on a large network pays nothing for the shortcut's try.
    /// (Seed 7's network has a capacitated node without base output, so a capacity of 0, which
    /// the shortcut does not try.)
    @Test(
        "the matrix-free solve from the rejected plain evaluation ends as the one that makes it",
        arguments: [1, 42] as [UInt64])
    func matrixFreeFromPlainEvaluation(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            let fixture = try ScarceNetwork(seed: seed, feedback: feedback)
            let c = fixture.calibration
            let clearing = MarketClearing()
            let label = "seed \(seed) feedback \(feedback)"
            let plain = try clearing.plainEquilibrium(
                c, conditions: fixture.conditions, demandElasticity: fixture.elasticity, warmStart: nil,
                capacity: c.activeNodes.map { fixture.conditions.capacities[$0] })
            #expect(plain.year == nil, "\(label): some node binds")
            let evaluated = try #require(plain.first, "\(label)")
            var (given, z0, _) = try clearing.makeProblem(
                c, conditions: fixture.conditions, demandElasticity: fixture.elasticity, warmStart: nil,
                evaluated: evaluated)
            let first = evaluated.startingEvaluation(of: &given)
            let a = try MarketClearing.solveMatrixFree(
                &given, from: z0, warmStart: nil, settings: clearing.settings.solver, first: first
            ).result
            var (own, start, _) = try clearing.makeProblem(
                c, conditions: fixture.conditions, demandElasticity: fixture.elasticity, warmStart: nil,
                evaluated: evaluated)
            let b = try MarketClearing.solveMatrixFree(&own, from: start, warmStart: nil, settings: clearing.settings.solver)
                .result
            #expect(a.status == .solved && b.status == .solved, "\(label)")
            #expect(a.z == b.z && a.residual == b.residual, "\(label): same solution")
            #expect(a.naturalResidual == b.naturalResidual, "\(label)")
            #expect(a.iterations == b.iterations && a.evaluations == b.evaluations, "\(label): same counts")
            #expect(a.jacobianColumns == b.jacobianColumns, "\(label): same products")
            #expect(given.evaluationCount == own.evaluationCount, "\(label): the evaluation counted once")
        }
    }

    /// A year with a warm start that carries a rent, or with a zero capacity, is not tried: z = 0
    /// is not where its clearing starts, or a node is closed. Both still end as the full path.
    @Test("a warm start with rents or a closed node goes the full way")
    func notTried() throws {
        let fixture = try ScarceNetwork(seed: 7)
        let c = fixture.calibration
        let base = YearConditions(base: fixture.generator.base)
        var warm = ClearingWarmStart()
        let capacitated = try #require(c.activeNodes.first { base.capacities[$0] != nil })
        warm.scaledRents[capacitated] = 0.01
        let plain = try MarketClearing().plainEquilibrium(
            c, conditions: base, demandElasticity: fixture.elasticity, warmStart: warm,
            capacity: c.activeNodes.map { base.capacities[$0] })
        #expect(plain.year == nil && plain.first == nil)
        let fromRent = try both(fixture, conditions: base, warmStart: warm)
        #expect(fromRent.shortcut.statistics.evaluations > 1, "the rent has to be brought back to 0")
        expectSame(fromRent.shortcut, fromRent.full, "warm start with a rent")

        var closed = base
        let last = try #require(c.activeNodes.last { closed.capacities[$0] != nil })
        closed.capacities[last] = 0
        let shut = try both(fixture, conditions: closed)
        #expect(!shut.shortcut.statistics.unavailableNodes.isEmpty)
        expectSame(shut.shortcut, shut.full, "zero capacity")
    }
}
