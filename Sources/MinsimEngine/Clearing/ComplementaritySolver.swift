import Foundation
import LinearAlgebra

/// How a complementarity solve ended.
public enum ComplementarityStatus: String, Sendable, Equatable {
    /// The natural residual reached the tolerance.
    case solved
    /// `maxIterations` or `maxEvaluations` was reached first.
    case iterationLimit = "iteration_limit"
    /// No step could reduce the merit function any more (damping at its limit and the
    /// projected-gradient fallback failed): a local minimum of `‖Φ‖` that is not a solution,
    /// or a residual at the noise level of the evaluations.
    case stalled
    /// The Newton system would have more unknowns than `ComplementaritySettings.maxDenseUnknowns`:
    /// the solve stopped before forming its dense Jacobian rather than exhaust the memory.
    case tooLarge = "too_large"
}

/// One accepted step of the solver.
public struct ComplementarityIteration: Sendable, Equatable {
    public let iteration: Int
    /// `‖Φ‖∞` after the step.
    public let merit: Double
    /// Natural residual after the step.
    public let naturalResidual: Double
    /// ν used for the accepted step (0 for a projected-gradient step).
    public let damping: Double
    /// `‖z_new − z‖∞`.
    public let stepNorm: Double
    /// Unknowns in the Newton system (not held on a bound).
    public let freeCount: Int
    /// Trial points evaluated for this step (1 when the first trial was accepted).
    public let trials: Int
}

/// The outcome of a complementarity solve.
public struct ComplementarityResult<Point> {
    public let status: ComplementarityStatus
    /// Final unknowns, inside the box.
    public let z: [Double]
    /// `F(z)`.
    public let residual: [Double]
    /// The problem's state at `z` (for the caller's report).
    public let point: Point
    public let naturalResidual: Double
    public let iterations: Int
    public let evaluations: Int
    /// Jacobians formed (one per Newton step, with the columns that step needed).
    public let jacobians: Int
    /// Jacobian columns formed in all (each an implicit-differentiation solve).
    public let jacobianColumns: Int
    public let log: [ComplementarityIteration]
}

/// Solves a box-constrained mixed complementarity problem (see `ComplementarityProblem`).
///
/// **Josephy–Newton steps.** At the current point the problem is linearized and the box LCP
/// ```
/// find ẑ ∈ [l, u]:   F(z) + J(z)(ẑ − z)  ⊥  [l, u]
/// ```
/// is solved exactly (`NewtonSubproblemSolver`: the active-set method, then Lemke's pivoting
/// method on small subproblems or the semismooth Newton method on large ones, the interior-point
/// method last), rows weighted by `rowWeights`. This is Newton's method for
/// complementarity problems (Josephy 1979; the step PATH takes, Dirkse & Ferris 1995): the
/// subproblem chooses which constraints bind and which markets shed demand together with the
/// rents, so it crosses in one step the plateaus where quantities do not respond to rents at
/// all (inelastic demand below its choke price) and where a rent is left over on a node with
/// spare capacity — plateaus on which any method that only follows the gradient of a merit
/// function crawls. Near a solution the full step is taken and convergence is quadratic.
///
/// **Globalization.** The step `d = ẑ − z` stays in the box (convexity) and is searched along,
/// `z + t d` with `t = 1, ½, ¼, …, 1/1024`, accepting the first point whose Fischer–Burmeister
/// merit `ψ = ½‖Φ‖²` (see `FischerBurmeister`) satisfies the nonmonotone Armijo rule
/// `ψ(z + t d) ≤ (1 − 10⁻⁴ t) · max(ψ over the last 5 iterates)` (Grippo, Lampariello & Lucidi
/// 1986). A watchdog (as in PATH) returns to the best point and continues monotonically when
/// 10 steps pass without lowering the best merit by 10 %, which stops the nonmonotone rule
/// from cycling.
///
/// **Fallback.** Where the subproblem has no solution or the search fails, one projected
/// Levenberg–Marquardt step on the FB reformulation is taken instead:
/// ```
/// min_d ‖ [H; √λ I] d + [Φ; 0] ‖₂,   H = D_a + D_b J,   λ = ν ‖Φ‖₂,   z⁺ = Π_[l,u](z + d)
/// ```
/// accepted when ψ falls by at least 10⁻⁴ of the decrease the linear model predicts; ν adapts
/// by factors of 4 (Fan & Pan 2006; Kanzow, Yamashita & Fukushima 2004). If damping cannot
/// reduce ψ either, a projected-gradient step with Armijo backtracking is tried before the
/// solver reports `stalled`.
///
/// Measured on the shipped scenarios (17 years each): 0–20 steps a year, one or two
/// Levenberg–Marquardt steps in a whole run; every Jacobian matched finite differences to the
/// differences' own accuracy (≈ 1e-6).
public struct ComplementaritySolver: Sendable {
    public var settings: ComplementaritySettings
    public init(settings: ComplementaritySettings = ComplementaritySettings()) { self.settings = settings }

