import Foundation

/// One line of a chart panel: a value per year (missing years are gaps).
struct Series: Sendable {
    let name: String
    let color: String
    let dashed: Bool
    let values: [Int: Double]
}

/// One small chart: a title, the unit its values are in, and its lines.
struct SeriesPanel: Sendable {
    let title: String
    /// The values' unit before scaling (`t`, `GWh`, `vehicle`, `USD/t`, `%` for fractions, ""
    /// for an index); the axis shows it scaled (kt, Mt, million …).
    let unit: String
    /// Appended to the scaled unit on the axis, e.g. "per year".
    let per: String
    var series: [Series]
}

/// An entry of a grid's legend.
struct LegendEntry: Sendable {
    let name: String
    let color: String
    let dashed: Bool
}

/// Small multiples: a grid of line charts sharing a legend and a year axis, drawn as one SVG.
///
/// Hover: every year of every panel is a band whose `<title>` lists each line's exact value,
/// so the values can be read in the report and in the standalone figure alike.
struct PanelGrid: Sendable {
    let title: String
    let subtitle: String
    let panels: [SeriesPanel]
    let legend: [LegendEntry]
    let years: [Int]
    var columns = 4

    static let panelWidth = 245.0, panelHeight = 182.0
    private static let plotLeft = 52.0, plotRight = 12.0, plotTop = 40.0, plotBottom = 24.0

    func svg() -> String {
        let cols = max(1, min(columns, panels.count))
        let rows = (panels.count + cols - 1) / cols
        let legendRows = legendLines()
        let head = 48.0 + 18.0 * Double(legendRows.count)
        let width = Double(cols) * Self.panelWidth + 16
        let height = head + Double(rows) * Self.panelHeight + 8
        var svg = SVG(width: width, height: height)
        svg.text(title, x: 8, y: 22, size: 16, weight: "bold")
        svg.text(subtitle, x: 8, y: 40, size: 11, color: "#555555")
        for (row, entries) in legendRows.enumerated() {
            var x = 8.0
            let y = 58.0 + 18 * Double(row)
            for entry in entries {
                svg.line(
                    x1: x, y1: y - 4, x2: x + 22, y2: y - 4, color: entry.color, width: 2.5, dash: entry.dashed ? "5 3" : nil)
                svg.text(entry.name, x: x + 27, y: y, size: 11)
                x += 34 + Self.textWidth(entry.name, size: 11)
            }
        }
        for (i, panel) in panels.enumerated() {
            let px = 8 + Double(i % cols) * Self.panelWidth
            let py = head + Double(i / cols) * Self.panelHeight
            draw(panel, x: px, y: py, into: &svg)
        }
        return svg.document(title: title, description: subtitle)
    }

    /// Legend entries wrapped to the grid's width.
    private func legendLines() -> [[LegendEntry]] {
        let width = Double(max(1, min(columns, panels.count))) * Self.panelWidth
        var lines: [[LegendEntry]] = [[]]
        var x = 0.0
        for entry in legend {
            let w = 34 + Self.textWidth(entry.name, size: 11)
            if x + w > width && !(lines.last?.isEmpty ?? true) {
                lines.append([])
                x = 0
            }
            lines[lines.count - 1].append(entry)
            x += w
        }
        return legend.isEmpty ? [] : lines
    }

