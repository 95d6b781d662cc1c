import Foundation
import LinearAlgebra
import Testing

@testable import MinsimEngine

/// The matrix-free Newton method's hybrid step (`MatrixFreeNewton.hybridDirection`): semismooth
/// Newton on most rows, the exact linearized complementarity on a few pinned unknowns, taken
/// where the plain step stalls instead of the Josephy–Newton fallback's whole Jacobian.
@Suite("Market clearing: the matrix-free Newton method's hybrid step")
struct MatrixFreeHybridTests {
    /// The cold year of `fixture` solved from its start by the method without the hybrid step
    /// (`maxPinned = 0`: main's method before it, step for step) and with it.
    func solvedBothWays(_ fixture: ScarceNetwork) throws -> (
        problem: YearClearingProblem, tolerance: Double,
        old: (result: ComplementarityResult<YearClearingProblem.Point>, counts: MatrixFreeNewton.Counts),
        new: (result: ComplementarityResult<YearClearingProblem.Point>, counts: MatrixFreeNewton.Counts)
    ) {
        let (problem, start) = try fixture.clearingProblem()
        let settings = MarketClearing().settings.solver
        var old = MatrixFreeNewton(settings: settings)
        old.maxPinned = 0
        let new = MatrixFreeNewton(settings: settings)
        var p0 = problem, p1 = problem
        return (problem, settings.tolerance, try old.solve(&p0, from: start), try new.solve(&p1, from: start))
    }

    /// The cold year of `fixture` solved from its start by two configurations of the method.
    func solved(_ fixture: ScarceNetwork, by first: MatrixFreeNewton, and second: MatrixFreeNewton) throws -> (
        first: (result: ComplementarityResult<YearClearingProblem.Point>, counts: MatrixFreeNewton.Counts),
        second: (result: ComplementarityResult<YearClearingProblem.Point>, counts: MatrixFreeNewton.Counts)
    ) {
        let (problem, start) = try fixture.clearingProblem()
        var p0 = problem, p1 = problem
        return (try first.solve(&p0, from: start), try second.solve(&p1, from: start))
    }

    /// A network of the scan (4 regions × 3 stages × 3 products, every third node capped).
    func scanNetwork(seed: UInt64, feedback: Double, tightness: Double, growth: Double) throws -> ScarceNetwork {
        try ScarceNetwork(
            seed: seed, regions: 4, stages: 3, productsPerStage: 3, feedback: feedback, stride: 3,
            tightness: tightness, demandGrowth: growth)
    }

    /// Seeded 30–36-unknown networks (4 regions × 3 stages × 3 products; acyclic and with scrap
    /// feedback 0.05; every third node capped at 60 or 90 % of its base output; final demand
    /// +30 or +80 %) on which, cleared cold, the method without the hybrid step stalls and falls
    /// back to the Josephy–Newton method — 4 of the 12 such cases of a scan of 160 networks
    /// (docs/performance.md, "The matrix-free stall finished by a hybrid step"). With it, each
    /// finishes on the matrix-free path, to the clearing's own tolerance on the natural
    /// residual (1e-10: the year certifies as the fallback's would), inside the box, and at the
    /// equilibrium the fallback found: the two agree to 1e-6 in the scaled unknowns (rents ÷
    /// base price, shares), four orders above the tolerance, because the residual bounds the
    /// distance to the solution only through the inverse Jacobian's norm, which these nearly
    /// degenerate points make large.
    @Test(
        "a stalled cold year finishes on the matrix-free path, at the fallback's equilibrium",
        arguments: [
            (UInt64(11), 0.0, 0.9, 1.3), (UInt64(12), 0.0, 0.9, 1.8), (UInt64(18), 0.05, 0.6, 1.3),
            (UInt64(3), 0.05, 0.9, 1.8),
        ])
    func stalledYearFinishesMatrixFree(seed: UInt64, feedback: Double, tightness: Double, growth: Double) throws {
        let fixture = try scanNetwork(seed: seed, feedback: feedback, tightness: tightness, growth: growth)
        let (problem, tolerance, old, new) = try solvedBothWays(fixture)
        let label = "seed \(seed) feedback \(feedback) tightness \(tightness) growth \(growth)"
        // The case is one where the old method stalls: if this fails, the fixture no longer
        // exercises the hybrid step (the generator or the method changed), not the step.
        try #require(old.counts.fellBack && old.result.status == .solved, "\(label): \(old.counts)")
        #expect(new.counts.hybridSteps >= 1 && new.counts.pinned >= 1, "\(label): \(new.counts)")
        #expect(!new.counts.fellBack && new.result.status == .solved && new.result.jacobians == 0, "\(label): \(new.counts)")
        #expect(new.result.naturalResidual <= tolerance, "\(label)")
        for i in new.result.z.indices {
            #expect(new.result.z[i] >= problem.lowerBounds[i] && new.result.z[i] <= problem.upperBounds[i], "\(label)")
            #expect(abs(new.result.z[i] - old.result.z[i]) <= 1e-6, "\(label): unknown \(i)")
        }
    }

