import LinearAlgebra

/// The Jacobian of F on the solver's working set, formed column by column as the Newton
/// subproblem asks for columns: every working row, only the requested columns.
///
/// On a large network most unknowns sit far from a switch (spare capacity and no rent, a
/// delivered price far below the choke price); their columns are never needed, because the
/// subproblem holds them on their bounds unless their linearized F changes sign, and that is
/// checked with the columns of the unknowns that move. A column costs two triangular solves
/// on factorizations made once per point, so the cost of a Newton step follows the number of
/// unknowns near a switch, not the number of unknowns.
struct PartialJacobian {
    /// Working unknowns (indices into the problem's unknowns), which are also the rows.
    let rows: [Int]
    /// Column per working position; empty until formed.
    private var columns: [[Double]]
    /// Columns formed so far.
    private(set) var formedCount = 0

    init(rows: [Int]) {
        self.rows = rows
        columns = [[Double]](repeating: [], count: rows.count)
    }

    /// Positions among `positions` whose column is not formed yet.
    func missing(_ positions: [Int]) -> [Int] { positions.filter { columns[$0].isEmpty } }

    /// Stores the columns of `block` (`rows.count × positions.count`) at `positions`.
    mutating func store(_ block: Matrix, at positions: [Int]) {
        precondition(block.rows == rows.count && block.columns == positions.count, "one column per position")
        for (b, a) in positions.enumerated() {
            columns[a] = block.column(b)
            formedCount += 1
        }
    }

    /// Broyden's ("good") secant update of the formed columns (Broyden 1965; on the reduced
    /// system, as in PATH's and Dennis–Moré's quasi-Newton analysis):
    /// ```
    /// J⁺ = J + (y − J s) sᵀ / (sᵀ s),   s = z⁺ − z,   y = F(z⁺) − F(z)     (working positions)
    /// ```
    /// so that `J⁺ s = y`. Columns not formed have `s_b = 0` (only unknowns whose columns the
    /// subproblem formed can move) and stay unformed. Returns false, changing nothing, when a
    /// moved unknown has no column or the step is zero.
    mutating func broydenUpdate(step s: [Double], change y: [Double]) -> Bool {
        precondition(s.count == rows.count && y.count == rows.count, "one entry per working position")
        var ss = 0.0
        var r = y
        for (b, sb) in s.enumerated() where sb != 0 {
            guard !columns[b].isEmpty else { return false }
            ss += sb * sb
            let column = columns[b]
            for a in r.indices { r[a] -= column[a] * sb }
        }
        guard ss > 0 && ss.isFinite else { return false }
        for (b, sb) in s.enumerated() where sb != 0 {
            let factor = sb / ss
            for a in r.indices { columns[b][a] += r[a] * factor }
        }
        return true
    }

    /// `∂F_rows[a] / ∂z_rows[b]`; column b must be formed.
    subscript(_ a: Int, _ b: Int) -> Double { columns[b][a] }

    /// The held rows' linearized F over the moved positions, `f_i + Σ_j J_ij (ẑ_j − z_j)`, and
    /// `Σ_j J_ij z_j`, for each i in `held`, summed over `moved` in its order: column by column,
    /// so each formed column is read once and contiguously (row by row, the same sums stride
    /// across every column's storage for each row).
    func linearized(held: [Int], moved: [Int], residual f: [Double], target: [Double], at z: [Double])
        -> (w: [Double], jz: [Double])
    {
        var w = held.map { f[$0] }
        var jz = [Double](repeating: 0, count: held.count)
        for j in moved {
            let column = columns[j], dj = target[j] - z[j], zj = z[j]
            for (h, i) in held.enumerated() {
                w[h] += column[i] * dj
                jz[h] += column[i] * zj
            }
        }
        return (w, jz)
    }

