extension Page {
    /// Trade matrices: one table per product and year, exporters down, importers across.
    mutating func trade(_ runs: Runs, years: [Int]) {
        var products = runs.a.products.map(\.name)
        for p in runs.b?.products ?? [] where !products.contains(p.name) { products.append(p.name) }
        var panels: [(key: [String], html: String)] = []
        for p in products {
            for y in years { panels.append(([p, String(y)], Self.tradeTable(p, year: y, runs))) }
        }
        section(
            id: "trade", title: "Trade by product",
            explanation:
                "Who supplies whom (flows.csv): each row is an exporting region, each column an importing region, the diagonal is domestic supply. A cell shows the quantity and, below it, its share of the importer's supply. The last row is each importer's total use, the last column each exporter's total sales."
                + (runs.b == nil ? "" : " Cells show B, with the change B − A below; hover for A and B."),
            body: Self.switchBlock(
                group: "trade", dimensions: [("Product", products), ("Year", years.map(String.init))], panels: panels))
    }

    static func tradeTable(_ product: String, year: Int, _ runs: Runs) -> String {
        func matrix(_ r: ResultFolder?) -> [String: [String: (quantity: Double, share: Double)]] {
            var m: [String: [String: (quantity: Double, share: Double)]] = [:]
            for f in r?.flows ?? [] where f.year == year && f.product == product {
                m[f.exporter, default: [:]][f.importer] = (f.quantity, f.share)
            }
            return m
        }
        let a = matrix(runs.a), b = runs.b == nil ? nil : matrix(runs.b)
        let shown = b ?? a
        let unit = (runs.b?.product(product) ?? runs.a.product(product))?.unit ?? ""
        var regions: [String] = []
        for r in runs.a.regions + (runs.b?.regions ?? []) where !regions.contains(r.code) {
            if a[r.code] != nil || b?[r.code] != nil || a.values.contains(where: { $0[r.code] != nil })
                || (b?.values.contains(where: { $0[r.code] != nil }) ?? false)
            {
                regions.append(r.code)
            }
        }
        guard !regions.isEmpty else { return "<p class=\"note\">No trade of \(escape(product)) in \(year).</p>\n" }
        let magnitude = shown.values.flatMap { $0.values.map(\.quantity) }.max() ?? 0
        let scale = UnitScale(unit: unit, magnitude: magnitude)
        let comparing = b != nil
        /// A cell: the quantity (B when comparing) and its share, or with two runs the change.
        func cell(_ qa: Double, _ qb: Double, share: Double?) -> String {
            let q = comparing ? qb : qa
            let title =
                comparing
                ? "A: \(NumberFormat.exact(qa)) \(unit)\nB: \(NumberFormat.exact(qb)) \(unit)"
                : "\(NumberFormat.exact(q)) \(unit)"
            guard q != 0 || qa != 0 else { return "<td><span class=\"zero\">·</span></td>" }
            var html = "<td title=\"\(escape(title))\"><span class=\"q\">\(NumberFormat.short(q / scale.divisor))</span>"
            if let share { html += "<span class=\"share\">\(NumberFormat.percent(share))</span>" }
            if comparing { html += "<span class=\"delta\">Δ \(NumberFormat.signed((qb - qa) / scale.divisor))</span>" }
            return html + "</td>"
        }
        var html = "<table class=\"trade\"><caption>\(escape(product)) in \(year), \(escape(scale.label)) per year</caption>"
        html += "<thead><tr><th>exporter ↓ · importer →</th>"
        html += regions.map { "<th>\(escape(runs.names[$0] ?? $0))</th>" }.joined() + "<th>total sales</th></tr></thead><tbody>"
        var useA: [String: Double] = [:], useB: [String: Double] = [:]
        for s in regions {
            html += "<tr><th>\(escape(runs.names[s] ?? s))</th>"
            var salesA = 0.0, salesB = 0.0
            for r in regions {
                let qa = a[s]?[r]?.quantity ?? 0, qb = b?[s]?[r]?.quantity ?? 0
                html += cell(qa, qb, share: shown[s]?[r]?.share)
                salesA += qa
                salesB += qb
                useA[r, default: 0] += qa
                useB[r, default: 0] += qb
            }
            html += cell(salesA, salesB, share: nil) + "</tr>"
        }
        html += "<tr class=\"total\"><th>total use</th>"
        for r in regions { html += cell(useA[r] ?? 0, useB[r] ?? 0, share: nil) }
        html += "<td></td></tr></tbody></table>\n"
        return html
    }

