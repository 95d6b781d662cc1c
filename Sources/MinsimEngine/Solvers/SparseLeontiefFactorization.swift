import Foundation
import LinearAlgebra

/// Sparse direct LU of `M = I − A` (or `I − Ã`, or any square sparse matrix) on SuiteSparse's
/// KLU (`SparseLU`), for networks with loops.
///
/// KLU permutes M to block upper triangular form, one diagonal block per strongly connected
/// part of the supply graph, and factors only those blocks (AMD ordering, threshold partial
/// pivoting); nodes outside every loop are 1 × 1 blocks solved by substitution. So this is the
/// block-triangular substitution of `TriangularLeontiefFactorization` with a sparse LU on the
/// cyclic blocks only. One factorization solves both systems,
/// ```
/// M y = c     (quantities, klu_solve)          Mᵀ y = c     (prices, klu_tsolve)
/// ```
/// for any number of right-hand sides at once, and `refactor` replaces the values on the same
/// pattern without a new ordering or pivot search (`klu_refactor`), as the fixed-point
/// iterations, the years of a run and a Newton clearing need.
///
/// Nothing here assumes that M is an M-matrix: a Newton Jacobian `I − G` with signed entries
/// factors the same way (`init(matrix:)`).
///
/// Storage: O(nonzeros of the factors), reported as `statistics.fill` (factor nonzeros per
/// nonzero of M). Condition: `klu_condest`, Hager–Higham on the factors (the estimator dgecon
/// runs on dense factors).
public struct SparseLeontiefFactorization: LeontiefFactorization {
    /// Name used in `method`.
    public static let methodName = "sparse LU (KLU)"

    /// The factors.
    public private(set) var lu: SparseLU
    public private(set) var reciprocalCondition: Double
    /// `‖M‖₁` of the factored matrix.
    public private(set) var oneNorm: Double
    /// Names of the rows/columns in errors (active nodes in system order), when known.
    private let nodes: [Node]?
    private let estimateCondition: Bool

    public var dimension: Int { lu.dimension }

    public var method: String {
        let s = lu.statistics
        let fill = String(format: "%.2f", s.fill)
        return
            "\(Self.methodName): \(s.blocks) diagonal blocks, largest \(s.largestBlock), fill \(fill)× of \(s.matrixNonzeros) nonzeros, \(lu.origin.rawValue)"
    }

    /// Factors `M = I − a` for the coefficient matrix `a` (CSR, system order).
    ///
    /// - Parameters:
    ///   - nodes: active nodes in system order, to name a node in errors.
    ///   - estimateCondition: run `klu_condest` (a few solves). A caller that solves
    ///     `Mᵀ z = 1` anyway may skip it and compute the exact value for an M-matrix; until
    ///     then `reciprocalCondition` is 0.
    /// - Throws: `.nonFinite` for a non-finite coefficient, `.structurallySingular` or
    ///   `.singular` naming the node where elimination broke down.
    init(
        coefficients a: SparseMatrix, nodes: [Node]?, analysis: SparseLU.Analysis? = nil,
        estimateCondition: Bool = true
    ) throws(SolveError) {
        precondition(a.rows == a.columns, "coefficient matrix must be square, got \(a.rows)×\(a.columns)")
        try self.init(matrix: Self.leontiefMatrix(a), nodes: nodes, analysis: analysis, estimateCondition: estimateCondition)
    }

    /// Factors an arbitrary square sparse matrix `m` (not necessarily `I − A`; signs and sizes
    /// of the values are not restricted), e.g. the Jacobian of a Newton step.
    ///
    /// - Parameters:
    ///   - nodes: names of the rows/columns for errors (nil: errors name no node).
    ///   - analysis: an ordering of the same pattern analysed before (nil: analyse now).
    /// - Throws: `.nonFinite` for a non-finite value, `.structurallySingular`, `.singular`.
    public init(
        matrix m: SparseMatrix, nodes: [Node]? = nil, analysis: SparseLU.Analysis? = nil,
        estimateCondition: Bool = true
    ) throws(SolveError) {
        precondition(nodes.map { $0.count == m.rows } ?? true, "\(nodes?.count ?? 0) node names for a \(m.rows)-row matrix")
        self.nodes = nodes
        self.estimateCondition = estimateCondition
        do throws(SparseLUError) {
            if let analysis {
                lu = try SparseLU(factoring: m, analysis: analysis)
            } else {
                lu = try SparseLU(factoring: m)
            }
        } catch {
            throw Self.solveError(error, nodes: nodes, dimension: m.rows)
        }
        oneNorm = m.oneNorm
        reciprocalCondition = estimateCondition ? lu.reciprocalCondition() : 0
    }

