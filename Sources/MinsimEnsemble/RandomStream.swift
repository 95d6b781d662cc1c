/// A reproducible stream of pseudo-random numbers, one per (seed, stream) pair.
///
/// Every sample of an ensemble draws from its own stream `(seed, sample index)`, so what a
/// sample gets never depends on which rank or thread computes it, or in which order.
///
/// The generator is xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number
/// generators", ACM TOMS 47(4), 2021), its 256-bit state filled by SplitMix64 from a mix of
/// `seed` and `stream` — the seeding the authors recommend. Not for cryptography.
public struct RandomStream: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// - Parameters:
    ///   - seed: the user's seed (`--seed`).
    ///   - stream: which stream: a sample index, or a constant naming a use (bootstrap, design).
    public init(seed: UInt64, stream: UInt64) {
        var x = seed ^ (stream &* 0xD1B5_4A32_D192_ED03) ^ 0x6A09_E667_F3BC_C909
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform number strictly inside (0, 1): the top 53 bits, centred in their interval
    /// (`(k + ½) / 2⁵³`), so quantile functions never see 0 or 1.
    public mutating func nextUnit() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// A uniform integer in `0..<n` (Lemire's unbiased multiply-and-reject).
    public mutating func nextIndex(below n: Int) -> Int {
        precondition(n > 0, "nextIndex(below:) needs n > 0, got \(n)")
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }
}
