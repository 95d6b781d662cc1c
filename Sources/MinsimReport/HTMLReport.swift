import Foundation
import MinsimScenario

/// Choices of a report that are not in the result folders.
public struct ReportOptions: Sendable {
    /// Years of the Sankey diagrams and trade tables; nil: the base year, 2030 and the horizon
    /// (those simulated).
    public var years: [Int]?

    public init(years: [Int]? = nil) { self.years = years }
}

/// A built report: the page, and every chart in it as a standalone SVG.
public struct BuiltReport: Sendable {
    public let html: String
    public let figures: [(name: String, svg: String)]
}

/// The self-contained HTML report of one run, or of two runs side by side.
///
/// One file with everything inline — styles, the charts as SVG, forty lines of script for the
/// selectors and hover boxes — so it opens offline in any browser, can be mailed or archived,
/// and prints (every chart is vector graphics). The charts are drawn in Swift (`SVG`,
/// `PanelGrid`, `SankeyDiagram+SVG`) rather than by a JavaScript charting library: the same
/// drawing is written to `--figures` for papers, nothing has to be vendored (Plotly.js alone is
/// several megabytes), and the page works with scripts disabled. docs/report.md has the reasoning.
///
/// ```
/// result folder(s) → ResultFolder (CSV + JSON read back) → Headline, SankeyDiagram,
///   Indicators, trade tables → SVG figures → one HTML page
/// ```
public enum HTMLReport {
    /// Builds the report of `a`, compared with `b` when given.
    ///
    /// - Parameter largestChanges: the ranking `minsim compare` prints (comparison only).
    /// - Throws: `ReportFailure.badInput` when a requested year was not simulated.
    public static func build(
        _ a: ResultFolder, compare b: ResultFolder? = nil, largestChanges: [ResultComparison.YearSummary] = [],
        options: ReportOptions = ReportOptions()
    ) throws(ReportFailure) -> BuiltReport {
        let runs = Runs(a, b)
        let years = try chosenYears(runs, options.years)
        var page = Page()
        var figures: [Figure] = []

        page.header(runs)
        page.guide(runs)
        page.glance(runs, years: glanceYears(runs))
        if !largestChanges.isEmpty { page.largestChanges(largestChanges, runs) }
        page.solver(runs)
        page.notes(runs)

        // Sankey diagrams, one panel per mineral and year.
        let chains = a.chains + (b?.chains.filter { c in !a.chains.contains(c) } ?? [])
        var sankeyPanels: [(key: [String], html: String)] = []
        for chain in chains {
            for year in years {
                let (html, drawn) = sankeyPanel(chain, year: year, runs)
                sankeyPanels.append(([chain.name, String(year)], html))
                figures += drawn
            }
        }
        page.section(
            id: "sankey", title: "Where each tonne goes: Sankey diagrams",
            explanation: """
                One diagram per mineral and year: mines by region → refineries by region → cell plants → vehicle \
                plants → final demand, band widths in tonnes of contained mineral. Recycled mineral enters at \
                the refineries; grey bands leave for uses outside the battery chain and for processing losses; \
                unmet demand (mineral that was wanted but never supplied) is the dashed red bar at the bottom \
                right. Bands take the colour of the region they leave. Pick a mineral and a year above the \
                diagram; hover a band or a node for its exact value.
                """
                    + (b == nil ? "" : " With two runs, both are drawn at the same scale, followed by the change of every node."),
            body: chains.isEmpty
                ? "<p class=\"note\">The scenario defines no mineral chains (resolved/mineral_chains.csv), so there is nothing to follow.</p>"
                : Page.switchBlock(
                    group: "sankey", dimensions: [("Mineral", chains.map(\.name)), ("Year", years.map(String.init))],
                    panels: sankeyPanels))

        // Time series.
        let sectionsA = Indicators.sections(a)
        let sectionsB = b.map(Indicators.sections) ?? []
        var ids = sectionsA.map(\.id)
        for s in sectionsB where !ids.contains(s.id) { ids.append(s.id) }
        for id in ids {
            let sa = sectionsA.first { $0.id == id }, sb = sectionsB.first { $0.id == id }
            guard let first = sa ?? sb else { continue }
            let empty = IndicatorSection(id: first.id, title: first.title, explanation: first.explanation, panels: [])
            let drawn = runs.figures(sa ?? empty, b == nil ? nil : (sb ?? empty))
            figures += drawn
            page.section(
                id: id, title: first.title, explanation: first.explanation,
                body: drawn.map { Page.figure($0, kind: "series") }.joined())
        }

        page.trade(runs, years: years)
        page.sources(runs)
        page.runInfo(runs)
        return BuiltReport(html: page.document(runs), figures: figures.map { ($0.name, $0.svg) })
    }

