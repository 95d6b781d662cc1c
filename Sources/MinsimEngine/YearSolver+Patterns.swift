import LinearAlgebra

/// Where the market clearing keeps the analysed pattern of its evaluations' price systems
/// (`LeontiefStructure`: the substitution order of an acyclic network, or the sparse LU's
/// ordering of a cyclic one) across the fixed-point iterations of all its evaluations of a
/// year, handed on to the next year in `ClearingWarmStart`, so that the pattern is analysed
/// once while it stays instead of at every fresh factorization. A class: the complementarity
/// solver copies the problem around, and the copies share the memo.
final class PatternMemo {
    var structure: LeontiefStructure?
    init(_ structure: LeontiefStructure?) { self.structure = structure }
}

extension LeontiefFactorizer {
    /// `factorWithDecision(_:withTariffs:estimateCondition:)` on the memo's analysis
    /// (`factor(_:columns:withTariffs:estimateCondition:reusing:)`), analysing only a pattern that differs
    /// from it. The analysis depends on the pattern only, so the factors and the decision are
    /// those of the plain call bit for bit. Only `.automatic` on column-ordered, canonical
    /// coefficients with no stored zero (every calibrated network) uses the memo; anything else
    /// takes the plain path.
    func factorWithDecision(
        _ system: LeontiefSystem, withTariffs: Bool, estimateCondition: Bool, memo: PatternMemo
    ) throws(SolveError) -> (factorization: any LeontiefFactorization, decision: Decision?) {
        guard choice == .automatic, let columns = system.coefficientColumns(withTariffs: withTariffs),
            !columns.values.contains(0)
        else {
            return try factorWithDecision(system, withTariffs: withTariffs, estimateCondition: estimateCondition)
        }
        var structure = memo.structure
        let f = try factor(
            system, columns: columns, withTariffs: withTariffs, estimateCondition: estimateCondition, reusing: &structure)
        // A cyclic pattern without transposed columns went the plain way and left no analysis of
        // its own (never on a calibrated network): factor it the plain way, with its decision.
        guard let kept = structure, kept.matches(columns) else {
            return try factorWithDecision(system, withTariffs: withTariffs, estimateCondition: estimateCondition)
        }
        memo.structure = kept
        switch kept.outcome {
        case .acyclic(let levels): return (f, .triangular(levels: levels.levelCount))
        case .cyclic(let analysis): return (f, decide(analysis))
        }
    }
}
