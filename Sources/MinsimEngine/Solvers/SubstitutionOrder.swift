import LinearAlgebra

/// The levels of a supply network read off its coefficients, when it has no loops.
///
/// Node i supplies node j when the off-diagonal coefficient `a_ij ≠ 0` (row = supplier,
/// column = user). The level of a node is the length of the longest supply chain feeding it:
/// ```
/// level(j) = 0                                  if column j of A has no off-diagonal entry
/// level(j) = 1 + max { level(i) : a_ij ≠ 0, i ≠ j }   otherwise
/// ```
/// Every edge goes from a lower level to a strictly higher one, so renumbering the nodes by
/// (level, system index) makes the off-diagonal part of A strictly upper triangular and
/// `I − A` upper triangular, with a *diagonal* block per level: within one level no node uses
/// another. For a stage-ordered network (every input from an earlier stage) the levels are the
/// stages, or a refinement of them; the structure is detected from the coefficients, not from
/// stage names, so a network that lists a downstream product first, or that has acyclic
/// within-stage inputs, is still recognised, and any loop is found.
///
/// Diagonal coefficients `a_jj` (a node using its own output) do not count as edges: they only
/// change the diagonal of `I − A` to `1 − a_jj`, which substitution divides by.
///
/// Computed by Kahn's topological sort in O(N + nonzeros).
struct SubstitutionOrder: Sendable {
    /// System indices in substitution order: by level, then by system index.
    let order: [Int]
    /// Position of each system index in `order` (the inverse permutation).
    let position: [Int]
    /// `order[levelStart[ℓ] ..< levelStart[ℓ + 1]]` are the nodes of level ℓ.
    let levelStart: [Int]

    var levelCount: Int { levelStart.count - 1 }

    /// The outcome of the analysis: levels, or a loop found in the coefficients.
    enum Analysis: Sendable {
        case acyclic(SubstitutionOrder)
        /// System indices of one loop `i₀ → i₁ → … → i₀` (each supplies the next).
        case cyclic(loop: [Int])
    }

    /// Analyses the square coefficient matrix `a` (A or Ã in CSR form).
    ///
    /// - Parameter findingLoop: name one loop of a cyclic network (for the error of a forced
    ///   triangular solve); without it `.cyclic` carries an empty loop, which spares the
    ///   transpose the search needs when the caller only asks whether there is one.
    static func analyse(_ a: SparseMatrix, findingLoop: Bool = true) -> Analysis {
        precondition(a.rows == a.columns, "coefficient matrix must be square, got \(a.rows)×\(a.columns)")
        let n = a.rows
        // In-degree = number of distinct off-diagonal suppliers of each node.
        var inDegree = [Int](repeating: 0, count: n)
        for i in 0..<n {
            for p in a.entries(inRow: i) where a.columnIndices[p] != i { inDegree[a.columnIndices[p]] += 1 }
        }
        var level = [Int](repeating: 0, count: n)
        var queue: [Int] = []
        queue.reserveCapacity(n)
        for j in 0..<n where inDegree[j] == 0 { queue.append(j) }
        var head = 0
        while head < queue.count {
            let i = queue[head]
            head += 1
            for p in a.entries(inRow: i) {
                let j = a.columnIndices[p]
                guard j != i else { continue }
                level[j] = max(level[j], level[i] + 1)
                inDegree[j] -= 1
                if inDegree[j] == 0 { queue.append(j) }
            }
        }
        guard queue.count == n else { return .cyclic(loop: findingLoop ? findLoop(a, unresolved: inDegree) : []) }
        return .acyclic(SubstitutionOrder(levels: level))
    }

    /// The same analysis from A in compressed sparse columns (`CoefficientColumns`). Kahn's
    /// sort runs from the users' side (a node is placed once every user of it is), then the
    /// levels are taken in the reverse of that order, suppliers first; they are the longest
    /// supply chains, as in `analyse(_:)`, so the order is the same. As there, a zero
    /// coefficient is no edge; a supplier listed twice in a column is counted and released
    /// twice, which changes nothing. A loop is reported without naming it (`loop` is empty).
    ///
    /// - Complexity: O(N + nonzeros), with no transpose.
    static func analyse(_ a: CoefficientColumns) -> Analysis {
        let n = a.dimension
        let (cs, rows, values) = (a.columnStart, a.rows, a.values)
        var users = [Int](repeating: 0, count: n)
        for j in 0..<n {
            for p in cs[j]..<cs[j + 1] where rows[p] != j && values[p] != 0 { users[rows[p]] += 1 }
        }
        var queue: [Int] = []
        queue.reserveCapacity(n)
        for i in 0..<n where users[i] == 0 { queue.append(i) }
        var head = 0
        while head < queue.count {
            let j = queue[head]
            head += 1
            for p in cs[j]..<cs[j + 1] where rows[p] != j && values[p] != 0 {
                let i = rows[p]
                users[i] -= 1
                if users[i] == 0 { queue.append(i) }
            }
        }
        guard queue.count == n else { return .cyclic(loop: []) }
        var level = [Int](repeating: 0, count: n)
        for j in queue.reversed() {
            for p in cs[j]..<cs[j + 1] where rows[p] != j && values[p] != 0 { level[j] = max(level[j], level[rows[p]] + 1) }
        }
        return .acyclic(SubstitutionOrder(levels: level))
    }

    /// One loop among the nodes Kahn's sort could not place (`unresolved[j] > 0`). Each such
    /// node has an unresolved supplier, so walking from supplier to supplier N times must end
    /// on a loop; walking on until the start recurs lists it.
    private static func findLoop(_ a: SparseMatrix, unresolved: [Int]) -> [Int] {
        let n = a.rows
        let suppliers = a.transposed  // row j lists the suppliers i of node j
        func unresolvedSupplier(of j: Int) -> Int? {
            for p in suppliers.entries(inRow: j) {
                let i = suppliers.columnIndices[p]
                if i != j && unresolved[i] > 0 { return i }
            }
            return nil
        }
        guard var v = unresolved.firstIndex(where: { $0 > 0 }) else { return [] }
        for _ in 0..<n {
            guard let u = unresolvedSupplier(of: v) else { return [v] }
            v = u
        }
        var loop = [v]
        var u = v
        while let w = unresolvedSupplier(of: u), w != v, loop.count <= n {
            loop.append(w)
            u = w
        }
        // The walk went from user to supplier; report the loop in the direction goods flow.
        return loop.reversed()
    }
}

extension SubstitutionOrder {
    /// The order of the given levels: by level, then system index (a stable counting sort).
    fileprivate init(levels level: [Int]) {
        let n = level.count
        let levels = (level.max() ?? -1) + 1
        var start = [Int](repeating: 0, count: levels + 1)
        for l in level { start[l + 1] += 1 }
        for l in 0..<levels { start[l + 1] += start[l] }
        var fill = start
        var order = [Int](repeating: 0, count: n)
        var position = [Int](repeating: 0, count: n)
        for j in 0..<n {
            order[fill[level[j]]] = j
            position[j] = fill[level[j]]
            fill[level[j]] += 1
        }
        self.init(order: order, position: position, levelStart: start)
    }
}
