import LinearAlgebra
import Testing

@testable import MinsimEngine

/// The clearing keeps its evaluations' analysed price pattern (`PatternMemo`) across their
/// fixed-point iterations and from one year to the next. The analysis depends on the pattern
/// only, so a factorization on the kept analysis is the one made afresh, decision included;
/// every comparison is exact (`==`), which is what keeps the shipped outputs byte-identical.
@Suite("The price pattern kept across evaluations and years")
struct PatternMemoTests {
    @Test("factoring on the memo equals factoring afresh, decision included", arguments: [1, 7, 42] as [UInt64])
    func sameFactors(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            let systems = try BlockSolveTests.patterns(seed: seed, feedback: feedback)
            let memo = PatternMemo(nil)
            let factorizer = LeontiefFactorizer()
            let columns = BlockSolveTests.block(systems[0].system.dimension, seed: seed)
            for (label, system) in systems + [("base again", systems[0].system)] {
                let before = memo.structure?.rows
                let kept = try factorizer.factorWithDecision(system, withTariffs: true, estimateCondition: true, memo: memo)
                let fresh = try factorizer.factorWithDecision(system, withTariffs: true, estimateCondition: true)
                let context = "seed \(seed) feedback \(feedback) \(label)"
                #expect(kept.decision == fresh.decision, "\(context)")
                #expect(kept.factorization.method == fresh.factorization.method, "\(context)")
                #expect(kept.factorization.reciprocalCondition == fresh.factorization.reciprocalCondition, "\(context)")
                for transposed in [false, true] {
                    #expect(
                        kept.factorization.solve(columns, transposed: transposed)
                            == fresh.factorization.solve(columns, transposed: transposed), "\(context) transposed \(transposed)")
                }
                let pattern = try #require(system.coefficientColumns(withTariffs: true))
                #expect(memo.structure?.rows == pattern.rows, "\(context): the memo is not of this pattern")
                if label == "scaled" { #expect(memo.structure?.rows == before, "the same pattern was analysed again") }
                if label == "thinner" { #expect(memo.structure?.rows != before, "a changed pattern kept the old analysis") }
            }
        }
    }

    /// The acyclic pattern's rows (`SparseRowPattern`, kept in `LeontiefStructure`) gather the matrix the
    /// transposition builds, entry for entry (`==` on indices and values), for every pattern of
    /// the seeded networks; columns that list a supplier twice are not canonical rows, so the pattern
    /// declines (nil) and the transposition, which sums them, is used.
    @Test("the kept CSR plan gathers the transposition's matrix exactly", arguments: [1, 7, 42] as [UInt64])
    func rowPattern(seed: UInt64) throws {
        for (label, system) in try BlockSolveTests.patterns(seed: seed, feedback: 0) {
            for tariffs in [false, true] {
                let columns = try #require(system.coefficientColumns(withTariffs: tariffs))
                let plan = SparseRowPattern(
                    dimension: columns.dimension, columnStart: columns.columnStart, rowIndices: columns.rows)
                let gathered = try #require(plan.matrix(values: columns.values))
                #expect(gathered == columns.matrix, "seed \(seed) \(label) tariffs \(tariffs)")
            }
        }
        // Column 0 lists row 1 twice (2 × 2): not canonical as rows.
        let twice = SparseRowPattern(dimension: 2, columnStart: [0, 2, 2], rowIndices: [1, 1])
        #expect(twice.matrix(values: [0.25, 0.5]) == nil)
    }

    @Test("a year warm-started with the year before's pattern clears exactly as without it", arguments: [3, 11] as [UInt64])
    func sameYear(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            let fixture = try ScarceNetwork(seed: seed, feedback: feedback)
            let clearing = MarketClearing()
            let first = try clearing.solve(
                fixture.calibration, conditions: fixture.conditions, demandElasticity: fixture.elasticity)
            #expect(first.certificate.certified)
            #expect(first.warmStart.pricePattern != nil, "the clearing handed on no pattern")
            var next = fixture.conditions
            for r in fixture.network.regionIndices {
                for q in fixture.network.productIndices { next.finalDemand[r, q] *= 1.05 }
            }
            var without = first.warmStart
            without.pricePattern = nil
            let kept = try clearing.solve(
                fixture.calibration, conditions: next, demandElasticity: fixture.elasticity, warmStart: first.warmStart)
            let fresh = try clearing.solve(
                fixture.calibration, conditions: next, demandElasticity: fixture.elasticity, warmStart: without)
            let context = "seed \(seed) feedback \(feedback)"
            #expect(kept.certificate.certified, "\(context)")
            #expect(kept.statistics == fresh.statistics, "\(context)")
            #expect(kept.solution.output == fresh.solution.output, "\(context)")
            #expect(kept.solution.prices == fresh.solution.prices, "\(context)")
            #expect(kept.scarcityRent == fresh.scarcityRent, "\(context)")
            #expect(kept.markets == fresh.markets, "\(context)")
            let (a, b) = (kept.solution.statistics, fresh.solution.statistics)
            #expect(a.linearSolverReason == b.linearSolverReason && a.linearSolver == b.linearSolver, "\(context)")
            #expect(
                a.priceReciprocalCondition == b.priceReciprocalCondition && a.factorizations == b.factorizations, "\(context)")
        }
    }
}