    /// A stalled case whose hybrid step's own search fails: the full hybrid step, taken all the
    /// same (a relaxed step under the watchdog), leads on to the solution without the fallback;
    /// without relaxed steps the same solve falls back. Found by the scan of 160 seeded networks
    /// (docs/performance.md), where 2 solves took a relaxed step.
    @Test("a relaxed hybrid step finishes a year the hybrid search alone left to the fallback")
    func relaxedStepFinishes() throws {
        let fixture = try scanNetwork(seed: 10, feedback: 0.05, tightness: 0.6, growth: 1.8)
        let settings = MarketClearing().settings.solver
        var strict = MatrixFreeNewton(settings: settings)
        strict.relaxedHybridSteps = 0
        let (without, with) = try solved(fixture, by: strict, and: MatrixFreeNewton(settings: settings))
        try #require(without.counts.fellBack, "\(without.counts)")
        #expect(with.counts.relaxedSteps == 1 && !with.counts.fellBack && with.result.jacobians == 0, "\(with.counts)")
        #expect(with.result.status == .solved && with.result.naturalResidual <= settings.tolerance)
    }

    /// Where the relaxed step does not lead on, the watchdog returns to the point it left
    /// within `watchdogSteps` and the Josephy–Newton fallback finishes from there: the year
    /// still ends solved to the clearing's tolerance. On this case the relaxed step follows a
    /// creeping hybrid step, which now pins one more unknown (`creepingHybridJoins`), and then
    /// the relaxed step leads on (`creepingHybridStepPins`); the rule is off here so that the
    /// case still exercises the watchdog.
    @Test("the watchdog takes a relaxed step back and the fallback finishes")
    func watchdogReturns() throws {
        let fixture = try scanNetwork(seed: 17, feedback: 0, tightness: 0.9, growth: 1.8)
        let (problem, start) = try fixture.clearingProblem()
        let settings = MarketClearing().settings.solver
        var p = problem
        var newton = MatrixFreeNewton(settings: settings)
        newton.creepingHybridJoins = false
        let solved = try newton.solve(&p, from: start)
        #expect(solved.counts.relaxedSteps == 1 && solved.counts.fellBack, "\(solved.counts)")
        #expect(solved.result.status == .solved && solved.result.naturalResidual <= settings.tolerance)
    }

    /// Where no step is cut short and no search fails, nothing is pinned and the path is the
    /// old one step for step: the same counts and the same iterate to the last bit.
    @Test("no hybrid step where the plain steps are accepted in full", arguments: [1, 7] as [UInt64])
    func unchangedPath(seed: UInt64) throws {
        let (_, _, old, new) = try solvedBothWays(try ScarceNetwork(seed: seed))
        try #require(!old.counts.fellBack, "seed \(seed): the fixture should solve without the fallback")
        #expect(new.counts == old.counts && new.result.z == old.result.z)
        #expect(new.counts.hybridSteps == 0 && new.counts.pinned == 0)
    }

