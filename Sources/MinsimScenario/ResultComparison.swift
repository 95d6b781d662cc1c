import Foundation

/// Compares two runs: `minsim compare A B --out DIR`.
///
/// Each side is a scenario file (run first, with `ScenarioRunner`, into a temporary folder
/// that is removed afterwards) or a result folder written by `minsim run` (a folder holding
/// `nodes.csv` and `manifest.json`). The result tables of both sides are joined on their keys
/// and written as `nodes_delta.csv`, `flows_delta.csv`, `minerals_delta.csv` and
/// `compare.json`, atomically through `OutputDirectory`.
///
/// ```
/// classify A, B → run scenarios into a temporary folder → read nodes/flows/minerals.csv
///   → full outer join on the keys → sort (year, then A's region/product/mineral order)
///   → write the deltas + compare.json → rename into place
/// ```
public enum ResultComparison {
    /// Rows whose side-A value is smaller than this in absolute value (in the column's own
    /// unit: product unit per year, or currency per product unit) are left out of the terminal
    /// summary's ranking: relative changes of near-zero values are noise, not news.
    public static let summaryThreshold = 1e-3
    /// Rows listed per year in the terminal summary.
    public static let summaryCount = 10
    /// The node columns ranked in the terminal summary.
    public static let summaryColumns = ["production", "price", "unmet_demand"]

    /// Why a comparison produced no output. Each case maps to the CLI's exit status.
    public enum Failure: Error, Sendable, Equatable {
        /// A side is missing, neither a scenario nor a result folder, or a result table is
        /// malformed (exit 2).
        case badInput(String)
        /// A scenario side could not be run (exit 2 for an invalid scenario, 1 for a failed solve).
        case run(side: String, path: String, RunFailure)
        /// The output folder is in the way or could not be written (exit 2 or 1, as for `minsim run`).
        case output(RunFailure)

        public var exitCode: Int32 {
            switch self {
            case .badInput: return 2
            case .run(_, _, let failure), .output(let failure): return failure.exitCode
            }
        }

        public var message: String {
            switch self {
            case .badInput(let message): return "error: \(message)"
            case .run(let side, let path, let failure):
                return failure.message + "\nerror: side \(side) ('\(path)') could not be run; no comparison written"
            case .output(let failure): return failure.message
            }
        }
    }

    /// What one side of the comparison is.
    public enum Kind: String, Sendable {
        case scenario
        case result
    }

    /// One side as recorded in `compare.json`.
    public struct Input: Sendable, Equatable {
        public let path: String
        public let kind: Kind
        public let scenarioName: String
        /// SHA-256 of the side's `manifest.json` (for a scenario side: of the temporary run's
        /// manifest, which contains wall times and so differs from run to run).
        public let manifestSHA256: String
        /// SHA-256 of the scenario file, from the manifest; nil when the manifest has none.
        public let scenarioSHA256: String?
    }

    /// One ranked change of the terminal summary.
    public struct Change: Sendable, Equatable {
        public let year: Int
        public let region: String
        public let product: String
        public let column: String
        public let a: Double
        public let b: Double
        public let relative: Double
    }

    /// The ranking for one year.
    public struct YearSummary: Sendable, Equatable {
        public let year: Int
        public let changes: [Change]
        /// Values that were below the threshold (or missing) in A but not in B: not ranked,
        /// since their relative change is undefined or meaningless.
        public let unranked: Int
        /// The first `summaryCount` of them, in table order (a new plant's output, a price of a
        /// node that did not trade in A): `a` is NaN where A had no value, `relative` is infinite.
        public let appeared: [Change]
    }

    /// What a finished comparison produced.
    public struct Report: Sendable {
        public let a: Input
        public let b: Input
        public let outputDirectory: String
        /// Files written with their data rows (header excluded; 0 for compare.json).
        public let files: [(name: String, rows: Int)]
        /// Warnings of the scenario runs (non-convergence), prefixed with the side.
        public let warnings: [String]
        /// Rankings for 2030 (when simulated) and the last year of the joined nodes.
        public let summaries: [YearSummary]
    }

    // MARK: - Entry point

