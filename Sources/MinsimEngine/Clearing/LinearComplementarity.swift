import Foundation
import LinearAlgebra

/// A box-constrained linear complementarity problem: find `z ∈ [l, u]` with `w = M z + q` and
/// ```
/// z_i = l_i ⇒ w_i ≥ 0,    z_i = u_i ⇒ w_i ≤ 0,    l_i < z_i < u_i ⇒ w_i = 0.
/// ```
/// It is the linearization of a box MCP at a point (`M = ∂F/∂z`, `q = F − M z`): the
/// subproblem of a Josephy–Newton step.
public struct BoxLCP: Sendable {
    public var matrix: Matrix
    public var offset: [Double]
    public var lower: [Double]
    public var upper: [Double]
    /// Positive weights the rows of M and q were multiplied by (1 when unweighted): `w_i / d_i`
    /// is in the units of the unscaled problem, which is how the solver decides, at the end,
    /// which unknowns sit on a bound.
    public var rowWeights: [Double]
    public init(matrix: Matrix, offset: [Double], lower: [Double], upper: [Double], rowWeights: [Double]? = nil) {
        precondition(
            matrix.rows == matrix.columns && offset.count == matrix.rows && lower.count == offset.count
                && upper.count == offset.count, "a box LCP needs a square M and q, l, u of its order")
        self.matrix = matrix
        self.offset = offset
        self.lower = lower
        self.upper = upper
        self.rowWeights = rowWeights ?? [Double](repeating: 1, count: offset.count)
        precondition(self.rowWeights.count == offset.count, "one weight per row")
    }
}

/// Solves a `BoxLCP` by a primal–dual interior-point method (Mehrotra predictor–corrector).
///
/// With `a = z − l`, `b = u − z` and multipliers `s, t ≥ 0` for the finite bounds,
/// `w = s − t`, the central path is
/// ```
/// M z + q − s + t = 0,    a ∘ s = τ,    b ∘ t = τ,    τ ↓ 0
/// ```
/// and each Newton step solves the condensed system
/// `(M + S A⁻¹ + T B⁻¹) dz = −(M z + q) + τ (A⁻¹ − B⁻¹) e` (+ Mehrotra's second-order term),
/// one dense LU per iteration. For a monotone M (`M + Mᵀ ⪰ 0`, or P₀ after a positive
/// diagonal row scaling, which leaves the solution set unchanged) the added positive diagonal
/// keeps the system nonsingular and the method converges from any interior start
/// (Kojima, Megiddo, Noma & Yoshise 1991; Wright 1997, ch. 8); on a degenerate problem it
/// converges to a point in the relative interior of the solution set, which makes the answer
/// unique and independent of the start's details.
///
/// Why an interior-point method rather than Lemke's pivoting: it needs no anti-cycling rules
/// on degenerate problems (many constraints of a supply chain bind at once and rents are
/// indeterminate along whole directions), and costs a fixed, small number of factorizations.
public struct LinearComplementaritySolver: Sendable {
    /// Stop when, per row i, `|M z + q − s + t|_i ≤ tolerance · (|q_i| + Σ_j |M_ij z_j| + s_i + t_i)`
    /// and, in the units of the unweighted problem (`/ d_i`), `min(z_i − l_i, s_i / d_i) ≤
    /// tolerance` (and likewise at u): the natural residual of the subproblem is then of that
    /// order. The condensed matrix grows as ill-conditioned as `s/a` at the end of the path,
    /// which limits the attainable row residual to about 1e-11; 1e-10 stops before that, and
    /// the polishing step then solves the identified system exactly.
    public var tolerance: Double = 1e-10
    /// Where `tolerance` is not reached (ill-conditioning or a stalled path), the best iterate
    /// is still used if it reaches this, after polishing.
    public var acceptable: Double = 1e-8
    public var maxIterations: Int = 100
    public init() {}

