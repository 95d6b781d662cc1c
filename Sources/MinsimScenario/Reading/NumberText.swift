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
    /// then reads with `double(_:)` to learn the value or the reason.
    static func value(bytes: UnsafeRawBufferPointer) -> Double? {
        let n = bytes.count
        guard n < 64, isDecimal(bytes: bytes) else { return nil }
        if let v = exactValue(decimal: bytes) { return v }
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

    /// The value of a plain decimal (already checked by `isDecimal(bytes:)`) without `strtod`,
    /// when it can be computed exactly: the digits without the point form an integer m ≤ 2⁵³
    /// and the power of ten p it is scaled by has |p| ≤ 22, so m and 10^|p| are both exact
    /// doubles and the one multiplication or division, correctly rounded by IEEE 754, gives the
    /// correctly rounded value — the same bits as `strtod` (Clinger's fast path, W. D. Clinger,
    /// "How to read floating point numbers accurately", PLDI 1990). Nil otherwise (more digits,
    /// a larger exponent), for `strtod` to read.
    static func exactValue(decimal s: UnsafeRawBufferPointer) -> Double? {
        var i = 0
        let n = s.count
        var negative = false
        if i < n, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
            negative = s[i] == UInt8(ascii: "-")
            i += 1
        }
        var m: UInt64 = 0
        var digits = 0  // significant digits in m (leading zeros not counted)
        var scale = 0  // digits after the point
        var afterPoint = false
        while i < n {
            let b = s[i]
            if b == UInt8(ascii: ".") {
                afterPoint = true
            } else if b &- UInt8(ascii: "0") < 10 {
                if m != 0 || b != UInt8(ascii: "0") { digits += 1 }
                guard digits <= 16 else { return nil }
                m = m &* 10 &+ UInt64(b &- UInt8(ascii: "0"))
                if afterPoint { scale += 1 }
            } else {
                break  // `e` or `E`
            }
            i += 1
        }
        var exponent = 0
        if i < n {
            // The exponent: `[eE][+-]digits` (the grammar was checked).
            i += 1
            var negativeExponent = false
            if s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
                negativeExponent = s[i] == UInt8(ascii: "-")
                i += 1
            }
            while i < n {
                exponent = exponent * 10 + Int(s[i] &- UInt8(ascii: "0"))
                guard exponent <= 1000 else { return nil }
                i += 1
            }
            if negativeExponent { exponent = -exponent }
        }
        let p = exponent - scale
        guard m <= 1 << 53, (-22...22).contains(p) else { return nil }
        let magnitude = p < 0 ? Double(m) / powersOfTen[-p] : Double(m) * powersOfTen[p]
        return negative ? -magnitude : magnitude
    }

    /// 10⁰ … 10²², each exact as a double.
    private static let powersOfTen: [Double] = [
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
