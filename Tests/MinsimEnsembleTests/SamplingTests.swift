import Foundation
import Testing

@testable import MinsimEnsemble

@Suite("Sampling designs, distributions and quantiles")
struct SamplingTests {
    /// Reference points recorded from SciPy 1.17.1, `scipy.stats.qmc.Sobol(d, scramble=False)
    /// .random(n)`, times 8 (d = 4) and times 16 (dimensions 5, 100 and 1023 of d = 1024):
    /// integers, so the comparison is exact.
    @Test("unshifted Sobol' points equal SciPy's (Joe–Kuo directions)")
    func sobolMatchesSciPy() {
        let four = SobolSequence(dimension: 4)
        let expected: [[Double]] = [
            [0, 0, 0, 0], [4, 4, 4, 4], [6, 2, 2, 2], [2, 6, 6, 6], [3, 3, 5, 7], [7, 7, 1, 3], [5, 1, 7, 5], [1, 5, 3, 1],
        ]
        for (i, row) in expected.enumerated() { #expect(four.point(at: UInt32(i)).map { $0 * 8 } == row, "point \(i)") }
        let wide = SobolSequence(dimension: 1024)
        let columns: [[Double]] = [
            [0, 0, 0], [8, 8, 8], [12, 4, 12], [4, 12, 4], [2, 10, 14], [10, 2, 6], [14, 14, 2], [6, 6, 10],
            [5, 1, 1], [13, 9, 9], [9, 5, 13], [1, 13, 5], [7, 11, 15], [15, 3, 7], [11, 15, 3], [3, 7, 11],
        ]
        for (i, row) in columns.enumerated() {
            let p = wide.point(at: UInt32(i))
            #expect([p[5], p[100], p[1023]].map { $0 * 16 } == row, "point \(i)")
        }
    }

    @Test("exact quantiles of a known sample (linear interpolation, NumPy's default)")
    func quantiles() {
        // 1 … 10: h = 9p; p5 → 1 + 0.45, p25 → 3 + 0.25, p50 → 5.5, p75 → 7.75, p95 → 9.55.
        let sorted = (1...10).map(Double.init)
        let expected = [(0.05, 1.45), (0.25, 3.25), (0.5, 5.5), (0.75, 7.75), (0.95, 9.55), (0, 1), (1, 10)]
        for (p, q) in expected {
            let got = SampleStatistics.quantile(sorted: sorted, p) ?? .nan
            // Tolerance 4 ulps of 10: one multiply and one add.
            #expect(abs(got - q) <= 4 * 10.ulp, "Q(\(p)) = \(got), expected \(q)")
        }
        #expect(SampleStatistics.quantile(sorted: [], 0.5) == nil)
        #expect(SampleStatistics.quantile(sorted: [4], 0.95) == 4)
        #expect(SampleStatistics.standardDeviation([2, 4, 4, 4, 5, 5, 7, 9]) == (32.0 / 7).squareRoot())
    }

    @Test("distributions: quantiles at hand-derived points, truncation respected")
    func distributions() {
        #expect(InputDistribution.uniform(lower: 2, upper: 6).quantile(0.25) == 3)
        // Triangular(0, 1, 4): F(1) = 1/4; Q(1/8) = √(4·1·1/8) = √0.5; Q(0.75) = 4 − √(4·3·0.25) = 4 − √3.
        let tri = InputDistribution.triangular(lower: 0, mode: 1, upper: 4)
        #expect(abs(tri.quantile(0.125) - 0.5.squareRoot()) < 1e-15)
        #expect(abs(tri.quantile(0.75) - (4 - 3.0.squareRoot())) < 1e-15)
        // Φ⁻¹(0.975) = 1.959963984540054 (Abramowitz & Stegun 26.2; AS 241 relative error ~1e-16).
        #expect(abs(StandardNormal.quantile(0.975) - 1.959963984540054) < 1e-14)
        #expect(abs(StandardNormal.quantile(1e-10) + 6.361340902404056) < 1e-12)
        let normal = InputDistribution.normal(mean: 10, standardDeviation: 2, lower: 9, upper: nil)
        #expect(normal.quantile(0.000001) >= 9 && normal.quantile(0) == 9)
        // The median of a normal truncated at its mean from below is mean + σ Φ⁻¹(0.75).
        let half = InputDistribution.normal(mean: 0, standardDeviation: 1, lower: 0, upper: nil)
        #expect(abs(half.quantile(0.5) - StandardNormal.quantile(0.75)) < 1e-14)
        // Lognormal with mean m and sd s: median exp(μ) = m / √(1 + s²/m²).
        let logn = InputDistribution.lognormal(mean: 17, standardDeviation: 4, lower: nil, upper: nil)
        #expect(abs(logn.quantile(0.5) - 17 / (1 + 16.0 / 289).squareRoot()) < 1e-12)
        let discrete = InputDistribution.discrete(values: [0, 1, 2], weights: [2, 1, 1])
        #expect(discrete.quantile(0.49) == 0 && discrete.quantile(0.5) == 1 && discrete.quantile(0.99) == 2)
        #expect(!InputDistribution.normal(mean: 0, standardDeviation: 1, lower: nil, upper: 3).isBounded)
    }

    @Test("Latin hypercube: every stratum of every input used exactly once")
    func latinHypercube() {
        let n = 37
        let design = SamplingDesign(method: .lhs, dimension: 3, baseCount: n, seed: 9)
        for j in 0..<3 {
            let strata = (0..<n).map { Int(design.point($0).unit[j] * Double(n)) }
            #expect(Set(strata) == Set(0..<n))
        }
    }

    @Test("designs are reproducible from the seed, point by point, and differ between seeds")
    func reproducible() {
        for method in SamplingMethod.allCases {
            let one = SamplingDesign(method: method, dimension: 4, baseCount: 16, seed: 123)
            let two = SamplingDesign(method: method, dimension: 4, baseCount: 16, seed: 123)
            let other = SamplingDesign(method: method, dimension: 4, baseCount: 16, seed: 124)
            for i in stride(from: one.runCount - 1, through: 0, by: -3) {
                #expect(one.point(i).unit == two.point(i).unit, "\(method) point \(i)")
            }
            #expect((0..<one.runCount).contains { one.point($0).unit != other.point($0).unit }, "\(method)")
            #expect((0..<one.runCount).allSatisfy { one.point($0).unit.allSatisfy { $0 >= 0 && $0 <= 1 } })
        }
    }

    @Test("random streams: reproducible, independent per stream, uniform integers unbiased in range")
    func streams() {
        var a = RandomStream(seed: 1, stream: 5), b = RandomStream(seed: 1, stream: 5), c = RandomStream(seed: 1, stream: 6)
        let xa = (0..<4).map { _ in a.next() }, xb = (0..<4).map { _ in b.next() }, xc = (0..<4).map { _ in c.next() }
        #expect(xa == xb && xa != xc)
        var r = RandomStream(seed: 2, stream: 0)
        var counts = [Int](repeating: 0, count: 3)
        for _ in 0..<30000 { counts[r.nextIndex(below: 3)] += 1 }
        // Binomial sd of each count: √(30000 · 1/3 · 2/3) ≈ 82; 5 sd = 410.
        #expect(counts.allSatisfy { abs($0 - 10000) < 410 }, "\(counts)")
    }
}
