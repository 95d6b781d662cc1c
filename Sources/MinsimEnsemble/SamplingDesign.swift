/// How an ensemble chooses its points in the unit hypercube.
public enum SamplingMethod: String, CaseIterable, Sendable {
    /// Plain Monte Carlo: every coordinate of sample i from the stream (seed, i).
    case random
    /// Latin hypercube (McKay, Beckman & Conover 1979): each input's range cut into N strata
    /// of equal probability, each stratum used once, strata paired by random permutations.
    case lhs
    /// Saltelli's design for Sobol' indices (Saltelli et al. 2010): per base sample the rows
    /// A, AB_1 … AB_D, B of a digitally shifted Sobol' sequence of dimension 2D.
    case sobol
    /// Morris trajectories (Morris 1991): D + 1 points per trajectory on a grid of `levels`,
    /// one input moved by Δ = levels / (2 (levels − 1)) at each step.
    case morris
}

/// A point's place in the design, written to `samples.csv` so that anyone can recompute the
/// indices from the files.
public enum DesignBlock: Sendable, Equatable {
    /// A Monte Carlo or Latin hypercube sample.
    case plain
    /// Saltelli's matrices: A, B, and AB_j (A with column j taken from B).
    case a, b, ab(Int)
    /// The first point of a Morris trajectory, and the point after moving input j.
    case morrisStart, morrisStep(Int)
}

/// One point of a design.
public struct DesignPoint: Sendable {
    /// Position in the run order (0 …< `runCount`): the sample number.
    public let index: Int
    public let block: DesignBlock
    /// The base sample (Saltelli) or trajectory (Morris) it belongs to; `index` for plain samples.
    public let base: Int
    /// Coordinates in the unit hypercube, one per input, mapped to values by the inputs'
    /// quantile functions.
    public let unit: [Double]
}

/// A seeded, reproducible design: point i depends only on (method, dimension, base count,
/// seed, i), so any rank can produce the points it computes and nothing else.
public struct SamplingDesign: Sendable {
    public let method: SamplingMethod
    /// D, the number of uncertain inputs.
    public let dimension: Int
    /// N: samples (random, lhs), base samples (sobol) or trajectories (morris).
    public let baseCount: Int
    public let seed: UInt64
    /// Grid levels p of a Morris design (even, ≥ 2).
    public let levels: Int
    private let sobol: SobolSequence?
    /// Latin hypercube strata: `strata[j][i]` is the stratum of sample i in input j.
    private let strata: [[Int32]]

    /// Stream numbers of the uses that are not a sample (samples use 0 …< runCount).
    enum Stream {
        static let digitalShift: UInt64 = 1 << 62
        static let permutation: UInt64 = 1 << 61
        static let trajectory: UInt64 = 1 << 60
        static let bootstrap: UInt64 = 1 << 59
    }

    /// - Precondition: `dimension ≥ 1`, `1 ≤ baseCount ≤ Int32.max` (and ≥ 2 for sobol: the
    ///   variance needs two points), `levels` even and ≥ 2; sobol needs 2D ≤ `SobolSequence.maximumDimension`.
    public init(method: SamplingMethod, dimension: Int, baseCount: Int, seed: UInt64, levels: Int = 4) {
        precondition(dimension >= 1 && baseCount >= 1, "a design needs ≥ 1 input and ≥ 1 sample")
        precondition(
            baseCount <= Int(Int32.max), "a design has at most \(Int32.max) base samples (32-bit strata and Sobol' indices)")
        precondition(levels >= 2 && levels % 2 == 0, "Morris levels must be even and ≥ 2, got \(levels)")
        self.method = method
        self.dimension = dimension
        self.baseCount = baseCount
        self.seed = seed
        self.levels = levels
        switch method {
        case .sobol:
            var rng = RandomStream(seed: seed, stream: Stream.digitalShift)
            let shift = SobolSequence.randomShift(dimension: 2 * dimension, using: &rng)
            sobol = SobolSequence(dimension: 2 * dimension, shift: shift)
            strata = []
        case .lhs:
            sobol = nil
            strata = (0..<dimension).map { j in
                var rng = RandomStream(seed: seed, stream: Stream.permutation + UInt64(j))
                var p = (0..<Int32(baseCount)).map { $0 }
                // Fisher–Yates, drawn from the input's own stream.
                if p.count > 1 {
                    for i in stride(from: p.count - 1, to: 0, by: -1) { p.swapAt(i, rng.nextIndex(below: i + 1)) }
                }
                return p
            }
        case .random, .morris:
            sobol = nil
            strata = []
        }
    }

