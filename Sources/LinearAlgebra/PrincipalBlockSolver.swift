/// Solves `M_FF x = b` for a sequence of index sets F of one dense square matrix M — the free
/// blocks of successive active-set guesses — from one LU factorization of a base block `M_BB`
/// and a small Schur complement of the indices in which F differs from B (a block LU update;
/// Gill, Murray, Saunders & Wright 1990; Hager 1989). With `A = F \ B` (joined) and
/// `R = B \ F` (left), the bordered system
/// ```
/// ⎡ M_BB  M_BA  E_R ⎤ ⎡ x_B ⎤   ⎡ b̃_B ⎤
/// ⎢ M_AB  M_AA   0  ⎥ ⎢ x_A ⎥ = ⎢ b_A ⎥        (b̃: b on B ∩ F, 0 on R)
/// ⎣ E_Rᵀ   0     0  ⎦ ⎣  λ  ⎦   ⎣  0  ⎦
/// ```
/// has `x_R = 0`, the rows of R absorbed by λ, and `M_FF x_F = b` on the rest; eliminating
/// `x_B` with the base factorization leaves the `k × k` Schur complement
/// `S = D − [M_AB; E_Rᵀ] M_BB⁻¹ [M_BA, E_R]`, `k = |A| + |R|`. A solve costs one solve with
/// the base factors, the base solves of the columns not seen before (cached while the base
/// stands, formed together as one multi-right-hand-side solve) and an LU of S: O(n²k) for a
/// change of k indices instead of the ⅔n³ of a fresh LU. When k would exceed `maxChanges`
/// the base is refactored on F. Each answer gets one step of iterative refinement with the
/// same factors, so its residual is that of a backward-stable solve unless M_BB or S is badly
/// conditioned — which `solve` reports as singular rather than returning an inaccurate answer.
public struct PrincipalBlockSolver: Sendable {
    public let matrix: Matrix
    /// Largest Schur complement before the base is refactored on the requested set.
    public var maxChanges: Int
    /// Fresh LU factorizations of a base block so far.
    public private(set) var factorizations = 0
    private var base: [Int] = []
    /// Index → position in `base`, or −1.
    private var position: [Int]
    private var lu: LUFactorization? = nil
    /// Base solves `M_BB⁻¹ M_B,j` (j outside the base) or `M_BB⁻¹ e_pos(j)` (j in it), by j.
    private var cache: [Int: [Double]] = [:]

    public init(matrix: Matrix, maxChanges: Int? = nil) {
        precondition(matrix.rows == matrix.columns, "a principal block needs a square matrix")
        self.matrix = matrix
        self.maxChanges = maxChanges ?? Swift.max(16, matrix.rows / 10)
        position = [Int](repeating: -1, count: matrix.rows)
    }

    /// `x` with `M_FF x = rhs`, `free` the indices of F in any order and `rhs` over them.
    ///
    /// - Throws: `.singular` when the base block or the Schur complement is singular or too
    ///   badly conditioned (reciprocal condition below `1e-13`) for the update to be trusted.
    public mutating func solve(free: [Int], rhs: [Double]) throws(LinearAlgebraError) -> [Double] {
        precondition(free.count == rhs.count, "one right-hand side entry per free index")
        guard !free.isEmpty else { return [] }
        var inF = [Bool](repeating: false, count: matrix.rows)
        for i in free { inF[i] = true }
        var joined = free.filter { position[$0] < 0 }
        var left = base.filter { !inF[$0] }
        if lu == nil || joined.count + left.count > maxChanges {
            try refactor(free)
            joined = []
            left = []
        }
        let schur = try complement(joined, left)
        var x = try solveOnce(free, rhs, joined, left, schur)
        // One step of iterative refinement: r = b − M_FF x, x += M_FF⁻¹ r.
        let residual = free.indices.map { a in
            var s = rhs[a]
            for (b, j) in free.enumerated() { s -= matrix[free[a], j] * x[b] }
            return s
        }
        let correction = try solveOnce(free, residual, joined, left, schur)
        for a in x.indices { x[a] += correction[a] }
        guard x.allSatisfy(\.isFinite) else { throw .singular(pivot: 0) }
        return x
    }

