import Testing

@testable import MinsimEnsemble

@Suite("Morris elementary effects")
struct MorrisIndicesTests {
    /// f = Σ c_j x_j with x_j uniform on [lo_j, hi_j] (the unit coordinate u_j mapped linearly):
    /// every elementary effect of input j is c_j (hi_j − lo_j) exactly, so μ_j = c_j (hi − lo),
    /// μ*_j = |μ_j| and σ_j = 0. Tolerance 1e-12 relative: the effect is a difference of sums of
    /// a few terms of size ≤ 10, divided by Δ = 2/3 (p = 4), so rounding is ≈ 10 ε.
    @Test("linear function: μ = c (hi − lo), μ* = |μ|, σ = 0", arguments: [4, 6])
    func linear(levels: Int) throws {
        let c = [2.0, -3.0, 0.5, 0.0], lo = [0.0, 1.0, -2.0, 5.0], hi = [1.0, 3.0, 2.0, 6.0]
        let design = SamplingDesign(method: .morris, dimension: 4, baseCount: 20, seed: 11, levels: levels)
        let distributions = zip(lo, hi).map { InputDistribution.uniform(lower: $0, upper: $1) }
        let outputs = (0..<design.runCount).map { i in
            zip(c, zip(distributions, design.point(i).unit).map { $0.quantile($1) }).reduce(0.0) { $0 + $1.0 * $1.1 }
        }
        let steps = (0..<20).map { t in
            let p = design.trajectory(t)
            return (order: p.order, up: p.up)
        }
        let x = try #require(MorrisIndices.estimate(outputs: outputs, steps: steps, delta: design.morrisDelta, seed: 11))
        for j in 0..<4 {
            let effect = c[j] * (hi[j] - lo[j])
            #expect(abs(x.mu[j] - effect) <= 1e-12 * max(abs(effect), 1), "μ[\(j)] = \(x.mu[j])")
            #expect(abs(x.muStar[j] - abs(effect)) <= 1e-12 * max(abs(effect), 1), "μ*[\(j)] = \(x.muStar[j])")
            #expect(x.sigma[j] <= 1e-12 * max(abs(effect), 1), "σ[\(j)] = \(x.sigma[j])")
            #expect(x.muStarConfidence[j] <= 1e-12 * max(abs(effect), 1))
        }
    }

    @Test("trajectories: D + 1 grid points, one input moved by ±Δ per step, each input once, inside [0, 1]")
    func trajectories() {
        let design = SamplingDesign(method: .morris, dimension: 5, baseCount: 50, seed: 5, levels: 4)
        let delta = design.morrisDelta
        #expect(delta == 4.0 / 6.0)
        for t in 0..<50 {
            let p = design.trajectory(t)
            #expect(p.points.count == 6 && Set(p.order) == Set(0..<5))
            for (s, j) in p.order.enumerated() {
                let change = p.points[s + 1][j] - p.points[s][j]
                #expect(abs(abs(change) - delta) < 1e-15 && (change > 0) == p.up[s])
                for k in 0..<5 where k != j { #expect(p.points[s + 1][k] == p.points[s][k]) }
            }
            // Grid: every coordinate is a multiple of 1/(p − 1) = 1/3 in [0, 1].
            for x in p.points.joined() { #expect(x >= 0 && x <= 1 && abs(x * 3 - (x * 3).rounded()) < 1e-12) }
        }
    }
}
