import LinearAlgebra

/// Restarted GMRES(m) with right preconditioning and modified Gram–Schmidt, or classical
/// Gram–Schmidt twice (Saad & Schultz 1986; Saad 2003, Algorithm 9.5; `KrylovBasis`).
///
/// Solves `M y = c` through `M P⁻¹ u = c`, `y = P⁻¹ u`. Right preconditioning keeps the
/// residual GMRES minimises equal to the true residual `c − M y`, so the stopping test is on
/// the quantity reported:
/// ```
/// y₀ = 0;  per cycle:  r = c − M y,  β = ‖r‖₂,  v₁ = r/β
///   Arnoldi (MGS):  w = M P⁻¹ v_j;  h_ij = w·v_i, w ← w − h_ij v_i (i ≤ j);  h_{j+1,j} = ‖w‖₂
///     (CGS2: h = Vᵀw, w ← w − V h, twice, the two h summed)
///   Givens rotations reduce H to upper triangular; |g_{j+1}| = ‖r_j‖₂ without forming r_j
///   y ← y + P⁻¹ V_k η,   H_k η = g_k
/// stop when ‖c − M y‖₂ ≤ tolerance · ‖c‖₂ (recomputed, not estimated, at every restart)
/// ```
/// Memory: (m + 1) vectors of length N for the Krylov basis (one buffer, `KrylovBasis`).
public struct RestartedGMRES: Sendable {
    /// Krylov subspace dimension m between restarts.
    public var restart: Int = 30
    /// Target relative residual `‖c − M y‖₂ / ‖c‖₂`.
    public var tolerance: Double = 1e-13
    /// Total Arnoldi steps allowed over all cycles.
    public var maxIterations: Int = 1_000
    /// How each Arnoldi step orthogonalizes against the basis.
    public var orthogonalization: Orthogonalization = .modifiedGramSchmidt

    /// The Arnoldi step's Gram–Schmidt variant (`KrylovBasis`): modified (one sequential dot
    /// product and axpy per basis vector) or classical twice (four dgemv's over the basis; as
    /// stable, and faster where the basis is long).
    public enum Orthogonalization: Sendable {
        case modifiedGramSchmidt, classicalTwice
    }

    /// The outcome of one solve.
    public struct Result: Sendable {
        public var solution: [Double]
        /// Arnoldi steps taken over all restart cycles.
        public var iterations: Int
        /// `‖c − M y‖₂ / ‖c‖₂`, computed from the returned solution.
        public var relativeResidual: Double
        public var converged: Bool
    }

    public init(
        restart: Int = 30, tolerance: Double = 1e-13, maxIterations: Int = 1_000,
        orthogonalization: Orthogonalization = .modifiedGramSchmidt
    ) {
        self.restart = restart
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.orthogonalization = orthogonalization
    }

    /// Solves `M y = c` given `operator(v) = M v` and `preconditioner(v) = P⁻¹ v`.
    public func solve(
        _ c: [Double], operator apply: ([Double]) -> [Double],
        preconditioner: ([Double]) -> [Double]
    ) -> Result {
        let n = c.count
        let cNorm = Self.norm(c)
        var y = [Double](repeating: 0, count: n)
        guard cNorm > 0 else { return Result(solution: y, iterations: 0, relativeResidual: 0, converged: true) }
        guard cNorm.isFinite else { return Result(solution: y, iterations: 0, relativeResidual: .infinity, converged: false) }
        let m = max(1, restart)
        var r = c
        var beta = cNorm
        var iterations = 0
        var best = (solution: y, residual: 1.0)

        while beta > tolerance * cNorm && iterations < maxIterations {
            var basis = KrylovBasis(rows: n, capacity: Swift.min(m, maxIterations - iterations) + 1)
            basis.append(r, dividedBy: beta)
            // Hessenberg columns, already rotated to upper triangular form.
            var h: [[Double]] = []
            var cs: [Double] = [], sn: [Double] = []
            var g = [beta]
            var k = 0
            while k < m && iterations < maxIterations {
                var w = apply(preconditioner(Array(basis.vector(k))))
                var column =
                    orthogonalization == .modifiedGramSchmidt
                    ? basis.modifiedGramSchmidt(&w) : basis.classicalGramSchmidtTwice(&w)
                let hNext = Self.norm(w)
                column.append(hNext)
                for i in 0..<k {
                    let t = cs[i] * column[i] + sn[i] * column[i + 1]
                    column[i + 1] = -sn[i] * column[i] + cs[i] * column[i + 1]
                    column[i] = t
                }
                let rho = (column[k] * column[k] + column[k + 1] * column[k + 1]).squareRoot()
                let (ck, sk) = rho == 0 ? (1.0, 0.0) : (column[k] / rho, column[k + 1] / rho)
                cs.append(ck); sn.append(sk)
                column[k] = rho
                column[k + 1] = 0
                g.append(-sk * g[k])
                g[k] = ck * g[k]
                h.append(column)
                k += 1
                iterations += 1
                // Happy breakdown (exact solution in the subspace) or estimated convergence.
                if hNext == 0 || !hNext.isFinite || abs(g[k]) <= tolerance * cNorm { break }
                // Near the target the basis loses orthogonality and the estimate can plateau
                // for many steps (seen at ≈ 1e-12 on 100,000-node networks) while a restart
                // from the true residual converges in one or two: restart early there. Only
                // near rounding level (a loose tolerance, as an inexact Newton step's, would
                // otherwise end every cycle at its first slow Arnoldi step).
                if abs(g[k]) > 0.9 * abs(g[k - 1]) && abs(g[k]) <= Swift.min(1e3 * tolerance, 1e-8) * cNorm { break }
                basis.append(w, dividedBy: hNext)
            }
            // Back substitution H_k η = g_k, then y ← y + P⁻¹ V_k η.
            var eta = [Double](repeating: 0, count: k)
            for i in stride(from: k - 1, through: 0, by: -1) {
                var s = g[i]
                for j in (i + 1)..<k { s -= h[j][i] * eta[j] }
                eta[i] = h[i][i] != 0 ? s / h[i][i] : 0
            }
            Vector.axpy(1, preconditioner(basis.combination(eta)), &y)
            let my = apply(y)
            for i in 0..<n { r[i] = c[i] - my[i] }
            let previous = beta
            beta = Self.norm(r)
            guard beta.isFinite else { break }
            if beta / cNorm < best.residual { best = (y, beta / cNorm) }
            // A cycle that gains less than 10 % has stagnated (at rounding level, or the
            // preconditioned operator has eigenvalues the restarted method cannot resolve).
            if beta > 0.9 * previous && beta > tolerance * cNorm { break }
        }
        let converged = best.residual <= tolerance
        return Result(solution: best.solution, iterations: iterations, relativeResidual: best.residual, converged: converged)
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in a.indices { s += a[i] * b[i] }
        return s
    }

    static func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }
}
