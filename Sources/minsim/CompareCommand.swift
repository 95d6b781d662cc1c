import ArgumentParser
import LinearAlgebra
import MinsimScenario

/// `minsim compare A B --out DIR`: joins the results of two runs and writes their differences.
///
/// A and B are each a scenario file (run first, into a temporary folder) or a result folder
/// written by `minsim run`. Exit status: 0 on success (also when a scenario run did not
/// converge, reported as a warning), 2 for bad input (a missing path, a folder that is not a
/// result folder, an invalid scenario, a malformed result table) or a refused output folder,
/// 1 when a scenario's solve fails or the output cannot be written.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract:
            "Compare two scenarios or result folders; write nodes_delta.csv, flows_delta.csv, minerals_delta.csv and compare.json.",
        discussion: """
            Each of A and B is a scenario YAML file, run first with the same solver as `minsim run`, \
            or a folder written by `minsim run` (it holds nodes.csv and manifest.json). Rows are joined \
            on their keys; rows present on one side only are kept with empty cells for the other. \
            Every number column c becomes c_a, c_b, c_change (B − A) and c_relative_change \
            ((B − A) / |A|, empty when A is 0 or missing).
            """
    )

    @Argument(help: "Side A: a scenario YAML file or a result folder.")
    var a: String

    @Argument(help: "Side B: a scenario YAML file or a result folder.")
    var b: String

    @Option(name: .long, help: "Output folder (created; must not exist or be empty unless --force).")
    var out: String

    @Flag(name: .long, help: "Replace a non-empty output folder (only after the new output is complete).")
    var force = false

    @Option(name: .long, help: "BLAS threads for scenario runs. Results are byte-identical for a given thread count.")
    var threads = 1

    @Flag(name: .long, help: "Print nothing on success (warnings still go to stderr).")
    var quiet = false

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        BLASRuntime.setThreadCount(threads)
        let runtime = RuntimeInfo(blasLibrary: BLASRuntime.libraryDescription, threadCount: BLASRuntime.threadCount)
        do {
            let report = try ResultComparison.compare(a, b, outputDirectory: out, force: force, runtime: runtime)
            for warning in report.warnings { StandardError.print("warning: \(warning)") }
            if !quiet { print(ResultComparison.summaryText(report)) }
        } catch {
            StandardError.print(error.message)
            throw ExitCode(error.exitCode)
        }
    }
}
