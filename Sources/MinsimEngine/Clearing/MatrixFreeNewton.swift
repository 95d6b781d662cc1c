import LinearAlgebra

/// The year's clearing on large networks without an explicit Jacobian: a semismooth Newton
/// method on the box Fischer–Burmeister reformulation `Φ(z) = 0` of the whole MCP (see
/// `FischerBurmeister`; De Luca, Facchinei & Kanzow 1996), each Newton system solved by GMRES on
/// Jacobian–vector products (`YearClearingProblem.product(at:rows:values:)`).
///
/// **Step.** With `H = D_a + D_b J` an element of Φ's generalized Jacobian, the Newton step
/// solves `H d = −Φ`. Rows with `D_b = 0` and `Φ_i = 0` are the unknowns on a bound whose F
/// pushes them there (`z_i = l_i`, `F_i > 0`: a node with spare capacity and no rent); `D_a` is
/// 1, so `d_i = 0`, and only the other rows `W` (near-binding rents, markets near their choke
/// price) enter the system
/// ```
/// (D_a + D_b J)_WW d_W = −Φ_W,      (J d)_W from one product with d on W, 0 elsewhere,
/// ```
/// `W` keeps a row whose `D_b` rounds to 0 while `Φ_i` does not: a rent a rounding off its
/// bound under a large F (`z_i` below ≈ 1e-8 `F_i`: `z² + F²` rounds to `F²`, so
/// `D_b = 1 − F/r = 0` and `Φ_i = z_i`). Its row is `D_a d_i = −Φ_i`, which takes it back to
/// the bound; left out, it kept `d_i = 0` and its natural residual `z_i` above the tolerance
/// for good (the 10,000-node acyclic year stalled so at ‖Φ‖∞ 5.1e-9 and fell back,
/// docs/performance.md, c15-cold).
///
/// The system is solved inexactly (Eisenstat & Walker 1996; Dembo, Eisenstat & Steihaug
/// 1982): GMRES stops at `‖H d + Φ‖₂ ≤ η ‖Φ‖₂` with `η = min(0.1, √‖Φ‖∞)`, which keeps d a
/// descent direction of `ψ = ½‖Φ‖²` (`∇ψᵀd ≤ −(1 − η)‖Φ‖²`) and gives superlinear convergence
/// of order 1.5 near the solution (`RestartedGMRES`, right-preconditioned by the diagonal
/// `D_a + D_b Ĵ`, `Ĵ` the own-price estimate of `YearClearingProblem.diagonalEstimate`; in the
/// local phase, η < 0.1, by the earlier systems' products as well: exact on their images, the
/// diagonal on the rest, `ProductRecord` and `RecordedInverse`). Where that would solve the
/// system further than the solve's tolerance needs, η is raised so that `η ‖Φ‖₂` stays at a
/// tenth of the tolerance (`oversolvingFloor`).
///
/// **Globalization.** `z + t d` projected onto the box, `t = 1, ½, …`, accepted under the
/// Armijo rule `ψ ≤ (1 − 10⁻⁴ t) · max` of the last `meritMemory` merits (1: monotone). Each
/// trial's price fixed point starts from the linear prediction `P + t dP` (the product with d
/// gives `dP`).
///
/// **Stalls.** Where the search fails, or accepts only a step of `shortStep` or less (a hybrid step
/// too, where it does not halve the merit: `creepingHybridJoins`), the unknown the full step takes
/// farthest out of the box (else the row the full step got most wrong) is pinned (unless that
/// leaves the pinned set the same: a repeated step), and from then on, while a pinned unknown is
/// among the working rows, the step is `hybridDirection`'s: semismooth Newton on the other rows,
/// the exact linearized complementarity (Josephy–Newton) on the pinned ones and the saddle pairs
/// around them. On the generated networks every stall was a nearly singular pair of unserved shares
/// whose Newton step the box cut (docs/performance.md, c16-stall); the hybrid step decides which of
/// the pair sheds demand as the fallback's linear complementarity problem would, at the cost of a
/// few GMRES solves instead of a Jacobian of every working column (measured: docs/performance.md,
/// "The matrix-free stall finished by a hybrid step"). Where a hybrid step's search fails too, its
/// full step is taken all the same, at most `relaxedHybridSteps` times a solve, under a watchdog
/// (Chamberlain, Powell, Lemaréchal & Pedersen 1982, as PATH and the Josephy–Newton solver use it):
/// the merit must fall below the point the relaxed step left within `watchdogSteps` steps, or the
/// solve returns there and falls back.
///
/// **Fallback.** Where GMRES fails to reduce the residual, the search fails with nothing left to
/// pin (past the hybrid-step limit nothing is pinned any more and the pinned unknowns are released
/// for plain steps, `plainStepsAfterHybridLimit`), or the step limit is reached, the Josephy–Newton
/// solver (`ComplementaritySolver`) continues from the point reached, so the path's end and its
/// certificate are those of the solver the rest of the clearing uses — unless its Newton system
/// would exceed `ComplementaritySettings.maxDenseUnknowns`: then the year ends at the point reached
/// with the status `.tooLarge` (a binding 100,000-node year's fallback had all 57,211 unknowns
/// working and outgrew memory, docs/performance.md). The clearing turns this fallback off
/// (`fallsBack`) and tries the Newton homotopy and the demand continuation with stages of this
/// method first (`MarketClearing.matrixFreePaths`): one Jacobian of the fallback costs about as
/// much as 1,500 products.
struct MatrixFreeNewton {
    /// The Josephy–Newton settings, for the tolerance, the merit memory and the fallback.
    var settings: ComplementaritySettings
    /// Semismooth Newton steps before the fallback takes over.
    var maxSteps = 40
    /// Trial points per line search (`t` down to 2⁻⁷) before the fallback takes over.
    var lineSearchTrials = 8
    /// Merits the line search compares against: 1, monotone. Measured at 10,000 nodes (acyclic,
    /// cold): with the Josephy–Newton solver's 5 the full steps of the global phase raised
    /// ‖Φ‖∞ up to sevenfold and the path wandered for 20 steps before the fallback (34 steps in
    /// all); monotone, 23 (docs/performance.md, c14-large).
    var meritMemory = 1
    /// Products one Newton system may use, and GMRES's restart length: none (the Krylov basis
    /// lives on the ≈ 1,000 working rows only, 300 vectors are 2.4 MB and their
    /// orthogonalization a few per cent of the products' cost). Restarts every 60 took 869
    /// products where none took 538 on the warm 10,000-node acyclic year.
    var maxProducts = 300
    var restart = 300
    /// Products of the earlier Newton systems kept for the preconditioner (`ProductRecord`),
    /// and the relative size of R's diagonal below which `RecordedInverse` drops a direction.
    /// The clearing sets it by the network's size (`recordedProducts(nodes:)`).
    var recordedProducts = 240
    var recordRankTolerance = 1e-6
    /// The record's images and their Gram matrix are kept from one Newton system to the next
    /// (`RecordGram`): a row's images are made again where its `D_a` or `D_b` moved by more
    /// than this, and the Gram matrix is formed afresh every `recordRefresh` systems (set, not
    /// tuned: most rows move by less than 1e-3 between local-phase systems, ≈ 10 of ≈ 1,050 by
    /// more, docs/performance.md).
    var recordCoefficientTolerance = 1e-3
    var recordRefresh = 16
    /// The forcing term below which the record preconditions (see `newtonDirection`).
    var recordBelowForcing = 0.1
    /// The Newton systems are solved to a residual `‖H d + Φ‖₂` of no less than this fraction
    /// of the solve's tolerance (`newtonDirection`; 0: the forcing term alone). Near the end
    /// `η = √‖Φ‖∞` asks for far more than the last step needs: at ‖Φ‖∞ = 2e-8, η = 1.4e-4 puts
    /// the linear model's residual near 1e-12 where the step only has to reach 1e-10, and the
    /// step's GMRES products go into that margin. Kept at a tenth of the tolerance, so the
    /// linear part of the step's residual stays well inside it (Kelley's safeguard has a half).
    /// Measured on the 10,000-node runs (docs/performance.md, "The last Newton system to the
    /// tolerance, not beyond"): products −3.8 % (acyclic) and −7.1 % (cyclic) a year over
    /// 17-year runs, the same steps and year solves.
    var oversolvingFloor = 0.1
    /// Whether a solve that stops unsolved goes on with the Josephy–Newton method (the
    /// fallback below) or returns where it stopped, for a caller with fallbacks of its own:
    /// `MarketClearing.solveMatrixFree` tries the matrix-free homotopy and demand continuation
    /// first (`MarketClearing.matrixFreePaths`), whose stages are solves of this method.
    var fallsBack = true
    /// Whether the solve stops, stalled, where its whole residual is one market's unserved
    /// share (`MarketClearing.singleShareStall`) and a hybrid step's search failed or crept:
    /// for a caller that finishes such a stall in that share (`MarketClearing.shareFinish`) and
    /// goes on with this solve where that fails. Why: on the 10,000-node seed-3 acyclic network
    /// (native kernels, year 6) the residual was one share's from the fifth step on, and the
    /// solve took five more hybrid steps at 67 products each (accepted at 1/8 to 1/128),
    /// pinning two more unknowns, before it stalled; the finish then solved the year in two
    /// solves (docs/performance.md, "A stalled market share finished in one dimension"). Stopped
    /// at the first creeping step, the year took 19 year solves and 297 products, not 71 and 862.
    ///
    /// Only while hybrid steps are taken (an unknown pinned) and where the search failed or took
    /// a step of at most `shareStallStep` that did not halve the merit. Tried on all 24 network
    /// variants (twelve networks, two sets of BLAS kernels): stopping at any step that did not
    /// halve the merit, or at any short step, also stopped solves that were going on to their
    /// solution, where the finish then failed (seed 3 cyclic's cold year: 64 → 119 year
    /// solves); with both conditions only the stall above stopped, the other 23 variants' counts
    /// unchanged.
    var stopsAtShareStall = false
    /// The merit ratio of an accepted hybrid step at or below which the pinned unknowns are
    /// released (not refused: a later stall may pin them again) and the solve goes on with
    /// plain steps. Why: a hybrid step solves one Newton system for the free rows and one more
    /// for each pinned unknown, and pinned unknowns stayed pinned to the end of the solve. On
    /// the 10,000-node seed-1 acyclic network (native kernels, year 14) a relaxed hybrid step
    /// ended a stall with three unknowns pinned, and the five quadratically converging steps
    /// after it cost 78–171 products each, 484 in all. Released after a step that cuts the
    /// merit 1,000-fold, the year took 915 products instead of 1,179. Measured on all 24 network
    /// variants (with `MarketClearing.shareConcentration` at 0.1, which the release needs:
    /// docs/performance.md, "Pinned unknowns released"): products fell on 13 variants (seed 3
    /// acyclic under the SkylakeX kernels 231.6 → 164.3 a year, seed 5 cyclic 246.2 → 183.2),
    /// one rose (seed 4 acyclic native 149.9 → 154.4), ten were unchanged. At 10⁻² seed 2
    /// cyclic's fold years got worse (16.3 → 29.9 year solves a year under SkylakeX); at 10⁻⁴
    /// the gains were smaller (seed 3 acyclic SkylakeX 14.1 / 178.7 year solves / products a
    /// year against 11.3 / 164.3).
    var releaseBelow = 1e-3
    /// The longest accepted step that counts as creeping for `stopsAtShareStall`: 1/8 (three
    /// halvings). With 1/16 the seed-3 year stopped a step later (11.8 against 11.1 year solves
    /// a year over the run).
    var shareStallStep = 1.0 / 8
    /// Jacobian–vector products this solve may use: once past, it stops at the next step
    /// (`iterationLimit`). Unbounded but for the matrix-free paths' stages, whose budgets it
    /// keeps (`MarketClearing.matrixFreePaths`).
    var productBudget = Int.max

