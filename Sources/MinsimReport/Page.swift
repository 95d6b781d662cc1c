import Foundation
import MinsimScenario

/// The HTML page of a report, built section by section.
struct Page {
    private var body = ""
    /// (id, title) of every section, for the contents list.
    private var contents: [(id: String, title: String)] = []

    mutating func section(id: String, title: String, explanation: String, body content: String) {
        contents.append((id, title))
        body += "<section id=\"\(Self.escape(id))\">\n<h2>\(Self.escape(title))</h2>\n"
        if !explanation.isEmpty { body += "<p class=\"explain\">\(Self.escape(explanation))</p>\n" }
        body += content + "</section>\n"
    }

    mutating func raw(_ html: String) { body += html }

    /// The whole page.
    func document(_ runs: Runs) -> String {
        let title = runs.b.map { "\(runs.a.scenarioName) vs \($0.scenarioName)" } ?? runs.a.scenarioName
        let nav = contents.map { "<li><a href=\"#\(Self.escape($0.id))\">\(Self.escape($0.title))</a></li>" }.joined()
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="minsim \(Self.escape(runs.a.manifest.toolVersion))">
            <title>minsim report: \(Self.escape(title))</title>
            <style>
            \(Self.css)
            </style>
            </head>
            <body>
            \(headerHTML)
            <nav aria-label="Contents"><h2>Contents</h2><ol>\(nav)</ol></nav>
            <main>
            \(body)
            </main>
            <footer>Made by <code>minsim report</code> (minsim \(Self.escape(runs.a.manifest.toolVersion))). Every number on this page comes from the CSV and JSON files of the result folder; docs/outputs.md explains each column.</footer>
            <script>
            \(Self.script)
            </script>
            </body>
            </html>

            """
    }

    private var headerHTML = ""

    mutating func header(_ runs: Runs) {
        func run(_ r: ResultFolder, _ label: String?) -> String {
            let m = r.manifest
            var html = "<div class=\"run\">"
            if let label { html += "<p class=\"side\">\(Self.escape(label))</p>" }
            html +=
                "<p class=\"description\">\(Self.escape(m.scenarioDescription ?? "(no description recorded in manifest.json)"))</p>"
            let span = Set([m.baseYear, m.horizon].compactMap { $0 }).sorted().map(String.init).joined(separator: "–")
            html +=
                "<p class=\"meta\">\(Self.escape(span)) · prices in \(Self.escape(m.currency.isEmpty ? "the scenario currency" : m.currency)) · scenario file <code>\(Self.escape(m.scenarioPath))</code> · result folder <code>\(Self.escape(r.path))</code></p>"
            return html + "</div>"
        }
        var html = "<header><p class=\"kicker\">minsim scenario report</p>"
        if let b = runs.b {
            html += "<h1>\(Self.escape(runs.a.scenarioName)) <span class=\"vs\">vs</span> \(Self.escape(b.scenarioName))</h1>"
            html += run(runs.a, runs.labelA) + run(b, runs.labelB)
        } else {
            html += "<h1>\(Self.escape(runs.a.scenarioName))</h1>" + run(runs.a, nil)
        }
        headerHTML = html + "</header>"
    }

    mutating func guide(_ runs: Runs) {
        let minerals = Indicators.mineralNames(runs.a)
        let which = minerals.isEmpty ? "" : " — here \(Self.escape(minerals.joined(separator: ", "))) —"
        var text = """
            <p>minsim follows minerals\(which) \
            from mines through refineries and battery-cell plants to electric vehicles, region by region and year by \
            year, with trade, prices, capacity limits and recycling. This page shows one run of a scenario. Start with \
            <a href="#glance">At a glance</a>; the <a href="#sankey">Sankey diagrams</a> show where each tonne goes in \
            a chosen year; the charts below show how things change over time. Hover over any chart for exact values. \
            Quantities are per year unless a chart says otherwise; <em>t</em> is metric tonnes, kt thousand and Mt \
            million tonnes.</p>
            """
        if runs.b != nil {
            text = """
                <p>This page compares two runs: <strong>\(Self.escape(runs.labelA))</strong> and \
                <strong>\(Self.escape(runs.labelB))</strong>. Charts draw A with solid lines and B with dashed lines, and \
                a second chart shows the difference B − A. The Sankey diagrams of both runs share one scale, so band \
                widths can be compared directly.</p>
                """ + text.replacingOccurrences(of: "This page shows one run of a scenario. ", with: "")
        }
        section(id: "guide", title: "How to read this report", explanation: "", body: text + "\n")
    }

    mutating func glance(_ runs: Runs, years: [Int]) {
        let ha = Headline(runs.a), hb = runs.b.map(Headline.init)
        let minerals = Indicators.mineralNames(runs.a)
        guard !minerals.isEmpty, !years.isEmpty else {
            section(
                id: "glance", title: "At a glance", explanation: "",
                body: "<p class=\"note\">The scenario defines no minerals, so there are no mineral indicators to summarise.</p>\n"
            )
            return
        }
        let base = runs.a.years.first.map(String.init) ?? "the base year"
        var html = "<table class=\"glance\"><thead><tr><th rowspan=\"2\">mineral</th>"
        for y in years { html += "<th colspan=\"3\" class=\"group\">\(y)</th>" }
        html += "</tr><tr>"
        for _ in years {
            html += "<th>unmet demand</th><th>refined price vs \(Self.escape(base))</th><th>secondary share of refinery feed</th>"
        }
        html += "</tr></thead><tbody>"
        for m in minerals {
            html += "<tr><th>\(Self.escape(m))</th>"
            for y in years {
                let a = ha.cells[m]?[y], b = hb?.cells[m]?[y]
                html += Self.compared(a?.unmet, b?.unmet, hb != nil) { NumberFormat.quantity($0, unit: "t") }
                html += Self.compared(a?.priceChange, b?.priceChange, hb != nil, percentPoints: true) { Self.signedPercent($0) }
                html += Self.compared(a?.secondaryShare, b?.secondaryShare, hb != nil, percentPoints: true) {
                    NumberFormat.percent($0)
                }
            }
            html += "</tr>"
        }
        html += "</tbody></table>\n"
        let explanation =
            "Per mineral, summed over regions: unmet demand in tonnes of contained mineral (mineral embodied in vehicles, cells and other uses that were wanted but not supplied), the change of the output-weighted refined price since \(base), and the share of refinery feed that is recycled."
            + (runs.b == nil ? "" : " Each cell shows B, with A and the change below it.")
        section(id: "glance", title: "At a glance", explanation: explanation, body: html)
    }

    /// A table cell: the value, or with a comparison B large and "A … · Δ …" small.
    static func compared(
        _ a: Double?, _ b: Double?, _ comparing: Bool, percentPoints: Bool = false, format: (Double) -> String
    ) -> String {
        guard comparing else { return "<td>\(a.map { escape(format($0)) } ?? "–")</td>" }
        let html = "<td><span class=\"b\">\(b.map { escape(format($0)) } ?? "–")</span>"
        var small = "A \(a.map { escape(format($0)) } ?? "–")"
        if let a, let b {
            let d = b - a
            let text = percentPoints ? signedPercent(d, points: true) : (d > 0 ? "+" : "") + format(d)
            small += " · Δ " + escape(text)
        }
        return html + "<span class=\"a\">\(small)</span></td>"
    }

    static func signedPercent(_ fraction: Double, points: Bool = false) -> String {
        let text = NumberFormat.grouped(100 * fraction, decimals: 1)
        return (fraction > 0 && text != "0.0" ? "+" : "") + text + (points ? " pp" : " %")
    }

    mutating func largestChanges(_ summaries: [ResultComparison.YearSummary], _ runs: Runs) {
        var html = ""
        for s in summaries {
            html += "<h3>\(s.year)</h3>"
            if s.changes.isEmpty {
                html += "<p>No relative change above zero.</p>"
            } else {
                html +=
                    "<table class=\"changes\"><thead><tr><th>what</th><th>region</th><th>product</th><th>unit</th><th>A</th><th>B</th><th>change</th></tr></thead><tbody>"
                for c in s.changes {
                    html +=
                        "<tr><td>\(Self.escape(c.column.replacingOccurrences(of: "_", with: " ")))</td><td>\(Self.escape(runs.names[c.region] ?? c.region))</td><td>\(Self.escape(c.product))</td><td>\(Self.escape(Self.unit(of: c, runs)))</td><td title=\"\(c.a)\">\(NumberFormat.short(c.a))</td><td title=\"\(c.b)\">\(NumberFormat.short(c.b))</td><td>\(Self.signedPercent(c.relative))</td></tr>"
                }
                html += "</tbody></table>"
            }
            if !s.appeared.isEmpty {
                html += "<p class=\"appeared\">New in B (absent or near zero in A; \(s.unranked) in all): "
                html += s.appeared.map {
                    "\(Self.escape($0.column.replacingOccurrences(of: "_", with: " "))) of \(Self.escape($0.product)) in \(Self.escape(runs.names[$0.region] ?? $0.region)) \(NumberFormat.short($0.b))"
                }.joined(separator: "; ")
                html += ".</p>"
            }
        }
        section(
            id: "largest-changes", title: "What changed most",
            explanation:
                "The largest relative changes B vs A of production, price and unmet demand over all regions and products (values below 0.001 in A are left out, since their relative change is noise), as `minsim compare` ranks them. Units are each product's own.",
            body: html + "\n")
    }

    /// The unit of a ranked change: the product's unit, per year for quantities, or the
    /// currency per unit for prices.
    static func unit(of c: ResultComparison.Change, _ runs: Runs) -> String {
        let unit = (runs.a.product(c.product) ?? runs.b?.product(c.product))?.unit ?? ""
        if c.column == "price" { return "\(runs.a.manifest.currency)/\(unit)" }
        return "\(unit)/yr"
    }

    mutating func solver(_ runs: Runs) {
        var html = ""
        for (r, label) in [(runs.a, runs.b == nil ? nil : runs.labelA), (runs.b, runs.labelB)] {
            guard let r else { continue }
            if let label { html += "<h3>\(Self.escape(label))</h3>" }
            html += Self.solverTable(r.manifest)
        }
        section(
            id: "solver", title: "Solver certificate",
            explanation:
                "Whether each year's market clearing is an equilibrium within tolerance: capacity and quota limits held, complementarity (a price rises above cost only where a limit binds), and demand is left unmet only where its delivered price reached the choke price. minsim writes only certified years: a year it cannot certify stops the run with an error (folders written by versions before the complementarity clearing carry no certificate).",
            body: html)
    }

    static func solverTable(_ m: ManifestInfo) -> String {
        var html = ""
        let certified = m.years.filter { $0.certificate?.certified == true }.count
        let withCertificate = m.years.filter { $0.certificate != nil }
        if !withCertificate.isEmpty {
            let tolerance = withCertificate.compactMap { $0.certificate?.tolerance }.max()
            html +=
                "<p class=\"verdict \(certified == m.years.count ? "ok" : "warn")\">Certified in \(certified) of \(m.years.count) years\(tolerance.map { " (tolerance \(Self.escape(String(format: "%.0e", $0))))" } ?? "").</p>"
            html +=
                "<table class=\"solver\"><thead><tr><th>year</th><th>status</th><th>certified</th><th>capacity violation</th><th>quota violation</th><th>complementarity residual</th><th>unmet below choke</th><th>iterations</th></tr></thead><tbody>"
            for y in m.years {
                let c = y.certificate
                html +=
                    "<tr><td>\(y.year)</td><td>\(Self.escape(y.status))</td><td>\(c.map { $0.certified ? "✓ yes" : "✗ no" } ?? "–")</td><td>\(sci(c?.capacityViolation))</td><td>\(sci(c?.quotaViolation))</td><td>\(sci(c?.complementarityResidual))</td><td>\(sci(c?.unmetBelowChoke))</td><td>\(c?.iterations.map(String.init) ?? "–")</td></tr>"
            }
            html += "</tbody></table>"
        } else if m.years.contains(where: { $0.clearing != nil }) {
            let converged = m.years.filter { $0.clearing?.converged == true }.count
            html +=
                "<p class=\"verdict warn\">No solver certificate in this folder (written before the complementarity clearing). The older capacity clearing converged in \(converged) of \(m.years.count) years; its prices are not certified equilibria.</p>"
            html +=
                "<table class=\"solver\"><thead><tr><th>year</th><th>status</th><th>clearing converged</th><th>rounds</th><th>capacity violation</th><th>complementarity residual</th><th>nodes at the price ceiling</th></tr></thead><tbody>"
            for y in m.years {
                let c = y.clearing
                html +=
                    "<tr><td>\(y.year)</td><td>\(Self.escape(y.status))</td><td>\(c.map { $0.converged ? "yes" : "no" } ?? "–")</td><td>\(c?.rounds.map(String.init) ?? "–")</td><td>\(sci(c?.capacityViolation))</td><td>\(sci(c?.complementarityResidual))</td><td title=\"\(Self.escape(c?.nodesAtCeiling.joined(separator: ", ") ?? ""))\">\(c?.nodesAtCeiling.count ?? 0)</td></tr>"
            }
            html += "</tbody></table>"
        } else {
            html += "<p class=\"verdict warn\">manifest.json records neither a solver certificate nor clearing statistics.</p>"
        }
        if !m.warnings.isEmpty {
            html += "<p>Warnings of the run:</p><ul class=\"warnings\">"
            html += m.warnings.map { "<li>\(Self.escape($0))</li>" }.joined()
            html += "</ul>"
        }
        return html + "\n"
    }

    static func sci(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "–" }
        return v == 0 ? "0" : String(format: "%.1e", v)
    }

    mutating func notes(_ runs: Runs) {
        var items: [String] = []
        for (r, label) in [(runs.a, runs.b == nil ? "" : "A: "), (runs.b, "B: ")] {
            guard let r else { continue }
            items += r.notes.map { "<li>\(Self.escape(label + $0))</li>" }
        }
        guard !items.isEmpty else { return }
        section(
            id: "notes", title: "What this folder lacks",
            explanation:
                "Parts of the report need tables that older result folders do not have; the report leaves them out and says so here.",
            body: "<ul class=\"notes\">\(items.joined())</ul>\n")
    }

    // MARK: - Building blocks

    /// A figure: the SVG inline, with a caption naming the file `--figures` writes.
    static func figure(_ figure: Figure, kind: String, attributes: [(String, String)] = []) -> String {
        var html = "<figure class=\"chart\" data-chart=\"\(escape(kind))\" data-figure=\"\(escape(figure.name))\""
        for (k, v) in attributes { html += " \(k)=\"\(escape(v))\"" }
        html += ">\n" + figure.svg
        html +=
            "<figcaption>\(escape(figure.title)) · figure file <code>\(escape(figure.name)).svg</code></figcaption></figure>\n"
        return html
    }

    /// Selectors (one per dimension) and panels keyed by one value of each; a script shows the
    /// chosen panel. Without scripts, and in print, the chosen (first) panel is shown.
    static func switchBlock(
        group: String, dimensions: [(label: String, values: [String])], panels: [(key: [String], html: String)]
    )
        -> String
    {
        var html = "<div class=\"switch\" data-group=\"\(escape(group))\">"
        for (label, values) in dimensions {
            html += "<label>\(escape(label)) <select>"
            html += values.map { "<option value=\"\(escape($0))\">\(escape($0))</option>" }.joined()
            html += "</select></label>"
        }
        html += "</div>\n"
        for (i, panel) in panels.enumerated() {
            let key = panel.key.joined(separator: "|")
            html +=
                "<div class=\"switch-panel\(i == 0 ? " selected" : "")\" data-group=\"\(escape(group))\" data-key=\"\(escape(key))\">"
            html += "<p class=\"panel-key\">\(escape(panel.key.joined(separator: ", ")))</p>\n\(panel.html)</div>\n"
        }
        return html
    }

    static func slug(_ s: String) -> String {
        String(s.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }

    static func escape(_ s: String) -> String { SVG.escape(s) }
}