    /// Compares `a` with `b` and writes the comparison folder.
    ///
    /// - Throws: `Failure`. No output folder and no temporary folder remain after a failure.
    public static func compare(
        _ a: String, _ b: String, outputDirectory: String, force: Bool = false,
        runtime: RuntimeInfo, options: ScenarioRunner.Options = ScenarioRunner.Options()
    ) throws(Failure) -> Report {
        let kindA = try classify(a), kindB = try classify(b)
        let out = OutputDirectory(path: outputDirectory)
        do { try out.checkWritable(force: force) } catch { throw .output(error) }

        let fm = FileManager.default
        let scratch = fm.temporaryDirectory.appendingPathComponent(
            "minsim-compare-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
        ).path
        defer { try? fm.removeItem(atPath: scratch) }

        var warnings: [String] = []
        func resultFolder(_ side: String, _ path: String, _ kind: Kind) throws(Failure) -> String {
            guard kind == .scenario else { return path }
            let folder = (scratch as NSString).appendingPathComponent(side.lowercased())
            do {
                let report = try ScenarioRunner.run(path: path, outputDirectory: folder, runtime: runtime, options: options)
                warnings += report.warnings.map { "\(side) (\(path)): \($0)" }
            } catch {
                throw .run(side: side, path: path, error)
            }
            return folder
        }
        let folderA = try resultFolder("A", a, kindA)
        let folderB = try resultFolder("B", b, kindB)
        let sideA = try Side.read(folder: folderA, path: a, kind: kindA)
        let sideB = try Side.read(folder: folderB, path: b, kind: kindB)

        let order = DimensionOrder(sideA, sideB)
        var files: [(name: String, data: Data)] = []
        var rowCounts: [(name: String, rows: Int)] = []
        var nodeRows: [JoinedRow] = []
        for spec in TableSpec.all {
            let rows = try join(spec, sideA, sideB, order: order)
            if spec.output == TableSpec.nodes.output { nodeRows = rows }
            files.append((spec.output, Data(render(spec, rows).utf8)))
            rowCounts.append((spec.output, rows.count))
        }
        let json = compareJSON(sideA.input, sideB.input, outputs: files)
        files.append(("compare.json", Data(json.rendered().utf8)))
        rowCounts.append(("compare.json", 0))
        do { try out.write(files, force: force) } catch { throw .output(error) }

        return Report(
            a: sideA.input, b: sideB.input, outputDirectory: outputDirectory, files: rowCounts, warnings: warnings,
            summaries: summaries(nodeRows, spec: TableSpec.nodes))
    }

