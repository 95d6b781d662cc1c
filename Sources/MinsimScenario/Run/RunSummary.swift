import Foundation
import MinsimEngine

/// The short human summary `minsim run` prints: where the files went, a line for each year
/// where something is notable, and a small table for 2030 (when simulated) and the last year.
///
/// Every year printed is a certified equilibrium (a year that is not stops the run). Notable
/// means a reader of the CSVs would want to know: the year solve stopped short, markets reach
/// their choke price, or demand goes unmet. Quiet years print nothing. Quantities are never summed across products with
/// different units; the table is per mineral (tonnes of contained mineral) when the scenario
/// defines minerals, otherwise per refining-stage product in its own unit.
public enum RunSummary {
    public static func text(_ report: ScenarioRunner.Report) -> String {
        let scenario = report.scenario
        let net = scenario.network
        var lines: [String] = []
        let names = report.files.filter { !$0.hasPrefix("resolved/") } + ["resolved/"]
        lines.append(
            "wrote \(report.files.count) files for scenario '\(scenario.name)' to \(report.outputDirectory)/ (\(names.joined(separator: ", ")))"
        )
        guard let first = report.years.first, let last = report.years.last else { return lines.joined(separator: "\n") }
        lines.append(
            "simulated \(first.year)–\(last.year) (\(report.years.count) year\(report.years.count == 1 ? "" : "s")) in \(String(format: "%.2f", report.wallTimeSeconds)) s"
        )
        var quiet = 0
        for year in report.years {
            let notes = notable(year, net: net)
            if notes.isEmpty { quiet += 1 } else { lines.append("  \(year.year): \(notes.joined(separator: "; "))") }
        }
        if quiet == report.years.count {
            lines.append("  every year certified (MODEL.md §5); no market at its choke price; no unmet demand")
        }
        // Totals by stage, per product in its own unit (units differ, so never summed across products).
        for year in first.year == last.year ? [first] : [first, last] {
            lines.append("")
            lines.append("production \(year.year), by stage")
            for stage in net.stages {
                let parts = net.productIndices.filter { net.product($0).stage == stage }.map { p -> String in
                    let total = net.regionIndices.reduce(0.0) { $0 + year.solution.output(of: Node($1, p)) }
                    return "\(net.product(p).name) \(short(total)) \(net.product(p).unit)"
                }
                lines.append("  \(stage): \(parts.joined(separator: ", "))")
            }
        }
        if quiet < report.years.count {
            lines.append("  every year certified (MODEL.md §5): capacity, quota and choke-price conditions hold to 1e-8")
        }
        var shown = [last.year]
        if let y2030 = report.years.first(where: { $0.year == 2030 }), y2030.year != last.year { shown.insert(y2030.year, at: 0) }
        for y in shown {
            guard let year = report.years.first(where: { $0.year == y }) else { continue }
            lines.append("")
            lines += table(year, base: first, scenario: scenario)
        }
        return lines.joined(separator: "\n")
    }

    /// What is worth a line for one year; empty when nothing is.
    static func notable(_ year: YearResult, net: Network) -> [String] {
        var notes: [String] = []
        let c = year.clearing
        if year.solution.status != .solved {
            notes.append("solver \(Manifest.statusName(year.solution.status))")
        }
        if !c.sheddingMarkets.isEmpty {
            let names = c.sheddingMarkets.map { net.name(of: $0) }
            notes.append(
                "at the choke price: \(names.prefix(4).joined(separator: ", "))\(names.count > 4 ? " and \(names.count - 4) more" : "")"
            )
        }
        var unmet: [String] = []
        for p in net.productIndices {
            let total = net.regionIndices.reduce(0.0) { $0 + year.simulated.cleared.unmetDemand[$1, p] }
            if total > 0 { unmet.append("\(net.product(p).name) \(short(total)) \(net.product(p).unit)") }
        }
        if !unmet.isEmpty { notes.append("unmet demand \(unmet.joined(separator: ", "))") }
        return notes
    }

    /// The table for one year: per mineral, or per refining product without minerals.
    static func table(_ year: YearResult, base: YearResult, scenario: ResolvedScenario) -> [String] {
        let net = scenario.network
        var rows: [[String]] = []
        let header: [String]
        let chains = scenario.years.fleet?.minerals ?? []
        if !chains.isEmpty {
            header = ["\(year.year)", "unmet demand (t)", "refined price vs \(base.year)", "secondary share of refinery feed"]
            for chain in chains {
                let m = year.simulated.minerals.filter { $0.mineral == chain.name }
                let unmet = m.reduce(0.0) { $0 + $1.unmetDemand }
                let secondary = m.reduce(0.0) { $0 + $1.secondarySupply }
                let feed = m.reduce(0.0) { $0 + $1.primaryDemand } + secondary
                rows.append([
                    chain.name, short(unmet), priceChange(chain.refined, year, base, net),
                    feed > 0 ? String(format: "%.1f %%", 100 * secondary / feed) : "–",
                ])
            }
        } else {
            header = ["\(year.year)", "unmet demand", "price vs \(base.year)"]
            let refining = net.productIndices.filter { net.product($0).stage == "refining" }
            let shown = refining.isEmpty ? net.productIndices : refining
            for p in shown {
                let unmet = net.regionIndices.reduce(0.0) { $0 + year.simulated.cleared.unmetDemand[$1, p] }
                rows.append([net.product(p).name, "\(short(unmet)) \(net.product(p).unit)", priceChange(p, year, base, net)])
            }
        }
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                i == 0
                    ? c.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - c.count) + c
            }.joined(separator: "  ")
        }
        return [line(header)] + rows.map(line)
    }

    /// Change of the output-weighted mean price of `p` over regions, in %.
    ///
    /// ```
    /// P̄(t) = Σ_r P[r][p](t)·x[r][p](t) / Σ_r x[r][p](t)
    /// ```
    static func priceChange(_ p: ProductIndex, _ year: YearResult, _ base: YearResult, _ net: Network) -> String {
        func mean(_ y: YearResult) -> Double? {
            var value = 0.0, quantity = 0.0
            for r in net.regionIndices {
                let node = Node(r, p)
                guard let price = y.solution.price(of: node) else { continue }
                let x = y.solution.output(of: node)
                value += price * x
                quantity += x
            }
            return quantity > 0 ? value / quantity : nil
        }
        guard let now = mean(year), let then = mean(base), then > 0 else { return "–" }
        return String(format: "%+.1f %%", 100 * (now / then - 1))
    }

    /// Four significant digits: enough to read, not a substitute for the CSV.
    static func short(_ v: Double) -> String { String(format: "%.4g", v) }
}
