import LinearAlgebra

extension MatrixFreeNewton {
    /// A step that is semismooth Newton on most working rows and Josephy–Newton on a few: the
    /// finish for the matrix-free path's stall, without forming the whole Jacobian.
    ///
    /// **Why.** Every stall of the matrix-free path on the generated networks is a failed line
    /// search near the solution (‖Φ‖∞ 2e-4 … 3e-3) along a Newton step that takes two or three
    /// unserved shares far out of their box (ρ = 0.98 and 0.34 told to move by −12 and +36):
    /// their markets reach the binding capacities in nearly the same proportions, and with
    /// `∂F_ρ/∂ρ = 0` the Newton system is nearly singular along the pair, so the projection
    /// cuts the step to one the merit rejects (docs/performance.md, c16-stall). Which of the
    /// pair sheds demand is a combinatorial choice the semismooth linearization cannot make and
    /// a linear complementarity problem can — the Josephy–Newton fallback makes it, but with a
    /// Jacobian of every working column (≈ 1,100 at 10,000 nodes, ≈ 60 plain year solves).
    ///
    /// **The step.** With the working rows split into the pinned unknowns `S` and the rest `R`,
    /// the rest keep the semismooth Newton equation and `S` the linearized complementarity:
    /// ```
    /// H_RR d_R + H_RS d_S = −Φ_R,                     H = D_a + D_b J
    /// z_S + d_S ∈ [l_S, u_S]  ⊥  F_S + J_SR d_R + J_SS d_S
    /// ```
    /// Eliminating `d_R = y₀ + Σ_j y_j d_S,j`, with `H_RR y₀ = −Φ_R` and
    /// `H_RR y_j = −D_b,R (J e_j)_R`, leaves an |S| × |S| box LCP
    /// ```
    /// z_S + d_S ∈ [l_S, u_S]  ⊥  q + M d_S,    q = F_S + (J y₀)_S,    M_·j = (J e_j)_S + (J y_j)_S
    /// ```
    /// (the Schur complement `M = J_SS − J_SR H_RR⁻¹ H_RS`), solved exactly by the subproblem
    /// solver the Josephy–Newton method uses, rows weighted alike; then `d_R` is checked against
    /// R's equation with one product and corrected by one more solve where GMRES's errors in the
    /// `y_j`, multiplied by large `d_S,j`, break the inexact Newton condition. Its cost: |S| + 1
    /// (+ 1) GMRES solves on `R`, preconditioned by the year's earlier products with the pinned
    /// columns taken out (`ProductRecord.removing`) and by each other's, |S| products for the
    /// columns `J e_j`, |S| + 2 for `M`, `q` and the check — at 10,000 nodes with |S| = 4–7,
    /// 100–250 products, against a Jacobian of ≈ 1,100 columns and its factorization.
    ///
    /// At the target both parts of the linearization hold — `Φ_R` by Newton's equation, the
    /// pinned rows' complementarity exactly — so where the pinned unknowns are the only rows
    /// whose active side is undecided, the step converges as the Josephy–Newton step would.
    ///
    /// - Returns: the step on the positions of `work` and the pinned set S it solved exactly
    ///   (the seeds in `work` and their saddle pairs); nil when a GMRES solve on R does not
    ///   converge or the small LCP has no solution.
    func hybridDirection(
        _ problem: inout YearClearingProblem, at point: YearClearingProblem.Point, z: [Double], f: [Double],
        phi: (value: [Double], da: [Double], db: [Double]), rows work: [Int], pinned seeds: [Int],
        record earlier: ProductRecord, counts: inout Counts
    ) throws(SolveError) -> (step: [Double], pinned: [Int])? {
        let n = z.count
        // The pinned unknowns' columns are found first; the products until then go nowhere.
        var record = ProductRecord(limit: 0)
        func product(_ rows: [Int], _ values: [Double]) throws(SolveError) -> [Double] {
            guard !rows.isEmpty else { return [Double](repeating: 0, count: n) }
            counts.products += 1
            let image = try problem.product(at: point, rows: rows, values: values)
            record.append(rows: rows, values: values, image: image)
            return image
        }
        // The pinned set, closed over the saddle pairs around the seeds: a share's column reaches
        // the capacity rows its market's demand flows through, a rent's column the price rows of
        // the markets it prices. Where a binding node's output does not respond to its own rent
        // (inelastic demand, a sole supplier), its row is set by the shares alone, and left in
        // R without them it makes H_RR singular (measured at 4,000 nodes: GMRES on R made no
        // progress at all whenever one share was pinned alone).
        let marketOffset = problem.marketOffset
        var inWork = [Bool](repeating: false, count: n)
        for i in work { inWork[i] = true }
        var pinned = seeds.filter { inWork[$0] }
        var isPinned = [Bool](repeating: false, count: n)
        for i in pinned { isPinned[i] = true }
        var columns: [[Double]] = []
        var next = 0
        while next < pinned.count {
            let j = pinned[next]
            next += 1
            let column = try product([j], [1])
            columns.append(column)
            let share = j >= marketOffset
            var largest = 0.0
            for i in work where (i >= marketOffset) != share { largest = Swift.max(largest, abs(column[i])) }
            guard largest > 0 else { continue }
            var reached: [(Int, Double)] = []
            for i in work where (i >= marketOffset) != share && !isPinned[i] && abs(column[i]) >= pinnedReach * largest {
                reached.append((i, abs(column[i])))
            }
            reached.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            for (i, _) in reached where pinned.count < maxPinned {
                pinned.append(i)
                isPinned[i] = true
            }
        }
        // The earlier systems' products, made exact for systems on R (the pinned columns taken
        // out), precondition the solves on R as they do the plain steps.
        record = earlier.removing(pinned, columns: columns)
        let s = pinned.count
        let rest = work.filter { !isPinned[$0] }
        var responses: [[Double]] = []
        if !rest.isEmpty {
            guard
                let y0 = try newtonDirection(&problem, at: point, phi: phi, rows: rest, record: &record, counts: &counts)
            else { return nil }
            responses.append(y0)
            for column in columns {
                let rhs = rest.map { -phi.db[$0] * column[$0] }
                guard
                    let y = try newtonDirection(
                        &problem, at: point, phi: phi, rows: rest, rhs: rhs, record: &record, counts: &counts)
                else { return nil }
                responses.append(y)
            }
        }
        // q and M on the pinned rows.
        var q = pinned.map { f[$0] }
        var m = Matrix(rows: s, columns: s)
        if !rest.isEmpty {
            let image = try product(rest, responses[0])
            for (a, i) in pinned.enumerated() { q[a] += image[i] }
        }
        for b in 0..<s {
            let image = rest.isEmpty ? nil : try product(rest, responses[b + 1])
            for (a, i) in pinned.enumerated() { m[a, b] = columns[b][i] + (image?[i] ?? 0) }
        }
        // The box LCP in the target ẑ_S = z_S + d_S: w = D (M ẑ_S + q − M z_S), D the row weights.
        let zS = pinned.map { z[$0] }
        let mz = m.multiply(zS)
        let weights = pinned.map { problem.rowWeights[$0] }
        var offset = [Double](repeating: 0, count: s)
        for a in 0..<s {
            offset[a] = weights[a] * (q[a] - mz[a])
            for b in 0..<s { m[a, b] *= weights[a] }
        }
        let sub = BoxLCP(
            matrix: m, offset: offset, lower: pinned.map { problem.lowerBounds[$0] },
            upper: pinned.map { problem.upperBounds[$0] }, rowWeights: weights)
        guard let target = NewtonSubproblemSolver().solve(sub, from: zS) else { return nil }
        let dS = (0..<s).map { target[$0] - zS[$0] }
        // d_R = y₀ + Σ_j y_j d_S,j, then refined: each y carries GMRES's relative error, which
        // the large |d_S,j| of a stalled pair multiply, so R's equation is checked with one
        // product and, where its residual exceeds the forcing term's share of ‖Φ_W‖ (what the
        // inexact Newton condition asks of a plain step), corrected by one more solve.
        var dR = responses.isEmpty ? [] : responses[0]
        for b in 0..<s where dS[b] != 0 {
            for t in dR.indices { dR[t] += responses[b + 1][t] * dS[b] }
        }
        if !rest.isEmpty {
            let image = try product(rest, dR)
            var residual = [Double](repeating: 0, count: rest.count)
            var size = 0.0, allowed = 0.0
            for (t, i) in rest.enumerated() {
                var coupling = 0.0
                for b in 0..<s { coupling += columns[b][i] * dS[b] }
                // −(H_RR d_R + H_RS d_S + Φ_R)
                residual[t] = -(phi.da[i] * dR[t] + phi.db[i] * (image[i] + coupling) + phi.value[i])
                size += residual[t] * residual[t]
            }
            for i in work { allowed += phi.value[i] * phi.value[i] }
            let forcing = Swift.min(0.1, Vector.maxNorm(phi.value).squareRoot())
            size = size.squareRoot()
            allowed = forcing * allowed.squareRoot()
            if size > allowed {
                guard
                    let correction = try newtonDirection(
                        &problem, at: point, phi: phi, rows: rest, rhs: residual, tolerance: allowed / size,
                        record: &record, counts: &counts)
                else { return nil }
                for t in dR.indices { dR[t] += correction[t] }
            }
        }
        // d on the working positions.
        var d = [Double](repeating: 0, count: work.count)
        var r = 0, p = [Int](repeating: -1, count: n)
        for (a, i) in pinned.enumerated() { p[i] = a }
        for (a, i) in work.enumerated() {
            if isPinned[i] {
                d[a] = dS[p[i]]
            } else {
                d[a] = dR[r]
                r += 1
            }
        }
        return (d, pinned)
    }

    /// The unknowns among `among` (not in `except`) that the full step `z + d` takes out of the
    /// box `[l, u]`, farthest out first (the distance in the unknowns' scaled units), ties by
    /// index.
    static func leavingBox(z: [Double], d: [Double], lower l: [Double], upper u: [Double], among: [Int], except: [Int])
        -> [Int]
    {
        let excluded = Set(except)
        var out: [(Int, Double)] = []
        for i in among where !excluded.contains(i) {
            let t = z[i] + d[i]
            let excess = Swift.max(l[i] - t, t - u[i])
            if excess > 0 { out.append((i, excess)) }
        }
        out.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        return out.map(\.0)
    }
}