    /// - Parameters:
    ///   - start: the warm start (projected onto the box).
    ///   - first: `problem`'s evaluation at the projected start, when the caller made it already.
    /// - Throws: the problem's failure when F cannot be evaluated at the (projected) start or
    ///   its Jacobian cannot be formed at an accepted point.
    public func solve<P: ComplementarityProblem>(
        _ problem: inout P, from start: [Double], first: (residual: [Double], point: P.Point)? = nil
    ) throws(P.Failure) -> ComplementarityResult<P.Point> {
        let l = problem.lowerBounds, u = problem.upperBounds
        let n = l.count
        precondition(u.count == n && start.count == n, "bounds and start must have one entry per unknown")
        let project = { (z: [Double]) in FischerBurmeister.projected(z, lower: l, upper: u) }
        let weights = problem.rowWeights
        precondition(weights.count == n && weights.allSatisfy { $0 > 0 && $0.isFinite }, "row weights must be positive")

        var z = project(start)
        var (f, point): ([Double], P.Point)
        if let first { (f, point) = first } else { (f, point) = try problem.evaluate(z) }
        var evaluations = 1, jacobians = 0, jacobianColumns = 0, iterations = 0
        var phi = Self.reformulation(z, f, l, u)
        var merit = 0.5 * Self.squaredNorm(phi.value)
        var recent = [merit]
        var memory = settings.meritMemory
        var relaxedLeft = settings.relaxedSteps, relaxedUsed = false, visited = [z]
        var best = (merit: merit, z: z, f: f, point: point, phi: phi, iteration: 0)
        var nu = settings.initialDamping
        var log: [ComplementarityIteration] = []
        var status = ComplementarityStatus.iterationLimit
        let subproblems = NewtonSubproblemSolver()

        func natural(_ z: [Double], _ f: [Double]) -> Double { FischerBurmeister.naturalResidual(z: z, f: f, lower: l, upper: u) }

        // Whether a step that took ‖Φ‖ from √(2·before) to √(2·after) with `jac` leaves it worth
        // carrying: a large Jacobian always, a small one only where Newton's method is so far into
        // its quadratic phase that the chord steps on it contract as fast (`chordContraction`).
        func reusable(_ jac: PartialJacobian, contracted after: Double, from before: Double) -> Bool {
            jac.formedCount >= settings.reuseMinimumColumns
                || after <= settings.chordContraction * settings.chordContraction * before
        }

        var residualNow = natural(z, f)
        // The Jacobian of the last step, kept (Broyden-updated) while full steps contract ‖Φ‖.
        var carried: PartialJacobian? = nil
        while true {
            if residualNow <= settings.tolerance { status = .solved; break }
            if iterations >= settings.maxIterations || evaluations >= settings.maxEvaluations { status = .iterationLimit; break }
            // The working set: unknowns held on a bound by F with a margin are left out of this
            // step (their component of Φ is exactly 0, and their Jacobian columns are never
            // formed); one whose F comes within the margin is back in at the next step.
            let threshold = settings.workingSetMargin
            var work: [Int] = []
            for i in 0..<n {
                let heldLow = z[i] == l[i] && f[i] > threshold
                let heldHigh = z[i] == u[i] && f[i] < -threshold
                if !heldLow && !heldHigh { work.append(i) }
            }
            let w = work.count
            // A Jacobian, its generalized form and the subproblem's matrices of w² doubles each:
            // stop before forming them where they would not fit (`maxDenseUnknowns`).
            if w > settings.maxDenseUnknowns { status = .tooLarge; break }
            func expand(_ values: [Double]) -> [Double] {
                var out = z
                for (a, i) in work.enumerated() { out[i] = values[a] }
                return out
            }
            // Josephy–Newton: the linearized MCP on the working set, rows weighted, with the
            // Jacobian's columns formed only for the unknowns the subproblem lets move.
            var jac = PartialJacobian(rows: work)
            let here = point
            let reused = carried.flatMap { $0.rows == work ? $0 : nil }
            carried = nil
            func form(_ positions: [Int]) throws(P.Failure) -> Matrix {
                try problem.jacobian(at: here, rows: work, columns: positions.map { work[$0] })
            }
            var accepted = false
            var trials = 0
            var stepNorm = 0.0
            var usedNu = 0.0
            let zw = work.map { z[$0] }, lw = work.map { l[$0] }, uw = work.map { u[$0] }
            let phiW = (value: work.map { phi.value[$0] }, da: work.map { phi.da[$0] }, db: work.map { phi.db[$0] })
            let fw = work.map { f[$0] }, ww = work.map { weights[$0] }
            func newtonTarget(_ jac: inout PartialJacobian) throws(P.Failure) -> [Double]? {
                try Self.generated(jacobian: &jac, at: zw, residual: fw, lower: lw, upper: uw, weights: ww, form: form) {
                    sub, start in subproblems.solve(sub, from: start)
                }
            }
            let contraction = settings.reuseContraction
            let meritBefore = merit
            // A quasi-Newton step on the carried Jacobian: taken in full if it contracts ‖Φ‖ as
            // a Newton step near the solution would, dropped (one year solve lost) otherwise.
            if var old = reused {
                let formedBefore = old.formedCount
                if let targetW = try newtonTarget(&old) {
                    let trial = project(expand(targetW))
                    trials += 1
                    evaluations += 1
                    if let evaluated = try? problem.evaluate(trial) {
                        let phiT = Self.reformulation(trial, evaluated.residual, l, u)
                        let meritT = 0.5 * Self.squaredNorm(phiT.value)
                        if meritT.isFinite && meritT <= contraction * contraction * merit {
                            stepNorm = Self.maxDifference(trial, z)
                            let s = work.map { trial[$0] - z[$0] }
                            let y = work.map { evaluated.residual[$0] - f[$0] }
                            z = trial; f = evaluated.residual; point = evaluated.point; phi = phiT; merit = meritT
                            accepted = true
                            if reusable(old, contracted: meritT, from: merit) && old.broydenUpdate(step: s, change: y) {
                                carried = old
                            }
                        }
                    }
                }
                jacobianColumns += old.formedCount - formedBefore
            }
            let fresh = !accepted
            let lcpTarget = fresh ? try newtonTarget(&jac) : nil
            if !accepted, let targetW = lcpTarget {
                let target = expand(targetW)
                let recentMax = recent.max() ?? merit
                var switching: [Int] = [], othersMove = false
                for i in 0..<n where settings.snapSwitches && target[i] != z[i] {
                    let up = z[i] == l[i] && target[i] == u[i]
                    let down = z[i] == u[i] && target[i] == l[i]
                    if (up || down) && l[i].isFinite && u[i].isFinite { switching.append(i) } else { othersMove = true }
                }
                // Where only switching unknowns move, every shortened trial would be the full step.
                if !othersMove { switching = [] }
                var step = 1.0
                while step >= 1.0 / 1024 && evaluations < settings.maxEvaluations && trials < settings.lineSearchTrials {
                    var moved = z
                    for i in 0..<n { moved[i] += step * (target[i] - z[i]) }
                    // A shortened step takes the unknowns that the target moves across their whole
                    // box (an unserved share from 0 to 1) all the way: halfway, such an unknown sits
                    // mid-box against an F that has already changed sign (`snapSwitches`).
                    if step < 1 {
                        for i in switching { moved[i] = target[i] }
                    }
                    let trial = project(moved)
                    trials += 1
                    evaluations += 1
                    if let evaluated = try? problem.evaluate(trial) {
                        let phiT = Self.reformulation(trial, evaluated.residual, l, u)
                        let meritT = 0.5 * Self.squaredNorm(phiT.value)
                        let reference = Self.reference(recentMax, merit: merit, trial: (trial, meritT), visited: visited)
                        let relaxed = step == 1 && relaxedLeft > 0 && meritT.isFinite && meritT <= 100 * reference
                        if relaxed && !(meritT <= (1 - 1e-4) * reference) {
                            relaxedLeft -= 1
                            relaxedUsed = true
                        }
                        if meritT.isFinite && (meritT <= (1 - 1e-4 * step) * reference || relaxed) {
                            stepNorm = Self.maxDifference(trial, z)
                            if step == 1 && meritT <= contraction * contraction * meritBefore
                                && reusable(jac, contracted: meritT, from: meritBefore)
                            {
                                // Newton converges here: carry this Jacobian to the next step.
                                let s = work.map { trial[$0] - z[$0] }
                                let y = work.map { evaluated.residual[$0] - f[$0] }
                                var next = jac
                                if next.broydenUpdate(step: s, change: y) { carried = next }
                            }
                            z = trial; f = evaluated.residual; point = evaluated.point; phi = phiT; merit = meritT
                            accepted = true
                            break
                        }
                    }
                    step *= 0.5
                }
            }
            if !accepted && settings.lineSearchTrials < 11 && lcpTarget != nil {
                jacobians += 1
                jacobianColumns += jac.formedCount
                status = .stalled
                break
            }
            if !accepted {
                let all = Array(0..<w)
                let missing = jac.missing(all)
                if !missing.isEmpty { jac.store(try form(missing), at: missing) }
                let h = Self.generalizedJacobian(jac.block(all), phiW)
                let phiNorm = Self.squaredNorm(phi.value).squareRoot()
                while !accepted && evaluations < settings.maxEvaluations && nu <= 1e12 {
                    guard let d = Self.dampedStep(h, phiW.value, lambda: nu * phiNorm) else { nu *= 4; continue }
                    let trial = project(expand((0..<w).map { zw[$0] + d[$0] }))
                    let s = work.map { trial[$0] - z[$0] }
                    let hs = h.multiply(s)
                    var modelSq = 0.0
                    for a in 0..<w { modelSq += (phiW.value[a] + hs[a]) * (phiW.value[a] + hs[a]) }
                    let predicted = merit - 0.5 * modelSq
                    trials += 1
                    evaluations += 1
                    if let evaluated = try? problem.evaluate(trial) {
                        let phiT = Self.reformulation(trial, evaluated.residual, l, u)
                        let meritT = 0.5 * Self.squaredNorm(phiT.value)
                        // A projected step can leave the linear model predicting no decrease;
                        // then only an actual decrease is taken.
                        let ratio = predicted > 0 ? (merit - meritT) / predicted : (meritT < merit ? 1 : -1)
                        if meritT.isFinite && meritT < merit && ratio > 1e-4 {
                            stepNorm = Self.maxDifference(trial, z)
                            usedNu = nu
                            z = trial; f = evaluated.residual; point = evaluated.point; phi = phiT; merit = meritT
                            accepted = true
                            if ratio > 0.75 { nu = Swift.max(nu / 4, 1e-12) } else if ratio < 0.25 { nu *= 4 }
                            break
                        }
                    }
                    nu *= 4
                }
                if !accepted {
                    // Projected gradient with Armijo backtracking: z(t) = Π(z − t ∇ψ), ∇ψ = HᵀΦ.
                    let gradient = h.multiply(phiW.value, transposed: true)
                    var t = 1.0 / Swift.max(Self.squaredNorm(gradient).squareRoot(), 1e-300)
                    for _ in 0..<40 where !accepted && evaluations < settings.maxEvaluations {
                        let trial = project(expand((0..<w).map { zw[$0] - t * gradient[$0] }))
                        var decrease = 0.0
                        for (a, i) in work.enumerated() { decrease += gradient[a] * (z[i] - trial[i]) }
                        trials += 1
                        evaluations += 1
                        if decrease > 0, let evaluated = try? problem.evaluate(trial) {
                            let phiT = Self.reformulation(trial, evaluated.residual, l, u)
                            let meritT = 0.5 * Self.squaredNorm(phiT.value)
                            if meritT.isFinite && meritT <= merit - 1e-4 * decrease {
                                stepNorm = Self.maxDifference(trial, z)
                                z = trial; f = evaluated.residual; point = evaluated.point; phi = phiT; merit = meritT
                                accepted = true
                                nu = settings.initialDamping
                            }
                        }
                        t *= 0.5
                    }
                }
            }
            if fresh {
                jacobians += 1
                jacobianColumns += jac.formedCount
            }
            if !accepted {
                status = evaluations >= settings.maxEvaluations ? .iterationLimit : .stalled
                break
            }
            iterations += 1
            recent.append(merit); visited = [visited.last ?? z, z]
            if recent.count > memory { recent.removeFirst() }
            if merit < 0.9 * best.merit {
                best = (merit, z, f, point, phi, iterations)
            } else if memory > 1 && iterations - best.iteration >= (relaxedUsed ? settings.relaxedWatch : settings.watchdogSteps)
            {
                z = best.z; f = best.f; point = best.point; phi = best.phi; merit = best.merit
                memory = 1
                relaxedLeft = 0
                recent = [merit]
            }
            residualNow = natural(z, f)
            log.append(
                ComplementarityIteration(
                    iteration: iterations, merit: Vector.maxNorm(phi.value), naturalResidual: residualNow,
                    damping: usedNu, stepNorm: stepNorm, freeCount: w, trials: trials))
        }
        return ComplementarityResult(
            status: status, z: z, residual: f, point: point, naturalResidual: residualNow,
            iterations: iterations, evaluations: evaluations, jacobians: jacobians,
            jacobianColumns: jacobianColumns, log: log)
    }

