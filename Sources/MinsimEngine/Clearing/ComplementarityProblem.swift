import LinearAlgebra

/// A mixed complementarity problem over a box (MCP): find `z ∈ [l, u]` such that, for every i,
/// ```
/// z_i = l_i        ⇒  F_i(z) ≥ 0
/// z_i = u_i        ⇒  F_i(z) ≤ 0
/// l_i < z_i < u_i  ⇒  F_i(z) = 0
/// ```
/// (`l_i` may be −∞ and `u_i` +∞). A nonlinear complementarity problem is the case `l = 0`,
/// `u = +∞`: `0 ≤ z ⊥ F(z) ≥ 0`.
///
/// An evaluation returns `F(z)` together with a `Point`, whatever the problem needs later to
/// form the Jacobian there (e.g. the factorized year system), so that the solver asks for a
/// Jacobian only at points it has accepted and the problem never recomputes them.
public protocol ComplementarityProblem {
    associatedtype Point
    associatedtype Failure: Error

    /// `l` per unknown (−∞ allowed).
    var lowerBounds: [Double] { get }
    /// `u` per unknown (+∞ allowed); `u_i > l_i`.
    var upperBounds: [Double] { get }

    /// `F(z)` at a point of the box. A failure at a trial point is treated by the solver as a
    /// step too long (it shortens the step); at the starting point it ends the solve.
    mutating func evaluate(_ z: [Double]) throws(Failure) -> (residual: [Double], point: Point)

    /// The Jacobian block `∂F_i/∂z_j` for `i ∈ rows`, `j ∈ columns` at an evaluated point,
    /// as a `rows.count × columns.count` matrix.
    mutating func jacobian(at point: Point, rows: [Int], columns: [Int]) throws(Failure) -> Matrix

    /// Positive weights of the rows of F used inside the linearized subproblems: they do not
    /// change any solution (complementarity is invariant under positive row scaling) but can
    /// make the linearization monotone, which the interior-point subproblem solver needs.
    /// Default: all 1.
    var rowWeights: [Double] { get }
}

extension ComplementarityProblem {
    public var rowWeights: [Double] { [Double](repeating: 1, count: lowerBounds.count) }
}

/// The Fischer–Burmeister reformulation of a box MCP: `Φ(z) = 0` exactly at its solutions.
///
/// With `φ(a, b) = a + b − √(a² + b²)`, which vanishes exactly when `a ≥ 0, b ≥ 0, a·b = 0`
/// (Fischer 1992), each component is (Billups 1995; Ferris, Kanzow & Munson 1999)
/// ```
/// Φ_i = F_i                                  l_i = −∞, u_i = +∞
/// Φ_i = φ(z_i − l_i, F_i)                     l_i finite, u_i = +∞
/// Φ_i = −φ(u_i − z_i, −F_i)                   l_i = −∞, u_i finite
/// Φ_i = φ(z_i − l_i, −φ(u_i − z_i, −F_i))     both finite
/// ```
/// and an element of its generalized Jacobian is `H = D_a + D_b · ∂F/∂z` with diagonal
/// `D_a`, `D_b` (`derivative`). `(2 − √2)·|min(a, b)| ≤ |φ(a, b)| ≤ (2 + √2)·|min(a, b)|`,
/// so `Φ` and the natural residual vanish together and are of the same size near a solution.
public enum FischerBurmeister {
    /// `φ(a, b) = a + b − √(a² + b²)`, computed without overflow.
    @inlinable
    public static func phi(_ a: Double, _ b: Double) -> Double {
        let big = Swift.max(abs(a), abs(b))
        guard big > 0 else { return 0 }
        // √(a² + b²) scaled by the larger magnitude, so that neither square overflows.
        let ratio = Swift.min(abs(a), abs(b)) / big
        return a + b - big * (1 + ratio * ratio).squareRoot()
    }

    /// `(∂φ/∂a, ∂φ/∂b) = (1 − a/r, 1 − b/r)`, `r = √(a² + b²)`. At the kink `a = b = 0` the
    /// element `(1 − 1/√2, 1 − 1/√2)` of the generalized gradient is used.
    @inlinable
    public static func gradient(_ a: Double, _ b: Double) -> (Double, Double) {
        let r = (a * a + b * b).squareRoot()
        guard r > 0 else { return (1 - 0.5.squareRoot(), 1 - 0.5.squareRoot()) }
        return (1 - a / r, 1 - b / r)
    }

    /// `Φ_i` and `(D_a, D_b)_i` for one component.
    public static func component(z: Double, f: Double, lower l: Double, upper u: Double) -> (
        value: Double, da: Double, db: Double
    ) {
        switch (l.isFinite, u.isFinite) {
        case (false, false):
            return (f, 0, 1)
        case (true, false):
            let (ga, gb) = gradient(z - l, f)
            return (phi(z - l, f), ga, gb)
        case (false, true):
            // Φ = −φ(u − z, −F): dΦ = ga·dz + gb·dF.
            let (ga, gb) = gradient(u - z, -f)
            return (-phi(u - z, -f), ga, gb)
        case (true, true):
            // ψ = φ(u − z, −F), dψ = −ψa dz − ψb dF; Φ = φ(z − l, −ψ),
            // dΦ = φa dz − φb dψ = (φa + φb ψa) dz + φb ψb dF.
            let psi = phi(u - z, -f)
            let (pa, pb) = gradient(u - z, -f)
            let (ga, gb) = gradient(z - l, -psi)
            return (phi(z - l, -psi), ga + gb * pa, gb * pb)
        }
    }

    /// The natural residual `|z_i − mid(l_i, z_i − F_i, u_i)|` of one component: 0 exactly at
    /// complementarity, and the distance (in the units of z) the projected step would move.
    @inlinable
    public static func naturalResidual(z: Double, f: Double, lower l: Double, upper u: Double) -> Double {
        abs(z - Swift.min(Swift.max(z - f, l), u))
    }

    /// The largest component natural residual, `max_i |z_i − mid(l_i, z_i − F_i, u_i)|`: the
    /// measure the Newton solvers stop on and the certificate reports.
    public static func naturalResidual(z: [Double], f: [Double], lower l: [Double], upper u: [Double]) -> Double {
        var worst = 0.0
        for i in z.indices {
            worst = Swift.max(worst, naturalResidual(z: z[i], f: f[i], lower: l[i], upper: u[i]))
        }
        return worst
    }

    /// `z` projected onto the box `[l, u]`, component by component.
    public static func projected(_ z: [Double], lower l: [Double], upper u: [Double]) -> [Double] {
        z.indices.map { Swift.min(Swift.max(z[$0], l[$0]), u[$0]) }
    }
}