    /// The formed block `J[positions, positions]`.
    func block(_ positions: [Int]) -> Matrix {
        var m = Matrix(rows: positions.count, columns: positions.count)
        for (b, j) in positions.enumerated() {
            let column = columns[j]
            for (a, i) in positions.enumerated() { m[a, b] = column[i] }
        }
        return m
    }
}

extension ComplementaritySolver {
    /// The merit a trial of the Newton line search must fall below (by the Armijo margin): the
    /// nonmonotone reference `recentMax` (the largest of the last merits), except for a trial
    /// that raises the merit and lands back near the iterate before the current one — within
    /// a tenth of the last step's length of `visited[0]` (`visited`: the last two accepted
    /// iterates) — which must lower the current `merit`. Such a trial is the second half of a
    /// two-cycle of the Newton map (A → B → A → B …): the nonmonotone rule accepts each
    /// increase, since the cycle's own larger merit stays among the last five, and only the
    /// watchdog ended it, ten steps later. Seen on the 10,000-node cyclic benchmark network
    /// (docs/performance.md, c13-large), where five Newton steps and Jacobians went that way;
    /// rejected, the step is shortened from the current point at once. The tenth is an
    /// assumption: a return far closer than the step's length (there, ≈ 10 in scaled units).
    static func reference(_ recentMax: Double, merit: Double, trial: ([Double], Double), visited: [[Double]]) -> Double {
        guard trial.1 > merit, visited.count == 2 else { return recentMax }
        let length = maxDifference(visited[1], visited[0])
        return length > 0 && maxDifference(trial.0, visited[0]) <= 0.1 * length ? merit : recentMax
    }

    /// The Josephy–Newton target on the working set: the solution of the linearized problem
    /// `F + J(ẑ − z) ⊥ [l, u]` (rows weighted by `weights`), by constraint generation: first
    /// only on the unknowns that are free or near a bound's switch (`F` within 0.05 of 0, in
    /// the problem's scaled units), the others held where they are; then every held unknown
    /// whose linearized `F`, `F_i + Σ_b J_ib (ẑ_b − z_b)` over the moved unknowns b, has the
    /// wrong sign joins, and the subproblem is solved again, until none does. The result solves
    /// the whole linear problem (a held unknown is only left out while its complementarity
    /// holds), but the columns of J are formed (`form`, working positions → `J[work, those]`),
    /// and the pivoting and factoring done, only for the unknowns that can move. Where the
    /// reduced subproblem has no solution the whole one is solved. All vectors are over the
    /// working positions.
    static func generated<E: Error>(
        jacobian jac: inout PartialJacobian, at z: [Double], residual f: [Double],
        lower l: [Double], upper u: [Double], weights: [Double],
        form: ([Int]) throws(E) -> Matrix,
        solve: (BoxLCP, [Double]) -> [Double]?
    ) throws(E) -> [Double]? {
        let w = z.count
        func ensure(_ positions: [Int]) throws(E) {
            let need = jac.missing(positions)
            if !need.isEmpty { jac.store(try form(need), at: need) }
        }
        // The linearization on `positions`, the others held: M = D J_II, q = D (F_I − J_II z_I).
        func linearized(_ positions: [Int]) -> BoxLCP {
            var m = jac.block(positions)
            var q = [Double](repeating: 0, count: positions.count)
            let jz = m.multiply(positions.map { z[$0] })
            for (a, i) in positions.enumerated() {
                let d = weights[i]
                q[a] = d * (f[i] - jz[a])
                for b in positions.indices { m[a, b] *= d }
            }
            return BoxLCP(
                matrix: m, offset: q, lower: positions.map { l[$0] }, upper: positions.map { u[$0] },
                rowWeights: positions.map { weights[$0] })
        }
        let all = Array(0..<w)
        func whole() throws(E) -> [Double]? {
            try ensure(all)
            return solve(linearized(all), z)
        }
        var inside = (0..<w).map { i in !((z[i] == l[i] && f[i] > 0.05) || (z[i] == u[i] && f[i] < -0.05)) }
        // Each round starts from the last round's solution (the unknowns that joined at their
        // held value): its bounds are the right ones except near the joined unknowns.
        var previous = z
        for _ in 0..<w {
            let work = all.filter { inside[$0] }
            if work.count == w { return try whole() }
            var full = z
            if !work.isEmpty {
                try ensure(work)
                guard let zw = solve(linearized(work), work.map { previous[$0] }) else { return try whole() }
                for (a, i) in work.enumerated() { full[i] = zw[a] }
            }
            var added = false
            let held = all.filter { !inside[$0] }
            let linear = jac.linearized(held: held, moved: work, residual: f, target: full, at: z)
            for (h, i) in held.enumerated() {
                let wi = linear.w[h]
                let scale = abs(f[i] - linear.jz[h]) + 1e-12
                if (full[i] == l[i] && wi < -1e-12 * scale) || (full[i] == u[i] && wi > 1e-12 * scale) {
                    inside[i] = true
                    added = true
                }
            }
            if !added { return full }
            previous = full
        }
        return try whole()
    }
}