    private mutating func refactor(_ free: [Int]) throws(LinearAlgebraError) {
        for i in base { position[i] = -1 }
        base = free.sorted()
        for (p, i) in base.enumerated() { position[i] = p }
        cache = [:]
        lu = nil
        var block = Matrix(rows: base.count, columns: base.count)
        for (b, j) in base.enumerated() { for (a, i) in base.enumerated() { block[a, b] = matrix[i, j] } }
        factorizations += 1
        let factored = try LUFactorization(factoring: block)
        guard factored.reciprocalCondition() > 1e-13 else { throw .singular(pivot: 0) }
        lu = factored
    }

    /// The base solves of the changed indices' bordering columns (cached while the base
    /// stands) and the LU of the Schur complement `S` (see the type's documentation).
    private mutating func complement(_ joined: [Int], _ left: [Int]) throws(LinearAlgebraError)
        -> (w: [[Double]], lu: LUFactorization)?
    {
        guard let lu else { throw .singular(pivot: 0) }
        let changed = joined + left
        let k = changed.count, nb = base.count
        guard k > 0 else { return nil }
        let missing = changed.filter { cache[$0] == nil }
        if !missing.isEmpty {
            var columns = Matrix(rows: nb, columns: missing.count)
            for (c, j) in missing.enumerated() {
                if position[j] >= 0 {
                    columns[position[j], c] = 1
                } else {
                    for (p, i) in base.enumerated() { columns[p, c] = matrix[i, j] }
                }
            }
            let solved = lu.solve(columns)
            for (c, j) in missing.enumerated() { cache[j] = solved.column(c) }
        }
        let w = changed.map { cache[$0] ?? [] }
        var s = Matrix(rows: k, columns: k)
        for (r, a) in joined.enumerated() {
            let row = base.map { matrix[a, $0] }
            for c in 0..<k {
                var v = c < joined.count ? matrix[a, joined[c]] : 0
                for p in 0..<nb { v -= row[p] * w[c][p] }
                s[r, c] = v
            }
        }
        for (q, i) in left.enumerated() {
            let p = position[i]
            for c in 0..<k { s[joined.count + q, c] = -w[c][p] }
        }
        let schur = try LUFactorization(factoring: s)
        guard schur.reciprocalCondition() > 1e-13 else { throw .singular(pivot: 0) }
        return (w, schur)
    }

    private func solveOnce(
        _ free: [Int], _ rhs: [Double], _ joined: [Int], _ left: [Int], _ schur: (w: [[Double]], lu: LUFactorization)?
    ) throws(LinearAlgebraError) -> [Double] {
        guard let lu else { throw .singular(pivot: 0) }
        let nb = base.count
        var bb = [Double](repeating: 0, count: nb)
        var bA = [Double](repeating: 0, count: joined.count)
        var joinedAt = [Int: Int]()
        for (c, a) in joined.enumerated() { joinedAt[a] = c }
        for (a, i) in free.enumerated() {
            if position[i] >= 0 { bb[position[i]] = rhs[a] } else if let c = joinedAt[i] { bA[c] = rhs[a] }
        }
        let y = lu.solve(bb)
        var xb = y
        var xa = [Double](repeating: 0, count: joined.count)
        if let schur {
            // g = [b_A − M_AB y; −y_R],  S v = g,  x_B = y − W v,  x_A = v_A.
            var g = [Double](repeating: 0, count: joined.count + left.count)
            for (r, a) in joined.enumerated() {
                var v = bA[r]
                for (p, i) in base.enumerated() { v -= matrix[a, i] * y[p] }
                g[r] = v
            }
            for (q, i) in left.enumerated() { g[joined.count + q] = -y[position[i]] }
            let v = schur.lu.solve(g)
            for c in v.indices where v[c] != 0 { for p in 0..<nb { xb[p] -= schur.w[c][p] * v[c] } }
            for c in 0..<joined.count { xa[c] = v[c] }
        }
        return free.map { i in position[i] >= 0 ? xb[position[i]] : xa[joinedAt[i] ?? 0] }
    }
}