    /// `problem` evaluated at `z`: F, the point, Φ and the working rows (`MatrixFreeNewton.solve`'s rule).
    static func evaluated(_ problem: YearClearingProblem, at z: [Double]) throws -> (
        problem: YearClearingProblem, z: [Double], f: [Double], point: YearClearingProblem.Point,
        phi: (value: [Double], da: [Double], db: [Double]), work: [Int]
    ) {
        var problem = problem
        let (f, point) = try problem.evaluate(z)
        let phi = ComplementaritySolver.reformulation(z, f, problem.lowerBounds, problem.upperBounds)
        let work = z.indices.filter { phi.db[$0] > 0 || phi.value[$0] != 0 }
        return (problem, z, f, point, phi, work)
    }

    /// The cold start of a seeded network: its point, F, Φ and the working rows.
    func coldPoint(seed: UInt64) throws -> (
        problem: YearClearingProblem, z: [Double], f: [Double], point: YearClearingProblem.Point,
        phi: (value: [Double], da: [Double], db: [Double]), work: [Int]
    ) {
        let (problem, start) = try ScarceNetwork(seed: seed, productsPerStage: 3).clearingProblem()
        let z = FischerBurmeister.projected(start, lower: problem.lowerBounds, upper: problem.upperBounds)
        return try Self.evaluated(problem, at: z)
    }

    /// With every working unknown pinned there are no rows left for GMRES, and the hybrid step
    /// is the Josephy–Newton step: the solution of the box LCP `F + J (ẑ − z) ⊥ [l, u]` on the
    /// working rows. Built here from the formed Jacobian (`jacobian(at:rows:columns:)`) and
    /// solved by the same subproblem solver, it must agree with the step built from products
    /// to 1e-9 in the scaled unknowns: products and columns agree to rounding (≈ 1e-13,
    /// `MatrixFreeProductTests`), and the LCP's solution moves with its data by the inverse of
    /// the (P-)matrix's active block, whose norm here is below 1e3.
    @Test("with every working unknown pinned, the hybrid step is the Josephy–Newton step", arguments: [2, 5] as [UInt64])
    func allPinnedIsJosephyNewton(seed: UInt64) throws {
        var (problem, z, f, point, phi, work) = try coldPoint(seed: seed)
        var counts = MatrixFreeNewton.Counts()
        let newton = MatrixFreeNewton(settings: MarketClearing().settings.solver)
        let hybrid = try #require(
            try newton.hybridDirection(
                &problem, at: point, z: z, f: f, phi: phi, rows: work, pinned: work,
                record: MatrixFreeNewton.ProductRecord(limit: 120), counts: &counts))
        #expect(hybrid.pinned == work)
        // No GMRES solve: one product per column, then q, M from the columns alone.
        #expect(counts.products == work.count)