    /// The solution (projected onto the box), or nil when the iteration did not converge
    /// (no solution, or a matrix too far from monotone for the method).
    public func solve(_ p: BoxLCP, from start: [Double]) -> [Double]? {
        let n = p.offset.count
        guard n > 0 else { return [] }
        let l = p.lower, u = p.upper
        let hasL = l.map(\.isFinite), hasU = u.map(\.isFinite)
        let m = max(hasL.filter { $0 }.count + hasU.filter { $0 }.count, 1)
        // Interior start near `start`: at least 1 % of the box width inside (or 1 unit for a
        // one-sided bound), multipliers 1.
        var z = (0..<n).map { i -> Double in
            var v = start[i].isFinite ? start[i] : 0
            switch (hasL[i], hasU[i]) {
            case (true, true):
                let margin = 0.01 * (u[i] - l[i])
                v = Swift.min(Swift.max(v, l[i] + margin), u[i] - margin)
            case (true, false): v = Swift.max(v, l[i] + Swift.max(0.01 * abs(v), 1e-2))
            case (false, true): v = Swift.min(v, u[i] - Swift.max(0.01 * abs(v), 1e-2))
            case (false, false): break
            }
            return v
        }
        // The distances to the bounds are kept as unknowns of their own and moved by the same
        // steps as z: recomputed as u − z they would round to exactly 0 next to a bound of
        // magnitude 1 long before the path ends.
        var a = (0..<n).map { hasL[$0] ? z[$0] - l[$0] : 1 }
        var b = (0..<n).map { hasU[$0] ? u[$0] - z[$0] : 1 }
        // A centred start: every pair at the same product μ₀ (a·s = b·t = μ₀), μ₀ of the
        // order of the rows' own terms.
        let mu0 = Swift.max(p.matrix.absoluteProduct(z).max() ?? 0, Vector.maxNorm(p.offset), 1e-8)
        var s = (0..<n).map { hasL[$0] ? mu0 / a[$0] : 0 }
        var t = (0..<n).map { hasU[$0] ? mu0 / b[$0] : 0 }
        var best: (worst: Double, z: [Double])? = nil

        for _ in 0..<maxIterations {
            for i in 0..<n { z[i] = hasL[i] ? l[i] + a[i] : (hasU[i] ? u[i] - b[i] : z[i]) }
            let w = p.matrix.multiply(z)
            var r = [Double](repeating: 0, count: n)
            for i in 0..<n { r[i] = w[i] + p.offset[i] - s[i] + t[i] }
            var gap = 0.0
            for i in 0..<n { gap += (hasL[i] ? a[i] * s[i] : 0) + (hasU[i] ? b[i] * t[i] : 0) }
            let mu = gap / Double(m)
            // Converged when, in the units of the unweighted problem, every row's residual and
            // every pair's smaller member (distance to the bound, or multiplier) are below the
            // tolerance: the natural residual of the LCP is then below it too.
            var worst = 0.0
            let magnitude = p.matrix.absoluteProduct(z)
            for i in 0..<n {
                let d = p.rowWeights[i]
                // The row's residual against the size of its own terms (a backward error),
                // which rounding cannot push below ≈ 1e-16 however the row is weighted.
                let size = abs(p.offset[i]) + magnitude[i] + s[i] + t[i]
                worst = Swift.max(worst, abs(r[i]) / Swift.max(size, .leastNormalMagnitude))
                if hasL[i] { worst = Swift.max(worst, Swift.min(a[i], s[i] / d)) }
                if hasU[i] { worst = Swift.max(worst, Swift.min(b[i], t[i] / d)) }
            }
            // Identify the bounds: at the end of the path a·s ≈ τ is tiny, so of each pair
            // one member is small. Where the distance to a bound is below its multiplier, both
            // in the units of the unweighted problem, the unknown is on that bound (the
            // interior-point iterate stays a little inside, by τ/s).
            let identified = (0..<n).map { i -> Double in
                if hasL[i] && a[i] < s[i] / p.rowWeights[i] { return l[i] }
                if hasU[i] && b[i] < t[i] / p.rowWeights[i] { return u[i] }
                return Swift.min(Swift.max(z[i], l[i]), u[i])
            }
            if worst <= tolerance { return Self.polished(p, identified) ?? identified }
            if worst < (best?.worst ?? .infinity) { best = (worst, identified) }
            // Condensed matrix, factored once for predictor and corrector.
            var k = p.matrix
            for i in 0..<n { k.add((hasL[i] ? s[i] / a[i] : 0) + (hasU[i] ? t[i] / b[i] : 0), at: i, i) }
            guard let lu = try? LUFactorization(factoring: k) else { break }

            // Direction for target τ with second-order terms (c_l, c_u) in the complementarity.
            func direction(_ tau: Double, _ cl: [Double], _ cu: [Double]) -> (dz: [Double], ds: [Double], dt: [Double]) {
                var rhs = [Double](repeating: 0, count: n)
                for i in 0..<n {
                    rhs[i] = -r[i]
                    if hasL[i] { rhs[i] += (tau - a[i] * s[i] - cl[i]) / a[i] }
                    if hasU[i] { rhs[i] -= (tau - b[i] * t[i] - cu[i]) / b[i] }
                }
                let dz = lu.solve(rhs)
                var ds = [Double](repeating: 0, count: n), dt = ds
                for i in 0..<n {
                    if hasL[i] { ds[i] = (tau - a[i] * s[i] - cl[i] - s[i] * dz[i]) / a[i] }
                    if hasU[i] { dt[i] = (tau - b[i] * t[i] - cu[i] + t[i] * dz[i]) / b[i] }
                }
                return (dz, ds, dt)
            }
            // Largest step keeping a, b, s, t positive.
            func maxStep(_ d: (dz: [Double], ds: [Double], dt: [Double])) -> Double {
                var alpha = 1.0
                for i in 0..<n {
                    if hasL[i] {
                        if d.dz[i] < 0 { alpha = Swift.min(alpha, -a[i] / d.dz[i]) }
                        if d.ds[i] < 0 { alpha = Swift.min(alpha, -s[i] / d.ds[i]) }
                    }
                    if hasU[i] {
                        if d.dz[i] > 0 { alpha = Swift.min(alpha, b[i] / d.dz[i]) }
                        if d.dt[i] < 0 { alpha = Swift.min(alpha, -t[i] / d.dt[i]) }
                    }
                }
                return alpha
            }
            let zero = [Double](repeating: 0, count: n)
            let affine = direction(0, zero, zero)
            let alphaAff = maxStep(affine)
            var gapAff = 0.0
            for i in 0..<n {
                if hasL[i] { gapAff += (a[i] + alphaAff * affine.dz[i]) * (s[i] + alphaAff * affine.ds[i]) }
                if hasU[i] { gapAff += (b[i] - alphaAff * affine.dz[i]) * (t[i] + alphaAff * affine.dt[i]) }
            }
            let sigma = Foundation.pow(Swift.max(gapAff, 0) / Swift.max(gap, .leastNormalMagnitude), 3)
            var cl = zero, cu = zero
            for i in 0..<n {
                if hasL[i] { cl[i] = affine.dz[i] * affine.ds[i] }
                if hasU[i] { cu[i] = -affine.dz[i] * affine.dt[i] }
            }
            // The step for target τ with second-order terms, cut back to the boundary (0.995)
            // and into the wide neighbourhood a·s ≥ γ·μ (γ = 10⁻³) of the central path;
            // accepted when the mean complementarity falls by at least 1 % of the step.
            func admissible(_ d: (dz: [Double], ds: [Double], dt: [Double])) -> Double? {
                var alpha = Swift.min(1, 0.995 * maxStep(d))
                guard alpha > 0, alpha.isFinite else { return nil }
                for _ in 0..<40 {
                    var gapNew = 0.0, smallest = Double.infinity
                    for i in 0..<n {
                        if hasL[i] {
                            let c = (a[i] + alpha * d.dz[i]) * (s[i] + alpha * d.ds[i])
                            gapNew += c
                            smallest = Swift.min(smallest, c)
                        }
                        if hasU[i] {
                            let c = (b[i] - alpha * d.dz[i]) * (t[i] + alpha * d.dt[i])
                            gapNew += c
                            smallest = Swift.min(smallest, c)
                        }
                    }
                    if smallest >= 1e-3 * gapNew / Double(m) && gapNew <= (1 - 0.01 * alpha) * gap { return alpha }
                    alpha *= 0.8
                }
                return nil
            }
            // Mehrotra's predictor–corrector first; where its second-order term makes no
            // progress (on an LCP it need not vanish as it does for LP), a plain path-following
            // step with σ = 0.3 (Kojima et al. 1991), which decreases μ for monotone M.
            var step = direction(Swift.min(sigma, 1) * mu, cl, cu)
            var chosen = admissible(step)
            if chosen == nil {
                step = direction(0.3 * mu, zero, zero)
                chosen = admissible(step)
            }
            guard let alpha = chosen else { break }
            for i in 0..<n {
                z[i] += alpha * step.dz[i]
                if hasL[i] { a[i] += alpha * step.dz[i]; s[i] += alpha * step.ds[i] }
                if hasU[i] { b[i] -= alpha * step.dz[i]; t[i] += alpha * step.dt[i] }
            }
            guard z.allSatisfy({ $0.isFinite }) else { break }
        }
        guard let best, best.worst <= acceptable else { return nil }
        return Self.polished(p, best.z) ?? best.z
    }