    /// Networks with more nodes than this clear on the matrix-free path; smaller ones keep
    /// the Josephy–Newton method (the shipped 5-region data and the 1,000-node benchmarks).
    /// The same limit as the block columns (`YearClearingProblem.wideBlockNodes`): above it a
    /// Jacobian of ≈ 1,150 columns costs ≈ 67 plain year solves (docs/performance.md, c13-large).
    static let minimumNodes = YearClearingProblem.wideBlockNodes

    /// An iterate with its F, point, Φ (with `D_a`, `D_b`) and merit `½‖Φ‖²`.
    typealias Iterate = (
        z: [Double], f: [Double], point: YearClearingProblem.Point, phi: (value: [Double], da: [Double], db: [Double]),
        merit: Double
    )

    static func applies(to problem: YearClearingProblem) -> Bool { problem.calibration.dimension > minimumNodes }

    /// The record's size on a network of `nodes` nodes: 240 products from 8,000 to 20,000
    /// nodes, 120 elsewhere — an empirical rule from three sizes, its bounds assumptions
    /// between them (docs/performance.md, "A Gram matrix kept across Newton systems, and a
    /// record of 240 products"). At 10,000 nodes 240 takes 32–59 % fewer products a year than
    /// 120 on eleven of twelve generated networks, and with the Gram matrix kept (`RecordGram`)
    /// instead of formed afresh for each system (60 Mflop at 240) it pays. At 4,000 nodes (≈ 400
    /// working rows, so 240 pairs span more than half of them, mostly with older products) it
    /// took more products on the benchmark's networks (44.8 → 58.9 and 58.5 → 74.1 a year). On
    /// the binding 100,000-node network 240 left the warm year uncertified (stalled, its paths
    /// failed) where 120 certifies it in 12 steps; why was not found.
    static func recordedProducts(nodes: Int) -> Int { (8_000...20_000).contains(nodes) ? 240 : 120 }