        let jac = try problem.jacobian(at: point, rows: work, columns: work)
        let weights = work.map { problem.rowWeights[$0] }
        var m = jac
        let jz = jac.multiply(work.map { z[$0] })
        var q = [Double](repeating: 0, count: work.count)
        for a in work.indices {
            q[a] = weights[a] * (f[work[a]] - jz[a])
            for b in work.indices { m[a, b] *= weights[a] }
        }
        let sub = BoxLCP(
            matrix: m, offset: q, lower: work.map { problem.lowerBounds[$0] }, upper: work.map { problem.upperBounds[$0] },
            rowWeights: weights)
        let target = try #require(NewtonSubproblemSolver().solve(sub, from: work.map { z[$0] }))
        for (a, i) in work.enumerated() {
            #expect(abs(z[i] + hybrid.step[a] - target[a]) <= 1e-9, "seed \(seed): unknown \(i)")
        }
    }

    /// A point near a solution of a network whose markets shed demand: the equilibrium of a
    /// seeded stalled case (seed 11, 60 % capacities, +30 % demand) with every rent raised by
    /// 5 %, so that Φ ≠ 0 and unserved shares are among the working rows.
    func pointNearSolution() throws -> (
        problem: YearClearingProblem, z: [Double], f: [Double], point: YearClearingProblem.Point,
        phi: (value: [Double], da: [Double], db: [Double]), work: [Int]
    ) {
        let fixture = try ScarceNetwork(seed: 11, productsPerStage: 3, tightness: 0.6, demandGrowth: 1.3)
        let (problem, start) = try fixture.clearingProblem()
        var solver = problem
        let solved = try MatrixFreeNewton(settings: MarketClearing().settings.solver).solve(&solver, from: start).result
        var z = solved.z
        for i in 0..<problem.marketOffset { z[i] *= 1.05 }
        return try Self.evaluated(problem, at: z)
    }

    /// One share pinned: R's rows satisfy the inexact Newton condition of a plain step,
    /// `‖H_RR d_R + H_RS d_S + Φ_R‖₂ ≤ η ‖Φ_W‖₂` with `η = min(0.1, √‖Φ‖∞)` (checked with one
    /// product of the whole step: the bound the step's last correction enforces), and the
    /// pinned unknowns end inside their box.
    @Test("R keeps the inexact Newton condition, S its box")
    func restKeepsNewtonCondition() throws {
        var (problem, z, f, point, phi, work) = try pointNearSolution()
        let shares = work.filter { $0 >= problem.marketOffset }
        let seedShare = try #require(shares.max { abs(phi.value[$0]) < abs(phi.value[$1]) })
        var counts = MatrixFreeNewton.Counts()
        let newton = MatrixFreeNewton(settings: MarketClearing().settings.solver)
        let hybrid = try #require(
            try newton.hybridDirection(
                &problem, at: point, z: z, f: f, phi: phi, rows: work, pinned: [seedShare],
                record: MatrixFreeNewton.ProductRecord(limit: 120), counts: &counts))
        #expect(hybrid.pinned.first == seedShare && hybrid.pinned.count <= newton.maxPinned)
        var d = [Double](repeating: 0, count: z.count)
        for (a, i) in work.enumerated() { d[i] = hybrid.step[a] }
        let jd = try problem.product(at: point, d).jv
        let isPinned = Set(hybrid.pinned)
        var residual = 0.0, size = 0.0
        for i in work {
            size += phi.value[i] * phi.value[i]
            guard !isPinned.contains(i) else { continue }
            let r = phi.da[i] * d[i] + phi.db[i] * jd[i] + phi.value[i]
            residual += r * r
        }
        let eta = Swift.min(0.1, Vector.maxNorm(phi.value).squareRoot())
        // 1e-10 relative: the check's product and GMRES's are the same arithmetic in another
        // order.
        #expect(residual.squareRoot() <= eta * size.squareRoot() * (1 + 1e-10))
        for i in hybrid.pinned {
            #expect(z[i] + d[i] >= problem.lowerBounds[i] - 1e-12 && z[i] + d[i] <= problem.upperBounds[i] + 1e-12)
        }
    }

    /// `ProductRecord.removing`: a recorded pair with the held unknowns taken out is the
    /// product of the reduced seed — to rounding (1e-12 relative to the image's size: one
    /// subtraction of `s_j · J e_j` per held unknown, each term of the image's own size).
    @Test("a recorded product with held unknowns removed is the product of the reduced seed")
    func removingHeldUnknowns() throws {
        var (problem, _, _, point, _, work) = try coldPoint(seed: 3)
        try #require(work.count >= 4)
        let rows = Array(work.prefix(6))
        let values = rows.indices.map { 0.3 + 0.1 * Double($0) }
        var workspace = YearClearingProblem.ProductWorkspace()
        let image = try problem.product(at: point, rows: rows, values: values, into: &workspace)
        var record = MatrixFreeNewton.ProductRecord(limit: 4)
        record.append(rows: rows, values: values, image: image)
        let held = [rows[1], rows[3]]
        var w2 = YearClearingProblem.ProductWorkspace()
        let columns = try held.map { j throws(SolveError) in try problem.product(at: point, rows: [j], values: [1], into: &w2) }
        let reduced = record.removing(held, columns: columns)
        var reducedValues = values
        reducedValues[1] = 0
        reducedValues[3] = 0
        var w3 = YearClearingProblem.ProductWorkspace()
        let direct = try problem.product(at: point, rows: rows, values: reducedValues, into: &w3)
        #expect(reduced.seeds[0].values == reducedValues)
        let scale = Vector.maxNorm(image)
        for i in direct.indices { #expect(abs(reduced.images[0][i] - direct[i]) <= 1e-12 * scale) }
    }

    /// `leavingBox`: the unknowns a full step takes out of the box, farthest first, ties by
    /// index; the excluded and those that stay inside are left out.
    @Test("unknowns leaving the box, farthest first")
    func leavingBoxOrder() {
        let z = [0.5, 0.0, 2.0, 0.9, 0.2]
        let d = [-1.5, -0.5, 1.0, 0.4, 0.1]
        let l = [0.0, 0.0, 0.0, 0.0, 0.0]
        let u = [1.0, .infinity, .infinity, 1.0, 1.0]
        // out by 1.0 (below 0), 0.5 (below 0), 0.3 (above 1); index 2 and 4 stay inside.
        #expect(MatrixFreeNewton.leavingBox(z: z, d: d, lower: l, upper: u, among: [0, 1, 2, 3, 4], except: []) == [0, 1, 3])
        #expect(MatrixFreeNewton.leavingBox(z: z, d: d, lower: l, upper: u, among: [0, 1, 2, 3, 4], except: [0]) == [1, 3])
        let tie = MatrixFreeNewton.leavingBox(
            z: [0.5, 0.5], d: [-1, -1], lower: [0, 0], upper: [1, 1], among: [1, 0], except: [])
        #expect(tie == [0, 1])
    }
}