    private func draw(_ panel: SeriesPanel, x px: Double, y py: Double, into svg: inout SVG) {
        let left = px + Self.plotLeft, right = px + Self.panelWidth - Self.plotRight
        let top = py + Self.plotTop, bottom = py + Self.panelHeight - Self.plotBottom
        let values = panel.series.flatMap { $0.values.values }.filter(\.isFinite)
        let magnitude = values.map(abs).max() ?? 0
        let scale = UnitScale(unit: panel.unit, magnitude: magnitude)
        let ticks = Axis.ticks(min: min(0, values.min() ?? 0) / scale.divisor, max: max(0, values.max() ?? 0) / scale.divisor)
        let lo = ticks.first ?? 0, hi = ticks.last ?? 1
        let first = years.first ?? 0, last = years.last ?? 1
        func X(_ year: Int) -> Double {
            last == first ? (left + right) / 2 : left + (right - left) * Double(year - first) / Double(last - first)
        }
        func Y(_ v: Double) -> Double { hi == lo ? bottom : bottom - (bottom - top) * (v / scale.divisor - lo) / (hi - lo) }

        svg.text(panel.title, x: px + 4, y: py + 16, size: 12, weight: "bold")
        let unitText = [scale.label, panel.per].filter { !$0.isEmpty }.joined(separator: " ")
        svg.text(unitText, x: px + 4, y: py + 30, size: 10, color: "#666666")
        for t in ticks {
            let y = Y(t * scale.divisor)
            svg.line(x1: left, y1: y, x2: right, y2: y, color: t == 0 ? "#bbbbbb" : Palette.grid, width: 1)
            svg.text(Axis.label(t), x: left - 4, y: y + 3.5, anchor: "end", size: 10, color: "#555555")
        }
        for year in Axis.yearTicks(years) {
            svg.line(x1: X(year), y1: bottom, x2: X(year), y2: bottom + 4, color: Palette.axis)
            svg.text(String(year), x: X(year), y: bottom + 15, anchor: "middle", size: 10, color: "#555555")
        }
        svg.line(x1: left, y1: bottom, x2: right, y2: bottom, color: Palette.axis)

        if values.isEmpty {
            svg.text("no data", x: (left + right) / 2, y: (top + bottom) / 2, anchor: "middle", size: 11, color: "#888888")
        }
        for series in panel.series {
            var segments: [[String]] = [[]]
            for year in years {
                if let v = series.values[year], v.isFinite {
                    segments[segments.count - 1].append("\(SVG.n(X(year))),\(SVG.n(Y(v)))")
                } else if !(segments.last?.isEmpty ?? true) {
                    segments.append([])
                }
            }
            for points in segments where !points.isEmpty {
                if points.count == 1 {
                    let xy = points[0].split(separator: ",")
                    svg.element(
                        "circle", [("cx", String(xy[0])), ("cy", String(xy[1])), ("r", "2.5"), ("fill", series.color)])
                } else {
                    var attributes: [(String, String)] = [
                        ("class", "series"), ("points", points.joined(separator: " ")), ("fill", "none"),
                        ("stroke", series.color), ("stroke-width", "1.8"), ("stroke-linejoin", "round"),
                    ]
                    if series.dashed { attributes.append(("stroke-dasharray", "5 3")) }
                    svg.element("polyline", attributes, title: series.name)
                }
            }
        }
        // Hover bands, one per year, listing every line's exact value.
        let band = years.count > 1 ? (right - left) / Double(years.count - 1) : right - left
        for year in years {
            var lines = ["\(panel.title), \(year)"]
            for series in panel.series {
                let v = series.values[year]
                lines.append("\(series.name): \(v.map { "\(Self.hoverValue($0, unit: panel.unit)) " } ?? "–")")
            }
            svg.rect(
                x: max(left, X(year) - band / 2), y: top, width: min(band, right - left), height: bottom - top, fill: "#000000",
                title: lines.joined(separator: "\n").trimmingCharacters(in: .whitespaces),
                extra: [("fill-opacity", "0"), ("class", "hover-band")])
        }
    }

    static func hoverValue(_ v: Double, unit: String) -> String {
        unit == "%" ? NumberFormat.percent(v) : "\(NumberFormat.exact(v)) \(unit)"
    }

    /// Width of a label in px, estimated from its length (SVG has no text metrics without a
    /// renderer; 0.56 em per character suits Helvetica/Arial).
    static func textWidth(_ s: String, size: Double) -> Double { Double(s.count) * size * 0.56 }
}

/// Axis ticks: "nice" steps of 1, 2 or 5 × 10ⁿ.
enum Axis {
    static func ticks(min lo: Double, max hi: Double, count: Int = 4) -> [Double] {
        guard lo.isFinite, hi.isFinite else { return [0, 1] }
        if hi <= lo { return lo == 0 ? [0, 1] : [Swift.min(lo, 0), Swift.max(hi, 0) + abs(lo)] }
        let raw = (hi - lo) / Double(count)
        let magnitude = pow10(floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let start = floor(lo / step) * step, end = ceil(hi / step) * step
        var out: [Double] = []
        var t = start
        while t <= end + step * 1e-9 {
            out.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return out
    }

    static func label(_ v: Double) -> String {
        let a = abs(v)
        if a == 0 { return "0" }
        if a >= 1000 { return NumberFormat.grouped(v, decimals: 0) }
        if a >= 1 { return v == v.rounded() ? NumberFormat.grouped(v, decimals: 0) : NumberFormat.grouped(v, decimals: 1) }
        return NumberFormat.short(v)
    }

    /// Year ticks: multiples of 1, 2, 5 or 10 years within the range, and the first year when
    /// it is at least half a step from the first multiple.
    static func yearTicks(_ years: [Int]) -> [Int] {
        guard let first = years.first, let last = years.last else { return [] }
        let span = last - first
        let step = span <= 6 ? 1 : (span <= 12 ? 2 : (span <= 40 ? 5 : 10))
        var out: [Int] = []
        var y = ((first + step - 1) / step) * step
        if y - first >= (step + 1) / 2 { out.append(first) }
        while y <= last {
            out.append(y)
            y += step
        }
        return out
    }

    private static func pow10(_ e: Double) -> Double {
        var v = 1.0
        if e >= 0 { for _ in 0..<Int(e) { v *= 10 } } else { for _ in 0..<Int(-e) { v /= 10 } }
        return v
    }
}
