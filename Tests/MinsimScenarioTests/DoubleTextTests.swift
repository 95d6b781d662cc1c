import MinsimEngine
import Testing

@testable import MinsimScenario

/// `DoubleText` must write exactly what `Double.description` writes: every CSV number of a run
/// goes through it, and the outputs are compared byte for byte with earlier versions. Exact
/// string equality is the test (no tolerance: the contract is identical bytes).
@Suite("Double text equals Double.description byte for byte")
struct DoubleTextTests {
    static func text(_ value: Double) -> String {
        var bytes: [UInt8] = []
        DoubleText.append(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Each value, its neighbours one ulp away and its negation.
    static func withNeighbours(_ values: [Double]) -> [Double] {
        values.flatMap { [$0, $0.nextUp, $0.nextDown, -$0] }.filter(\.isFinite)
    }

    static func mismatches(_ values: [Double]) -> [String] {
        values.compactMap { v in
            let (mine, swift) = (text(v), v.description)
            return mine == swift ? nil : "\(v.bitPattern): \(mine) vs \(swift)"
        }
    }

    @Test("edge values: zeros, subnormals, normal limits, largest, common constants")
    func edges() {
        let values: [Double] = [
            0.0, -0.0, 1, -1, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, .pi, 0.5, 0.25, 0.05,
            .leastNonzeroMagnitude, 2 * .leastNonzeroMagnitude, 3 * .leastNonzeroMagnitude,
            .leastNormalMagnitude, Double.leastNormalMagnitude.nextDown, .greatestFiniteMagnitude, .ulpOfOne,
            1e-5, 1e-4, 9.999999999999999e-05, 0.00010000000000000002, 123456789012345680, 5e-324, 1.7976931348623157e308,
        ]
        #expect(Self.mismatches(Self.withNeighbours(values)) == [])
        #expect(Self.text(-0.0) == "-0.0")
        #expect(Self.text(1e16) == "1e+16")
        #expect(Self.text(100) == "100.0")
    }

    @Test("every power of ten and of two in range, with their neighbours")
    func powers() {
        var values: [Double] = (-323...308).compactMap { Double("1e\($0)") }
        values += (-1074...1023).map { Double(sign: .plus, exponent: $0, significand: 1) }
        #expect(Self.mismatches(Self.withNeighbours(values)) == [])
    }

    @Test("integers: 0 to 100,000, around 2^53 and 2^54, and around 10^15 to 10^17")
    func integers() {
        var values = (0...100_000).map(Double.init)
        for center in [9_007_199_254_740_992.0, 18_014_398_509_481_984, 1e15, 1e16, 1e17] {
            var v = center
            for _ in 0..<2_000 { v = v.nextDown }
            for _ in 0..<4_000 {
                values.append(v)
                v = v.nextUp
            }
        }
        values += (1...1_000).map { Double($0) * 1e13 }
        #expect(Self.mismatches(Self.withNeighbours(values)) == [])
    }

    @Test("a million random bit patterns and a million values of the size a run writes")
    func random() {
        let seed: UInt64 = 2026
        var rng = SeededGenerator(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(2_000_000)
        for _ in 0..<1_000_000 {
            let v = Double(bitPattern: rng.next())
            if v.isFinite { values.append(v) }
        }
        for _ in 0..<1_000_000 { values.append(Double.random(in: 0..<1e7, using: &rng)) }
        let found = Self.mismatches(values)
        #expect(found.isEmpty, "seed \(seed): \(found.prefix(10))")
    }
}
