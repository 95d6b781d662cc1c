import LinearAlgebra

/// What `.automatic` read off one pattern of coefficients (the substitution order of an
/// acyclic network, or the sparse LU's ordering of a cyclic one), kept so that the next
/// system with the same pattern skips the analysis: the Newton clearing factors `I − Gᵀ` and
/// `I − A` of the same pattern at every Jacobian of a year.
///
/// Both analyses depend on the pattern only (positions of the nonzero coefficients), so a
/// matrix of the same pattern gets the same order or ordering it would get afresh, and the
/// same factors bit for bit.
struct LeontiefStructure: Sendable {
    /// The pattern analysed: A's compressed columns (`CoefficientColumns`), every value nonzero.
    let columnStart: [Int]
    let rows: [Int]
    let outcome: Outcome
    /// For an acyclic pattern, A's rows (`SparseRowPattern`), made at the analysis: the
    /// substitution's matrix for every later system of the pattern is one gather of the column
    /// values instead of a transposition (≈ 4.5 % of a binding 10,000-node cleared year's
    /// instructions), bit for bit the same matrix.
    var rowPattern: SparseRowPattern? = nil

    enum Outcome: Sendable {
        case acyclic(SubstitutionOrder)
        /// The sparse LU's analysis of `(I − A)ᵀ` read as M's compressed columns.
        case cyclic(SparseLU.Analysis)
    }

    /// True when `columns` has exactly this pattern (and no stored zero, which the analyses
    /// would skip).
    func matches(_ columns: CoefficientColumns) -> Bool {
        columns.columnStart == columnStart && columns.rows == rows && !columns.values.contains(0)
    }
}

extension LeontiefFactorizer {
    /// `factor(_:withTariffs:estimateCondition:)`, analysing the pattern only when it differs
    /// from `structure`'s (which is then replaced). Only `.automatic` on column-ordered,
    /// canonical coefficients (every calibrated network) uses `structure`; anything else takes
    /// the plain path.
    func factor(
        _ system: LeontiefSystem, withTariffs: Bool, estimateCondition: Bool, reusing structure: inout LeontiefStructure?
    ) throws(SolveError) -> any LeontiefFactorization {
        guard choice == .automatic, let columns = system.coefficientColumns(withTariffs: withTariffs),
            !columns.values.contains(0)
        else {
            return try factor(system, withTariffs: withTariffs, estimateCondition: estimateCondition)
        }
        return try factor(
            system, columns: columns, withTariffs: withTariffs, estimateCondition: estimateCondition, reusing: &structure)
    }

    /// The same with `system`'s canonical columns (no stored zero) in hand, for `.automatic`.
    func factor(
        _ system: LeontiefSystem, columns: CoefficientColumns, withTariffs: Bool, estimateCondition: Bool,
        reusing structure: inout LeontiefStructure?
    ) throws(SolveError) -> any LeontiefFactorization {
        let nodes = system.calibration.activeNodes
        if structure.map({ !$0.matches(columns) }) ?? true {
            let outcome: LeontiefStructure.Outcome
            switch SubstitutionOrder.analyse(columns) {
            case .acyclic(let levels):
                outcome = .acyclic(levels)
            case .cyclic:
                guard let at = columns.transposedMatrix else {
                    return try factor(system, withTariffs: withTariffs, estimateCondition: estimateCondition)
                }
                let mt = SparseMatrix.identity(minus: at)
                outcome = .cyclic(
                    try Self.analysis(nodes: nodes) { () throws(SparseLUError) in
                        try SparseLU.Analysis(dimension: mt.rows, columnStart: mt.rowStart, rowIndices: mt.columnIndices)
                    })
            }
            var made = LeontiefStructure(columnStart: columns.columnStart, rows: columns.rows, outcome: outcome)
            if case .acyclic = outcome {
                made.rowPattern = SparseRowPattern(
                    dimension: columns.dimension, columnStart: columns.columnStart, rowIndices: columns.rows)
            }
            structure = made
        }
        switch structure?.outcome {
        case .acyclic(let levels):
            let a = structure?.rowPattern?.matrix(values: columns.values) ?? columns.matrix
            return try TriangularLeontiefFactorization(
                coefficients: a, levels: levels, nodes: nodes, estimateCondition: estimateCondition)
        case .cyclic(let analysis):
            guard let at = columns.transposedMatrix else {
                return try factor(system, withTariffs: withTariffs, estimateCondition: estimateCondition)
            }
            let mt = SparseMatrix.identity(minus: at)
            return try withLoops(system, withTariffs: withTariffs, estimateCondition: estimateCondition, analysis: analysis) {
                () throws(SolveError) in
                try SparseLeontiefFactorization(
                    transposedMatrix: mt, nodes: nodes, analysis: analysis, estimateCondition: estimateCondition)
            }.factorization
        case nil:
            return try factor(system, withTariffs: withTariffs, estimateCondition: estimateCondition)
        }
    }
}
