import CSuiteSparse
import Foundation

/// Errors from the sparse LU. Shape mismatches are preconditions; these are the outcomes a
/// caller must handle.
public enum SparseLUError: Error, Sendable, Equatable {
    /// No permutation puts a nonzero on every diagonal entry: the matrix is singular whatever
    /// its values (structural rank `rank` < n, found by the BTF maximum transversal).
    /// `column` is a zero-based column of the matrix where elimination met the structural
    /// zero, when KLU located one.
    case structurallySingular(rank: Int, column: Int?)
    /// Elimination met an exactly zero pivot in `column` (zero-based, of the original matrix).
    case singular(column: Int)
    /// A value is NaN or ±Inf, so no factorization is attempted.
    case nonFiniteInput
    /// KLU could not allocate its factors.
    case outOfMemory
    /// An index or the size of the factors overflowed KLU's 64-bit integers.
    case tooLarge
}

/// A sparse LU factorization `P R M Q = L U` of a general square sparse matrix (SuiteSparse
/// KLU), kept so that one factorization serves every later solve in both directions and is
/// cheaply refactored when only the values change.
///
/// KLU first permutes M to block upper triangular form (BTF: a maximum transversal, then the
/// strongly connected components of the graph of M), orders each diagonal block with AMD to
/// limit fill, and factors only the diagonal blocks, with threshold partial pivoting and row
/// scaling `R`; off-diagonal blocks stay as they are. A supply network's `I − A` is exactly
/// the kind of matrix it was built for: most nodes sit outside any loop (1 × 1 blocks, no
/// fill) and the loops are small, sparse blocks.
/// ```
/// let lu = try SparseLU(factoring: m)                       // analyse + factor, once
/// let x  = lu.solve(c)                                      // M x = c
/// let y  = lu.solve(c, transposed: true)                    // Mᵀ y = c
/// var block = Matrix(columns: [c1, c2, c3])                 // many right-hand sides at once
/// lu.solve(&block, transposed: false)
/// try lu.refactor(values: newValues)                        // same pattern, new values
/// ```
/// No inverse is formed. Nothing here assumes anything of the signs or the sizes of the
/// values (no M-matrix or productivity assumption): any nonsingular square matrix factors.
///
/// Value semantics: copies share the ordering (read-only) and the factors until one of them
/// is refactored, which then factors into its own storage. Solves on one shared factorization
/// from several threads are serialised (KLU solves in a workspace inside the factors).
public struct SparseLU: Sendable {
    /// How the current factors were obtained.
    public enum Origin: String, Sendable, Equatable {
        /// Ordering analysed and values factored with pivoting (`klu_analyze` + `klu_factor`).
        case analyzed
        /// Values factored with pivoting on the saved ordering (`klu_factor`).
        case factored
        /// Values refactored on the saved ordering and pivot sequence (`klu_refactor`): no
        /// pivot search, no allocation.
        case refactored
    }

    /// Order n of the factored matrix.
    public var dimension: Int { symbolic.dimension }
    /// Stored entries of the factored matrix (its pattern, including entries refactored to 0).
    public var nonzeroCount: Int { symbolic.rowIndices.count }
    /// How the current factors were obtained.
    public private(set) var origin: Origin

    private let symbolic: KLUSymbolic
    private var numeric: KLUNumeric

    /// Factors already made (`SparseLU+Columns.swift`).
    init(symbolic: KLUSymbolic, numeric: KLUNumeric, origin: Origin) {
        self.symbolic = symbolic
        self.numeric = numeric
        self.origin = origin
    }

    /// Analyses and factors the square matrix `m`.
    ///
    /// - Throws: `.nonFiniteInput`, `.structurallySingular`, `.singular(column:)`,
    ///   `.outOfMemory`, `.tooLarge`.
    /// - Complexity: O(nonzeros) for the ordering analysis (BTF and AMD are near linear), then
    ///   the flops of the block LU factors, which depend on the fill (see `statistics`).
    public init(factoring m: SparseMatrix) throws(SparseLUError) {
        try self.init(factoring: m, analysis: Analysis(m))
    }

    /// Factors `m` on an ordering analysed before (`Analysis(_:)` of `m` or of a matrix with
    /// the same pattern), e.g. after reading its estimated cost.
    ///
    /// - Throws: as `init(factoring:)`.
    public init(factoring m: SparseMatrix, analysis: Analysis) throws(SparseLUError) {
        let symbolic = analysis.symbolic
        precondition(
            m.rows == symbolic.dimension && m.columns == symbolic.dimension,
            "a \(m.rows)×\(m.columns) matrix on the analysis of a \(symbolic.dimension)×\(symbolic.dimension) one")
        guard m.isFinite else { throw .nonFiniteInput }
        let values: [Double]
        if m.rowStart == symbolic.rowStart && m.columnIndices == symbolic.columnIndices {
            values = m.values
        } else if let scattered = symbolic.scatter(m) {
            values = scattered
        } else {
            preconditionFailure("the matrix has entries outside the analysed pattern")
        }
        let csc = Self.compressedColumns(values, symbolic: symbolic)
        self.symbolic = symbolic
        self.numeric = try KLUNumeric(symbolic: symbolic, values: csc)
        self.origin = .analyzed
    }