/// The Josephy–Newton subproblem's solver chain: the active-set method from the bounds the
/// outer iterate sits on (exact, and usually one or two dense solves near a solution); where it
/// fails, on small subproblems Lemke's pivoting method (lexicographic, so it cannot cycle on
/// degenerate problems) and on large ones the semismooth Newton method, whose dense LU per
/// step costs less than Lemke's tableau once the subproblem has a few hundred unknowns; the
/// interior-point method last (on small subproblems only where Lemke's method stopped at its
/// pivot limit, not where it ended on a ray).
struct NewtonSubproblemSolver: Sendable {
    /// Subproblems with more unknowns than this skip Lemke's method unless everything else failed.
    /// An assumption, not a measured crossover: the 5-region data (≤ 52 unknowns) and the
    /// 1,000-node benchmark networks (≈ 100) stay below it and keep their old path; the
    /// 4,000-node (≈ 400) and 10,000-node (≈ 1,000–1,300) ones are above it.
    var pivotingLimit = 200
    let lemke = LemkeSolver()
    let semismooth = SemismoothLCPSolver()
    let interior = LinearComplementaritySolver()

    func solve(_ sub: BoxLCP, from start: [Double]) -> [Double]? {
        let lemkeFirst = sub.offset.count <= pivotingLimit
        var activeSet = ActiveSetLCPSolver()
        // A repeated guess goes to the next method at once: Murty's single moves cost a dense
        // LU each, and on these (non-P) matrices they often cycle too — on the 5-region data
        // they cost more than the Lemke solves they saved (docs/performance.md, c12-sub). On a
        // small subproblem a singular free block goes to Lemke's method at once, as before:
        // shifted guesses cost more there than Lemke's few pivots.
        activeSet.maxSingleMoves = 0
        if lemkeFirst {
            activeSet.maxShifts = 0
        } else {
            activeSet.updates = true
            activeSet.maxIterations = 50
        }
        if let z = activeSet.solve(sub, from: start) { return z }
        let pivoted = { lemke.solve(sub).map { LinearComplementaritySolver.polished(sub, $0) ?? $0 } }
        if lemkeFirst {
            switch lemke.pivot(sub) {
            case .solution(let z): return LinearComplementaritySolver.polished(sub, z) ?? z
            // Lemke's ray proves there is no solution where the weighted linearization is
            // monotone, which is what the interior-point method needs to converge: there it
            // cannot succeed. On the 5-region data its 8 calls after a ray (26 M instructions,
            // 6 % of iea-steps' clearing) all returned nil (docs/performance.md, c15-small).
            case .ray: return nil
            case .pivotLimit: return interior.solve(sub, from: start)
            }
        }
        return semismooth.solve(sub, from: start) ?? interior.solve(sub, from: start) ?? pivoted()
    }
}
