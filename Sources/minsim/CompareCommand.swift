import ArgumentParser
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
            Each of A and B is a scenario YAML file, run first as `minsim run` would (with --threads and --solver), \
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

    @OptionGroup var output: OutputFolderOptions
    @OptionGroup var blas: ThreadOptions
    @OptionGroup var solving: LinearSolverOption
    @OptionGroup var dense: DenseLimitOption
    @OptionGroup var verbosity: QuietOption

    func run() throws {
        let runtime = blas.applied()
        do {
            let report = try ResultComparison.compare(
                a, b, outputDirectory: output.out, force: output.force, runtime: runtime,
                options: ScenarioRunner.Options(linearSolver: solving.solver, maxDenseUnknowns: dense.maxDenseUnknowns))
            for warning in report.warnings { StandardError.print("warning: \(warning)") }
            if !verbosity.quiet { print(ResultComparison.summaryText(report)) }
        } catch {
            StandardError.print(error.message)
            throw ExitCode(error.exitCode)
        }
    }
}
