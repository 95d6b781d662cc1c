import Foundation

/// Strict reading of numbers written in scenario files.
///
/// `Double(String)` alone accepts `nan`, `inf`, hexadecimal floats and overflows to infinity;
/// none of those is a meaningful quantity, price or rate, so the text is checked against the
/// plain decimal grammar first and the result must be finite.
package enum NumberText {
    /// The outcome of reading a number: the value, or why it is not one.
    package enum Reading: Equatable {
        case value(Double)
        case notANumber
        case nonFinite
        case outOfRange
    }

    /// Reads `[+-]digits[.digits][(e|E)[+-]digits]` (at least one digit in the mantissa).
    package static func double(_ text: String) -> Reading {
        guard isDecimal(text) else {
            let lowered = text.lowercased().trimmingPrefix { $0 == "+" || $0 == "-" || $0 == "." }
            return ["nan", "inf", "infinity"].contains(String(lowered)) ? .nonFinite : .notANumber
        }
        guard let v = Double(text) else { return .notANumber }
        return v.isFinite ? .value(v) : .outOfRange
    }

    /// The value of the plain decimal written in `bytes` (UTF-8), read without making a
    /// `String`: only when `double(_:)` of its text would give `.value` with the same bits
    /// (both read with the C library's correctly rounded `strtod`); nil for anything else,
    /// including an overflow, an underflow or a text longer than 63 bytes, which the caller
    /// then reads with `double(_:)` to learn the value or the reason. The grammar is checked
    /// and the digits gathered in one pass (`Decimal.scan`).
    static func value(bytes: UnsafeRawBufferPointer) -> Double? {
        let n = bytes.count
        guard n < 64, let decimal = Decimal.scan(bytes) else { return nil }
        if let v = decimal.exactValue { return v }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer -> Double? in
            guard let start = buffer.baseAddress else { return nil }
            for i in 0..<n { start[i] = CChar(bitPattern: bytes[i]) }
            start[n] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            errno = 0
            let v = strtod(start, &end)
            // The whole text read (a locale with another decimal point stops early), no range
            // error, a finite value.
            guard end == start + n, errno == 0, v.isFinite else { return nil }
            return v
        }
    }

    /// The value of a plain decimal without `strtod`, when it can be computed exactly (see
    /// `Decimal.exactValue`); nil otherwise, or when `s` is not a plain decimal.
    static func exactValue(decimal s: UnsafeRawBufferPointer) -> Double? { Decimal.scan(s)?.exactValue }

    /// A plain decimal's sign, digits and power of ten, as one pass over its bytes finds them.
    struct Decimal {
        let negative: Bool
        /// The digits without the point, as an integer (meaningful when `digits` ≤ 19).
        let m: UInt64
        /// Significant digits in `m` (leading zeros not counted).
        let digits: Int
        /// The power of ten `m` is scaled by (the exponent less the digits after the point),
        /// held within ±100,000 (any larger exponent is far outside a double's range either way).
        let p: Int

        /// The text `s` as `[+-]digits[.digits][(e|E)[+-]digits]` (at least one mantissa
        /// digit, nothing after): the grammar of `isDecimal(bytes:)`; nil when it is not one.
        @inline(__always)
        static func scan(_ s: UnsafeRawBufferPointer) -> Decimal? {
            let n = s.count
            var i = 0
            var negative = false
            if i < n, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
                negative = s[i] == UInt8(ascii: "-")
                i += 1
            }
            var m: UInt64 = 0
            var digits = 0, mantissaDigits = 0, scale = 0
            var afterPoint = false
            while i < n {
                // Eight digits at a time once a significant digit is met (every one then counts).
                if m != 0, i + 8 <= n {
                    let word = s.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    if Self.eightDigits(word) {
                        m = m &* 100_000_000 &+ Self.valueOfEightDigits(word)
                        digits += 8
                        mantissaDigits += 8
                        if afterPoint { scale += 8 }
                        i += 8
                        continue
                    }
                }
                let d = s[i] &- UInt8(ascii: "0")
                if d < 10 {
                    if m != 0 || d != 0 { digits += 1 }
                    // (Wraps past 19 digits, when `m` is not used.)
                    m = m &* 10 &+ UInt64(d)
                    mantissaDigits += 1
                    if afterPoint { scale += 1 }
                } else if s[i] == UInt8(ascii: "."), !afterPoint {
                    afterPoint = true
                } else {
                    break
                }
                i += 1
            }
            guard mantissaDigits > 0 else { return nil }
            var exponent = 0
            if i < n, s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E") {
                i += 1
                var negativeExponent = false
                if i < n, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
                    negativeExponent = s[i] == UInt8(ascii: "-")
                    i += 1
                }
                let start = i
                while i < n, s[i] &- UInt8(ascii: "0") < 10 {
                    exponent = min(exponent * 10 + Int(s[i] &- UInt8(ascii: "0")), 100_000)
                    i += 1
                }
                guard i > start else { return nil }
                if negativeExponent { exponent = -exponent }
            }
            guard i == n else { return nil }
            return Decimal(negative: negative, m: m, digits: digits, p: exponent - scale)
        }

        /// True when the eight bytes of `word` are all ASCII digits: each byte's high nibble is
        /// 3, and adding 6 leaves it 3 (no low nibble above 9).
        @inline(__always)
        static func eightDigits(_ word: UInt64) -> Bool {
            let highs: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
            return (word & highs) | (((word &+ 0x0606_0606_0606_0606) & highs) >> 4) == 0x3333_3333_3333_3333
        }

        /// The value of eight ASCII digits, the first in the lowest byte: pairs, then fours,
        /// then the eight combined by multiplications that hold each partial sum in its own
        /// lane (D. Lemire, "Fast number parsing", simdjson's `parse_eight_digits_unrolled`).
        @inline(__always)
        static func valueOfEightDigits(_ word: UInt64) -> UInt64 {
            var v = word & 0x0F0F_0F0F_0F0F_0F0F
            v = (v &* 2561) >> 8
            v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
            return ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
        }

        /// The value without `strtod`, when it can be computed exactly; nil otherwise (more
        /// than 19 digits, |p| > 22), for `strtod` to read. Both ways give the correctly rounded
        /// value — the same bits as `strtod`:
        /// - m ≤ 2⁵³: m and 10^|p| are exact doubles, and the one multiplication or division,
        ///   correctly rounded by IEEE 754, is the correctly rounded value (Clinger's fast path,
        ///   W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990);
        /// - m of 17 to 19 digits (most numbers `minsim generate` writes have 17): in exact
        ///   128-bit integers (two words), 10^p = 5^p · 2^p with 5^22 < 2⁵²; for p ≥ 0, m · 5^p
        ///   is exact and converted once (correctly rounded); for p < 0, m shifted left to fill
        ///   128 bits divided by 5^|p| leaves a quotient of more than 75 bits, whose lowest bit,
        ///   set when the remainder is not zero, stands for everything below it, so converting
        ///   it rounds as the exact quotient would. The power of two is then applied exactly
        ///   (the result is a normal double: 10⁻²² ≤ |value| < 10⁴²).
        var exactValue: Double? {
            guard digits <= 19, (-22...22).contains(p) else { return nil }
            let magnitude: Double
            if m <= 1 << 53 {
                magnitude = p < 0 ? Double(m) / NumberText.powersOfTen[-p] : Double(m) * NumberText.powersOfTen[p]
            } else if p >= 0 {
                let product = m.multipliedFullWidth(by: NumberText.powersOfFive[p])
                magnitude = Self.double(high: product.high, low: product.low, sticky: false, times2: p)
            } else {
                // m · 2^s fills 128 bits: its high word is m shifted to the top, its low word 0.
                let s = 64 + m.leadingZeroBitCount
                let five = NumberText.powersOfFive[-p]
                let high = m << m.leadingZeroBitCount
                let (q1, r1) = high.quotientAndRemainder(dividingBy: five)
                let (q0, r0) = five.dividingFullWidth((high: r1, low: 0))
                magnitude = Self.double(high: q1, low: q0, sticky: r0 != 0, times2: p - s)
            }
            return negative ? -magnitude : magnitude
        }

        /// (high · 2⁶⁴ + low, plus a fraction when `sticky`) · 2^e, correctly rounded: the top
        /// 64 bits, the lowest of them set when any bit below is (64 bits hold the 53 kept, the
        /// rounding bit and more), converted by the hardware's correctly rounded conversion,
        /// then scaled by an exact power of two. For a normal result with `high` > 0 or
        /// `sticky` false.
        @inline(__always)
        static func double(high: UInt64, low: UInt64, sticky: Bool, times2 e: Int) -> Double {
            var top = low, shift = 0
            if high != 0 {
                shift = 64 - high.leadingZeroBitCount
                top = high << (64 - shift) | low >> shift
                if low << (64 - shift) != 0 || sticky { top |= 1 }
            }
            return Double(top) * Double(bitPattern: UInt64(1023 + e + shift) << 52)
        }
    }

    /// 5⁰ … 5²², each below 2⁵².
    fileprivate static let powersOfFive: [UInt64] = (0...22).map { k in (0..<k).reduce(1) { a, _ in a * 5 } }

    /// 10⁰ … 10²², each exact as a double.
    fileprivate static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]

    /// Reads an integer of plain decimal digits with an optional sign; nil on anything else,
    /// including values that do not fit in `Int` (never traps).
    package static func integer(_ text: String) -> Int? {
        let s = Array(text.unicodeScalars)
        let digits = s.first == "-" || s.first == "+" ? s.dropFirst() : s[...]
        guard !digits.isEmpty, digits.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        return Int(text)
    }

    /// The grammar above, checked on the UTF-8 bytes (every character it admits is ASCII).
    /// Scans the string's contiguous storage when it has one (native strings always do).
    private static func isDecimal(_ text: String) -> Bool {
        if let result = text.utf8.withContiguousStorageIfAvailable({ isDecimal(bytes: $0) }) { return result }
        return isDecimal(bytes: Array(text.utf8))
    }

    /// The grammar on a byte sequence: `[+-]digits[.digits][(e|E)[+-]digits]`, at least one
    /// mantissa digit, nothing after.
    static func isDecimal<C: RandomAccessCollection>(bytes s: C) -> Bool where C.Element == UInt8, C.Index == Int {
        var i = s.startIndex
        let end = s.endIndex
        @inline(__always) func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }
        @inline(__always) func digits() -> Int {
            let start = i
            while i != end && isDigit(s[i]) { i += 1 }
            return i - start
        }
        @inline(__always) func accept(_ a: UInt8, _ b: UInt8) -> Bool {
            guard i != end, s[i] == a || s[i] == b else { return false }
            i += 1
            return true
        }
        _ = accept(UInt8(ascii: "+"), UInt8(ascii: "-"))
        var mantissa = digits()
        if accept(UInt8(ascii: "."), UInt8(ascii: ".")) { mantissa += digits() }
        guard mantissa > 0 else { return false }
        if accept(UInt8(ascii: "e"), UInt8(ascii: "E")) {
            _ = accept(UInt8(ascii: "+"), UInt8(ascii: "-"))
            guard digits() > 0 else { return false }
        }
        return i == end
    }
}