    /// Factors `M` given as its transpose in CSR form, `mt = Mᵀ` — M's compressed columns,
    /// the order KLU reads — on their `analysis` (`SparseLU.Analysis(dimension:columnStart:
    /// rowIndices:)` of `mt.rowStart`, `mt.columnIndices`): the factors, `oneNorm` and
    /// condition of `init(matrix:)` for M, without transposing.
    ///
    /// - Throws: as `init(matrix:)`.
    init(transposedMatrix mt: SparseMatrix, nodes: [Node]?, analysis: SparseLU.Analysis, estimateCondition: Bool)
        throws(SolveError)
    {
        self.nodes = nodes
        self.estimateCondition = estimateCondition
        do throws(SparseLUError) {
            lu = try SparseLU(columnValues: mt.values, analysis: analysis)
        } catch {
            throw Self.solveError(error, nodes: nodes, dimension: mt.rows)
        }
        // ‖M‖₁ is ‖Mᵀ‖∞, each column's sum taken in row order as `SparseMatrix.oneNorm` takes it.
        oneNorm = mt.infinityNorm
        reciprocalCondition = estimateCondition ? lu.reciprocalCondition() : 0
    }

    /// Refactors with a matrix of the same pattern (entries missing from `m` count as 0): the
    /// saved ordering and pivots are reused when stable (see `SparseLU.refactor(values:)`); a
    /// matrix with entries outside the pattern is analysed afresh.
    ///
    /// - Throws: as `init(matrix:)`; the previous factors are kept on a throw.
    public mutating func refactor(matrix m: SparseMatrix) throws(SolveError) {
        do {
            try lu.refactor(m)
        } catch {
            throw Self.solveError(error, nodes: nodes, dimension: m.rows)
        }
        oneNorm = m.oneNorm
        reciprocalCondition = estimateCondition ? lu.reciprocalCondition() : 0
    }

    /// Refactors `M = I − a` for new coefficients `a` (same pattern, see `refactor(matrix:)`).
    public mutating func refactor(coefficients a: SparseMatrix) throws(SolveError) {
        try refactor(matrix: Self.leontiefMatrix(a))
    }

    public func solve(_ columns: [[Double]], transposed: Bool) -> [[Double]] {
        guard !columns.isEmpty else { return [] }
        var block = Matrix(columns: columns)
        lu.solve(&block, transposed: transposed)
        return (0..<columns.count).map { block.column($0) }
    }

    /// Solves `M Y = C` (or `Mᵀ Y = C`) in place for every column of `block`.
    public func solve(_ block: inout Matrix, transposed: Bool) {
        lu.solve(&block, transposed: transposed)
    }

    /// `I − a` (an entry that cancels to exactly 0 is not stored; `refactor` reads entries
    /// missing from a matrix as 0, so the pattern of the first factorization still serves).
    static func leontiefMatrix(_ a: SparseMatrix) -> SparseMatrix {
        SparseMatrix.identity(minus: a)
    }

    static func solveError(_ error: SparseLUError, nodes: [Node]?, dimension: Int) -> SolveError {
        func node(_ column: Int?) -> Node? {
            guard let nodes, let column, column >= 0, column < nodes.count else { return nil }
            return nodes[column]
        }
        switch error {
        case .structurallySingular(let rank, let column):
            return .structurallySingular(node: node(column), rank: rank, dimension: dimension)
        case .singular(let column):
            return .singular(node: node(column), reciprocalCondition: 0)
        case .nonFiniteInput:
            return .nonFinite("a coefficient of the Leontief matrix is not finite")
        case .outOfMemory:
            return .solverNotApplicable(
                "the sparse LU factors of the \(dimension)-node system do not fit in memory; choose the krylov linear solver")
        case .tooLarge:
            return .solverNotApplicable(
                "the sparse LU factors of the \(dimension)-node system exceed 64-bit indexing; choose the krylov linear solver")
        }
    }
}