    /// The largest D a Saltelli design supports (2D Sobol' dimensions).
    public static var maximumSobolDimension: Int { SobolSequence.maximumDimension / 2 }

    /// Model runs the design needs: N, N (D + 2) for Saltelli (first and total order only), or
    /// N (D + 1) for Morris.
    public var runCount: Int {
        switch method {
        case .random, .lhs: return baseCount
        case .sobol: return baseCount * (dimension + 2)
        case .morris: return baseCount * (dimension + 1)
        }
    }

    /// Runs per base sample or trajectory (1 for plain designs).
    public var blockSize: Int { runCount / baseCount }

    /// Point `index` of the run order.
    public func point(_ index: Int) -> DesignPoint {
        precondition(index >= 0 && index < runCount, "design point \(index) outside 0..<\(runCount)")
        let d = dimension
        switch method {
        case .random:
            var rng = RandomStream(seed: seed, stream: UInt64(index))
            return DesignPoint(index: index, block: .plain, base: index, unit: (0..<d).map { _ in rng.nextUnit() })
        case .lhs:
            var rng = RandomStream(seed: seed, stream: UInt64(index))
            let n = Double(baseCount)
            let u = (0..<d).map { j in (Double(strata[j][index]) + rng.nextUnit()) / n }
            return DesignPoint(index: index, block: .plain, base: index, unit: u)
        case .sobol:
            let base = index / (d + 2), k = index % (d + 2)
            let x = sobol?.interiorPoint(at: UInt32(base)) ?? []
            let a = Array(x[0..<d]), b = Array(x[d..<(2 * d)])
            if k == 0 { return DesignPoint(index: index, block: .a, base: base, unit: a) }
            if k == d + 1 { return DesignPoint(index: index, block: .b, base: base, unit: b) }
            var ab = a
            ab[k - 1] = b[k - 1]
            return DesignPoint(index: index, block: .ab(k - 1), base: base, unit: ab)
        case .morris:
            let t = index / (d + 1), s = index % (d + 1)
            let path = trajectory(t)
            return DesignPoint(
                index: index, block: s == 0 ? .morrisStart : .morrisStep(path.order[s - 1]), base: t,
                unit: path.points[s])
        }
    }

    /// Morris trajectory t: its D + 1 grid points, the input moved at each step and whether
    /// it moved up.
    ///
    /// Base point x* with coordinates from {0, 1/(p−1), …, 1 − Δ}; inputs move in a random
    /// order π, each by +Δ or −Δ with probability ½ (an input that moves down starts at
    /// x*_j + Δ) — the randomised orientation matrix B* of Campolongo, Cariboni & Saltelli (2007).
    public func trajectory(_ t: Int) -> (points: [[Double]], order: [Int], up: [Bool]) {
        let d = dimension, p = levels
        let delta = Double(p) / Double(2 * (p - 1))
        var rng = RandomStream(seed: seed, stream: Stream.trajectory + UInt64(t))
        let start = (0..<d).map { _ in Double(rng.nextIndex(below: p / 2)) / Double(p - 1) }
        var order = Array(0..<d)
        if d > 1 { for i in stride(from: d - 1, to: 0, by: -1) { order.swapAt(i, rng.nextIndex(below: i + 1)) } }
        let up = (0..<d).map { _ in rng.next() & 1 == 1 }
        var x = (0..<d).map { j in up[j] ? start[j] : start[j] + delta }
        var points = [x]
        for j in order {
            x[j] += up[j] ? delta : -delta
            points.append(x)
        }
        return (points, order, order.map { up[$0] })
    }

    /// Δ of a Morris design, in unit-hypercube coordinates.
    public var morrisDelta: Double { Double(levels) / Double(2 * (levels - 1)) }
}