extension MatrixFreeHybridTests {
    /// Past the hybrid-step limit the pinned unknowns are released and plain steps go on
    /// (`plainStepsAfterHybridLimit`): on a case of the scan whose hybrid steps lead on slowly,
    /// with the limit at one hybrid step, the solve that stops at the limit falls back to the
    /// Josephy–Newton method, and the one that goes on finishes without it, at the same
    /// equilibrium (to 1e-6, as above) and having taken no second hybrid step.
    @Test("past the hybrid-step limit plain steps finish a year the limit left to the fallback")
    func plainStepsAfterLimit() throws {
        let settings = MarketClearing().settings.solver
        var stopping = MatrixFreeNewton(settings: settings)
        stopping.maxHybridSteps = 1
        stopping.plainStepsAfterHybridLimit = false
        var going = stopping
        going.plainStepsAfterHybridLimit = true
        let (stopped, went) = try solved(
            try scanNetwork(seed: 17, feedback: 0, tightness: 0.9, growth: 1.8), by: stopping, and: going)
        try #require(stopped.counts.fellBack && stopped.result.status == .solved, "\(stopped.counts)")
        #expect(!went.counts.fellBack && went.result.jacobians == 0 && went.counts.hybridSteps == 1, "\(went.counts)")
        #expect(went.counts.steps > stopped.counts.steps, "\(went.counts)")
        #expect(went.result.status == .solved && went.result.naturalResidual <= settings.tolerance)
        for i in went.result.z.indices {
            #expect(abs(went.result.z[i] - stopped.result.z[i]) <= 1e-6, "unknown \(i)")
        }
    }
}