    /// Work counts of one solve besides the result's (`products` is also added to the result's
    /// `jacobianColumns`: one product costs one column's work).
    struct Counts: Equatable {
        var steps = 0, products = 0, gmresFailures = 0, fellBack = false
        /// Steps taken along `hybridDirection`, the unknowns pinned for it, and the relaxed
        /// (full, watched) hybrid steps among them.
        var hybridSteps = 0, pinned = 0, relaxedSteps = 0
        /// The merit `½‖Φ‖²` at `start`, where it was evaluated (`solve(_:from:predicted:…)`).
        var startMerit: Double? = nil
        /// The solve stopped at a stall of one market's share (`stopsAtShareStall`).
        var stoppedAtShareStall = false
        /// Failed hybrid steps not repeated (a join that left the pinned set the same, see `solve`)
        /// and creeping hybrid steps that pinned (`creepingHybridJoins`).
        var repeatsSkipped = 0, creepingPins = 0
    }

    /// Unknowns the hybrid step may solve exactly (`hybridDirection`; 0: never, the method of
    /// main before it), how many join at one failed search (one: pinning both of a stalled pair
    /// at once left H_RR singular more often on the seeded small networks), and the hybrid steps
    /// one solve may take before the fallback.
    var maxPinned = 8
    var pinnedPerRound = 1
    var maxHybridSteps = 12
    /// At the hybrid-step limit, whether the pinned unknowns are released (refused, not to be
    /// pinned again) and the solve goes on with plain steps until they stall or reach the step
    /// limit, instead of stopping there. The limit guards against a hybrid step that creeps;
    /// where it has led the iterate into the local phase, plain Newton steps are the cheapest
    /// finish. Measured at 10,000 nodes (seed 3 acyclic, year 6 of the 17-year run): the 12th
    /// hybrid step left ‖Φ‖∞ 5.7e-6, and the solve stopped there and went on to the Newton
    /// homotopy (3 stages; the year 15 steps, 57 year solves, 791 products); released, the
    /// plain steps finished it: 14 steps, 53 year solves, 791 products, no path.
    var plainStepsAfterHybridLimit = true
    /// A column's entries at least this fraction of its largest (among the other kind of
    /// unknown) join the pinned set around a seed (`hybridDirection`).
    var pinnedReach = 0.1
    /// An accepted step this short also pins (the search creeping along a stall: 4–8 accepted
    /// steps of t ≤ 1/16 before it failed, on the seeded small networks).
    var shortStep = 1.0 / 16
    /// Whether a hybrid step accepted only at `shortStep` or less without halving the merit (a
    /// hybrid step that creeps) pins one more unknown, as a failed hybrid step does, instead of
    /// taking the next hybrid step on the same pinned set. Why: a creeping hybrid step is a
    /// stall still unresolved, and the next one on the same set creeps again. On the 10,000-node
    /// seed-1 acyclic network (native kernels, year 14) three hybrid steps on 8 pinned unknowns
    /// were accepted at 1/32, 1/64 and 1/64 (the merit 2.87e-7 → 2.78e-7, 20 year solves and
    /// ≈ 300 products), and the three failed searches after them pinned the unknowns whose relaxed
    /// step ended the stall; pinned at the first creeping step, the year took 32 year solves and
    /// 614 products instead of 54 and 915. Measured on all 24 network variants
    /// (docs/performance.md, "A repeated hybrid step skipped, a creeping one pinning"): six
    /// changed, each to fewer year solves and products, none rose.
    var creepingHybridJoins = true
    /// Relaxed hybrid steps per solve, the merit growth they may bring, and the steps in which
    /// the merit must fall below the point they left.
    var relaxedHybridSteps = 2
    var relaxedGrowth = 1e4
    var watchdogSteps = 4
    /// In the local phase (‖Φ‖∞ ≤ `localPhase`, where a Newton step should be taken in full) a
    /// plain step's search tries `localTrials` points, and a step it had to shorten pins as a
    /// failed one does: there a shortened step was a stall's first sign, and the backtracking
    /// before the stall was declared cost up to 8 year solves a time (10,000-node cyclic run:
    /// cold year 40 → 34 year solves, acyclic 17-year run 11.2 → 10.0 a year).
    var localPhase = 0.01
    var localTrials = 2

