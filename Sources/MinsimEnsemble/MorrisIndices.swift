/// Morris elementary-effects screening measures of one output (Morris 1991; μ* of Campolongo,
/// Cariboni & Saltelli 2007), with SALib's conventions (`morris.analyze`).
///
/// For trajectory t and the step that moves input j by ±Δ (unit-hypercube coordinates):
/// ```
/// EE_j(t) = ± (f(x_s) − f(x_{s−1})) / Δ        (+ when x_j moved up)
/// μ_j  = mean_t EE_j,   μ*_j = mean_t |EE_j|,   σ_j = sd_t(EE_j)  (n − 1)
/// ```
/// μ*'s confidence is `z_{(1+c)/2}` times the standard deviation (n − 1) of μ* over bootstrap
/// resamples of the trajectories. Effects are per unit of the hypercube coordinate: an input
/// uniform on [a, b] with a linear effect c has EE = c (b − a).
public struct MorrisIndices: Sendable, Equatable {
    public var mu: [Double]
    public var muStar: [Double]
    public var sigma: [Double]
    public var muStarConfidence: [Double]

    /// - Parameters:
    ///   - outputs: f of every run in design order: per trajectory its D + 1 points.
    ///   - steps: per trajectory, the input moved at each step and whether it moved up
    ///     (`SamplingDesign.trajectory`).
    ///   - delta: Δ of the design.
    ///   - resamples: bootstrap resamples of μ* (SALib's default 1000).
    public static func estimate(
        outputs: [Double], steps: [(order: [Int], up: [Bool])], delta: Double, resamples: Int = 1000,
        confidenceLevel: Double = 0.95, seed: UInt64
    ) -> MorrisIndices? {
        let n = steps.count
        guard n >= 1, let d = steps.first?.order.count, outputs.count == n * (d + 1) else { return nil }
        var effects = [[Double]](repeating: [], count: d)
        for (t, step) in steps.enumerated() {
            for s in 1...d {
                let change = (outputs[t * (d + 1) + s] - outputs[t * (d + 1) + s - 1]) / delta
                effects[step.order[s - 1]].append(step.up[s - 1] ? change : -change)
            }
        }
        let z = StandardNormal.quantile(0.5 + confidenceLevel / 2)
        var out = MorrisIndices(mu: [], muStar: [], sigma: [], muStarConfidence: [])
        var rng = RandomStream(seed: seed, stream: SamplingDesign.Stream.bootstrap)
        var boot = [[Double]](repeating: [], count: d)
        for _ in 0..<resamples {
            let rows = (0..<n).map { _ in rng.nextIndex(below: n) }
            for j in 0..<d { boot[j].append(rows.reduce(0.0) { $0 + abs(effects[j][$1]) } / Double(n)) }
        }
        for j in 0..<d {
            out.mu.append(SampleStatistics.mean(effects[j]))
            out.muStar.append(SampleStatistics.mean(effects[j].map(abs)))
            out.sigma.append(n > 1 ? SampleStatistics.standardDeviation(effects[j]) : 0)
            out.muStarConfidence.append(z * SampleStatistics.standardDeviation(boot[j]))
        }
        return out
    }
}