    /// Solution polishing (as in OSQP): with the bounds identified, the unknowns between their
    /// bounds solve `M_FF z_F = −q_F − M_FB z_B` exactly, which removes the interior-point
    /// iterate's residual of order τ in every row, however the rows are scaled. The polished
    /// point is kept only if it is still a solution: inside the box, and `w` of the right sign
    /// on every bound (to 1e-9 of the row's scale); otherwise nil.
    static func polished(_ p: BoxLCP, _ z: [Double]) -> [Double]? {
        let n = z.count
        let free = (0..<n).filter { z[$0] > p.lower[$0] && z[$0] < p.upper[$0] }
        var out = z
        if !free.isEmpty {
            var mff = Matrix(rows: free.count, columns: free.count)
            var rhs = [Double](repeating: 0, count: free.count)
            let boundOnly = (0..<n).map { free.contains($0) ? 0 : z[$0] }
            let mb = p.matrix.multiply(boundOnly)
            for (a, i) in free.enumerated() {
                rhs[a] = -p.offset[i] - mb[i]
                for (b, j) in free.enumerated() { mff[a, b] = p.matrix[i, j] }
            }
            guard let lu = try? LUFactorization(factoring: mff), lu.reciprocalCondition() > 1e-14 else { return nil }
            let zf = lu.solve(rhs)
            for (a, i) in free.enumerated() {
                guard zf[a].isFinite, zf[a] >= p.lower[i], zf[a] <= p.upper[i] else { return nil }
                out[i] = zf[a]
            }
        }
        let w = p.matrix.multiply(out)
        for i in 0..<n {
            var rowScale = abs(p.offset[i])
            for j in 0..<n { rowScale = Swift.max(rowScale, abs(p.matrix[i, j] * out[j])) }
            let wi = w[i] + p.offset[i]
            if out[i] == p.lower[i] && out[i] < p.upper[i] && wi < -1e-9 * rowScale { return nil }
            if out[i] == p.upper[i] && out[i] > p.lower[i] && wi > 1e-9 * rowScale { return nil }
        }
        return out
    }
}

