/// One drawn chart: the SVG document that is both inlined in the report and written to
/// `--figures DIR` as `<name>.svg`.
struct Figure: Sendable {
    /// File stem, e.g. `production` or `sankey-nickel-2030-b`.
    let name: String
    let title: String
    let svg: String
}

/// The runs a report shows: one, or two to compare.
struct Runs: Sendable {
    let a: ResultFolder
    let b: ResultFolder?

    /// Region code → colour, A's regions first, then any only B has; `World` is black.
    let colors: [String: String]
    /// Region code → display name.
    let names: [String: String]
    /// Every year of either run.
    let years: [Int]

    init(_ a: ResultFolder, _ b: ResultFolder?) {
        self.a = a
        self.b = b
        var colors: [String: String] = [Indicators.world: Palette.world]
        var names: [String: String] = [Indicators.world: Indicators.world]
        var k = 0
        for region in a.regions + (b?.regions ?? []) where colors[region.code] == nil {
            colors[region.code] = Palette.region(k)
            names[region.code] = region.name
            k += 1
        }
        self.colors = colors
        self.names = names
        self.years = Set(a.years + (b?.years ?? [])).sorted()
    }

    var labelA: String { b == nil ? a.scenarioName : "A: \(a.scenarioName)" }
    var labelB: String { b.map { "B: \($0.scenarioName)" } ?? "" }

    func legend(_ keys: [String]) -> [LegendEntry] {
        keys.map { LegendEntry(name: names[$0] ?? $0, color: colors[$0] ?? Palette.neutral, dashed: false) }
    }
}

extension Runs {
    /// The figures of one section: the run's panels, or with a second run both runs (A solid,
    /// B dashed) and a second figure of their difference B − A.
    func figures(_ a: IndicatorSection, _ b: IndicatorSection?) -> [Figure] {
        func keys(_ panels: [IndicatorPanel]) -> [String] {
            var out: [String] = []
            for p in panels { for s in p.series where !out.contains(s.key) { out.append(s.key) } }
            return out
        }
        guard let b else {
            let panels = a.panels.map { p in
                SeriesPanel(
                    title: p.title, unit: p.unit, per: p.per,
                    series: p.series.map {
                        Series(
                            name: names[$0.key] ?? $0.key, color: colors[$0.key] ?? Palette.neutral, dashed: false,
                            values: $0.values)
                    })
            }
            let grid = PanelGrid(
                title: a.title, subtitle: "\(self.a.scenarioName) · hover for exact values", panels: panels,
                legend: legend(keys(a.panels)), years: years)
            return [Figure(name: a.id, title: a.title, svg: grid.svg())]
        }
        var titles = a.panels.map(\.title)
        for p in b.panels where !titles.contains(p.title) { titles.append(p.title) }
        var both: [SeriesPanel] = []
        var difference: [SeriesPanel] = []
        for title in titles {
            let pa = a.panels.first { $0.title == title }, pb = b.panels.first { $0.title == title }
            guard let unit = pa?.unit ?? pb?.unit, let per = pa?.per ?? pb?.per else { continue }
            let seriesKeys = keys([pa, pb].compactMap { $0 })
            var lines: [Series] = []
            var deltas: [Series] = []
            for key in seriesKeys {
                let va = pa?.series.first { $0.key == key }?.values
                let vb = pb?.series.first { $0.key == key }?.values
                let name = names[key] ?? key, color = colors[key] ?? Palette.neutral
                if let va { lines.append(Series(name: "\(name) A", color: color, dashed: false, values: va)) }
                if let vb { lines.append(Series(name: "\(name) B", color: color, dashed: true, values: vb)) }
                var d: [Int: Double] = [:]
                for year in years { if let x = va?[year], let y = vb?[year] { d[year] = y - x } }
                if !d.isEmpty { deltas.append(Series(name: "\(name) B − A", color: color, dashed: false, values: d)) }
            }
            both.append(SeriesPanel(title: title, unit: unit, per: per, series: lines))
            difference.append(SeriesPanel(title: title, unit: unit, per: per, series: deltas))
        }
        let styles = [
            LegendEntry(name: labelA, color: "#444444", dashed: false), LegendEntry(name: labelB, color: "#444444", dashed: true),
        ]
        let all = keys(a.panels + b.panels)
        let gridBoth = PanelGrid(
            title: a.title, subtitle: "\(labelA) (solid) and \(labelB) (dashed) · hover for exact values", panels: both,
            legend: legend(all) + styles, years: years)
        let gridDifference = PanelGrid(
            title: "\(a.title): difference B − A", subtitle: "\(labelB) minus \(labelA), same units · hover for exact values",
            panels: difference, legend: legend(all), years: years)
        return [
            Figure(name: a.id, title: a.title, svg: gridBoth.svg()),
            Figure(name: "\(a.id)-difference", title: "\(a.title): difference B − A", svg: gridDifference.svg()),
        ]
    }
}
