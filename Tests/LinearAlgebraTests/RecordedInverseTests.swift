import Testing

@testable import LinearAlgebra

/// `RecordedInverse`: an inverse of M exact on the span of recorded images `Y = M S`, the
/// identity's remainder elsewhere.
///
/// Tolerance 1e-10: the coefficients come from the normal equations `YᵀY c = Yᵀr` (a pivoted
/// Cholesky of the Gram matrix), whose error is ≈ ε κ(Y)² of the unit-size entries; the random
/// images of a well-conditioned 8 × 8 matrix have κ(Y) below 100, so ≈ 1e-12, a hundredfold
/// below the tolerance; a wrong pivot, transposition or column shows at O(1). Rank tolerance
/// 1e-6 as in the clearing: a dependent image's Cholesky pivot is at rounding level, ≈ ε of
/// G's largest diagonal, i.e. 1e-8 in R's terms, below it.
@Suite("Recorded-pair inverse (deflation preconditioner)")
struct RecordedInverseTests {
    typealias Generator = SparseMatrixTests.Generator

    static func system(_ g: inout Generator, rows n: Int, pairs k: Int) -> (m: Matrix, s: Matrix, y: Matrix) {
        let m = PrincipalBlockSolverTests.random(n, &g)
        var s = Matrix(rows: n, columns: k)
        for j in 0..<k { for i in 0..<n { s[i, j] = 2 * g.uniform() - 1 } }
        return (m, s, m.multiply(s))
    }

    @Test("exact on the images' span, the remainder orthogonal to it", arguments: [1, 2, 3] as [UInt64])
    func exactOnSpan(seed: UInt64) {
        var g = Generator(state: seed)
        let (m, s, y) = Self.system(&g, rows: 8, pairs: 3)
        let inverse = RecordedInverse(directions: s, images: y, rankTolerance: 1e-6)
        #expect(inverse.rank == 3)
        // r = Y c: M P⁻¹ r = M (Z Qᵀ r) = r, nothing left over.
        let c = [0.7, -1.3, 0.4]
        let r = y.multiply(c)
        let (recorded, remainder) = inverse.split(r)
        let back = m.multiply(recorded)
        for i in 0..<8 {
            #expect(abs(back[i] - r[i]) <= 1e-10, "row \(i)")
            #expect(abs(remainder[i]) <= 1e-10, "row \(i)")
        }
        // The recorded part recovers S c itself (Y has full column rank).
        let sc = s.multiply(c)
        for i in 0..<8 { #expect(abs(recorded[i] - sc[i]) <= 1e-10) }
        // A vector orthogonal to the images (w minus its least-squares projection on Y's span):
        // no recorded part, all remainder.
        var w = (0..<8).map { _ in 2 * g.uniform() - 1 }
        let coefficients = LeastSquares.solve(y, w) ?? []
        let inSpan = y.multiply(coefficients)
        for i in 0..<8 { w[i] -= inSpan[i] }
        let (none, all) = inverse.split(w)
        for i in 0..<8 {
            #expect(abs(none[i]) <= 1e-10)
            #expect(abs(all[i] - w[i]) <= 1e-10)
        }
    }

    /// A pair whose image repeats a combination of the others adds nothing: the pivoted
    /// Cholesky ranks it last with a pivot at rounding level, and it is dropped — kept, its
    /// R_kk⁻¹ ≈ 1e8 would flood the coefficients.
    @Test("drops dependent pairs")
    func dropsDependentPairs() {
        var g = Generator(state: 9)
        let (m, s3, _) = Self.system(&g, rows: 8, pairs: 3)
        var s = Matrix(rows: 8, columns: 4)
        for i in 0..<8 {
            for j in 0..<3 { s[i, j] = s3[i, j] }
            s[i, 3] = s3[i, 0] - 2 * s3[i, 2]
        }
        let y = m.multiply(s)
        let inverse = RecordedInverse(directions: s, images: y, rankTolerance: 1e-6)
        #expect(inverse.rank == 3)
        let r = y.multiply([0.5, 0.25, -1, 0])
        let back = m.multiply(inverse.split(r).recorded)
        for i in 0..<8 { #expect(abs(back[i] - r[i]) <= 1e-10) }
        #expect(
            RecordedInverse(directions: Matrix(rows: 8, columns: 0), images: Matrix(rows: 8, columns: 0), rankTolerance: 1e-6)
                .rank == 0)
    }
}