    /// `record`: the products the Newton systems' preconditioner starts from (the year
    /// before's, `MarketClearing.solveMatrixFree`, or none), with this solve's appended.
    /// `predicted`: another starting point (a warm year's extrapolation of the years before,
    /// `MarketClearing.solveMatrixFree`), evaluated first. The solve starts there when its merit
    /// `½‖Φ‖²` is below `acceptBelow`; otherwise `start` is evaluated too and the solve starts
    /// from the one of lower merit (a predicted point that cannot be evaluated is skipped).
    /// `counts.startMerit` is the merit at `start` where it was evaluated. `first`: the
    /// problem's evaluation at the projected `start` when the caller made it already
    /// (`MarketClearing.plainEquilibrium`'s at z = 0), taken in place of evaluating `start`
    /// again and always compared with the predicted start (it costs nothing more); it counts as
    /// the solve's evaluation, as in `ComplementaritySolver.solve(_:from:first:)`.
    func solve(
        _ problem: inout YearClearingProblem, from start: [Double], predicted: [Double]? = nil,
        acceptBelow: Double = 0, first: (residual: [Double], point: YearClearingProblem.Point)? = nil,
        record: inout ProductRecord
    ) throws(SolveError)
        -> (result: ComplementarityResult<YearClearingProblem.Point>, counts: Counts)
    {
        let l = problem.lowerBounds, u = problem.upperBounds
        let n = l.count
        func project(_ z: [Double]) -> [Double] { FischerBurmeister.projected(z, lower: l, upper: u) }
        func natural(_ z: [Double], _ f: [Double]) -> Double { FischerBurmeister.naturalResidual(z: z, f: f, lower: l, upper: u) }
        var counts = Counts()
        var evaluations = 0
        // A starting point, projected and evaluated.
        func iterate(at unprojected: [Double], given: (residual: [Double], point: YearClearingProblem.Point)? = nil)
            throws(SolveError) -> Iterate
        {
            let z = project(unprojected)
            evaluations += 1
            let (f, point): ([Double], YearClearingProblem.Point)
            if let given { (f, point) = given } else { (f, point) = try problem.evaluate(z) }
            let phi = ComplementaritySolver.reformulation(z, f, l, u)
            return (z, f, point, phi, 0.5 * ComplementaritySolver.squaredNorm(phi.value))
        }
        // The predicted start, evaluated (nil: none, or it could not be evaluated).
        var guess: Iterate? = nil
        if let predicted {
            guess = try? iterate(at: predicted)
            if let g = guess, !g.merit.isFinite { guess = nil }
        }
        var (z, f, point, phi, merit): Iterate
        if first == nil, let g = guess, g.merit < acceptBelow {
            (z, f, point, phi, merit) = g
        } else {
            (z, f, point, phi, merit) = try iterate(at: start, given: first)
            counts.startMerit = merit
            if let g = guess, g.merit < merit { (z, f, point, phi, merit) = g }
        }
        if predicted != nil { problem.lastPrices = point.priced.prices }
        var recent = [merit]
        var log: [ComplementarityIteration] = []
        var residual = natural(z, f)
        var status = ComplementarityStatus.iterationLimit
        // Unknowns whose complementarity the hybrid step solves exactly (`hybridDirection`), and
        // the set the last hybrid step solved so (the pinned ones closed over their saddle pairs).
        var pinned: [Int] = [], refused: [Int] = []
        var solvedExactly = Set<Int>()

        // The unknown with the largest |Φ| at the last search's full step (where the
        // linearization failed most).
        var worstAtFullStep: Int? = nil
        // The last search's full step, evaluated (for a relaxed hybrid step).
        var fullStep: Iterate? = nil
        // The point a relaxed step left, and the step count then (the watchdog's).
        var checkpoint: (iterate: Iterate, step: Int)? = nil
        var relaxedLeft = relaxedHybridSteps
        // The projected search along d (on all unknowns): the accepted step length, nil when
        // every trial failed.
        func search(_ d: [Double], work: Int, trials limit: Int) throws(SolveError) -> Double? {
            worstAtFullStep = nil
            fullStep = nil
            // The price response along d, for the trials' starting prices.
            let seeded = d.indices.filter { d[$0] != 0 }
            _ = try problem.product(at: point, rows: seeded, values: seeded.map { d[$0] })
            let dPrice = problem.productPriceResponse
            counts.products += 1
            let prices = point.priced.prices
            let reference = recent.max() ?? merit
            var step = 1.0, trials = 0
            while trials < limit {
                let trial = project((0..<n).map { z[$0] + step * d[$0] })
                let predicted = (0..<prices.count).map { prices[$0] + step * dPrice[$0] }
                problem.lastPrices = predicted.allSatisfy { $0 > 0 && $0.isFinite } ? predicted : prices
                trials += 1
                evaluations += 1
                if let evaluated = try? problem.evaluate(trial) {
                    let phiT = ComplementaritySolver.reformulation(trial, evaluated.residual, l, u)
                    let meritT = 0.5 * ComplementaritySolver.squaredNorm(phiT.value)
                    if step == 1 {
                        var worst = 0, size = -1.0
                        for i in 0..<n where abs(phiT.value[i]) > size { worst = i; size = abs(phiT.value[i]) }
                        worstAtFullStep = worst
                        fullStep = (trial, evaluated.residual, evaluated.point, phiT, meritT)
                    }
                    if meritT.isFinite && meritT <= (1 - 1e-4 * step) * reference {
                        let stepNorm = ComplementaritySolver.maxDifference(trial, z)
                        z = trial; f = evaluated.residual; point = evaluated.point; phi = phiT; merit = meritT
                        counts.steps += 1
                        residual = natural(z, f)
                        log.append(
                            ComplementarityIteration(
                                iteration: counts.steps, merit: Vector.maxNorm(phi.value), naturalResidual: residual,
                                damping: 0, stepNorm: stepNorm, freeCount: work, trials: trials))
                        return step
                    }
                }
                step *= 0.5
            }
            return nil
        }

        while true {
            if residual <= settings.tolerance { status = .solved; break }
            if counts.steps >= maxSteps || counts.products >= productBudget { break }
            let work = (0..<n).filter { phi.db[$0] > 0 || phi.value[$0] != 0 }
            let inWork = Set(work)
            let pinnedHere = pinned.filter { inWork.contains($0) }
            let direction: [Double]?
            if pinnedHere.isEmpty {
                direction = try newtonDirection(&problem, at: point, phi: phi, rows: work, record: &record, counts: &counts)
            } else {
                if counts.hybridSteps >= maxHybridSteps {
                    guard plainStepsAfterHybridLimit else { break }
                    refused += pinned
                    pinned = []
                    continue
                }
                counts.hybridSteps += 1
                let hybrid = try hybridDirection(
                    &problem, at: point, z: z, f: f, phi: phi, rows: work, pinned: pinnedHere, record: record,
                    counts: &counts)
                direction = hybrid?.step
                solvedExactly = Set(hybrid?.pinned ?? [])
            }
            guard let direction else {
                // Without the pinned unknowns the rest's system is singular (their rents are
                // fixed only through the pinned shares): unpin them for good and step plainly.
                guard !pinnedHere.isEmpty else { status = .stalled; break }
                refused += pinned
                pinned = []
                continue
            }
            var d = [Double](repeating: 0, count: n)
            for (a, i) in work.enumerated() { d[i] = direction[a] }
            let local = pinnedHere.isEmpty && maxPinned > 0 && Vector.maxNorm(phi.value) <= localPhase
            let from = z, before = merit
            let accepted = try search(d, work: work.count, trials: local ? localTrials : lineSearchTrials)
            // A hybrid step's search that failed, or crept (a short step that did not halve the
            // merit), at a point whose residual is one share's (`stopsAtShareStall`).
            if stopsAtShareStall, !pinnedHere.isEmpty,
                accepted.map({ $0 <= shareStallStep && merit > 0.5 * before }) ?? true,
                MarketClearing.singleShareStall(z: z, f: f, lower: l, upper: u, marketOffset: problem.marketOffset) != nil
            {
                counts.stoppedAtShareStall = true
                status = .stalled
                break
            }
            // A hybrid step that cut the merit by `releaseBelow` or more: the stall is behind, and
            // the pinned unknowns go back to plain steps (`releaseBelow`).
            if accepted != nil, !pinnedHere.isEmpty, merit <= releaseBelow * before { pinned = [] }
            if let accepted {
                recent.append(merit)
                if recent.count > meritMemory { recent.removeFirst() }
                if let c = checkpoint {
                    if merit <= (1 - 1e-4) * c.iterate.merit {
                        checkpoint = nil
                    } else if counts.steps - c.step >= watchdogSteps {
                        (z, f, point, phi, merit) = c.iterate
                        residual = natural(z, f)
                        status = .stalled
                        break
                    }
                }
                // A short plain step pins; so does a hybrid step that creeps (`creepingHybridJoins`).
                let short = accepted <= shortStep || (local && accepted < 1)
                let creeping = creepingHybridJoins && accepted <= shortStep && merit > 0.5 * before
                guard pinnedHere.isEmpty ? short : creeping else { continue }
            }
            // A failed hybrid step: take its full step all the same (the linearization was
            // right about the active side but overshoots along a steep direction; measured at
            // 10,000 nodes: ρ to 0 and a rent 4.2 up where the solution has it 3.8 up, ‖Φ‖∞
            // 4e-4 → 0.019), watched: unless the merit falls below the point it left within
            // `watchdogSteps`, the solve returns there and falls back.
            if accepted == nil, !pinnedHere.isEmpty, relaxedLeft > 0, checkpoint == nil, let full = fullStep,
                full.merit.isFinite, full.merit <= relaxedGrowth * merit
            {
                checkpoint = ((z, f, point, phi, merit), counts.steps)
                relaxedLeft -= 1
                let stepNorm = ComplementaritySolver.maxDifference(full.z, z)
                z = full.z; f = full.f; point = full.point; phi = full.phi; merit = full.merit
                counts.steps += 1
                counts.relaxedSteps += 1
                residual = natural(z, f)
                log.append(
                    ComplementarityIteration(
                        iteration: counts.steps, merit: Vector.maxNorm(phi.value), naturalResidual: residual,
                        damping: 0, stepNorm: stepNorm, freeCount: work.count, trials: lineSearchTrials))
                recent = [merit]
                continue
            }
            // A stall: pin the unknown the full step takes farthest out of the box (on the
            // generated networks, one of a nearly singular pair of unserved shares) and take the
            // hybrid step from here.
            var joining = Array(
                Self.leavingBox(z: from, d: d, lower: l, upper: u, among: work, except: pinned + refused)
                    .prefix(pinnedPerRound))
            // Nothing leaves the box: the step crossed a kink of Φ (an unknown at its bound with
            // F near 0) instead; pin the row the full step got most wrong.
            if joining.isEmpty, let worst = worstAtFullStep, !pinned.contains(worst), !refused.contains(worst) {
                joining = [worst]
            }
            // A join that a failed hybrid step solved exactly already (a saddle pair of its
            // pinned set) or that is not a working row leaves the pinned set the same (below
            // `maxPinned`; at it, up to where the limit cuts the closure), and so the step and
            // its search from this point: it would fail again the same way
            // (measured at 10,000 nodes, seed 2 cyclic, year 14: twice, in the direct solve and
            // in the homotopy's stage, each 8 year solves and ≈ 75 products for the same full
            // step to 17 digits). Nothing joins.
            if accepted == nil, !pinnedHere.isEmpty,
                joining.allSatisfy({ solvedExactly.contains($0) || !inWork.contains($0) })
            {
                if !joining.isEmpty { counts.repeatsSkipped += 1 }
                joining = []
            }
            // Past the hybrid-step limit nothing is pinned any more (`plainStepsAfterHybridLimit`).
            let pinning = counts.hybridSteps < maxHybridSteps || !plainStepsAfterHybridLimit
            guard pinning && !joining.isEmpty && pinned.count + joining.count <= maxPinned else {
                if accepted != nil { continue }
                status = .stalled
                break
            }
            pinned += joining
            counts.pinned = pinned.count
            if accepted != nil && !pinnedHere.isEmpty { counts.creepingPins += 1 }
        }
        // A relaxed step still unresolved when the loop ended otherwise: the fallback starts
        // from the better of the two points.
        if status != .solved, let c = checkpoint, c.iterate.merit < merit {
            (z, f, point, phi, merit) = c.iterate
            residual = natural(z, f)
        }
        // Leave the fallback (or the caller) starting its fixed points from this point's prices.
        problem.lastPrices = point.priced.prices
        var result = ComplementarityResult(
            status: status, z: z, residual: f, point: point, naturalResidual: residual, iterations: counts.steps,
            evaluations: evaluations, jacobians: 0, jacobianColumns: counts.products, log: log)
        if status != .solved && fallsBack {
            counts.fellBack = true
            let rest = try ComplementaritySolver(settings: settings).solve(&problem, from: z)
            var totals = result.totals
            totals.add(rest.totals)
            result = rest.with(status: rest.status, totals: totals)
        }
        return (result, counts)
    }