    /// The years of the Sankey diagrams and trade tables: those requested (each must be
    /// simulated in every run), else the base year, 2030 and the horizon where simulated.
    static func chosenYears(_ runs: Runs, _ requested: [Int]?) throws(ReportFailure) -> [Int] {
        let common = Set(runs.a.years).intersection(runs.b?.years ?? runs.a.years)
        if let requested {
            for y in requested where !common.contains(y) {
                let range = common.isEmpty ? "none" : "\(common.min() ?? 0)–\(common.max() ?? 0)"
                throw .badInput("--years: \(y) was not simulated\(runs.b == nil ? "" : " in both runs"); simulated: \(range)")
            }
            return requested
        }
        let sorted = common.sorted()
        guard let first = sorted.first, let last = sorted.last else { return [] }
        var out = [first]
        if common.contains(2030) && !out.contains(2030) { out.append(2030) }
        if !out.contains(last) { out.append(last) }
        return out
    }

    /// 2030 (when simulated and not the last year) and the last year, as in `minsim run`'s summary.
    static func glanceYears(_ runs: Runs) -> [Int] {
        let years = Set(runs.a.years).intersection(runs.b?.years ?? runs.a.years).sorted()
        guard let last = years.last else { return [] }
        return (years.contains(2030) && last != 2030 ? [2030] : []) + [last]
    }

    /// One Sankey panel: the diagram (both runs and their change when comparing) or why not.
    static func sankeyPanel(_ chain: ResultFolder.Chain, year: Int, _ runs: Runs) -> (String, [Figure]) {
        func outcome(_ r: ResultFolder) -> SankeyDiagram.Outcome {
            r.chains.contains(chain)
                ? SankeyDiagram.mineral(chain, year: year, in: r) : .unavailable("the run has no mineral \(chain.name)")
        }
        let stem = "sankey-\(Page.slug(chain.name))-\(year)"
        let heading = "\(chain.name.capitalized) in \(year): from mine to vehicle"
        guard let b = runs.b else {
            switch outcome(runs.a) {
            case .drawn(let d):
                let figure = Figure(
                    name: stem, title: heading, svg: d.svg(colors: runs.colors, names: runs.names, heading: heading))
                return (
                    Page.figure(figure, kind: "sankey", attributes: [("data-mineral", chain.name), ("data-year", String(year))]),
                    [figure]
                )
            case .unavailable(let why):
                return ("<p class=\"note\">No diagram for \(Page.escape(chain.name)) in \(year): \(Page.escape(why)).</p>", [])
            }
        }
        let da: SankeyDiagram?, db: SankeyDiagram?
        var html = ""
        var figures: [Figure] = []
        switch outcome(runs.a) {
        case .drawn(let d): da = d
        case .unavailable(let why):
            da = nil
            html += "<p class=\"note\">No diagram for A in \(year): \(Page.escape(why)).</p>"
        }
        switch outcome(b) {
        case .drawn(let d): db = d
        case .unavailable(let why):
            db = nil
            html += "<p class=\"note\">No diagram for B in \(year): \(Page.escape(why)).</p>"
        }
        let scale = [da, db].compactMap { $0?.fittingScale }.min()
        for (d, side, label) in [(da, "a", runs.labelA), (db, "b", runs.labelB)] {
            guard let d else { continue }
            let title = "\(heading) — \(label)"
            let figure = Figure(
                name: "\(stem)-\(side)", title: title,
                svg: d.svg(scale: scale, colors: runs.colors, names: runs.names, heading: title))
            figures.append(figure)
            html += Page.figure(
                figure, kind: "sankey",
                attributes: [("data-mineral", chain.name), ("data-year", String(year)), ("data-side", side)])
        }
        if da != nil || db != nil {
            let change = ThroughputChange(
                a: da, b: db, heading: "\(chain.name.capitalized) in \(year): change B − A", unit: "t", names: runs.names)
            let figure = Figure(name: "\(stem)-difference", title: change.heading, svg: change.svg())
            figures.append(figure)
            html += Page.figure(figure, kind: "sankey-change")
        }
        return (html, figures)
    }
}
