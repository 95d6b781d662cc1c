import LinearAlgebra

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
/// if a guess repeats again it returns nil and the caller falls back to another method
/// (`NewtonSubproblemSolver`). A singular free block is solved with a small diagonal shift
/// (see below) rather than given up on.
public struct ActiveSetLCPSolver: Sendable {
    public var maxIterations: Int = 20
    /// Murty's single moves after a repeated guess, at most (and never more than 4 per
    /// unknown); 0 gives up at the first repeated guess. Each move costs a dense LU of the
    /// free block and the method is finite but not polynomial; the clearing's subproblems
    /// (`NewtonSubproblemSolver`, `SemismoothLCPSolver`) set 0 and go on to Lemke's or the
    /// semismooth Newton method, which on their (non-P) matrices cost less than the moves.
    public var maxSingleMoves: Int = .max
    /// Shifted solves of singular free blocks before giving up: where the guesses keep
    /// landing on singular blocks the shift is not leading anywhere.
    public var maxShifts: Int = 3
    /// Solve the free blocks of successive guesses by block LU updates of one base
    /// factorization (`PrincipalBlockSolver`) instead of a fresh LU each; the answer is then
    /// returned as solved (refined once), not re-solved by a fresh LU (`polished`).
    public var updates = false
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
        // The guesses made so far, searched linearly: a solve makes a handful (at most `limit`),
        // and comparing two guesses stops at their first difference, where hashing one reads it
        // all (on the 5-region data the set's hashing cost 8 % of the method).
        var seen: [[Int]] = []
        // Block moves first; once a guess repeats, one move at a time, the violated unknown of
        // least index (Murty's least-index principal pivoting, finite for P-matrices).
        var single = false
        var regularized = false, shifts = 0
        let limit = maxIterations + Swift.min(4 * n, maxSingleMoves)
        var blocks = updates ? PrincipalBlockSolver(matrix: p.matrix) : nil
        var updated = false
        for _ in 0..<limit {
            if seen.contains(state) {
                guard !single && maxSingleMoves > 0 else { return nil }
                single = true
            } else {
                seen.append(state)
            }
            var z = (0..<n).map { state[$0] < 0 ? l[$0] : (state[$0] > 0 ? u[$0] : 0) }
            let free = (0..<n).filter { state[$0] == 0 }
            regularized = false
            updated = false
            let fixed = free.isEmpty ? [] : p.matrix.multiply(z)
            let rhs = free.map { -p.offset[$0] - fixed[$0] }
            // The free block by a block LU update of the last base factorization; where that is
            // singular or badly conditioned, by a fresh LU (shifted where singular) as below.
            if !free.isEmpty, blocks != nil, let zf = try? blocks?.solve(free: free, rhs: rhs) {
                for (a, i) in free.enumerated() { z[i] = zf[a] }
                updated = true
            }
            if !free.isEmpty && !updated {
                let block = p.matrix.principal(free)
                var lu = try? LUFactorization(factoring: block)
                if lu == nil {
                    shifts += 1
                    guard shifts <= maxShifts else { return nil }
                    // A singular free block (a market unknown whose row and column vanish on
                    // the guessed free set): solve `(M_FF + δI) z_F = r` instead. A vanishing row
                    // then puts its unknown far beyond the bound its residual points to, so the
                    // next guess moves it there; a guess can end the method only if the
                    // unregularized polishing confirms it.
                    // δ is relative to M's 1-norm (the free block may be all 0).
                    var shifted = block
                    let largest = Swift.max(p.matrix.oneNorm, 1e-300)
                    for a in free.indices { shifted.add(1e-10 * largest, at: a, a) }
                    lu = try? LUFactorization(factoring: shifted)
                    regularized = true
                }
                guard let lu else { return nil }
                let zf = lu.solve(rhs)
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
                if updated { return z }
                // The solve above is the one polishing would repeat (the same free block and
                // right-hand side, the same LU) when every free unknown is strictly inside its box.
                if !regularized && free.allSatisfy({ z[$0] > l[$0] && z[$0] < u[$0] }) { return z }
                return regularized
                    ? LinearComplementaritySolver.polished(p, z) : (LinearComplementaritySolver.polished(p, z) ?? z)
            }
            state = next
        }
        return nil
    }
}

extension Matrix {
    /// The principal submatrix `M[positions, positions]`, copied column by column through the
    /// storage (element for element what `m[a, b] = self[positions[a], positions[b]]` gives,
    /// without an index check and a uniqueness test per element: at 1,000 nodes that loop cost
    /// a third as much as the dense LU of the block it fed).
    func principal(_ positions: [Int]) -> Matrix {
        let k = positions.count, n = rows
        var out = Matrix(rows: k, columns: k)
        withUnsafeBufferPointer { m in
            out.withUnsafeMutableBufferPointer { o in
                for (b, j) in positions.enumerated() {
                    let source = j * n, target = b * k
                    for (a, i) in positions.enumerated() { o[target + a] = m[source + i] }
                }
            }
        }
        return out
    }
}