/// Solves a `BoxLCP` by Lemke's complementary pivoting method (Lemke 1965; Cottle, Pang &
/// Stone 1992, §4.4), the pivotal method behind PATH's linear subproblems.
///
/// The box problem (finite lower bounds) becomes a standard LCP `w̃ = M̃ x + q̃ ≥ 0, x ≥ 0,
/// x ⊥ w̃` in `x = (z − l, t)`, with one multiplier t per finite upper bound:
/// ```
/// M̃ = [ M   E ]     q̃ = [ q + M l ]      E: the columns of I of the unknowns with u < ∞
///     [ −Eᵀ 0 ]          [ Eᵀ(u − l)]
/// ```
/// (`w = s − t`: the lower multiplier is the first block of w̃; the second block is the
/// distance to the upper bound). Lemke's method adds an artificial variable z₀ with covering
/// vector 1, starts where z₀ makes every row feasible, and pivots the complement of each
/// leaving variable in, until z₀ leaves (a solution) or no pivot row exists (a secondary ray:
/// for a P₀ or copositive-plus M̃ this proves there is no solution). The ratio test is
/// lexicographic (ties broken on the rows of the basis inverse), so degenerate problems —
/// many constraints binding at once, as in a supply chain under a general shortage — cannot
/// cycle.
///
/// Unlike the interior-point method this needs no monotonicity: the linearized market model is
/// only nearly monotone (tariffs and Armington share shifts break the duality of quantity and
/// price responses), which can stall a path-following method but not a pivoting one.
/// Cost: one rank-1 update of a (n + n_u) × 2(n + n_u) tableau per pivot (BLAS dger); typically a
/// few pivots per unknown that changes status.
public struct LemkeSolver: Sendable {
    /// Pivots before giving up, per row of the standard LCP.
    public var maxPivotsPerRow: Int = 50
    public init() {}