    /// The inexact Newton direction on the rows `rows` (nil when GMRES does not reduce the
    /// residual below 0.9‖Φ‖: no descent direction to search along): the solution of
    /// `H_WW d = b` with `b = −Φ_W`, or `rhs` where given (the hybrid step's other systems on
    /// the same rows), to the relative residual `tolerance` (default: the forcing term of ‖Φ‖∞).
    func newtonDirection(
        _ problem: inout YearClearingProblem, at point: YearClearingProblem.Point,
        phi: (value: [Double], da: [Double], db: [Double]), rows: [Int], rhs given: [Double]? = nil,
        tolerance: Double? = nil, record: inout ProductRecord, counts: inout Counts
    ) throws(SolveError) -> [Double]? {
        guard !rows.isEmpty else { return [] }
        let n = phi.value.count
        let estimate = try problem.diagonalEstimate(at: point)
        // Right preconditioner: the diagonal of H with J's diagonal estimated. Where the
        // estimate vanishes (unserved shares: ∂F_m/∂ρ_m = 0) or is not positive, a tenth of
        // D_a + D_b keeps the scaling within that of the rows (their entries, price
        // pass-throughs over choke prices, are of order 0.01–0.1 in these units).
        let diagonal = rows.map { i in
            Swift.max(phi.da[i] + phi.db[i] * Swift.max(estimate[i], 0), 0.1 * (phi.da[i] + phi.db[i]))
        }
        let rhs = given ?? rows.map { -phi.value[$0] }
        let size = Vector.maxNorm(phi.value)
        let forcing = Swift.min(0.1, size.squareRoot())
        // No more accuracy than the solve's tolerance needs: GMRES's target `η‖Φ‖₂` is kept at
        // or above `oversolvingFloor` × tolerance (Kelley 1995, §6.3; Eisenstat & Walker 1996).
        // Only for the Newton system itself (right-hand side −Φ): the hybrid step's other
        // systems have right-hand sides of another scale.
        let norm = given == nil ? ComplementaritySolver.squaredNorm(rhs).squareRoot() : 0
        let target = norm > 0 ? Swift.min(0.1, Swift.max(forcing, oversolvingFloor * settings.tolerance / norm)) : forcing
        // In the local phase (η < 0.1, ‖Φ‖∞ < 0.01), the earlier systems' products: exact on
        // their images, the diagonal on the rest. The global phase's systems, solved to 0.1 in
        // 3–25 products, keep the diagonal alone (and so the path of the diagonal method): there
        // the iterates move far between steps, and at 4,000 nodes the record changed the cold
        // paths' global phase (13 → 16 acyclic steps, 14 → 32 year solves) for no fewer products.
        let recorded =
            forcing < recordBelowForcing
            ? record.inverse(
                rows: rows, da: phi.da, db: phi.db, unknowns: n, rankTolerance: recordRankTolerance,
                coefficientTolerance: recordCoefficientTolerance, refreshEvery: recordRefresh, diagonal: diagonal) : nil
        // Classical Gram–Schmidt twice: the basis grows to a few hundred vectors in the local
        // phase, where modified Gram–Schmidt's sequential dot products are slow.
        let gmres = RestartedGMRES(
            restart: restart, tolerance: tolerance ?? target, maxIterations: maxProducts, orthogonalization: .classicalTwice)
        var failure: SolveError? = nil
        var used = 0
        let solved = gmres.solve(
            rhs,
            operator: { v in
                used += 1
                guard failure == nil else { return v }
                do throws(SolveError) {
                    let jv = try problem.product(at: point, rows: rows, values: v)
                    record.append(rows: rows, values: v, image: jv)
                    return rows.indices.map { phi.da[rows[$0]] * v[$0] + phi.db[rows[$0]] * jv[rows[$0]] }
                } catch {
                    failure = error
                    return v
                }
            },
            preconditioner: { v in
                guard let recorded else { return v.indices.map { v[$0] / diagonal[$0] } }
                return recorded.apply(v)
            })
        counts.products += used
        if let failure { throw failure }
        guard solved.relativeResidual <= 0.9 else {
            counts.gmresFailures += 1
            return nil
        }
        if !solved.converged { counts.gmresFailures += 1 }
        return solved.solution
    }
}