extension MatrixFreeHybridTests {
    /// A hybrid step that creeps (accepted at `shortStep` or less without halving the merit)
    /// pins one more unknown (`creepingHybridJoins`). Cases of the scan's networks (seeds
    /// 1–60) where that happens; in the last the solve that takes the next hybrid step on the
    /// same set instead falls back to the Josephy–Newton method.
    /// Each solve with the rule pins at a creeping step, finishes on the matrix-free path to
    /// the clearing's tolerance, and reaches the equilibrium of the solve without it to 1e-6 in
    /// the scaled unknowns (the bound of the tests above, for the same reason: nearly degenerate
    /// points, where the residual bounds the distance to the solution only loosely).
    @Test(
        "a creeping hybrid step pins one more unknown; the solve reaches the same equilibrium",
        arguments: [
            (UInt64(10), 0.05, 0.6, 1.3), (UInt64(23), 0.05, 0.6, 1.8), (UInt64(17), 0.0, 0.9, 1.8),
        ])
    func creepingHybridStepPins(seed: UInt64, feedback: Double, tightness: Double, growth: Double) throws {
        let settings = MarketClearing().settings.solver
        var without = MatrixFreeNewton(settings: settings)
        without.creepingHybridJoins = false
        let fixture = try scanNetwork(seed: seed, feedback: feedback, tightness: tightness, growth: growth)
        let (off, on) = try solved(fixture, by: without, and: MatrixFreeNewton(settings: settings))
        let label = "seed \(seed) feedback \(feedback) tightness \(tightness) growth \(growth)"
        try #require(off.counts.creepingPins == 0 && off.result.status == .solved, "\(label): \(off.counts)")
        #expect(on.counts.creepingPins >= 1, "\(label): \(on.counts)")
        #expect(!on.counts.fellBack && on.result.jacobians == 0 && on.result.status == .solved, "\(label): \(on.counts)")
        #expect(on.result.naturalResidual <= settings.tolerance, "\(label)")
        for i in on.result.z.indices {
            #expect(abs(on.result.z[i] - off.result.z[i]) <= 1e-6, "\(label): unknown \(i)")
        }
    }

    /// The premise of the matrix-free solve's skip of a repeated hybrid step
    /// (`MatrixFreeNewton.solve`, `Counts.repeatsSkipped`): the pinned set a hybrid step solves is
    /// the closure of its seeds over their saddle pairs, so seeds that add an unknown of that
    /// closure give the same set, and the step solves the same LCP. Checked at a point near a
    /// solution with one share pinned, the set's size limit `maxPinned` raised above the closure's
    /// (at the limit the closure is cut, and where depends on the seeds' order): for every other
    /// unknown of the closure added as a seed, the set is the same.
    @Test("a seed from the pinned set's own closure leaves the set the same")
    func closureIsSeedOrderFree() throws {
        let (problem, z, f, point, phi, work) = try pointNearSolution()
        let shares = work.filter { $0 >= problem.marketOffset }
        let seedShare = try #require(shares.max { abs(phi.value[$0]) < abs(phi.value[$1]) })
        var newton = MatrixFreeNewton(settings: MarketClearing().settings.solver)
        newton.maxPinned = work.count
        func closure(_ seeds: [Int]) throws -> [Int] {
            var p = problem
            var counts = MatrixFreeNewton.Counts()
            return try #require(
                try newton.hybridDirection(
                    &p, at: point, z: z, f: f, phi: phi, rows: work, pinned: seeds,
                    record: MatrixFreeNewton.ProductRecord(limit: 120), counts: &counts)
            ).pinned
        }
        let set = try closure([seedShare])
        try #require(set.count >= 2 && set.count < newton.maxPinned, "\(set)")
        for t in set.dropFirst() {
            #expect(Set(try closure([seedShare, t])) == Set(set), "seed \(t)")
        }
    }
}
