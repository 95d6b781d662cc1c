import Foundation
import LinearAlgebra

/// Solves a `BoxLCP` by the semismooth Newton method on its Fischer–Burmeister reformulation
/// (De Luca, Facchinei & Kanzow 1996; the box form of `FischerBurmeister`), with a dense LU of
/// the generalized Jacobian per step:
/// ```
/// Φ(z) = 0  ⇔  z solves the LCP,    H = D_a + D_b M,    H d = −Φ,    z⁺ = z + t d
/// ```
/// `t` from Armijo backtracking on `ψ = ½‖Φ‖²`; where `d` is not a descent direction of
/// sufficient slope (`∇ψᵀd > −10⁻⁸‖d‖^2.1`) or `H` is singular, the step is the steepest
/// descent `d = −∇ψ = −Hᵀ Φ` instead. For a P₀ matrix (which a monotone one is) every
/// stationary point of ψ solves the LCP, and near a nondegenerate solution the full Newton
/// step is taken and convergence is quadratic.
///
/// Why it is here: on a large network's subproblems (≈ 1,000 unknowns near a switch, the
/// rows of market unknowns with a zero diagonal) the active-set method meets singular free
/// blocks and repeated guesses; `H` stays nonsingular there because `D_a` is positive wherever
/// `D_b` does not reach 1. One iteration costs one dense LU of the rows not pinned to a bound
/// (see `newtonStep`; at most n, ⅔·n³ flops), against Lemke's memory-bound rank-1 update of an
/// n × 4n tableau per pivot and a pivot or more per unknown that changes status. Measured on
/// the 10,000-node benchmark networks: docs/performance.md.
///
/// Every few iterations, once the FB residual is small, the bounds are identified from the
/// iterate and the identified system is solved exactly (`LinearComplementaritySolver.polished`);
/// the polished point is returned only if it satisfies the complementarity conditions, so the
/// answer is exact in the same sense as the active-set method's.
public struct SemismoothLCPSolver: Sendable {
    public var maxIterations: Int = 60
    /// Identification and polishing are tried once `‖Φ‖∞` is below this (in the weighted
    /// units of the subproblem's rows): far from a solution the identified set is wrong and
    /// the polishing solve wasted.
    public var polishBelow: Double = 1e-3
    /// Where polishing fails (a singular identified block), the last iterate is returned if
    /// `‖Φ‖∞` reached this.
    public var acceptable: Double = 1e-10
    /// Active-set steps from an identified point whose polishing failed.
    public var identificationSteps: Int = 4
    /// Iterations before the stall test (see `solve`). Chosen from traces of the 4,000- and
    /// 10,000-node benchmark networks: of 22 distinct runs, the 18 that converged did so within
    /// 24 iterations and all but one (at 24) never met the test; the 4 that ran to the limit of
    /// 60 without converging met it after 16–24.
    public var stallAfter: Int = 15
    public init() {}

    public func solve(_ p: BoxLCP, from start: [Double]) -> [Double]? {
        let n = p.offset.count
        guard n > 0 else { return [] }
        let l = p.lower, u = p.upper
        var z = (0..<n).map { Swift.min(Swift.max(start[$0].isFinite ? start[$0] : 0, l[$0]), u[$0]) }
        func evaluate(_ z: [Double]) -> (w: [Double], phi: [Double], da: [Double], db: [Double], merit: Double) {
            var w = p.matrix.multiply(z)
            var phi = w, da = w, db = w
            var merit = 0.0
            for i in 0..<n {
                w[i] += p.offset[i]
                let c = FischerBurmeister.component(z: z[i], f: w[i], lower: l[i], upper: u[i])
                phi[i] = c.value; da[i] = c.da; db[i] = c.db
                merit += c.value * c.value
            }
            return (w, phi, da, db, 0.5 * merit)
        }
        var here = evaluate(z)
        var polishedAt = Double.infinity, polishedIteration = 0
        var merits: [Double] = []
        for iteration in 0..<maxIterations {
            guard here.merit.isFinite else { return nil }
            // A stall (ψ down by less than 10 % in 5 steps, after 15): near a degenerate
            // solution the FB iteration can crawl for dozens of steps, each a dense LU; the
            // caller's interior-point method is cheaper from there.
            if iteration >= stallAfter && here.merit > 0.9 * merits[iteration - 5] { break }
            merits.append(here.merit)
            let largest = here.phi.reduce(0) { Swift.max($0, abs($1)) }
            if largest == 0 { return LinearComplementaritySolver.polished(p, z) ?? z }
            // Identification is tried once the residual is small, and again only after it has
            // fallen tenfold (each attempt is a dense solve of the identified free block).
            if largest <= polishBelow && (largest <= 0.1 * polishedAt || iteration >= polishedIteration + 8) {
                polishedAt = largest
                polishedIteration = iteration
                if let exact = identified(p, z, here.w) { return exact }
            }
            if largest <= acceptable { break }
            let gradient = descent(p, here.phi, here.da, here.db)
            var d: [Double]? = nil
            if let newton = newtonStep(p, here.phi, here.da, here.db) {
                var slope = 0.0, norm = 0.0
                for i in 0..<n { slope += gradient[i] * newton[i]; norm += newton[i] * newton[i] }
                if slope <= -1e-8 * Foundation.pow(norm, 1.05) { d = newton }
            }
            let direction = d ?? gradient.map { -$0 }
            var slope = 0.0
            for i in 0..<n { slope += gradient[i] * direction[i] }
            guard slope < 0 else { return nil }
            var t = 1.0
            var accepted = false
            while t >= 1e-10 {
                let trial = (0..<n).map { z[$0] + t * direction[$0] }
                let next = evaluate(trial)
                if next.merit.isFinite && next.merit <= here.merit + 1e-4 * t * slope {
                    z = trial
                    here = next
                    accepted = true
                    break
                }
                t *= 0.5
            }
            guard accepted else { return nil }
        }
        if let exact = identified(p, z, here.w) { return exact }
        // A degenerate solution whose free block is singular cannot be polished; the iterate
        // itself is kept when its FB residual is at the level polishing would reach.
        let largest = here.phi.reduce(0) { Swift.max($0, abs($1)) }
        return largest <= acceptable ? z.indices.map { Swift.min(Swift.max(z[$0], l[$0]), u[$0]) } : nil
    }

