import LinearAlgebra

/// Block substitution for a network without loops: `M = I − A` needs no factorization at all.
///
/// Renumbered by `SubstitutionOrder` (levels of the supply chain, which for a stage-ordered
/// network are its stages), the off-diagonal part `B` of A is strictly block upper triangular
/// and `M = D − B` is block upper triangular with *diagonal* diagonal blocks
/// `D = diag(1 − a_jj)` (the identity unless a node uses its own output):
/// ```
/// M y = c   ⇔  y_L = D_L⁻¹ (c_L + Σ_{L' > L} B_{L,L'} y_{L'}),   L = last level … 0    (back substitution)
/// Mᵀ y = c  ⇔  y_L = D_L⁻¹ (c_L + Σ_{L' < L} B_{L',L}ᵀ y_{L'}),  L = 0 … last level    (forward substitution)
/// ```
/// The first reads the rows of B (gather: a node's output is what its users need of it), the
/// second scatters along the same rows (a node's price feeds into its users' costs), so one CSR
/// copy of B serves both directions (`SparseMatrix.solveUpperTriangular`). Every right-hand
/// side is carried through one sweep, interleaved, so the index arrays are read once per sweep.
///
/// Storage: O(N + nonzeros), never an N × N matrix. Cost: O(N + nonzeros) per right-hand side,
/// exact up to rounding (no pivoting: the pivots are the diagonal `1 − a_jj`, checked nonzero;
/// a negative one means a non-productive node, which the year solver's productivity test names).
///
/// Why no BLAS here: a level block `B_{L,L'}` of a synthetic 100,000-node, 4-stage network is
/// 25,000 × 25,000 with ≈ 7 entries per column (inputs × suppliers), 0.03 % full; a gathered
/// dense dgemv would do ≈ 3,500 times the work of the sparse loop (measured: one sparse
/// substitution at that size takes 2–5 ms in release). BLAS only helps blocks that
/// are more than a few percent full, which Leontief coefficient blocks are not.
///
/// Condition: `‖M‖₁` from the columns of M; `‖M⁻¹‖₁` by the Hager–Higham estimator
/// (`InverseNormEstimator`), four substitutions on a productive network.
public struct TriangularLeontiefFactorization: LeontiefFactorization {
    /// Name used in `method`, e.g. for the manifest.
    public static let methodName = "block triangular substitution"

    public let dimension: Int
    /// Number of supply-chain levels (diagonal blocks) found in the coefficients.
    public let levelCount: Int
    /// `‖M‖₁ = max_j (|1 − a_jj| + Σ_{i≠j} |a_ij|)`.
    public let oneNorm: Double
    public private(set) var reciprocalCondition: Double
    /// Off-diagonal part of A in substitution order: `B[pos(i), pos(j)] = a_ij`, strictly upper.
    private let offDiagonal: SparseMatrix
    /// `1 − a_jj` in substitution order.
    private let pivots: [Double]
    /// `order[k]` is the system index at substitution position k.
    private let order: [Int]
    /// `order` is the identity (system order is a substitution order).
    private let inSystemOrder: Bool

    public var method: String {
        "\(Self.methodName) (\(levelCount) levels, \(offDiagonal.nonzeroCount) off-diagonal nonzeros)"
    }