    /// `H = D_a + D_b J`.
    static func generalizedJacobian(_ jac: Matrix, _ phi: (value: [Double], da: [Double], db: [Double])) -> Matrix {
        let n = jac.rows
        var h = Matrix(rows: n, columns: n)
        for i in 0..<n {
            for j in 0..<n { h[i, j] = phi.db[i] * jac[i, j] }
            h.add(phi.da[i], at: i, i)
        }
        return h
    }

    /// `Φ(z)` and the diagonals `D_a`, `D_b` of its generalized Jacobian.
    static func reformulation(_ z: [Double], _ f: [Double], _ l: [Double], _ u: [Double])
        -> (value: [Double], da: [Double], db: [Double])
    {
        var value = [Double](repeating: 0, count: z.count)
        var da = value, db = value
        for i in z.indices {
            let c = FischerBurmeister.component(z: z[i], f: f[i], lower: l[i], upper: u[i])
            value[i] = c.value; da[i] = c.da; db[i] = c.db
        }
        return (value, da, db)
    }

    /// `argmin_d ‖H d + Φ‖² + λ‖d‖²` as the least-squares solution of `[H; √λ I] d = [−Φ; 0]`.
    static func dampedStep(_ h: Matrix, _ phi: [Double], lambda: Double) -> [Double]? {
        let m = h.rows
        guard m > 0 else { return [] }
        var aug = Matrix(rows: 2 * m, columns: m)
        for j in 0..<m {
            for i in 0..<m { aug[i, j] = h[i, j] }
            aug[m + j, j] = lambda.squareRoot()
        }
        var rhs = [Double](repeating: 0, count: 2 * m)
        for i in 0..<m { rhs[i] = -phi[i] }
        return LeastSquares.solve(aug, rhs)
    }

    static func squaredNorm(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 } }

    static func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
        var m = 0.0
        for i in a.indices { m = Swift.max(m, abs(a[i] - b[i])) }
        return m
    }
}
