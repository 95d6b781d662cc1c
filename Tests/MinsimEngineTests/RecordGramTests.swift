import LinearAlgebra
import Testing

@testable import MinsimEngine

/// The record's preconditioner with its images and Gram matrix kept from one Newton system to
/// the next (`MatrixFreeNewton.ProductRecord.inverse(…coefficientTolerance:refreshEvery:)`,
/// `RecordGram`) against the one formed afresh (`inverse(rows:da:db:unknowns:rankTolerance:)`):
/// with no coefficient left behind (tolerance 0) both are the same projection after pairs were
/// added and dropped (first in, first out), rows entered and left the system and coefficients
/// moved; with a tolerance, a row whose coefficients moved less keeps its old images, so the
/// kept one equals the fresh one made with that row's old coefficients.
///
/// Compared through `split(_:)` at 1e-9: 10 random pairs over ≤ 24 rows give images of κ ≲ 1e2,
/// so the normal equations' coefficients carry ≈ ε κ² ≈ 1e-12 of rounding, and the kept Gram
/// matrix's updates (≤ 4 systems of rank-one updates over unit-size rows) add ≈ 1e-14; a row
/// left out, a stale row, or a pair in the wrong column shows at O(0.1).
@Suite("Matrix-free Newton: the record's Gram matrix kept across systems")
struct RecordGramTests {
    static let unknowns = 30

    static func appendPairs(
        _ record: inout MatrixFreeNewton.ProductRecord, _ count: Int, rows: [Int], _ rng: inout SeededGenerator
    ) {
        for _ in 0..<count {
            let values = rows.map { _ in 2 * rng.uniform() - 1 }
            let image = (0..<unknowns).map { _ in 2 * rng.uniform() - 1 }
            record.append(rows: rows, values: values, image: image)
        }
    }

    static func expectSame(
        _ kept: RecordedInverse?, _ fresh: RecordedInverse?, rows: Int, _ rng: inout SeededGenerator, _ label: String
    ) {
        guard let kept, let fresh else {
            Issue.record("\(label): an inverse is missing")
            return
        }
        #expect(kept.rank == fresh.rank, "\(label): rank")
        for trial in 0..<3 {
            let v = (0..<rows).map { _ in 2 * rng.uniform() - 1 }
            let (a, b) = (kept.split(v), fresh.split(v))
            for i in 0..<rows {
                #expect(abs(a.recorded[i] - b.recorded[i]) <= 1e-9, "\(label), trial \(trial): recorded part, row \(i)")
                #expect(abs(a.remainder[i] - b.remainder[i]) <= 1e-9, "\(label), trial \(trial): remainder, row \(i)")
            }
        }
    }

    /// The kept inverse (`coefficientTolerance`, `refreshEvery`) on `rows` with `da`, `db`, and
    /// the one formed afresh with `db` replaced by `freshDB` (default: the same), compared.
    static func expectKeptEqualsFresh(
        _ record: inout MatrixFreeNewton.ProductRecord, rows: [Int], da: [Double], db: [Double], freshDB: [Double]? = nil,
        tolerance: Double, refreshEvery: Int = 100, _ rng: inout SeededGenerator, _ label: String
    ) {
        let kept = record.inverse(
            rows: rows, da: da, db: db, unknowns: unknowns, rankTolerance: 1e-6, coefficientTolerance: tolerance,
            refreshEvery: refreshEvery)
        let fresh = record.inverse(rows: rows, da: da, db: freshDB ?? db, unknowns: unknowns, rankTolerance: 1e-6)
        expectSame(kept, fresh, rows: rows.count, &rng, label)
    }

    @Test(
        "kept equals formed afresh through added and dropped pairs, moved rows and coefficients",
        arguments: [1, 2, 3] as [UInt64])
    func keptEqualsFresh(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var record = MatrixFreeNewton.ProductRecord(limit: 10)
        var da = (0..<Self.unknowns).map { _ in rng.uniform() }
        var db = (0..<Self.unknowns).map { _ in 0.5 + rng.uniform() }
        let first = Array(0..<20)
        Self.appendPairs(&record, 6, rows: first, &rng)
        // The first system: a fresh Gram matrix.
        Self.expectKeptEqualsFresh(&record, rows: first, da: da, db: db, tolerance: 0, &rng, "first system")
        // Later systems: six more pairs (two of the first six dropped), rows in and out, coefficients moved.
        var rows = first
        for round in 0..<3 {
            Self.appendPairs(&record, 2, rows: rows, &rng)
            rows = rows.filter { $0 % 7 != round } + [20 + 2 * round, 21 + 2 * round]
            for i in stride(from: round, to: Self.unknowns, by: 4) {
                da[i] = rng.uniform()
                db[i] = 0.5 + rng.uniform()
            }
            Self.expectKeptEqualsFresh(&record, rows: rows, da: da, db: db, tolerance: 0, &rng, "round \(round)")
        }
        #expect(record.count == 10)
    }

    @Test("a row whose coefficients moved less than the tolerance keeps its images")
    func staleRowKept() {
        var rng = SeededGenerator(seed: 7)
        var record = MatrixFreeNewton.ProductRecord(limit: 8)
        let rows = Array(0..<16)
        Self.appendPairs(&record, 5, rows: rows, &rng)
        let da = (0..<Self.unknowns).map { _ in rng.uniform() }
        let db = (0..<Self.unknowns).map { _ in 0.5 + rng.uniform() }
        _ = record.inverse(
            rows: rows, da: da, db: db, unknowns: Self.unknowns, rankTolerance: 1e-6, coefficientTolerance: 0.1, refreshEvery: 100
        )
        // Row 3 moves by 0.05 (kept), row 9 by 0.5 (made again).
        var moved = db
        moved[3] += 0.05
        moved[9] += 0.5
        var old = moved
        old[3] = db[3]
        Self.expectKeptEqualsFresh(&record, rows: rows, da: da, db: moved, freshDB: old, tolerance: 0.1, &rng, "stale row 3")
        // The same call with the refresh due forms everything afresh from the new coefficients.
        Self.expectKeptEqualsFresh(&record, rows: rows, da: da, db: moved, tolerance: 0.1, refreshEvery: 1, &rng, "refreshed")
    }
}
