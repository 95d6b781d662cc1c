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
}