    /// Prepares substitution with `M = I − A` for the coefficient matrix `a` (CSR, system order).
    ///
    /// - Parameters:
    ///   - levels: the substitution order of `a` (see `SubstitutionOrder.analyse`).
    ///   - nodes: active nodes in system order, to name a node in errors.
    ///   - estimateCondition: run the Hager–Higham estimate (four substitutions) now; without
    ///     it `reciprocalCondition` is 0 until `estimateReciprocalCondition()` is called.
    /// - Throws: `.nonFinite` for a non-finite coefficient, `.singular` naming a node with
    ///   `a_jj = 1` (a zero pivot).
    init(coefficients a: SparseMatrix, levels: SubstitutionOrder, nodes: [Node], estimateCondition: Bool = true)
        throws(SolveError)
    {
        precondition(
            a.rows == a.columns && a.rows == levels.order.count && nodes.count == a.rows,
            "coefficients \(a.rows)×\(a.columns), \(levels.order.count) ordered nodes and \(nodes.count) names must agree")
        guard a.isFinite else { throw .nonFinite("a coefficient of the Leontief matrix is not finite") }
        let n = a.rows
        var pivots = [Double](repeating: 1, count: n)
        var columnSums = [Double](repeating: 0, count: n)
        var hasDiagonal = false
        for i in 0..<n {
            for p in a.entries(inRow: i) {
                let j = a.columnIndices[p]
                if j == i {
                    pivots[levels.position[i]] = 1 - a.values[p]
                    hasDiagonal = true
                } else {
                    columnSums[j] += abs(a.values[p])
                }
            }
        }
        var norm = 0.0
        for k in 0..<n {
            if pivots[k] == 0 { throw .singular(node: nodes[levels.order[k]], reciprocalCondition: 0) }
            norm = max(norm, abs(pivots[k]) + columnSums[levels.order[k]])
        }
        let offDiagonal: SparseMatrix
        let inSystemOrder = levels.order.indices.allSatisfy { levels.order[$0] == $0 }
        if !hasDiagonal && inSystemOrder {
            // System order is already a substitution order (the usual stage-ordered case):
            // A itself is strictly upper triangular and is shared, not copied.
            offDiagonal = a
        } else {
            var rows: [Int] = [], columns: [Int] = [], values: [Double] = []
            rows.reserveCapacity(a.nonzeroCount)
            columns.reserveCapacity(a.nonzeroCount)
            values.reserveCapacity(a.nonzeroCount)
            for i in 0..<n {
                for p in a.entries(inRow: i) where a.columnIndices[p] != i {
                    rows.append(levels.position[i])
                    columns.append(levels.position[a.columnIndices[p]])
                    values.append(a.values[p])
                }
            }
            offDiagonal = SparseMatrix(rows: n, columns: n, rowIndices: rows, columnIndices: columns, values: values)
        }
        self.init(
            dimension: n, levelCount: levels.levelCount, oneNorm: norm, reciprocalCondition: 0,
            offDiagonal: offDiagonal,
            pivots: pivots, order: levels.order, inSystemOrder: inSystemOrder)
        if estimateCondition { try estimateReciprocalCondition() }
    }

    /// Sets `reciprocalCondition` from `‖M‖₁` and the Hager–Higham estimate of `‖M⁻¹‖₁`.
    mutating func estimateReciprocalCondition() throws(SolveError) {
        let draft = self
        let inverseNorm = try InverseNormEstimator.estimate(dimension: dimension) { (c, transposed) throws(SolveError) in
            draft.solve([c], transposed: transposed)[0]
        }
        reciprocalCondition = InverseNormEstimator.reciprocalCondition(oneNorm: oneNorm, inverseOneNorm: inverseNorm)
    }

    /// One right-hand side (N entries, solved in place), the year solver's every solve and the
    /// matrix-free clearing's every Jacobian–vector product: in system order (`inSystemOrder`, the stage-ordered case) the sweep runs on the
    /// column itself; otherwise through one permuted copy. The arithmetic is the general path's
    /// with k = 1, entry for entry, so the results are bit for bit the same
    /// (`SolverAgreementTests.triangularOneColumn`); what goes is the interleaving around it, which
    /// cost as much as the sweep (docs/performance.md, "Per-point work of the matrix-free path").
    private func solveColumn(_ b: UnsafeMutableBufferPointer<Double>, transposed: Bool) {
        if inSystemOrder {
            offDiagonal.solveUpperTriangular(diagonal: pivots, interleaved: b, count: 1, transposed: transposed)
            return
        }
        let n = dimension
        var w = [Double](unsafeUninitializedCapacity: n) { w, initialized in
            order.withUnsafeBufferPointer { order in
                for pos in 0..<n { w[pos] = b[order[pos]] }
            }
            initialized = n
        }
        offDiagonal.solveUpperTriangular(diagonal: pivots, interleaved: &w, count: 1, transposed: transposed)
        order.withUnsafeBufferPointer { order in
            for pos in 0..<n { b[order[pos]] = w[pos] }
        }
    }

