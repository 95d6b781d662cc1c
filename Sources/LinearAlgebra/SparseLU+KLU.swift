import CSuiteSparse
import Foundation

// The KLU objects behind `SparseLU`: the ordering of a pattern (`klu_l_symbolic`), shared by
// every factorization of it, and one factorization (`klu_l_numeric`) with its values. Internal
// to LinearAlgebra; `SparseLU` is the interface.

/// KLU's parameters as this package uses them: the library defaults (BTF on, AMD on each
/// block, pivot tolerance 0.001, row scaling by the largest entry, stop at a zero pivot).
func kluDefaults() -> klu_l_common {
    var common = klu_l_common()
    _ = klu_l_defaults(&common)
    return common
}

/// The ordering of one pattern (`klu_l_symbolic`), shared read-only by every factorization of it.
final class KLUSymbolic: @unchecked Sendable {
    let dimension: Int
    /// The pattern CSC, as KLU reads it (rows ascending within each column).
    let columnStart: [Int]
    let rowIndices: [Int]
    let blocks: Int
    let largestBlock: Int
    let estimatedFlops: Double
    let estimatedFactorNonzeros: Double
    /// Structural rank from BTF's maximum transversal (n when some permutation puts a nonzero
    /// on every diagonal entry).
    let structuralRank: Int
    let pointer: UnsafeMutablePointer<klu_l_symbolic>?

    /// The same pattern CSR (`SparseRowPattern`). Kept from `init(pattern:)`; derived on first
    /// use for a pattern analysed from its columns, which only the CSR-ordered calls
    /// (`refactor`, `rowStart`) need.
    private var rowPatternStorage: SparseRowPattern?
    private let rowPatternLock = NSLock()

    var rowPattern: SparseRowPattern {
        rowPatternLock.lock()
        defer { rowPatternLock.unlock() }
        if let stored = rowPatternStorage { return stored }
        let derived = SparseRowPattern(dimension: dimension, columnStart: columnStart, rowIndices: rowIndices)
        rowPatternStorage = derived
        return derived
    }
    var rowStart: [Int] { rowPattern.rowStart }
    var columnIndices: [Int] { rowPattern.columnIndices }
    var columnPosition: [Int] { rowPattern.columnPosition }

