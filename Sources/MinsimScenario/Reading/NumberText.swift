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
