extension SankeyDiagram {
    /// Size of the drawing, in px.
    static let width = 1000.0
    static let height = 560.0
    private static let top = 64.0, bottom = 34.0, side = 12.0, nodeWidth = 14.0, gap = 10.0

    /// Pixels per tonne that fit every column (and the unmet-demand bars) into the drawing.
    /// Two diagrams drawn at the smaller of their scales can be compared by eye.
    public var fittingScale: Double {
        let plot = Self.height - Self.top - Self.bottom
        var best = Double.infinity
        for k in columns.indices {
            let members = nodes.indices.filter { nodes[$0].column == k }
            var total = members.reduce(0.0) { $0 + throughput($1) }
            var count = members.count
            if k == columns.count - 1 {
                total += unmet.reduce(0.0) { $0 + $1.value }
                count += unmet.count + (unmet.isEmpty ? 0 : 2)
            }
            guard total > 0 else { continue }
            best = min(best, max(plot - Self.gap * Double(max(count - 1, 0)), plot * 0.3) / total)
        }
        return best.isFinite ? best : 1
    }

    /// The diagram as a standalone SVG document.
    ///
    /// - Parameters:
    ///   - scale: px per tonne (default: `fittingScale`); pass the smaller of two diagrams'
    ///     scales to draw them comparably.
    ///   - colors: region code → colour of the links leaving that region's nodes.
    ///   - names: region code → name, for the unmet-demand bars.
    ///   - heading: the title line drawn at the top.
    func svg(
        scale: Double? = nil, colors: [String: String], names: [String: String] = [:], heading: String, unit: String = "t"
    ) -> String {
        let k = scale ?? fittingScale
        var svg = SVG(width: Self.width, height: Self.height)
        let lastColumn = columns.count - 1
        let step = (Self.width - 2 * Self.side - Self.nodeWidth) / Double(max(lastColumn, 1))
        func x(_ column: Int) -> Double { Self.side + Double(column) * step }

        // Node positions: columns top-aligned, nodes in rank order.
        var y = [Double](repeating: 0, count: nodes.count)
        var h = [Double](repeating: 0, count: nodes.count)
        var columnEnd = [Double](repeating: Self.top, count: columns.count)
        for column in columns.indices {
            var cursor = Self.top
            for i in nodes.indices.filter({ nodes[$0].column == column }).sorted(by: { nodes[$0].rank < nodes[$1].rank }) {
                y[i] = cursor
                h[i] = throughput(i) * k
                cursor += h[i] + Self.gap
            }
            columnEnd[column] = cursor
        }

        svg.text(heading, x: Self.side, y: 22, size: 16, weight: "bold")
        for (k, title) in columns.enumerated() {
            let anchor = k == 0 ? "start" : (k == lastColumn ? "end" : "middle")
            let tx = k == 0 ? x(k) : (k == lastColumn ? x(k) + Self.nodeWidth : x(k) + Self.nodeWidth / 2)
            svg.text(title, x: tx, y: 48, anchor: anchor, size: 12, weight: "bold", color: "#444444")
        }

        // Links, stacked at both ends in the order of the node at the other end.
        var outOffset = [Double](repeating: 0, count: nodes.count)
        var inOffset = [Double](repeating: 0, count: nodes.count)
        let order = links.indices.sorted { a, b in
            let la = links[a], lb = links[b]
            return (nodes[la.source].column, y[la.source], y[la.target]) < (nodes[lb.source].column, y[lb.source], y[lb.target])
        }
        var placed: [(index: Int, y0: Double, y1: Double)] = []
        for i in order {
            let l = links[i], w = l.value * k
            placed.append((i, y[l.source] + outOffset[l.source] + w / 2, 0))
            outOffset[l.source] += w
        }
        let byTarget = placed.indices.sorted { a, b in
            let la = links[placed[a].index], lb = links[placed[b].index]
            return (la.target, y[la.source], placed[a].y0) < (lb.target, y[lb.source], placed[b].y0)
        }
        for p in byTarget {
            let l = links[placed[p].index], w = l.value * k
            placed[p].y1 = y[l.target] + inOffset[l.target] + w / 2
            inOffset[l.target] += w
        }
        svg.raw("<g fill=\"none\" stroke-opacity=\"0.42\">\n")
        for p in placed {
            let l = links[p.index]
            let x0 = x(nodes[l.source].column) + Self.nodeWidth, x1 = x(nodes[l.target].column)
            let xm = (x0 + x1) / 2
            let color = nodes[l.source].region.flatMap { colors[$0] } ?? Palette.neutral
            let from = describe(l.source), to = describe(l.target)
            svg.element(
                "path",
                [
                    ("class", "sankey-link"),
                    (
                        "d",
                        "M\(SVG.n(x0)),\(SVG.n(p.y0))C\(SVG.n(xm)),\(SVG.n(p.y0)) \(SVG.n(xm)),\(SVG.n(p.y1)) \(SVG.n(x1)),\(SVG.n(p.y1))"
                    ),
                    ("stroke", color), ("stroke-width", SVG.n(max(l.value * k, 0.6))),
                    ("data-source", nodes[l.source].id), ("data-target", nodes[l.target].id), ("data-value", "\(l.value)"),
                ],
                title: "\(from) → \(to)\n\(NumberFormat.exact(l.value)) \(unit) of \(mineral) in \(year)")
        }
        svg.raw("</g>\n")

        // Nodes top to bottom in each column, so that a label is dropped only where it would
        // overlap the one above it.
        var lastLabel = [Double](repeating: -.infinity, count: columns.count)
        for i in nodes.indices.sorted(by: { (nodes[$0].column, y[$0]) < (nodes[$1].column, y[$1]) }) {
            let n = nodes[i]
            let fill: String
            switch n.kind {
            case .stage, .finalUse: fill = n.region.flatMap { colors[$0] } ?? Palette.neutral
            case .recycling: fill = Palette.recycling
            default: fill = Palette.neutral
            }
            let inflow = inflow(i), outflow = outflow(i)
            var hover = describe(i)
            if inflow > 0 { hover += "\nin: \(NumberFormat.exact(inflow)) \(unit)" }
            if outflow > 0 { hover += "\nout: \(NumberFormat.exact(outflow)) \(unit)" }
            svg.rect(
                x: x(n.column), y: y[i], width: Self.nodeWidth, height: max(h[i], 1), fill: fill, title: hover,
                extra: [
                    ("class", "sankey-node"), ("data-id", n.id), ("data-kind", n.kind.rawValue), ("data-in", "\(inflow)"),
                    ("data-out", "\(outflow)"),
                ])
            let baseline = y[i] + max(h[i], 1) / 2 + 4
            guard baseline - 11 >= lastLabel[n.column] else { continue }
            lastLabel[n.column] = baseline
            let label = "\(n.label) \(NumberFormat.quantity(throughput(i), unit: unit))"
            if n.column == lastColumn {
                svg.text(label, x: x(n.column) - 4, y: baseline, anchor: "end", size: 11)
            } else {
                svg.text(label, x: x(n.column) + Self.nodeWidth + 4, y: baseline, size: 11)
            }
        }

        // Unmet demand: outlined bars below the last column, not flows.
        if !unmet.isEmpty {
            var cursor = columnEnd[lastColumn] + 14
            let total = unmet.reduce(0.0) { $0 + $1.value }
            svg.text(
                "Unmet demand \(NumberFormat.quantity(total, unit: unit))", x: x(lastColumn) + Self.nodeWidth, y: cursor + 2,
                anchor: "end", size: 11, weight: "bold", color: Palette.unmet)
            cursor += 10
            for (region, value) in unmet {
                let name = names[region] ?? region
                let height = value * k
                svg.rect(
                    x: x(lastColumn), y: cursor, width: Self.nodeWidth, height: max(height, 1), fill: "#f6d5d1",
                    title:
                        "Unmet demand in \(name), \(year)\n\(NumberFormat.exact(value)) \(unit) of \(mineral) embodied in final demand not served",
                    extra: [
                        ("class", "sankey-unmet"), ("stroke", Palette.unmet), ("stroke-dasharray", "3 2"),
                        ("data-region", region),
                        ("data-value", "\(value)"),
                    ])
                if height >= 9 {
                    svg.text(
                        "\(name) \(NumberFormat.quantity(value, unit: unit))", x: x(lastColumn) - 4, y: cursor + height / 2 + 4,
                        anchor: "end", size: 11, color: Palette.unmet)
                }
                cursor += height + Self.gap
            }
        }

        let sources = nodes.indices.filter { nodes[$0].kind != .finalUse && nodes[$0].kind != .losses && inflow($0) == 0 }
        let supplied = sources.reduce(0.0) { $0 + outflow($1) }
        svg.text(
            "Widths: tonnes of contained \(mineral) per year (\(SVG.n(k * 1000)) px per kt). Total supplied \(NumberFormat.quantity(supplied, unit: unit)). Hover for exact values.",
            x: Self.side, y: Self.height - 12, size: 11, color: "#555555")
        return svg.document(
            title: heading,
            description:
                "Sankey diagram of \(mineral) in \(year): \(nodes.count) nodes, \(links.count) flows, tonnes of contained mineral"
        )
    }

    /// "China · ni_refined (refining)", "Processing losses", …
    func describe(_ i: Int) -> String {
        let n = nodes[i]
        switch n.kind {
        case .stage: return "\(n.label) · \(n.product ?? "")"
        case .finalUse: return n.region == nil ? n.label : "\(n.label) · final demand for \(n.product ?? "")"
        default: return n.label
        }
    }
}
