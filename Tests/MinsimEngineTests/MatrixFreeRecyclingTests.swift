import Foundation
import LinearAlgebra
import Testing

@testable import MinsimEngine

/// The matrix-free Newton systems preconditioned by the products of earlier systems
/// (`MatrixFreeNewton.ProductRecord`, `RecordedInverse`): the direction still solves the Newton
/// system to the inexact-Newton tolerance, and with fewer products.
@Suite("Matrix-free Newton: earlier products as the preconditioner")
struct MatrixFreeRecyclingTests {
    typealias Phi = (value: [Double], da: [Double], db: [Double])

    /// `‖(D_a + D_b J)_WW d + Φ_W‖₂ / ‖Φ_W‖₂`, J d from a fresh product.
    static func relativeResidual(
        _ problem: inout YearClearingProblem, _ point: YearClearingProblem.Point, _ phi: Phi, _ rows: [Int], _ d: [Double]
    ) throws -> Double {
        var full = [Double](repeating: 0, count: phi.value.count)
        for (a, i) in rows.enumerated() { full[i] = d[a] }
        let jd = try problem.product(at: point, full).jv
        var r = 0.0, b = 0.0
        for (a, i) in rows.enumerated() {
            let e = phi.da[i] * d[a] + phi.db[i] * jd[i] + phi.value[i]
            r += e * e
            b += phi.value[i] * phi.value[i]
        }
        return (r / b).squareRoot()
    }

    /// At an interior point of each seeded network, then at the point half a Newton step on:
    /// the direction with the record (products of the systems before) and without (the
    /// diagonal preconditioner alone) both meet GMRES's stopping test `‖H d + Φ‖ ≤ η ‖Φ‖`,
    /// η = min(0.1, √‖Φ‖∞), recomputed here from a fresh product — so both are inexact Newton
    /// directions of the same quality (GMRES's own residual is the true one, so the bound holds
    /// to the product's rounding: the factor 1 + 1e-9 allows 1e-9 relative, far above ε times
    /// these 24-node sums and far below a wrong direction's O(1)). With the record the system
    /// at the same point needs fewer products (its right-hand side lies within η of the images
    /// already recorded). Half a step on, in the global phase, the stale record may cost a
    /// product more (5 against 4 on three of these systems): why the clearing uses it only in
    /// the local phase (`recordBelowForcing`).
    @Test("recorded products precondition the next Newton systems", arguments: [1, 7, 42] as [UInt64])
    func recordedDirection(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            var (problem, z, _, _) = try MatrixFreeProductTests.interior(seed: seed, feedback: feedback)
            var newton = MatrixFreeNewton(settings: MarketClearing().settings.solver)
            // Interior points are in the global phase (η = 0.1), where the clearing keeps the
            // diagonal alone: use the record at every forcing term here.
            newton.recordBelowForcing = .infinity
            let l = problem.lowerBounds, u = problem.upperBounds
            var record = MatrixFreeNewton.ProductRecord(limit: newton.recordedProducts)
            var at = z
            for stage in 0..<2 {
                let (f, point) = try problem.evaluate(at)
                let phi = ComplementaritySolver.reformulation(at, f, l, u)
                let rows = at.indices.filter { phi.db[$0] > 0 }
                let eta = min(0.1, Vector.maxNorm(phi.value).squareRoot())
                var plainRecord = MatrixFreeNewton.ProductRecord(limit: 0)
                var plainCounts = MatrixFreeNewton.Counts(), counts = MatrixFreeNewton.Counts()
                let plain = try #require(
                    try newton.newtonDirection(
                        &problem, at: point, phi: phi, rows: rows, record: &plainRecord, counts: &plainCounts))
                if stage == 0 {
                    // The record starts with this point's own system, solved once.
                    _ = try newton.newtonDirection(&problem, at: point, phi: phi, rows: rows, record: &record, counts: &counts)
                    #expect(record.count == counts.products)
                    counts = MatrixFreeNewton.Counts()
                }
                let recycled = try #require(
                    try newton.newtonDirection(&problem, at: point, phi: phi, rows: rows, record: &record, counts: &counts))
                let label = "seed \(seed) feedback \(feedback) stage \(stage)"
                #expect(try Self.relativeResidual(&problem, point, phi, rows, plain) <= eta * (1 + 1e-9), "\(label)")
                #expect(try Self.relativeResidual(&problem, point, phi, rows, recycled) <= eta * (1 + 1e-9), "\(label)")
                #expect(plainCounts.gmresFailures == 0 && counts.gmresFailures == 0, "\(label)")
                if stage == 0 {
                    #expect(
                        counts.products < plainCounts.products, "\(label): \(counts.products) against \(plainCounts.products)")
                }
                // Half a step on: the next system, with the record of this one.
                var d = [Double](repeating: 0, count: at.count)
                for (a, i) in rows.enumerated() { d[i] = recycled[a] }
                at = FischerBurmeister.projected(at.indices.map { at[$0] + 0.5 * d[$0] }, lower: l, upper: u)
            }
        }
    }
}
