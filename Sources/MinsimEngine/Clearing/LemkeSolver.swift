import LinearAlgebra

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
/// Cost: one rank-1 update of a (n + n_u) × 2(n + n_u) tableau per pivot (BLAS dger, over the
/// columns where the pivot row is nonzero); typically a few pivots per unknown that changes status.
public struct LemkeSolver: Sendable {
    /// Pivots before giving up, per row of the standard LCP.
    public var maxPivotsPerRow: Int = 50
    public init() {}

    /// How the pivoting ended.
    public enum Outcome: Sendable, Equatable {
        case solution([Double])
        /// No pivot row for the entering column (a secondary ray): for a positive semidefinite
        /// M̃ — which it is when M is, since `xᵀM̃x = x₁ᵀMx₁` — this proves the problem has no
        /// solution (Cottle, Pang & Stone 1992, Theorem 4.4.13).
        case ray
        /// `maxPivotsPerRow` pivots per row made without an end.
        case pivotLimit
    }

    /// The solution, or nil when the method ends on a ray (no solution found) or at the pivot
    /// limit. Lower bounds must be finite.
    public func solve(_ p: BoxLCP) -> [Double]? {
        if case .solution(let z) = pivot(p) { return z }
        return nil
    }

    /// The solution, or how the method failed (`Outcome`). Lower bounds must be finite.
    public func pivot(_ p: BoxLCP) -> Outcome {
        let n = p.offset.count
        guard n > 0 else { return .solution([]) }
        precondition(p.lower.allSatisfy(\.isFinite), "Lemke's method here needs finite lower bounds")
        let upper = (0..<n).filter { p.upper[$0].isFinite }
        let size = n + upper.count
        // q̃ and M̃.
        let ml = p.matrix.multiply(p.lower)
        var qt = [Double](repeating: 0, count: size)
        for i in 0..<n { qt[i] = p.offset[i] + ml[i] }
        for (a, i) in upper.enumerated() { qt[n + a] = p.upper[i] - p.lower[i] }
        if qt.allSatisfy({ $0 >= 0 }) { return .solution(p.lower) }
        // Tableau [B⁻¹ (size) | −M̃ updated | z₀ column | rhs], one row per equation; columns
        // 0..<size are w̃, size..<2·size are x, 2·size is z₀, 2·size+1 the right-hand side.
        // Column-major, so that a pivot is one rank-1 update (BLAS dger).
        let width = 2 * size + 2
        let zColumn = 2 * size, rhs = 2 * size + 1
        var tab = Matrix(rows: size, columns: width)
        // Filled through the storage (element (i, j) at i + j·size): at n = 52 the subscripts'
        // index checks cost as much as a dozen pivots.
        tab.withUnsafeMutableBufferPointer { t in
            for i in 0..<size {
                t[i + i * size] = 1
                t[i + zColumn * size] = -1
                t[i + rhs * size] = qt[i]
            }
            p.matrix.withUnsafeBufferPointer { m in
                for j in 0..<n {
                    for i in 0..<n { t[i + (size + j) * size] = -m[i + j * n] }
                }
            }
            for (a, i) in upper.enumerated() {
                t[i + (size + n + a) * size] = -1  // row i: −E
                t[(n + a) + (size + i) * size] = 1  // row n+a: +Eᵀ
            }
        }
        var basis = Array(0..<size)
        // Row r of the column-major tableau is strided by `size`: read and written through the
        // storage (the same values as `tab[r, j]`, without an index check and a uniqueness test
        // per element, which cost half as much as the rank-1 update itself). The update skips
        // the columns where the pivot row is 0 (`addOuterProduct(_:_:sparseRow:)`, the same
        // elements as the full update): the basis-inverse block starts as I and fills only with
        // the pivots made, and the upper-bound block (±E) has one entry per column. (Skipping
        // the pivot column's zeros as well, in a scalar loop, cost more than it saved on the
        // 5-region data — dger's vector kernel does four elements an instruction.)
        // The pivot row and column, reused by every pivot.
        var row = [Double](repeating: 0, count: width), column = [Double](repeating: 0, count: size)
        func pivot(_ r: Int, _ c: Int) {
            tab.withUnsafeBufferPointer { t in
                let pv = t[r + c * size]
                row.withUnsafeMutableBufferPointer { y in
                    for j in 0..<width { y[j] = t[r + j * size] / pv }
                }
                column.withUnsafeMutableBufferPointer { x in
                    for i in 0..<size { x[i] = t[i + c * size] }
                    x[r] = 0
                }
            }
            tab.addOuterProduct(-1, column, sparseRow: row)
            tab.withUnsafeMutableBufferPointer { t in
                for j in 0..<width { t[r + j * size] = row[j] }
            }
            basis[r] = c
        }
        // z₀ enters at the most negative q̃.
        var r = 0
        for i in 1..<size where qt[i] < qt[r] { r = i }
        var leaving = basis[r]
        pivot(r, zColumn)
        for _ in 0..<(maxPivotsPerRow * size) {
            let entering = leaving < size ? leaving + size : leaving - size
            // Lexicographic minimum ratio over rows with a positive entry in the entering column,
            // read through the storage (column-major: element (i, k) at i + k·size).
            let best: Int? = tab.withUnsafeBufferPointer { t in
                let col = entering * size
                var colMax = 0.0
                for i in 0..<size { colMax = Swift.max(colMax, abs(t[col + i])) }
                let threshold = 1e-11 * Swift.max(colMax, 1e-300)
                // The best row's ratio is kept rather than divided again for every candidate
                // (the same quotient, so the same comparisons).
                var best: Int? = nil, bestRatio = 0.0
                for i in 0..<size where t[col + i] > threshold {
                    let ratio = t[i + rhs * size] / t[col + i]
                    guard let b = best else {
                        best = i
                        bestRatio = ratio
                        continue
                    }
                    let ci = t[col + i], cb = t[col + b]
                    var order = ratio - bestRatio
                    var k = 0
                    while order == 0 && k < size {
                        order = t[i + k * size] / ci - t[b + k * size] / cb
                        k += 1
                    }
                    if order < 0 {
                        best = i
                        bestRatio = ratio
                    }
                }
                return best
            }
            guard let row = best else { return .ray }
            leaving = basis[row]
            pivot(row, entering)
            if leaving == zColumn {
                var z = p.lower
                for (i, b) in basis.enumerated() where b >= size && b < size + n {
                    z[b - size] = p.lower[b - size] + Swift.max(tab[i, rhs], 0)
                }
                for i in 0..<n { z[i] = Swift.min(z[i], p.upper[i]) }
                return .solution(z)
            }
        }
        return .pivotLimit
    }
}