    /// The fill-reducing ordering of a pattern (`klu_analyze`: BTF, then AMD on each diagonal
    /// block), with KLU's estimate of what factoring will cost. Cheap (near O(nonzeros)) next
    /// to factoring; shared read-only by every factorization made from it.
    public struct Analysis: Sendable {
        let symbolic: KLUSymbolic

        /// Analyses the pattern of the square matrix `m` (its values are not read).
        /// A structurally singular pattern is analysed too (see `structuralRank`); factoring it
        /// throws `.structurallySingular`.
        ///
        /// - Throws: `.outOfMemory`, `.tooLarge`.
        public init(_ m: SparseMatrix) throws(SparseLUError) {
            precondition(m.rows == m.columns, "sparse LU needs a square matrix, got \(m.rows)×\(m.columns)")
            symbolic = try KLUSymbolic(pattern: m)
        }

        /// An ordering already analysed (`SparseLU+Columns.swift`).
        init(symbolic: KLUSymbolic) {
            self.symbolic = symbolic
        }

        /// Order n of the matrix.
        public var dimension: Int { symbolic.dimension }
        /// Diagonal blocks of the block triangular form (strongly connected components).
        public var blocks: Int { symbolic.blocks }
        /// Order of the largest diagonal block.
        public var largestBlock: Int { symbolic.largestBlock }
        /// Largest number of nonzeros that some permutation puts on the diagonal (BTF's
        /// maximum transversal); less than `dimension` means singular whatever the values.
        public var structuralRank: Int { symbolic.structuralRank }
        /// KLU's estimate of the factorization's flops on the diagonal blocks (from AMD's
        /// symbolic Cholesky of each block's symmetrised pattern; pivoting may change it).
        public var estimatedFlops: Double { symbolic.estimatedFlops }
        /// KLU's estimate of the nonzeros of L and U, diagonals included.
        public var estimatedFactorNonzeros: Double { symbolic.estimatedFactorNonzeros }
    }

    /// The pattern of the factored matrix, CSR: entry `k` of `refactor(values:)` belongs at row
    /// `i` with `rowStart[i] ≤ k < rowStart[i + 1]`, column `columnIndices[k]` — exactly the
    /// order of the `SparseMatrix` this was factored from.
    public var rowStart: [Int] { symbolic.rowStart }
    /// Columns of the pattern (see `rowStart`).
    public var columnIndices: [Int] { symbolic.columnIndices }

    // MARK: Solving

    /// Solves `M y = c` (or `Mᵀ y = c` when `transposed`) for one right-hand side.
    ///
    /// - Complexity: O(nonzeros of L + U + off-diagonal blocks).
    public func solve(_ c: [Double], transposed: Bool = false) -> [Double] {
        precondition(c.count == dimension, "right-hand side has \(c.count) entries, matrix is \(dimension)×\(dimension)")
        var y = c
        numeric.solve(&y, columns: 1, transposed: transposed, symbolic: symbolic)
        return y
    }

    /// Solves `M Y = C` (or `Mᵀ Y = C`) in place for every column of `block` at once.
    ///
    /// KLU carries up to four right-hand sides through each sweep over the factors, so a block
    /// costs less than the same columns solved one at a time.
    public func solve(_ block: inout Matrix, transposed: Bool = false) {
        precondition(block.rows == dimension, "right-hand sides have \(block.rows) rows, matrix is \(dimension)×\(dimension)")
        numeric.solve(&block.storage, columns: block.columns, transposed: transposed, symbolic: symbolic)
    }

    /// Solves in place for `columns` right-hand sides stored one after another (column-major,
    /// `b[j·n + i]` is entry i of right-hand side j).
    public func solve(_ b: inout [Double], columns: Int, transposed: Bool = false) {
        precondition(b.count == dimension * columns, "\(b.count) values are not \(columns) columns of \(dimension)")
        numeric.solve(&b, columns: columns, transposed: transposed, symbolic: symbolic)
    }

    // MARK: Refactoring