    /// Sources of the resolved input tables: how many rows cite what.
    mutating func sources(_ runs: Runs) {
        var html = ""
        for (r, label) in [(runs.a, runs.b == nil ? nil : runs.labelA), (runs.b, runs.labelB)] {
            guard let r else { continue }
            if let label { html += "<h3>\(Self.escape(label))</h3>" }
            if r.sources.isEmpty {
                html += "<p class=\"note\">This folder has no resolved/ tables with sources.</p>"
                continue
            }
            html +=
                "<table class=\"sources\"><thead><tr><th>input table</th><th>rows</th><th>distinct sources</th><th>rows citing an assumption</th><th>rows without a source</th></tr></thead><tbody>"
            for s in r.sources where s.rows > 0 {
                let assumptions = s.sources.filter { $0.text.lowercased().contains("assumption") }.reduce(0) { $0 + $1.rows }
                let blank = s.sources.filter { $0.text.isEmpty }.reduce(0) { $0 + $1.rows }
                html +=
                    "<tr><td><code>resolved/\(Self.escape(s.table))</code></td><td>\(s.rows)</td><td>\(s.sources.filter { !$0.text.isEmpty }.count)</td><td>\(assumptions)</td><td>\(blank)</td></tr>"
            }
            html += "</tbody></table>"
            for s in r.sources where s.sources.contains(where: { !$0.text.isEmpty }) {
                html +=
                    "<details><summary><code>resolved/\(Self.escape(s.table))</code>: the sources cited</summary><ul class=\"source-list\">"
                for source in s.sources where !source.text.isEmpty {
                    html +=
                        "<li><span class=\"count\">\(source.rows) row\(source.rows == 1 ? "" : "s")</span> \(Self.escape(source.text))</li>"
                }
                html += "</ul></details>"
            }
        }
        section(
            id: "sources", title: "Sources of the inputs",
            explanation:
                "Every number a scenario ships with carries its source. The resolved/ tables of the result folder keep that text row by row; here is how many rows cite what, and how many rest on an assumption (the text says why). Open a table to read its sources.",
            body: html + "\n")
    }

    /// Tool version, numerical environment and input checksums.
    mutating func runInfo(_ runs: Runs) {
        var html = ""
        for (r, label) in [(runs.a, runs.b == nil ? nil : runs.labelA), (runs.b, runs.labelB)] {
            guard let r else { continue }
            let m = r.manifest
            if let label { html += "<h3>\(Self.escape(label))</h3>" }
            html += "<dl class=\"run-info\">"
            html += "<dt>tool</dt><dd>minsim \(Self.escape(m.toolVersion))</dd>"
            html +=
                "<dt>scenario</dt><dd><code>\(Self.escape(m.scenarioPath))</code>, SHA-256 <code>\(Self.escape(m.scenarioSHA256 ?? "–"))</code></dd>"
            html +=
                "<dt>BLAS</dt><dd>\(Self.escape(m.blasLibrary)), \(m.blasThreads.map { "\($0) thread\($0 == 1 ? "" : "s")" } ?? "–")</dd>"
            if let wall = m.wallTimeSeconds { html += "<dt>run time</dt><dd>\(String(format: "%.2f", wall)) s</dd>" }
            html += "<dt>result folder</dt><dd><code>\(Self.escape(r.path))</code></dd>"
            html += "</dl>"
            if !m.inputs.isEmpty {
                html +=
                    "<details><summary>\(m.inputs.count) input file\(m.inputs.count == 1 ? "" : "s") with SHA-256</summary><ul class=\"inputs\">"
                html += m.inputs.map {
                    "<li><code>\(Self.escape($0.path))</code> <code class=\"sha\">\(Self.escape($0.sha256))</code></li>"
                }.joined()
                html += "</ul></details>"
            }
        }
        section(
            id: "run", title: "About the run",
            explanation: "What produced the numbers, from manifest.json: enough to trace every result to its exact inputs.",
            body: html + "\n")
    }
}