    /// The solution, or nil when the method ends on a ray (no solution found) or at the pivot
    /// limit. Lower bounds must be finite.
    public func solve(_ p: BoxLCP) -> [Double]? {
        let n = p.offset.count
        guard n > 0 else { return [] }
        precondition(p.lower.allSatisfy(\.isFinite), "Lemke's method here needs finite lower bounds")
        let upper = (0..<n).filter { p.upper[$0].isFinite }
        let size = n + upper.count
        // q̃ and M̃.
        let ml = p.matrix.multiply(p.lower)
        var qt = [Double](repeating: 0, count: size)
        for i in 0..<n { qt[i] = p.offset[i] + ml[i] }
        for (a, i) in upper.enumerated() { qt[n + a] = p.upper[i] - p.lower[i] }
        if qt.allSatisfy({ $0 >= 0 }) { return p.lower }
        // Tableau [B⁻¹ (size) | −M̃ updated | z₀ column | rhs], one row per equation; columns
        // 0..<size are w̃, size..<2·size are x, 2·size is z₀, 2·size+1 the right-hand side.
        // Column-major, so that a pivot is one rank-1 update (BLAS dger).
        let width = 2 * size + 2
        let zColumn = 2 * size, rhs = 2 * size + 1
        var tab = Matrix(rows: size, columns: width)
        for i in 0..<size {
            tab[i, i] = 1
            tab[i, zColumn] = -1
            tab[i, rhs] = qt[i]
        }
        for j in 0..<n {
            for i in 0..<n { tab[i, size + j] = -p.matrix[i, j] }
        }
        for (a, i) in upper.enumerated() {
            tab[i, size + n + a] = -1  // row i: −E
            tab[n + a, size + i] = 1  // row n+a: +Eᵀ
        }
        var basis = Array(0..<size)
        func pivot(_ r: Int, _ c: Int) {
            let pv = tab[r, c]
            var row = [Double](repeating: 0, count: width)
            for j in 0..<width { row[j] = tab[r, j] / pv }
            var column = tab.column(c)
            column[r] = 0
            tab.addOuterProduct(-1, column, row)
            for j in 0..<width { tab[r, j] = row[j] }
            basis[r] = c
        }
        // z₀ enters at the most negative q̃.
        var r = 0
        for i in 1..<size where qt[i] < qt[r] { r = i }
        var leaving = basis[r]
        pivot(r, zColumn)
        for _ in 0..<(maxPivotsPerRow * size) {
            let entering = leaving < size ? leaving + size : leaving - size
            // Lexicographic minimum ratio over rows with a positive entry in the entering column.
            let col = tab.column(entering)
            var colMax = 0.0
            for v in col { colMax = Swift.max(colMax, abs(v)) }
            let threshold = 1e-11 * Swift.max(colMax, 1e-300)
            var best: Int? = nil
            for i in 0..<size where col[i] > threshold {
                guard let b = best else { best = i; continue }
                var order = tab[i, rhs] / col[i] - tab[b, rhs] / col[b]
                var k = 0
                while order == 0 && k < size {
                    order = tab[i, k] / col[i] - tab[b, k] / col[b]
                    k += 1
                }
                if order < 0 { best = i }
            }
            guard let row = best else { return nil }
            leaving = basis[row]
            pivot(row, entering)
            if leaving == zColumn {
                var z = p.lower
                for (i, b) in basis.enumerated() where b >= size && b < size + n {
                    z[b - size] = p.lower[b - size] + Swift.max(tab[i, rhs], 0)
                }
                for i in 0..<n { z[i] = Swift.min(z[i], p.upper[i]) }
                return z
            }
        }
        return nil
    }
}