    /// Whether `path` is a result folder or (any other existing file) a scenario.
    static func classify(_ path: String) throws(Failure) -> Kind {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .badInput("'\(path)' does not exist; give a scenario YAML file or a result folder written by `minsim run`")
        }
        guard isFolder.boolValue else { return .scenario }
        let hasNodes = fm.fileExists(atPath: (path as NSString).appendingPathComponent("nodes.csv"))
        let hasManifest = fm.fileExists(atPath: (path as NSString).appendingPathComponent("manifest.json"))
        guard hasNodes && hasManifest else {
            throw .badInput(
                "'\(path)' is a folder but not a result folder of `minsim run` (it needs nodes.csv and manifest.json); give a scenario YAML file or a result folder"
            )
        }
        return .result
    }

    // MARK: - Tables

    /// Which dimension a key column belongs to; regions, products and minerals are ordered as
    /// they first appear in side A's files (scenario order), then side B's.
    enum Dimension {
        case year, region, product, mineral
    }

    /// One joined table: its source file, the columns leading each output row (keys and the
    /// descriptive columns carried along), the join keys in sort priority, and the numbers.
    struct TableSpec {
        let file: String
        let output: String
        let leading: [String]
        let keys: [(column: String, dimension: Dimension)]
        let values: [String]

        static let nodes = TableSpec(
            file: "nodes.csv", output: "nodes_delta.csv", leading: ["year", "region", "product", "stage", "unit"],
            keys: [("year", .year), ("region", .region), ("product", .product)],
            values: ["production", "capacity", "utilization", "price", "value_added", "unmet_demand", "scarcity_rent"])
        static let flows = TableSpec(
            file: "flows.csv", output: "flows_delta.csv", leading: ["year", "product", "unit", "exporter", "importer"],
            keys: [("year", .year), ("product", .product), ("exporter", .region), ("importer", .region)],
            values: ["quantity", "share", "tariff_rate", "delivered_price", "tariff_revenue"])
        static let minerals = TableSpec(
            file: "minerals.csv", output: "minerals_delta.csv", leading: ["year", "region", "mineral"],
            keys: [("year", .year), ("region", .region), ("mineral", .mineral)],
            values: [
                "primary_demand", "clean_tech_demand", "secondary_supply", "unmet_demand", "import_reliance", "supplier_hhi",
            ])
        static let all = [nodes, flows, minerals]

        var outputColumns: [String] {
            leading + values.flatMap { ["\($0)_a", "\($0)_b", "\($0)_change", "\($0)_relative_change"] }
        }
    }

    /// One result table as read: header positions and rows of text.
    struct Table {
        let path: String
        let index: [String: Int]
        let rows: [CSVReader.Record]

        func text(_ row: CSVReader.Record, _ column: String) -> String? {
            index[column].map { row.fields[$0].text }
        }
    }

    /// One side: what it is and its result tables.
    struct Side {
        let input: Input
        let tables: [String: Table]

        static func read(folder: String, path: String, kind: Kind) throws(Failure) -> Side {
            var tables: [String: Table] = [:]
            for spec in TableSpec.all {
                tables[spec.file] = try readTable(
                    (folder as NSString).appendingPathComponent(spec.file), shownAs: path, spec: spec)
            }
            let manifestPath = (folder as NSString).appendingPathComponent("manifest.json")
            guard let manifest = FileContents.read(manifestPath) else {
                throw .badInput("cannot read manifest.json of '\(path)'")
            }
            var name = "", scenarioSHA: String? = nil
            if let object = try? JSONSerialization.jsonObject(with: manifest) as? [String: Any],
                let scenario = object["scenario"] as? [String: Any]
            {
                name = scenario["name"] as? String ?? ""
                scenarioSHA = scenario["sha256"] as? String
            }
            if name.isEmpty, let nodes = tables["nodes.csv"], let first = nodes.rows.first {
                name = nodes.text(first, "scenario") ?? ""
            }
            let input = Input(
                path: path, kind: kind, scenarioName: name, manifestSHA256: SHA256.hex(of: manifest), scenarioSHA256: scenarioSHA)
            return Side(input: input, tables: tables)
        }

        static func readTable(_ file: String, shownAs side: String, spec: TableSpec) throws(Failure) -> Table {
            let name = (file as NSString).lastPathComponent
            guard let data = FileContents.read(file) else {
                throw .badInput("result folder '\(side)' has no readable \(name)")
            }
            guard var text = String(data: data, encoding: .utf8) else {
                throw .badInput("\(name) of '\(side)' is not UTF-8 text")
            }
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            let (records, problems) = CSVReader.parse(text, path: "\(side)/\(name)")
            if let problem = problems.first { throw .badInput("malformed result table: \(problem.description)") }
            guard let header = records.first else { throw .badInput("\(name) of '\(side)' is empty (no header row)") }
            var index: [String: Int] = [:]
            for (i, field) in header.fields.enumerated() where index[field.text] == nil { index[field.text] = i }
            for column in spec.leading where index[column] == nil {
                throw .badInput("\(name) of '\(side)' has no column '\(column)'")
            }
            let rows = Array(records.dropFirst())
            for row in rows where row.fields.count != header.fields.count {
                throw .badInput(
                    "\(side)/\(name):\(row.line): \(row.fields.count) fields, but the header has \(header.fields.count)")
            }
            return Table(path: "\(side)/\(name)", index: index, rows: rows)
        }
    }

    /// First-appearance order of regions, products and minerals: side A's files (nodes, flows,
    /// minerals), then side B's for anything only B has.
    struct DimensionOrder {
        private var ranks: [Dimension: [String: Int]] = [.region: [:], .product: [:], .mineral: [:]]

        init(_ a: Side, _ b: Side) {
            for side in [a, b] {
                for spec in TableSpec.all {
                    guard let table = side.tables[spec.file] else { continue }
                    for row in table.rows {
                        for key in spec.keys where key.dimension != .year {
                            let value = table.text(row, key.column) ?? ""
                            var seen = ranks[key.dimension, default: [:]]
                            if seen[value] == nil {
                                seen[value] = seen.count
                                ranks[key.dimension] = seen
                            }
                        }
                    }
                }
            }
        }

        func rank(_ value: String, _ dimension: Dimension) -> Int { ranks[dimension]?[value] ?? Int.max }
    }

    /// One row of a joined table: the leading columns and each value column's A and B values.
    struct JoinedRow {
        let sortKey: [Int]
        let leading: [String]
        let a: [Double?]
        let b: [Double?]
    }

    /// Full outer join of one table of both sides, sorted by the keys.
    static func join(_ spec: TableSpec, _ sideA: Side, _ sideB: Side, order: DimensionOrder) throws(Failure) -> [JoinedRow] {
        struct Entry {
            var a: CSVReader.Record?
            var b: CSVReader.Record?
        }
        guard let tableA = sideA.tables[spec.file], let tableB = sideB.tables[spec.file] else { return [] }
        var entries: [[String]: Entry] = [:]
        var keys: [[String]] = []
        for (table, isA) in [(tableA, true), (tableB, false)] {
            for row in table.rows {
                let key = spec.keys.map { table.text(row, $0.column) ?? "" }
                var entry = entries[key] ?? Entry()
                if (isA ? entry.a : entry.b) != nil {
                    throw .badInput(
                        "\(table.path):\(row.line): duplicate row for \(zip(spec.keys, key).map { "\($0.column) \($1)" }.joined(separator: ", "))"
                    )
                }
                if entry.a == nil && entry.b == nil { keys.append(key) }
                if isA { entry.a = row } else { entry.b = row }
                entries[key] = entry
            }
        }
        var rows: [JoinedRow] = []
        rows.reserveCapacity(keys.count)
        for key in keys {
            guard let entry = entries[key] else { continue }
            var sortKey: [Int] = []
            for (k, value) in zip(spec.keys, key) {
                if k.dimension == .year {
                    guard let year = NumberText.integer(value) else {
                        let path = entry.a != nil ? tableA.path : tableB.path
                        let line = (entry.a ?? entry.b).map { "\($0.line)" } ?? "?"
                        throw .badInput("\(path):\(line): year '\(value)' is not an integer")
                    }
                    sortKey.append(year)
                } else {
                    sortKey.append(order.rank(value, k.dimension))
                }
            }
            let leading = spec.leading.map { column -> String in
                if let i = spec.keys.firstIndex(where: { $0.column == column }) { return key[i] }
                if let row = entry.a, let text = tableA.text(row, column) { return text }
                if let row = entry.b, let text = tableB.text(row, column) { return text }
                return ""
            }
            rows.append(
                JoinedRow(
                    sortKey: sortKey, leading: leading, a: try numbers(spec, tableA, entry.a),
                    b: try numbers(spec, tableB, entry.b)))
        }
        rows.sort { $0.sortKey.lexicographicallyPrecedes($1.sortKey) }
        return rows
    }

    /// The value columns of one row; nil for an absent row, column or empty cell.
    static func numbers(_ spec: TableSpec, _ table: Table, _ row: CSVReader.Record?) throws(Failure) -> [Double?] {
        guard let row else { return Array(repeating: nil, count: spec.values.count) }
        var out: [Double?] = []
        for column in spec.values {
            guard let i = table.index[column] else { out.append(nil); continue }
            let field = row.fields[i]
            if field.text.isEmpty { out.append(nil); continue }
            guard case .value(let v) = NumberText.double(field.text) else {
                throw .badInput(
                    "\(table.path):\(field.line):\(field.column): '\(field.text)' in column '\(column)' is not a finite number")
            }
            out.append(v)
        }
        return out
    }

    /// b − a; nil when either is missing (or the difference is not finite).
    static func change(_ a: Double?, _ b: Double?) -> Double? {
        guard let a, let b else { return nil }
        let d = b - a
        return d.isFinite ? d : nil
    }

    /// (b − a) / |a|; nil when either is missing or a is 0.
    static func relativeChange(_ a: Double?, _ b: Double?) -> Double? {
        guard let a, let b, a != 0 else { return nil }
        let r = (b - a) / abs(a)
        return r.isFinite ? r : nil
    }

    static func render(_ spec: TableSpec, _ rows: [JoinedRow]) -> String {
        var csv = CSVWriter(columns: spec.outputColumns)
        for row in rows {
            var fields = row.leading
            for (a, b) in zip(row.a, row.b) {
                fields += [
                    CSVWriter.number(a), CSVWriter.number(b), CSVWriter.number(change(a, b)),
                    CSVWriter.number(relativeChange(a, b)),
                ]
            }
            csv.appendRow(fields)
        }
        return csv.text
    }

    static func compareJSON(_ a: Input, _ b: Input, outputs: [(name: String, data: Data)]) -> JSONValue {
        func side(_ input: Input) -> JSONValue {
            var members: [String: JSONValue] = [
                "path": .string(input.path), "kind": .string(input.kind.rawValue),
                "scenario": .string(input.scenarioName), "manifest_sha256": .string(input.manifestSHA256),
            ]
            if let sha = input.scenarioSHA256 { members["scenario_sha256"] = .string(sha) }
            return .object(members)
        }
        return .object([
            "tool": .object([
                "name": .string("minsim"), "version": .string(ToolVersion.tool),
                "scenario_format": .int(ToolVersion.scenarioFormat),
            ]),
            "a": side(a),
            "b": side(b),
            "outputs": .array(
                outputs.map { .object(["path": .string($0.name), "sha256": .string(SHA256.hex(of: $0.data))]) }),
            "summary": .object([
                "threshold": .number(summaryThreshold), "count": .int(summaryCount),
                "columns": .array(summaryColumns.map { .string($0) }),
            ]),
        ])
    }

    // MARK: - Summary

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
}
