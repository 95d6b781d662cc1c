import Foundation

/// Numbers as people read them in the report: grouped thousands, a readable scale for axes
/// and labels (kt, Mt, million), and near-exact values for hovers.
///
/// Formatting is done by hand, not by `NumberFormatter`, so that the report is the same on
/// every machine whatever its locale.
enum NumberFormat {
    /// `1234567.891` → `1,234,567.89`: grouped thousands and `decimals` digits after the point.
    static func grouped(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "–" }
        let text = String(format: "%.\(max(decimals, 0))f", abs(value))
        let parts = text.split(separator: ".", maxSplits: 1)
        let integer = Array(parts[0])
        var out = ""
        for (i, c) in integer.enumerated() {
            if i > 0 && (integer.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        if parts.count > 1 { out += "." + parts[1] }
        let isZero = !text.contains(where: { $0 != "0" && $0 != "." })
        return (value < 0 && !isZero ? "−" : "") + out
    }

    /// A value for a hover: grouped with two decimals from 1 up, six significant digits below,
    /// which is as exact as a reader can use (the CSV holds the full value).
    static func exact(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if value == 0 { return "0" }
        if abs(value) >= 1 { return grouped(value, decimals: 2) }
        return String(format: "%.6g", value).replacingOccurrences(of: "-", with: "−")
    }

    /// Three significant digits, grouped, without trailing zeros: `1,234`, `56.7`, `2.3`, `0.123`.
    static func short(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        let a = abs(value)
        if a == 0 { return "0" }
        if a >= 100 { return grouped(value, decimals: 0) }
        var text =
            a >= 1
            ? grouped(value, decimals: a >= 10 ? 1 : 2) : String(format: "%.3g", value).replacingOccurrences(of: "-", with: "−")
        if text.contains(".") && !text.contains("e") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// A signed change: `+12.3`, `−4.5`, `0`.
    static func signed(_ value: Double) -> String {
        let s = short(value)
        return value > 0 && s != "0" ? "+" + s : s
    }

    /// A fraction as a percentage with one decimal: `0.253` → `25.3 %`.
    static func percent(_ fraction: Double?) -> String {
        guard let f = fraction, f.isFinite else { return "–" }
        return grouped(100 * f, decimals: 1) + " %"
    }

    /// A quantity in a readable scale of its unit: `1.16 Mt`, `950 kt`, `2.3 million vehicle`.
    static func quantity(_ value: Double, unit: String) -> String {
        let scale = UnitScale(unit: unit, magnitude: abs(value))
        return "\(short(value / scale.divisor)) \(scale.label)"
    }
}

/// A readable scale for values of one unit: divide by `divisor` and write `label`.
///
/// Tonnes become kt and Mt, GWh become TWh, other units get "thousand" or "million", prices
/// (`USD/t`) their own words. One scale per chart panel, chosen from its largest value.
struct UnitScale: Equatable {
    let divisor: Double
    let label: String

    init(divisor: Double, label: String) {
        self.divisor = divisor
        self.label = label
    }

    init(unit: String, magnitude: Double) {
        switch unit {
        case "t":
            if magnitude >= 1e6 {
                self.init(divisor: 1e6, label: "Mt")
            } else if magnitude >= 1e3 {
                self.init(divisor: 1e3, label: "kt")
            } else {
                self.init(divisor: 1, label: "t")
            }
        case "GWh":
            if magnitude >= 1e3 { self.init(divisor: 1e3, label: "TWh") } else { self.init(divisor: 1, label: "GWh") }
        case "%":
            self.init(divisor: 0.01, label: "%")
        case "":
            self.init(divisor: 1, label: "")
        default:
            if magnitude >= 1e9 {
                self.init(divisor: 1e9, label: "billion \(unit)")
            } else if magnitude >= 1e6 {
                self.init(divisor: 1e6, label: "million \(unit)")
            } else if magnitude >= 1e4 {
                self.init(divisor: 1e3, label: "thousand \(unit)")
            } else {
                self.init(divisor: 1, label: unit)
            }
        }
    }
}