    /// Refactors with new values on the same pattern, in the order of `columnIndices` (CSR),
    /// zeros allowed.
    ///
    /// The saved pivot sequence is reused (`klu_refactor`: no pivot search, no allocation).
    /// Reusing pivots is only safe while they stay large, so the result is checked: when the
    /// refactor meets a zero pivot, or its reciprocal pivot growth `min_j max|M_j| / max|U_j|`
    /// falls below `pivotGrowthTolerance` times that of the last pivoting factorization, the
    /// values are factored again with pivoting on the saved ordering (`origin` tells which).
    ///
    /// - Throws: `.nonFiniteInput`, or `.singular(column:)` when the pivoting factorization
    ///   meets a zero pivot too. On a throw the previous factors are kept.
    public mutating func refactor(values: [Double]) throws(SparseLUError) {
        precondition(values.count == nonzeroCount, "\(values.count) values for a pattern of \(nonzeroCount) entries")
        guard values.allSatisfy({ $0.isFinite }) else { throw .nonFiniteInput }
        let csc = Self.compressedColumns(values, symbolic: symbolic)
        if isKnownUniquelyReferenced(&numeric), numeric.refactor(csc, symbolic: symbolic) {
            origin = .refactored
            return
        }
        numeric = try KLUNumeric(symbolic: symbolic, values: csc)
        origin = .factored
    }

    /// Refactors with the values of `m`. When every stored entry of `m` lies in the saved
    /// pattern (entries of the pattern absent from `m` count as 0), this is
    /// `refactor(values:)`; otherwise the pattern changed and `m` is analysed and factored afresh.
    ///
    /// - Throws: as `init(factoring:)`.
    public mutating func refactor(_ m: SparseMatrix) throws(SparseLUError) {
        precondition(
            m.rows == dimension && m.columns == dimension,
            "cannot refactor a \(dimension)×\(dimension) factorization with a \(m.rows)×\(m.columns) matrix")
        if m.rowStart == symbolic.rowStart && m.columnIndices == symbolic.columnIndices {
            try refactor(values: m.values)
            return
        }
        if let values = symbolic.scatter(m) {
            try refactor(values: values)
            return
        }
        self = try SparseLU(factoring: m)
    }

    /// CSR values in the CSC order KLU reads (`columnPosition` is a permutation of the offsets).
    private static func compressedColumns(_ values: [Double], symbolic: KLUSymbolic) -> [Double] {
        let columnPosition = symbolic.columnPosition
        precondition(values.count == columnPosition.count, "values do not match the pattern")
        return [Double](unsafeUninitializedCapacity: values.count) { csc, initialized in
            values.withUnsafeBufferPointer { v in
                columnPosition.withUnsafeBufferPointer { position in
                    for p in 0..<v.count { csc[position[p]] = v[p] }
                }
            }
            initialized = values.count
        }
    }

    /// A refactor whose reciprocal pivot growth falls below this fraction of the last pivoting
    /// factorization's is redone with pivoting. 1e-3 accepts up to a thousandfold extra growth
    /// (three digits of the 16, which one step of iterative refinement in the caller restores)
    /// and rejects the unbounded growth of a pivot that has become tiny.
    public static let pivotGrowthTolerance = 1e-3

    // MARK: Diagnostics

    /// Reciprocal 1-norm condition estimate `1 / (‖M‖₁ ‖M⁻¹‖₁)` (`klu_condest`: Hager–Higham
    /// with a few solves on the factors), in (0, 1].
    public func reciprocalCondition() -> Double {
        guard dimension > 0 else { return 1 }
        return numeric.reciprocalCondition(symbolic: symbolic)
    }

    /// Structure and fill of the factors.
    public struct Statistics: Sendable, Equatable {
        /// Diagonal blocks of the block triangular form (strongly connected components).
        public var blocks: Int
        /// Order of the largest diagonal block.
        public var largestBlock: Int
        /// Nonzeros of M.
        public var matrixNonzeros: Int
        /// Nonzeros of L and U in the diagonal blocks (diagonals counted once) plus the
        /// off-diagonal blocks kept as they are: what the solves read.
        public var factorNonzeros: Int
        /// Off-diagonal pivots chosen (0 when the diagonal served throughout).
        public var offDiagonalPivots: Int
        /// Floating-point operations of the last factorization.
        public var flops: Double
        /// `factorNonzeros / matrixNonzeros`.
        public var fill: Double { matrixNonzeros == 0 ? 1 : Double(factorNonzeros) / Double(matrixNonzeros) }
    }

    /// Structure and fill of the current factors.
    public var statistics: Statistics {
        var s = numeric.statistics(symbolic: symbolic)
        s.blocks = symbolic.blocks
        s.largestBlock = symbolic.largestBlock
        s.matrixNonzeros = nonzeroCount
        return s
    }
}
