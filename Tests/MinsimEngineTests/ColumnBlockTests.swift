import Foundation
import LinearAlgebra
import Testing

@testable import MinsimEngine

/// Large networks form the Jacobian's rent columns a block at a time (`rentBlock`): the same
/// sums in the same order per column as the column-at-a-time loops, so the Jacobians must be
/// equal exactly (`==`), not only to a tolerance — which is what keeps a 10,000-node cleared
/// year on the same Newton path.
@Suite("Jacobian rent columns a block at a time")
struct ColumnBlockTests {
    @Test("block loops give the column loops' Jacobian exactly", arguments: [1, 7, 42] as [UInt64])
    func blockEqualsColumns(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            let fixture = try ScarceNetwork(seed: seed, feedback: feedback)
            var (problem, start, _) = try MarketClearing().makeProblem(
                fixture.calibration, conditions: fixture.conditions, demandElasticity: fixture.elasticity, warmStart: nil)
            // Rents 0.1–0.5 of base price and unserved shares 0.1–0.4: every route moves.
            var z = start
            var rng = SeededGenerator(seed: seed)
            for i in z.indices { z[i] = i >= problem.marketOffset ? 0.1 + 0.3 * rng.uniform() : 0.1 + 0.4 * rng.uniform() }
            let (_, point) = try problem.evaluate(z)
            let all = Array(z.indices)
            // Columns out of order and rows a subset, as the Newton subproblem asks for them.
            let columns = all.reversed().filter { $0 % 3 != 1 }
            let rows = all.filter { $0 % 4 != 2 }
            let looped = try problem.jacobian(at: point, rows: rows, columns: columns, blocked: false)
            let blocked = try problem.jacobian(at: point, rows: rows, columns: columns, blocked: true)
            #expect(columns.contains { $0 < problem.marketOffset } && columns.contains { $0 >= problem.marketOffset })
            for b in columns.indices {
                #expect(blocked.column(b) == looped.column(b), "seed \(seed) feedback \(feedback) column \(columns[b])")
            }
        }
    }
}
