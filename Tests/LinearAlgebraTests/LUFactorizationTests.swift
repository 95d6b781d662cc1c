import Foundation
import Testing

@testable import LinearAlgebra

/// Relative difference `|a − b| / max(|a|, |b|, tiny)`.
func relativeError(_ a: Double, _ b: Double) -> Double {
    abs(a - b) / max(abs(a), abs(b), .leastNormalMagnitude)
}

@Suite("LU factorization on OpenBLAS/LAPACK")
struct LUFactorizationTests {
    /// Miller, R. E. & Blair, P. D. (2009), *Input–Output Analysis: Foundations and Extensions*,
    /// 2nd ed., Cambridge University Press, §2.3, the two-sector example (Tables 2.3–2.4):
    /// Z = [[150, 500], [200, 100]], x = (1000, 2000), so A = Z·diag(x)⁻¹ = [[0.15, 0.25], [0.20, 0.05]].
    /// With f = (350, 1700) the base output x = (1000, 2000) is recovered; with the book's new
    /// final demand f = (600, 1500) it gives x = (1247.52, 1841.58).
    /// Exact values by hand: det(I − A) = 0.85·0.95 − 0.25·0.20 = 0.7575,
    /// x₁ = (0.95·600 + 0.25·1500)/0.7575 = 945/0.7575, x₂ = (0.20·600 + 0.85·1500)/0.7575 = 1395/0.7575.
    @Test("Miller & Blair two-sector example, (I − A) x = f")
    func millerBlair() throws {
        let a = Matrix(rowsOf: [[0.15, 0.25], [0.20, 0.05]])
        var m = Matrix.identity(2)
        for i in 0..<2 { for j in 0..<2 { m[i, j] -= a[i, j] } }
        let lu = try LUFactorization(factoring: m)
        // Both right-hand sides in one dgetrs call.
        let x = lu.solve(Matrix(columns: [[350, 1700], [600, 1500]]))
        // Tolerance: the 2×2 system has condition ≈ 2.2, so the solve is exact to a few ulps;
        // 1e-13 relative leaves margin for the decimal inputs (0.15 etc. are not exact binaries).
        #expect(relativeError(x[0, 0], 1000) < 1e-13)
        #expect(relativeError(x[1, 0], 2000) < 1e-13)
        #expect(relativeError(x[0, 1], 945 / 0.7575) < 1e-13)
        #expect(relativeError(x[1, 1], 1395 / 0.7575) < 1e-13)
        // The book's rounded figures.
        #expect(abs(x[0, 1] - 1247.52) < 0.005)
        #expect(abs(x[1, 1] - 1841.58) < 0.005)
        // The price (dual) side from the same factors: (I − A)ᵀ p = v with v = value added per
        // unit of output from the book's table: v = (1 − 0.15 − 0.20, 1 − 0.25 − 0.05) = (0.65, 0.70)
        // gives unit prices p = (1, 1).
        let p = lu.solve([0.65, 0.70], transposed: true)
        #expect(relativeError(p[0], 1) < 1e-13)
        #expect(relativeError(p[1], 1) < 1e-13)
        // Condition estimate: ‖I − A‖₁ = max column sum = max(0.85 + 0.20, 0.25 + 0.95) = 1.2,
        // ‖(I − A)⁻¹‖₁ = max(0.95 + 0.20, 0.25 + 0.85)/0.7575 = 1.15/0.7575, so
        // rcond = 0.7575/(1.2·1.15) = 0.54891…; dgecon's estimate of ‖M⁻¹‖₁ is exact for 2×2.
        #expect(relativeError(lu.reciprocalCondition(), 0.7575 / (1.2 * 1.15)) < 1e-12)
    }

    @Test("transposed solve from the same factors equals a direct solve of the transpose")
    func transposeAgreement() throws {
        // Deterministic pseudo-random entries in [−0.5, 0.5] (no seed needed: sin is fixed).
        let n = 40
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { for j in 0..<n { m[i, j] = 0.5 * sin(Double(7 * i + 13 * j + 1)) }; m[i, i] += Double(n) }
        let c = (0..<n).map { 0.5 + 0.5 * cos(Double($0)) }
        let viaT = try LUFactorization(factoring: m).solve(c, transposed: true)
        let direct = try LUFactorization(factoring: m.transposed).solve(c)
        // The matrix is strongly diagonally dominant (cond ≈ 1–2), so both solves are accurate
        // to a few ulps; 1e-13 relative is 500 ulps of slack.
        for i in 0..<n { #expect(relativeError(viaT[i], direct[i]) < 1e-13, "entry \(i)") }
    }

    @Test("an exactly singular matrix throws .singular with the zero pivot")
    func singular() {
        let m = Matrix(rowsOf: [[1, 2], [2, 4]])
        #expect(throws: LinearAlgebraError.singular(pivot: 1)) { try LUFactorization(factoring: m) }
        let zero = Matrix(rows: 3, columns: 3)
        #expect(throws: LinearAlgebraError.singular(pivot: 0)) { try LUFactorization(factoring: zero) }
    }

    @Test("NaN input is refused before LAPACK sees it")
    func nonFinite() {
        var m = Matrix.identity(2)
        m[0, 1] = .nan
        #expect(throws: LinearAlgebraError.nonFiniteInput) { try LUFactorization(factoring: m) }
    }

    @Test("dgemv and dgemm agree with hand products")
    func products() {
        let a = Matrix(rowsOf: [[1, 2, 3], [4, 5, 6]])
        #expect(a.multiply([1, 0, -1]) == [-2, -2])
        #expect(a.multiply([1, 1], transposed: true) == [5, 7, 9])
        let b = Matrix(rowsOf: [[1, 0], [0, 1], [1, 1]])
        #expect(a.multiply(b) == Matrix(rowsOf: [[4, 5], [10, 11]]))
    }

    @Test("OpenBLAS thread count can be pinned")
    func threads() {
        BLASRuntime.setThreadCount(1)
        #expect(BLASRuntime.threadCount == 1)
        #expect(BLASRuntime.libraryDescription.contains("OpenBLAS"))
    }
}
