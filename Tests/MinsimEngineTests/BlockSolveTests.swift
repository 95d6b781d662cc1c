import LinearAlgebra
import Testing

@testable import MinsimEngine

/// The clearing's Jacobian forms its columns as block solves into one matrix and factors its
/// systems on a kept analysis of their pattern (`LeontiefStructure`). Both only reorganise the
/// work: each column of a block solve goes through the same arithmetic as the array solve of
/// the same columns (the triangular sweep is interleaved per column either way; KLU and dgetrs
/// get the same block), and a kept analysis is the analysis the pattern would get afresh. So
/// every comparison here is exact (`==`), which is what keeps the shipped outputs
/// byte-identical.
@Suite("Block solves and the kept structure analysis")
struct BlockSolveTests {
    static let seeds: [UInt64] = [1, 7, 42]

    static func system(seed: UInt64, feedback: Double) throws -> LeontiefSystem {
        try SolverAgreementTests.baseSystem(SolverAgreementTests.network(seed: seed, feedback: feedback))
    }

    /// Five seeded right-hand sides of mixed sign, as columns of an N × 5 block.
    static func block(_ n: Int, seed: UInt64) -> [[Double]] {
        var rng = SeededGenerator(seed: seed &+ 5)
        return (0..<5).map { _ in (0..<n).map { _ in rng.uniform() - 0.3 } }
    }

    @Test("a block solve equals the array solve of the same columns exactly", arguments: seeds)
    func blockEqualsColumns(seed: UInt64) throws {
        for (feedback, choices) in [
            (0.0, [LinearSolverChoice.triangular, .dense, .automatic]), (0.05, [.sparse, .dense, .automatic]),
        ] {
            let system = try Self.system(seed: seed, feedback: feedback)
            let columns = Self.block(system.dimension, seed: seed)
            for choice in choices {
                let f = try LeontiefFactorizer(choice: choice).factor(system, withTariffs: true)
                for transposed in [false, true] {
                    let expected = f.solve(columns, transposed: transposed)
                    var block = Matrix(columns: columns)
                    f.solve(&block, transposed: transposed)
                    for c in columns.indices {
                        #expect(
                            block.column(c) == expected[c],
                            "seed \(seed) \(choice) feedback \(feedback) transposed \(transposed) column \(c)")
                    }
                }
            }
        }
    }

    /// A seeded network's base system, the same pattern with other values (every share
    /// scaled), then a pattern with one route fewer (its share 0: a route into a market that
    /// some node uses as an input, so that A loses entries).
    static func patterns(seed: UInt64, feedback: Double) throws -> [(label: String, system: LeontiefSystem)] {
        let base = try system(seed: seed, feedback: feedback)
        let c = base.calibration
        let scaled = LeontiefSystem(calibration: c, shares: base.shares.map { 0.9 * $0 }, tariffs: base.tariffs)
        var fewer = base.shares
        let dropped = try #require(
            fewer.indices.first { k in fewer[k] > 0 && c.consumption.contains { $0.market == c.routeMarket[k] } })
        fewer[dropped] = 0
        let thinner = LeontiefSystem(calibration: c, shares: fewer, tariffs: base.tariffs)
        return [("base", base), ("scaled", scaled), ("thinner", thinner)]
    }

    @Test("factoring on a kept analysis equals factoring afresh; a new pattern is analysed again", arguments: seeds)
    func keptStructure(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            let systems = try Self.patterns(seed: seed, feedback: feedback)
            var structure: LeontiefStructure?
            let factorizer = LeontiefFactorizer()
            let columns = Self.block(systems[0].system.dimension, seed: seed)
            for (label, system) in systems {
                let before = structure?.rows
                let kept = try factorizer.factor(system, withTariffs: true, estimateCondition: false, reusing: &structure)
                let fresh = try factorizer.factor(system, withTariffs: true, estimateCondition: false)
                #expect(kept.method == fresh.method, "seed \(seed) feedback \(feedback) \(label)")
                for transposed in [false, true] {
                    #expect(
                        kept.solve(columns, transposed: transposed) == fresh.solve(columns, transposed: transposed),
                        "seed \(seed) feedback \(feedback) \(label) transposed \(transposed)")
                }
                let pattern = try #require(system.coefficientColumns(withTariffs: true))
                #expect(
                    structure?.rows == pattern.rows, "seed \(seed) feedback \(feedback) \(label): structure not of this pattern")
                if label == "thinner" { #expect(structure?.rows != before, "a changed pattern kept the old analysis") }
            }
        }
    }
}
