import Testing

@testable import LinearAlgebra

/// `RecordedInverse.folding(diagonal:)` and `apply(_:)`: the preconditioner `S c + D⁻¹ (v − Y c)`
/// as `D⁻¹ v + Z c` with `Z = S − D⁻¹ Y` formed once. The two are the same terms summed in
/// another order, so they agree to rounding: 1e-12 of the entries' scale (unit-size S and Y,
/// D in [0.5, 2], c of order 1 for these well-conditioned 8 × 8 systems: ≈ 10 ε per entry).
@Suite("Recorded-pair inverse with the diagonal folded in")
struct RecordedInverseFoldingTests {
    @Test("apply equals the split with the diagonal applied to the remainder", arguments: [1, 2, 3] as [UInt64])
    func applyEqualsSplit(seed: UInt64) {
        var g = SparseMatrixTests.Generator(state: seed)
        let (_, s, y) = RecordedInverseTests.system(&g, rows: 8, pairs: 3)
        let inverse = RecordedInverse(directions: s, images: y, rankTolerance: 1e-6)
        let diagonal = (0..<8).map { _ in 0.5 + 1.5 * g.uniform() }
        let folded = inverse.folding(diagonal: diagonal)
        for _ in 0..<3 {
            let v = (0..<8).map { _ in 2 * g.uniform() - 1 }
            let (recorded, remainder) = inverse.split(v)
            let applied = folded.apply(v)
            for i in 0..<8 {
                #expect(abs(applied[i] - (recorded[i] + remainder[i] / diagonal[i])) <= 1e-12, "seed \(seed) row \(i)")
            }
        }
    }
}
