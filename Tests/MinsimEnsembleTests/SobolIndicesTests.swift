import Foundation
import Testing

@testable import MinsimEnsemble

/// Sobol' indices of the Ishigami function against their analytic values.
///
/// `f(x) = sin x₁ + a sin² x₂ + b x₃⁴ sin x₁`, `x_i ~ U(−π, π)`, a = 7, b = 0.1 (Ishigami &
/// Homma 1990). Analytic variances (Sobol' & Levitan 1999; Saltelli et al. 2008, §4.7):
/// ```
/// V  = a²/8 + bπ⁴/5 + b²π⁸/18 + ½
/// V₁ = ½ (1 + bπ⁴/5)²,  V₂ = a²/8,  V₃ = 0,  V₁₃ = b²π⁸ (1/18 − 1/50)
/// S_i = V_i / V,  ST₁ = (V₁ + V₁₃)/V,  ST₂ = V₂/V,  ST₃ = V₁₃/V
/// ```
@Suite("Sobol' indices")
struct SobolIndicesTests {
    static let a = 7.0, b = 0.1

    static func ishigami(_ x: [Double]) -> Double {
        sin(x[0]) + a * pow(sin(x[1]), 2) + b * pow(x[2], 4) * sin(x[0])
    }

    static var analytic: (first: [Double], total: [Double]) {
        let pi4 = pow(Double.pi, 4), pi8 = pow(Double.pi, 8)
        let v = a * a / 8 + b * pi4 / 5 + b * b * pi8 / 18 + 0.5
        let v1 = 0.5 * pow(1 + b * pi4 / 5, 2), v2 = a * a / 8, v13 = b * b * pi8 * (1.0 / 18 - 1.0 / 50)
        return ([v1 / v, v2 / v, 0], [(v1 + v13) / v, v2 / v, v13 / v])
    }

    @Test("Ishigami: S1 and ST within 4 standard errors of the analytic indices (N = 4096)")
    func ishigamiIndices() throws {
        let n = 4096, d = 3
        let design = SamplingDesign(method: .sobol, dimension: d, baseCount: n, seed: 42)
        let outputs = (0..<design.runCount).map { i in Self.ishigami(design.point(i).unit.map { -Double.pi + 2 * Double.pi * $0 })
        }
        let x = try #require(SobolIndices.estimate(outputs: outputs, dimension: d, seed: 42))
        let truth = Self.analytic
        // Tolerance from the sample size: each estimator is a ratio whose numerator is the mean
        // of N summands (f_B (f_ABj − f_A) for S1, ½ (f_A − f_ABj)² for ST) over the variance V.
        // A randomised Sobol' design has at most the Monte Carlo variance, so the standard error
        // is at most sd(summand) / (V √N), with sd and V estimated from these same outputs; 4
        // standard errors leave a chance below 1e-4 of a false failure (normal approximation).
        let mean = outputs.reduce(0, +) / Double(outputs.count)
        let y = outputs.map { $0 - mean }
        func row(_ i: Int, _ k: Int) -> Double { y[i * (d + 2) + k] }
        let v = (0..<n).reduce(0.0) { $0 + row($1, 0) * row($1, 0) + row($1, d + 1) * row($1, d + 1) } / Double(2 * n)
        for j in 0..<d {
            let firstTerms = (0..<n).map { row($0, d + 1) * (row($0, j + 1) - row($0, 0)) }
            let totalTerms = (0..<n).map { 0.5 * pow(row($0, 0) - row($0, j + 1), 2) }
            let seFirst = SampleStatistics.standardDeviation(firstTerms) / (v * Double(n).squareRoot())
            let seTotal = SampleStatistics.standardDeviation(totalTerms) / (v * Double(n).squareRoot())
            #expect(
                abs(x.first[j] - truth.first[j]) <= 4 * seFirst,
                "S1[\(j)] = \(x.first[j]), analytic \(truth.first[j]), se \(seFirst)")
            #expect(
                abs(x.total[j] - truth.total[j]) <= 4 * seTotal,
                "ST[\(j)] = \(x.total[j]), analytic \(truth.total[j]), se \(seTotal)")
            // The bootstrap interval (1.96 standard errors) is of the size the CLT gives: within a
            // factor 3 of 1.96 se either way (a loose check that it is computed, scaled and not 0).
            #expect(x.firstConfidence[j] > 1.96 * seFirst / 3 && x.firstConfidence[j] < 3 * 1.96 * seFirst, "S1_conf[\(j)]")
            #expect(x.totalConfidence[j] > 1.96 * seTotal / 3 && x.totalConfidence[j] < 3 * 1.96 * seTotal, "ST_conf[\(j)]")
        }
        // The standard errors at this N are small enough to make the check meaningful.
        #expect(abs(x.first[1] - truth.first[1]) < 0.05 && abs(x.total[2] - truth.total[2]) < 0.05)
    }

    @Test("an output without variance has no indices; the design's order is A, AB_1 … AB_D, B")
    func constantAndOrder() throws {
        #expect(SobolIndices.estimate(outputs: Array(repeating: 3, count: 40), dimension: 3, seed: 1) == nil)
        let design = SamplingDesign(method: .sobol, dimension: 3, baseCount: 4, seed: 7)
        #expect(design.runCount == 20)
        let a = design.point(5), ab2 = design.point(7), b = design.point(9)
        #expect(a.block == .a && ab2.block == .ab(1) && b.block == .b && a.base == 1)
        #expect(ab2.unit[0] == a.unit[0] && ab2.unit[1] == b.unit[1] && ab2.unit[2] == a.unit[2])
    }

    /// f linear in x_j: S_j = ST_j = c_j² Var(x_j) / Σ c_k² Var(x_k). With c = (1, 2, 0) on U(0, 1):
    /// S = (0.2, 0.8, 0) exactly; the estimators are exact for additive f up to sampling error.
    @Test("linear function: S1 = ST = c_j² / Σ c_k², within 0.02 at N = 1024")
    func linear() throws {
        let design = SamplingDesign(method: .sobol, dimension: 3, baseCount: 1024, seed: 3)
        let outputs = (0..<design.runCount).map { i -> Double in
            let u = design.point(i).unit
            return u[0] + 2 * u[1]
        }
        let x = try #require(SobolIndices.estimate(outputs: outputs, dimension: 3, seed: 3))
        // Tolerance: for additive f, ST_j's summand is ½ c_j² (Δx_j)², whose sd / V at N = 1024 is
        // about 0.01; 0.02 is two standard errors of the worst of the six estimates.
        for (j, s) in [0.2, 0.8, 0.0].enumerated() {
            #expect(abs(x.first[j] - s) <= 0.02, "S1[\(j)] = \(x.first[j])")
            #expect(abs(x.total[j] - s) <= 0.02, "ST[\(j)] = \(x.total[j])")
        }
        #expect(x.total[2] == 0 && x.first[2] == 0)
    }
}
