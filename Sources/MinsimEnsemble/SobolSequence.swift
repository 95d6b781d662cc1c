/// Sobol' low-discrepancy points in `[0, 1)^d` (Bratley & Fox, ACM TOMS 14(1), 1988, algorithm
/// 659; Joe–Kuo direction numbers), with an optional random digital shift.
///
/// Point `i` is computed directly from the bits of its Gray code `g = i ⊕ (i >> 1)`:
/// ```
/// x_j(i) = ⊕_{k : bit k of g is 1} v_{j,k},   v_{j,k} = m_{j,k} · 2^(32−k−1)
/// ```
/// so any index can be produced without the ones before it (ranks need only their own
/// samples). Unshifted, the sequence equals SciPy's `qmc.Sobol(d, scramble=False)` (checked in
/// the tests); the digital shift (XOR with one random 32-bit word per dimension, from the seed)
/// keeps the (t, m, s)-net structure and makes the estimate random, so repeated seeds give
/// independent replicates (Owen, "Monte Carlo theory, methods and examples", ch. 17).
public struct SobolSequence: Sendable {
    /// Dimensions available (the bundled direction numbers).
    public static var maximumDimension: Int { directionTable.polynomials.count }
    public let dimension: Int
    /// `v[j][k]`, 32 direction numbers per dimension.
    private let directions: [[UInt32]]
    private let shift: [UInt32]

    /// - Parameters:
    ///   - dimension: 1 … `maximumDimension`.
    ///   - shift: XOR mask per dimension (a random digital shift), or nil for the plain sequence.
    public init(dimension: Int, shift: [UInt32]? = nil) {
        precondition(
            dimension >= 1 && dimension <= Self.maximumDimension,
            "Sobol' dimension \(dimension) outside 1…\(Self.maximumDimension)")
        precondition(
            shift == nil || shift?.count == dimension, "digital shift has \(shift?.count ?? 0) words for \(dimension) dimensions")
        self.dimension = dimension
        self.shift = shift ?? Array(repeating: 0, count: dimension)
        var v: [[UInt32]] = []
        for j in 0..<dimension {
            var m = [UInt32](repeating: 1, count: 32)
            if j > 0 {
                let p = Self.directionTable.polynomials[j]
                let degree = UInt32.bitWidth - p.leadingZeroBitCount - 1
                for k in 0..<degree { m[k] = Self.directionTable.initialNumbers[j][k] }
                if degree < 32 {
                    for k in degree..<32 {
                        // m_k = 2^s m_{k−s} ⊕ m_{k−s} ⊕ ⊕_{i=1}^{s−1} a_i 2^i m_{k−i}
                        var next = m[k - degree]
                        var pow2: UInt32 = 1
                        for i in 0..<degree {
                            pow2 = pow2 << 1
                            if (p >> (degree - 1 - i)) & 1 == 1 { next ^= pow2 &* m[k - i - 1] }
                        }
                        m[k] = next
                    }
                }
            }
            v.append((0..<32).map { k in m[k] << (31 - k) })
        }
        directions = v
    }

    /// A random digital shift drawn from `rng`.
    public static func randomShift<G: RandomNumberGenerator>(dimension: Int, using rng: inout G) -> [UInt32] {
        (0..<dimension).map { _ in UInt32.random(in: .min ... .max, using: &rng) }
    }

    /// The 32-bit integer coordinates of point `index` (before dividing by 2³²).
    public func bits(at index: UInt32) -> [UInt32] {
        let gray = index ^ (index >> 1)
        return (0..<dimension).map { j in
            var x: UInt32 = 0
            var g = gray
            var k = 0
            while g != 0 {
                if g & 1 == 1 { x ^= directions[j][k] }
                g >>= 1
                k += 1
            }
            return x ^ shift[j]
        }
    }

    /// Point `index` in `[0, 1)^d`: `bits / 2³²`.
    public func point(at index: UInt32) -> [Double] {
        bits(at: index).map { Double($0) * 0x1p-32 }
    }

    /// Point `index` strictly inside `(0, 1)^d`: each coordinate centred in its cell of width
    /// 2⁻³², `(bits + ½) / 2³²`, so quantile functions of unbounded inputs stay finite.
    public func interiorPoint(at index: UInt32) -> [Double] {
        bits(at: index).map { (Double($0) + 0.5) * 0x1p-32 }
    }

    /// Primitive polynomial per dimension, with its leading and trailing 1 bits (3 = x + 1,
    /// 7 = x² + x + 1; dimension 0 is van der Corput's and has none, 1), and the initial direction
    /// numbers m₁ … m_s of each (s = degree of its polynomial), decoded once from
    /// `packedDirections` (written by scripts/sobol_directions.py, whose docstring gives the format).
    static let directionTable: (polynomials: [UInt32], initialNumbers: [[UInt32]]) = {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/".utf8)
        var digit = [UInt32](repeating: UInt32.max, count: 256)
        for (value, byte) in alphabet.enumerated() { digit[Int(byte)] = UInt32(value) }
        let packed = Array(packedDirections.utf8)
        var position = 0
        func read(_ width: Int) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<width {
                precondition(position < packed.count, "packed Sobol' directions end early")
                let d = digit[Int(packed[position])]
                precondition(d != UInt32.max, "byte \(packed[position]) is not a packed Sobol' digit")
                value = value << 6 | d
                position += 1
            }
            return value
        }
        var polynomials: [UInt32] = [], initialNumbers: [[UInt32]] = []
        while position < packed.count {
            let p = read(3)
            let degree = UInt32.bitWidth - p.leadingZeroBitCount - 1
            // m_k is odd and below 2^k; anything else is a corrupted table.
            let m = (0..<degree).map { i in read((i + 6) / 6) }  // m_k in ⌈k/6⌉ digits, k = i + 1
            precondition(
                p & 1 == 1 && m.enumerated().allSatisfy { $0.element & 1 == 1 && $0.element < 1 << ($0.offset + 1) },
                "packed Sobol' directions corrupted at dimension \(polynomials.count)")
            polynomials.append(p)
            initialNumbers.append(m)
        }
        return (polynomials, initialNumbers)
    }()
}