    /// Analyses the pattern of the CSR matrix `m`.
    convenience init(pattern m: SparseMatrix) throws(SparseLUError) {
        let n = m.rows
        // CSR → CSC by one counting sort, remembering where each entry went.
        var start = [Int](repeating: 0, count: n + 1)
        for j in m.columnIndices { start[j + 1] += 1 }
        for j in 0..<n { start[j + 1] += start[j] }
        var fill = start
        var rows = [Int](repeating: 0, count: m.nonzeroCount)
        var position = [Int](repeating: 0, count: m.nonzeroCount)
        m.rowStart.withUnsafeBufferPointer { rs in
            m.columnIndices.withUnsafeBufferPointer { ci in
                fill.withUnsafeMutableBufferPointer { fl in
                    rows.withUnsafeMutableBufferPointer { ro in
                        position.withUnsafeMutableBufferPointer { po in
                            for i in 0..<n {
                                for p in rs[i]..<rs[i + 1] {
                                    let j = ci[p]
                                    ro[fl[j]] = i
                                    po[p] = fl[j]
                                    fl[j] += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        try self.init(
            dimension: n, columnStart: start, rowIndices: rows,
            rowPattern: SparseRowPattern(rowStart: m.rowStart, columnIndices: m.columnIndices, columnPosition: position))
    }

    /// Analyses a CSC pattern (rows strictly ascending within each column; the caller checked).
    init(dimension n: Int, columnStart start: [Int], rowIndices rows: [Int], rowPattern: SparseRowPattern?) throws(SparseLUError)
    {
        dimension = n
        columnStart = start
        rowIndices = rows
        rowPatternStorage = rowPattern
        guard n > 0 else {
            pointer = nil
            blocks = 0
            largestBlock = 0
            estimatedFlops = 0
            estimatedFactorNonzeros = 0
            structuralRank = 0
            return
        }
        var common = kluDefaults()
        let symbolic = start.withUnsafeBufferPointer { ap in
            rows.withUnsafeBufferPointer { ai in
                klu_l_analyze(
                    n, UnsafeMutablePointer(mutating: ap.baseAddress), UnsafeMutablePointer(mutating: ai.baseAddress), &common)
            }
        }
        guard let symbolic else { throw kluError(common) }
        pointer = symbolic
        blocks = symbolic.pointee.nblocks
        largestBlock = symbolic.pointee.maxblock
        estimatedFlops = symbolic.pointee.est_flops
        estimatedFactorNonzeros = symbolic.pointee.lnz + symbolic.pointee.unz
        let rank = symbolic.pointee.structural_rank
        structuralRank = rank >= 0 ? rank : n
    }

    deinit {
        var common = kluDefaults()
        var p = pointer
        if p != nil { _ = klu_l_free_symbolic(&p, &common) }
    }

    /// The values of `m` in this pattern's CSR order when every entry of `m` is in the pattern
    /// (missing entries 0), else nil.
    func scatter(_ m: SparseMatrix) -> [Double]? {
        let pattern = rowPattern
        let (rowStart, columnIndices) = (pattern.rowStart, pattern.columnIndices)
        var values = [Double](repeating: 0, count: columnIndices.count)
        for i in 0..<dimension {
            var p = rowStart[i]
            for q in m.entries(inRow: i) {
                let j = m.columnIndices[q]
                while p < rowStart[i + 1] && columnIndices[p] < j { p += 1 }
                guard p < rowStart[i + 1] && columnIndices[p] == j else { return nil }
                values[p] = m.values[q]
            }
        }
        return values
    }
}

/// One factorization (`klu_l_numeric`) with the CSC values it factored.
final class KLUNumeric: @unchecked Sendable {
    private var pointer: UnsafeMutablePointer<klu_l_numeric>?
    /// CSC values of the factored matrix (kept for `klu_condest` and the pivot-growth check).
    private var values: [Double]
    /// Reciprocal pivot growth of the last factorization with pivoting.
    private var pivotingGrowth: Double = 1
    /// Off-diagonal pivots KLU chose in that factorization.
    private(set) var offDiagonalPivots = 0
    /// KLU solves in a workspace inside the factors: one solve at a time.
    private let lock = NSLock()

    init(symbolic: KLUSymbolic, values: [Double]) throws(SparseLUError) {
        self.values = values
        guard let s = symbolic.pointer else {
            pointer = nil
            return
        }
        var common = kluDefaults()
        let numeric = withPattern(symbolic) { ap, ai, ax in klu_l_factor(ap, ai, ax, s, &common) }
        guard let numeric else {
            // A structurally rank-deficient matrix always meets a zero pivot; say which kind.
            if symbolic.structuralRank < symbolic.dimension && common.status == Int(KLU_SINGULAR) {
                let column = common.singular_col >= 0 && common.singular_col < symbolic.dimension ? common.singular_col : nil
                throw .structurallySingular(rank: symbolic.structuralRank, column: column)
            }
            throw kluError(common)
        }
        pointer = numeric
        offDiagonalPivots = max(0, common.noffdiag)
        pivotingGrowth = growth(symbolic: symbolic) ?? 1
    }

    deinit {
        var common = kluDefaults()
        if pointer != nil { _ = klu_l_free_numeric(&pointer, &common) }
    }

    /// Calls `body` with KLU's three CSC arrays (KLU takes them as mutable pointers but only reads).
    private func withPattern<R>(
        _ symbolic: KLUSymbolic,
        _ body: (UnsafeMutablePointer<Int>?, UnsafeMutablePointer<Int>?, UnsafeMutablePointer<Double>?) -> R
    ) -> R {
        symbolic.columnStart.withUnsafeBufferPointer { ap in
            symbolic.rowIndices.withUnsafeBufferPointer { ai in
                values.withUnsafeBufferPointer { ax in
                    body(
                        UnsafeMutablePointer(mutating: ap.baseAddress), UnsafeMutablePointer(mutating: ai.baseAddress),
                        UnsafeMutablePointer(mutating: ax.baseAddress))
                }
            }
        }
    }

    /// Reciprocal pivot growth of the current factors (`klu_rgrowth`), nil when KLU cannot say.
    private func growth(symbolic: KLUSymbolic) -> Double? {
        guard let s = symbolic.pointer, let num = pointer else { return nil }
        var common = kluDefaults()
        let ok = withPattern(symbolic) { ap, ai, ax in klu_l_rgrowth(ap, ai, ax, s, num, &common) }
        return ok != 0 && common.rgrowth.isFinite ? common.rgrowth : nil
    }

    /// `klu_refactor` with `newValues`; false when it met a zero pivot or grew too much, so that
    /// the caller factors with pivoting instead. The factors are then restored to the previous
    /// values (a second refactor with them, exact: same pivots, same arithmetic).
    func refactor(_ newValues: [Double], symbolic: KLUSymbolic) -> Bool {
        guard let s = symbolic.pointer, let num = pointer else { return true }
        lock.lock()
        defer { lock.unlock() }
        let old = values
        values = newValues
        var common = kluDefaults()
        let ok = withPattern(symbolic) { ap, ai, ax in klu_l_refactor(ap, ai, ax, s, num, &common) }
        if ok != 0, common.status == Int(KLU_OK), let g = growth(symbolic: symbolic),
            g >= SparseLU.pivotGrowthTolerance * pivotingGrowth
        {
            return true
        }
        values = old
        var restore = kluDefaults()
        _ = withPattern(symbolic) { ap, ai, ax in klu_l_refactor(ap, ai, ax, s, num, &restore) }
        return false
    }

    func solve(_ b: inout [Double], columns: Int, transposed: Bool, symbolic: KLUSymbolic) {
        guard let s = symbolic.pointer, let num = pointer, columns > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        var common = kluDefaults()
        let ok = b.withUnsafeMutableBufferPointer { bp in
            transposed
                ? klu_l_tsolve(s, num, symbolic.dimension, columns, bp.baseAddress, &common)
                : klu_l_solve(s, num, symbolic.dimension, columns, bp.baseAddress, &common)
        }
        // KLU rejects only invalid arguments here (the factors exist and the sizes match).
        precondition(ok != 0, "klu_solve rejected its arguments (status \(common.status))")
    }

    func reciprocalCondition(symbolic: KLUSymbolic) -> Double {
        guard let s = symbolic.pointer, let num = pointer else { return 1 }
        lock.lock()
        defer { lock.unlock() }
        var common = kluDefaults()
        let ok = withPattern(symbolic) { ap, _, ax in klu_l_condest(ap, ax, s, num, &common) }
        guard ok != 0, common.condest.isFinite, common.condest > 0 else { return 0 }
        return min(1, 1 / common.condest)
    }

    func statistics(symbolic: KLUSymbolic) -> SparseLU.Statistics {
        var stats = SparseLU.Statistics(
            blocks: 0, largestBlock: 0, matrixNonzeros: 0, factorNonzeros: 0,
            offDiagonalPivots: 0, flops: 0)
        guard let s = symbolic.pointer, let num = pointer else { return stats }
        // lnz and unz both count the diagonal; the off-diagonal blocks are stored as given.
        stats.factorNonzeros = num.pointee.lnz + num.pointee.unz - symbolic.dimension + num.pointee.nzoff
        var common = kluDefaults()
        lock.lock()
        if klu_l_flops(s, num, &common) != 0 { stats.flops = common.flops }
        lock.unlock()
        stats.offDiagonalPivots = offDiagonalPivots
        return stats
    }
}

/// The error for a failed KLU call that was not a zero pivot.
func kluError(_ common: klu_l_common) -> SparseLUError {
    switch common.status {
    case Int(KLU_OUT_OF_MEMORY): return .outOfMemory
    case Int(KLU_TOO_LARGE): return .tooLarge
    case Int(KLU_SINGULAR): return .singular(column: common.singular_col)
    default:
        // KLU_INVALID: the CSC arrays are built here from a valid SparseMatrix.
        preconditionFailure("KLU rejected the arrays built for it (status \(common.status))")
    }
}