    /// `∇ψ = Hᵀ Φ = D_a Φ + Mᵀ (D_b Φ)`, without forming H.
    func descent(_ p: BoxLCP, _ phi: [Double], _ da: [Double], _ db: [Double]) -> [Double] {
        var g = p.matrix.multiply(phi.indices.map { db[$0] * phi[$0] }, transposed: true)
        for i in g.indices { g[i] += da[i] * phi[i] }
        return g
    }

    /// The Newton step `H d = −Φ`, `H = D_a + D_b M`. A row with `D_b,i = 0` — an unknown
    /// exactly on a bound with its `w_i` strictly on the bound's side, which is most of a large
    /// subproblem's rows (iterates start on the bounds, and such a component's step is 0) — is
    /// `D_a,i d_i = −Φ_i` alone, so only the other rows R are factored:
    /// `H_RR d_R = −Φ_R − D_b,R M_RS d_S`. Exact, and a dense LU of |R| instead of n.
    func newtonStep(_ p: BoxLCP, _ phi: [Double], _ da: [Double], _ db: [Double]) -> [Double]? {
        let n = phi.count
        var d = [Double](repeating: 0, count: n)
        var rest: [Int] = []
        for i in 0..<n {
            if db[i] == 0 && da[i] != 0 { d[i] = -phi[i] / da[i] } else { rest.append(i) }
        }
        if !rest.isEmpty {
            let coupling = p.matrix.multiply(d)
            var h = Matrix(rows: rest.count, columns: rest.count)
            for (b, j) in rest.enumerated() { for (a, i) in rest.enumerated() { h[a, b] = db[i] * p.matrix[i, j] } }
            for (a, i) in rest.enumerated() { h.add(da[i], at: a, a) }
            guard let lu = try? LUFactorization(factoring: h) else { return nil }
            let dr = lu.solve(rest.map { -phi[$0] - db[$0] * coupling[$0] })
            for (a, i) in rest.enumerated() { d[i] = dr[a] }
        }
        return d.allSatisfy(\.isFinite) ? d : nil
    }

    /// The point with each unknown set to the bound it is identified with — where its distance
    /// to the bound is below `|w_i|` (the pair's other member), both in the units of the
    /// unweighted problem — polished; where that is not a solution (a wrongly identified
    /// unknown, as near a degenerate solution, where the FB iteration slows to a crawl), a few
    /// active-set steps from it; nil unless one of them solves the LCP.
    func identified(_ p: BoxLCP, _ z: [Double], _ w: [Double]) -> [Double]? {
        let guess = (0..<z.count).map { i -> Double in
            let wi = w[i] / p.rowWeights[i]
            if p.lower[i].isFinite && z[i] - p.lower[i] < wi { return p.lower[i] }
            if p.upper[i].isFinite && p.upper[i] - z[i] < -wi { return p.upper[i] }
            return Swift.min(Swift.max(z[i], p.lower[i]), p.upper[i])
        }
        if let exact = LinearComplementaritySolver.polished(p, guess) { return exact }
        var steps = ActiveSetLCPSolver()
        steps.maxIterations = identificationSteps
        steps.maxSingleMoves = 0
        steps.updates = true
        return steps.solve(p, from: guess)
    }
}