/// Solves a `BoxLCP` by a primal–dual active-set method (Hintermüller, Ito & Kunisch 2002;
/// semismooth Newton on the min-map): guess which unknowns sit on which bound, solve the
/// linear system of the others, move every unknown whose value or multiplier has the wrong
/// sign, repeat until the guess reproduces itself.
///
/// ```
/// z_L = l_L,  z_U = u_U,   M_FF z_F = −q_F − M_FL l_L − M_FU u_U,   w = M z + q
/// F → L where z_i < l_i,  F → U where z_i > u_i,  L → F where w_i < 0,  U → F where w_i > 0
/// ```
/// Each step costs one dense LU of the free block. Started from the bounds the outer Newton
/// iterate sits on — which near a solution are the right ones — it usually stops after one or
/// two steps, against Lemke's pivots over every unknown that leaves its bound. It converges
/// for M-matrices and can cycle otherwise; when a guess repeats it continues one move at a time
/// (the violated unknown of least index: Murty's principal pivoting, finite for P-matrices), and
/// if a guess repeats again, or a free block is singular, it returns nil and the caller falls
/// back to Lemke's method.
public struct ActiveSetLCPSolver: Sendable {
    public var maxIterations: Int = 20
    public init() {}

    public func solve(_ p: BoxLCP, from start: [Double]) -> [Double]? {
        let n = p.offset.count
        guard n > 0 else { return [] }
        let l = p.lower, u = p.upper
        // 0 = free, −1 = at l, +1 = at u.
        var state = (0..<n).map { i -> Int in
            if start[i] <= l[i] { return -1 }
            if start[i] >= u[i] { return 1 }
            return 0
        }
        var seen = Set<[Int]>()
        // Block moves first; once a guess repeats, one move at a time, the violated unknown of
        // least index (Murty's least-index principal pivoting, finite for P-matrices).
        var single = false
        let limit = maxIterations + 4 * n
        for _ in 0..<limit {
            if !seen.insert(state).inserted {
                guard !single else { return nil }
                single = true
            }
            var z = (0..<n).map { state[$0] < 0 ? l[$0] : (state[$0] > 0 ? u[$0] : 0) }
            let free = (0..<n).filter { state[$0] == 0 }
            if !free.isEmpty {
                let fixed = p.matrix.multiply(z)
                var block = Matrix(rows: free.count, columns: free.count)
                for (b, j) in free.enumerated() { for (a, i) in free.enumerated() { block[a, b] = p.matrix[i, j] } }
                guard let lu = try? LUFactorization(factoring: block) else { return nil }
                let zf = lu.solve(free.map { -p.offset[$0] - fixed[$0] })
                guard zf.allSatisfy({ $0.isFinite }) else { return nil }
                for (a, i) in free.enumerated() { z[i] = zf[a] }
            }
            let w = p.matrix.multiply(z)
            var next = state
            for i in 0..<n {
                let wi = w[i] + p.offset[i]
                var move = state[i]
                switch state[i] {
                case 0: if z[i] < l[i] { move = -1 } else if z[i] > u[i] { move = 1 }
                case -1: if wi < 0 { move = 0 }
                default: if wi > 0 { move = 0 }
                }
                if move != state[i] {
                    next[i] = move
                    if single { break }
                }
            }
            if next == state {
                return LinearComplementaritySolver.polished(p, z) ?? z
            }
            state = next
        }
        return nil
    }
}
