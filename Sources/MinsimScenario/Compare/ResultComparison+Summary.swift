import Foundation

// The terminal summary: the largest relative changes per year, and its text.
extension ResultComparison {
    /// The largest absolute relative changes of the summary columns, for 2030 (when present)
    /// and the last year. Rows with |a| below `summaryThreshold` are counted, not ranked.
    static func summaries(_ rows: [JoinedRow], spec: TableSpec) -> [YearSummary] {
        let years = Set(rows.compactMap { $0.sortKey.first })
        guard let last = years.max() else { return [] }
        let chosen = (years.contains(2030) && last != 2030 ? [2030] : []) + [last]
        guard let yearColumn = spec.leading.firstIndex(of: "year"),
            let regionColumn = spec.leading.firstIndex(of: "region"),
            let productColumn = spec.leading.firstIndex(of: "product")
        else { return [] }
        let columns = summaryColumns.compactMap { c in spec.values.firstIndex(of: c).map { (c, $0) } }
        return chosen.map { year in
            var changes: [Change] = []
            var appeared: [Change] = []
            var unranked = 0
            for row in rows where row.sortKey.first == year {
                for (name, i) in columns {
                    let a = row.a[i], b = row.b[i]
                    guard let a, abs(a) >= summaryThreshold else {
                        if let b, abs(b) >= summaryThreshold {
                            unranked += 1
                            if appeared.count < summaryCount {
                                appeared.append(
                                    Change(
                                        year: Int(row.leading[yearColumn]) ?? year, region: row.leading[regionColumn],
                                        product: row.leading[productColumn], column: name, a: a ?? .nan, b: b,
                                        relative: .infinity))
                            }
                        }
                        continue
                    }
                    guard let b, let r = relativeChange(a, b), r != 0 else { continue }
                    changes.append(
                        Change(
                            year: Int(row.leading[yearColumn]) ?? year, region: row.leading[regionColumn],
                            product: row.leading[productColumn], column: name, a: a, b: b, relative: r))
                }
            }
            // Stable sort: ties keep the table's row order, so the ranking is deterministic.
            let ranked = changes.enumerated().sorted {
                abs($0.element.relative) != abs($1.element.relative)
                    ? abs($0.element.relative) > abs($1.element.relative) : $0.offset < $1.offset
            }.map(\.element)
            return YearSummary(
                year: year, changes: Array(ranked.prefix(summaryCount)), unranked: unranked, appeared: appeared)
        }
    }

    /// The text `minsim compare` prints on success.
    public static func summaryText(_ report: Report) -> String {
        func describe(_ input: Input) -> String {
            let what = input.kind == .scenario ? "scenario file, run for this comparison" : "result folder"
            return "'\(input.path)' (\(input.scenarioName.isEmpty ? "unnamed" : input.scenarioName); \(what))"
        }
        var lines = [
            "compared A \(describe(report.a))",
            "    with B \(describe(report.b))",
            "wrote \(report.outputDirectory): "
                + report.files.map { $0.name == "compare.json" ? $0.name : "\($0.name) (\($0.rows) rows)" }.joined(
                    separator: ", "),
        ]
        for summary in report.summaries {
            lines.append("")
            lines.append(
                "\(summary.year): largest relative changes B vs A in production, price and unmet demand (values with |A| < \(summaryThreshold) in the column's unit left out)"
            )
            if summary.changes.isEmpty {
                lines.append("  no relative change above zero")
            } else {
                let regionWidth = max(6, summary.changes.map(\.region.count).max() ?? 0)
                let productWidth = max(7, summary.changes.map(\.product.count).max() ?? 0)
                lines.append(
                    "  " + pad("column", 13) + pad("region", regionWidth + 2) + pad("product", productWidth + 2)
                        + pad("A", 14) + pad("B", 14) + "change")
                for c in summary.changes {
                    lines.append(
                        "  " + pad(c.column, 13) + pad(c.region, regionWidth + 2) + pad(c.product, productWidth + 2)
                            + pad(String(format: "%.6g", c.a), 14) + pad(String(format: "%.6g", c.b), 14)
                            + String(format: "%+.2f %%", c.relative * 100))
                }
            }
            if summary.unranked > 0 {
                lines.append(
                    "  appeared in B (missing or below the threshold in A; \(summary.unranked) in all, see nodes_delta.csv):")
                let regionWidth = max(6, summary.appeared.map(\.region.count).max() ?? 0)
                let productWidth = max(7, summary.appeared.map(\.product.count).max() ?? 0)
                for c in summary.appeared {
                    lines.append(
                        "  " + pad(c.column, 13) + pad(c.region, regionWidth + 2) + pad(c.product, productWidth + 2)
                            + pad(c.a.isNaN ? "–" : String(format: "%.6g", c.a), 14) + String(format: "%.6g", c.b))
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }

    /// The terminal summary's ranking of two result folders (the largest relative changes of
    /// production, price and unmet demand for 2030 and the last year), without writing
    /// anything: what `minsim report --compare` lists as "largest changes".
    ///
    /// - Throws: `Failure.badInput` when a folder is not a result folder or a table is malformed.
    package static func nodeSummaries(_ a: String, _ b: String) throws(Failure) -> [YearSummary] {
        let sideA = try Side.read(folder: a, path: a, kind: try classify(a))
        let sideB = try Side.read(folder: b, path: b, kind: try classify(b))
        let rows = try join(TableSpec.nodes, sideA, sideB, order: DimensionOrder(sideA, sideB))
        return summaries(rows, spec: TableSpec.nodes)
    }
}
