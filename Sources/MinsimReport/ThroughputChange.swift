/// The difference view of two Sankey diagrams: for every node of either, the change of its
/// throughput B − A as a horizontal bar, grouped by column.
///
/// Two Sankey diagrams drawn at one scale show where the mineral goes in each run; this chart
/// shows by how much each stage and region moved, which widths alone do not.
struct ThroughputChange {
    let a: SankeyDiagram?
    let b: SankeyDiagram?
    let heading: String
    let unit: String
    /// Region code → name.
    let names: [String: String]

    struct Row {
        let column: Int
        let rank: Int
        let label: String
        let valueA: Double
        let valueB: Double
        var change: Double { valueB - valueA }
    }

    var rows: [Row] {
        var out: [String: Row] = [:]
        var order: [String] = []
        for (diagram, isA) in [(a, true), (b, false)] {
            guard let diagram else { continue }
            for i in diagram.nodes.indices {
                let n = diagram.nodes[i]
                let v = diagram.throughput(i)
                // Stage nodes are named by their column (Refineries (ni_refined) · China); the
                // others (recycled feed, other uses, losses) by their own label.
                let title = diagram.columns.indices.contains(n.column) ? diagram.columns[n.column] : ""
                let label = n.kind == .stage || (n.kind == .finalUse && n.region != nil) ? "\(title) · \(n.label)" : n.label
                let existing = out[n.id]
                if existing == nil { order.append(n.id) }
                out[n.id] = Row(
                    column: n.column, rank: n.rank, label: label,
                    valueA: isA ? v : existing?.valueA ?? 0, valueB: isA ? existing?.valueB ?? 0 : v)
            }
            for (region, v) in diagram.unmet {
                let id = "unmet:\(region)"
                let existing = out[id]
                if existing == nil { order.append(id) }
                out[id] = Row(
                    column: Int.max, rank: 0, label: "Unmet demand · \(names[region] ?? region)",
                    valueA: isA ? v : existing?.valueA ?? 0,
                    valueB: isA ? existing?.valueB ?? 0 : v)
            }
        }
        return order.compactMap { out[$0] }.sorted { ($0.column, $0.rank) < ($1.column, $1.rank) }
    }

    func svg() -> String {
        let rows = self.rows
        let scale = rows.map { max($0.valueA, $0.valueB) }.max() ?? 0
        // Changes below 1e-9 of the largest node are rounding, not change.
        let shown = rows.filter { abs($0.change) > 1e-9 * scale }
        let rowHeight = 17.0, labelWidth = 430.0, width = 1000.0
        let height = 70 + rowHeight * Double(max(shown.count, 1)) + 30
        var svg = SVG(width: width, height: height)
        svg.text(heading, x: 12, y: 22, size: 16, weight: "bold")
        svg.text(
            "Change of each node's throughput, B − A, tonnes of contained mineral per year; nodes that did not change are left out. Hover for exact values.",
            x: 12, y: 42, size: 11, color: "#555555")
        let maxChange = shown.map { abs($0.change) }.max() ?? 0
        let left = labelWidth + 20, right = width - 110
        let zero = (left + right) / 2
        let k = maxChange > 0 ? (right - zero) / maxChange : 0
        if shown.isEmpty {
            svg.text(
                "No node changed: both runs move the same tonnes this year.", x: 12, y: 80, size: 12,
                extra: [("class", "no-change")])
        }
        svg.line(x1: zero, y1: 56, x2: zero, y2: height - 24, color: "#999999")
        for (i, row) in shown.enumerated() {
            let y = 60 + rowHeight * Double(i)
            let w = abs(row.change) * k
            let x = row.change < 0 ? zero - w : zero
            svg.text(row.label, x: labelWidth + 10, y: y + 12, anchor: "end", size: 11)
            svg.rect(
                x: x, y: y + 2, width: max(w, 0.8), height: rowHeight - 5, fill: row.change < 0 ? "#D55E00" : "#0072B2",
                title:
                    "\(row.label)\nA: \(NumberFormat.exact(row.valueA)) \(unit)\nB: \(NumberFormat.exact(row.valueB)) \(unit)\nB − A: \(NumberFormat.exact(row.change)) \(unit)",
                extra: [("class", "change-bar"), ("data-change", "\(row.change)")])
            let scaleUnit = UnitScale(unit: unit, magnitude: maxChange)
            svg.text(
                "\(NumberFormat.signed(row.change / scaleUnit.divisor)) \(scaleUnit.label)", x: right + 8, y: y + 12, size: 10,
                color: "#444444")
        }
        return svg.document(title: heading, description: "Change of node throughput between two runs")
    }
}
