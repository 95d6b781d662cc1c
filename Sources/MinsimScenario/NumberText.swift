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
        let lowered = text.lowercased().trimmingPrefix { $0 == "+" || $0 == "-" || $0 == "." }
        if ["nan", "inf", "infinity"].contains(String(lowered)) { return .nonFinite }
        guard isDecimal(text) else { return .notANumber }
        guard let v = Double(text) else { return .notANumber }
        return v.isFinite ? .value(v) : .outOfRange
    }

    /// Reads an integer of plain decimal digits with an optional sign; nil on anything else,
    /// including values that do not fit in `Int` (never traps).
    package static func integer(_ text: String) -> Int? {
        let s = Array(text.unicodeScalars)
        let digits = s.first == "-" || s.first == "+" ? s.dropFirst() : s[...]
        guard !digits.isEmpty, digits.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        return Int(text)
    }

    private static func isDecimal(_ text: String) -> Bool {
        let s = Array(text.unicodeScalars)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < s.count && ("0"..."9").contains(s[i]) { i += 1 }
            return i - start
        }
        if i < s.count && (s[i] == "+" || s[i] == "-") { i += 1 }
        var mantissa = digits()
        if i < s.count && s[i] == "." { i += 1; mantissa += digits() }
        guard mantissa > 0 else { return false }
        if i < s.count && (s[i] == "e" || s[i] == "E") {
            i += 1
            if i < s.count && (s[i] == "+" || s[i] == "-") { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == s.count
    }
}
