import Foundation
import MinsimEngine

/// The short human summary `minsim run` prints: where the files went, production by stage,
/// and how the solver fared.
///
/// Production is summed per product, never across products, because products of one stage
/// can have different units (t of nickel and t of lithium are not interchangeable, GWh and
/// vehicles even less).
public enum RunSummary {
    public static func text(_ report: ScenarioRunner.Report) -> String {
        let net = report.scenario.network
        var lines: [String] = []
        lines.append(
            "wrote \(report.files.count) files for scenario '\(report.scenario.name)' to \(report.outputDirectory)/ (nodes.csv, flows.csv, resolved/, manifest.json)"
        )
        for year in report.years {
            let s = year.solution.statistics
            lines.append(
                "\(year.year): solver \(Manifest.statusName(year.solution.status)) in \(s.iterations) iteration\(s.iterations == 1 ? "" : "s") (final relative change \(short(s.finalRelativeChange)), mass-balance residual \(short(s.massBalanceResidual)), \(s.nodes) active nodes)"
            )
            for stage in net.stages {
                let parts = net.productIndices.filter { net.product($0).stage == stage }.map { p -> String in
                    let total = net.regionIndices.reduce(0.0) { $0 + year.solution.output(of: Node($1, p)) }
                    return "\(net.product(p).name) \(short(total)) \(net.product(p).unit)"
                }
                if !parts.isEmpty { lines.append("  \(stage): \(parts.joined(separator: ", "))") }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Six significant digits: enough to read, not a substitute for the CSV.
    static func short(_ v: Double) -> String { String(format: "%.6g", v) }
}