    private init(
        dimension: Int, levelCount: Int, oneNorm: Double, reciprocalCondition: Double,
        offDiagonal: SparseMatrix, pivots: [Double], order: [Int], inSystemOrder: Bool
    ) {
        self.dimension = dimension
        self.levelCount = levelCount
        self.oneNorm = oneNorm
        self.reciprocalCondition = reciprocalCondition
        self.offDiagonal = offDiagonal
        self.pivots = pivots
        self.order = order
        self.inSystemOrder = inSystemOrder
    }

    /// Solves `M y = c` (back substitution) or `Mᵀ y = c` (forward substitution) for every column.
    ///
    /// - Complexity: O(k · (N + nonzeros)) for k columns.
    public func solve(_ columns: [[Double]], transposed: Bool) -> [[Double]] {
        let k = columns.count
        guard k > 0 else { return [] }
        let n = dimension
        precondition(columns.allSatisfy { $0.count == n }, "right-hand sides must have \(n) entries")
        if k == 1 {
            // The year solver's every solve (one right-hand side): no interleaving.
            var x = columns[0]
            x.withUnsafeMutableBufferPointer { solveColumn($0, transposed: transposed) }
            return [x]
        }
        // w[pos·k + c]: right-hand side c at substitution position pos, interleaved.
        var w = [Double](repeating: 0, count: n * k)
        for pos in 0..<n {
            let i = order[pos]
            for c in 0..<k { w[pos * k + c] = columns[c][i] }
        }
        offDiagonal.solveUpperTriangular(diagonal: pivots, interleaved: &w, count: k, transposed: transposed)
        // Each column in its own buffer from the start (a repeated column would share one
        // buffer and copy it at the first write, checking uniqueness at every write).
        return (0..<k).map { c in
            var column = [Double](repeating: 0, count: n)
            for pos in 0..<n { column[order[pos]] = w[pos * k + c] }
            return column
        }
    }

    /// Solves `M Y = C` (or `Mᵀ Y = C`) in place for every column of `block` (N × k,
    /// column-major): the same sweep and the same arithmetic per column as
    /// `solve(_:transposed:)`, with one interleaved work array and no array per column.
    ///
    /// - Complexity: O(k · (N + nonzeros)).
    public func solve(_ block: inout Matrix, transposed: Bool) {
        let k = block.columns
        let n = dimension
        precondition(block.rows == n, "right-hand sides must have \(n) entries")
        guard k > 0 else { return }
        if k == 1 {
            block.withUnsafeMutableBufferPointer { solveColumn($0, transposed: transposed) }
            return
        }
        var w = [Double](repeating: 0, count: n * k)
        order.withUnsafeBufferPointer { order in
            block.withUnsafeBufferPointer { b in
                w.withUnsafeMutableBufferPointer { w in
                    // Wrapping index arithmetic: every index is below n·k, which the arrays hold.
                    for pos in 0..<n {
                        let i = order[pos], row = pos &* k
                        for c in 0..<k { w[row &+ c] = b[i &+ c &* n] }
                    }
                }
            }
        }
        offDiagonal.solveUpperTriangular(diagonal: pivots, interleaved: &w, count: k, transposed: transposed)
        order.withUnsafeBufferPointer { order in
            w.withUnsafeBufferPointer { w in
                block.withUnsafeMutableBufferPointer { b in
                    for pos in 0..<n {
                        let i = order[pos], row = pos &* k
                        for c in 0..<k { b[i &+ c &* n] = w[row &+ c] }
                    }
                }
            }
        }
    }
}
