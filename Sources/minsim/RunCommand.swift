import ArgumentParser
import Foundation
import LinearAlgebra
import MinsimEngine
import MinsimReport
import MinsimScenario

/// `minsim run FILE --out DIR`: validates, calibrates, simulates base year to horizon and
/// writes the output folder.
///
/// Exit status: 0 on success (also when a year's clearing or solve did not converge, which is
/// reported as a warning on stderr and in the manifest), 2 for invalid input or a refused
/// output folder, 1 when the solve fails or the output cannot be written.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract:
            "Simulate a scenario from its base year to its horizon and write nodes.csv, flows.csv, stocks.csv, minerals.csv, resolved/ tables and manifest.json."
    )

    @Argument(help: "Scenario YAML file.")
    var file: String

    @OptionGroup var output: OutputFolderOptions
    @OptionGroup var blas: ThreadOptions
    @OptionGroup var verbosity: QuietOption

    @Flag(name: .long, help: "Also write stocks_by_cohort.csv (fleet stock and retirements by sale year).")
    var cohorts = false

    @Flag(name: .long, help: "Also write OUT/report.html, the run's self-contained HTML report (see `minsim report`).")
    var report = false

    @OptionGroup var solving: LinearSolverOption
    @OptionGroup var dense: DenseLimitOption

    func run() throws {
        let runtime = blas.applied()
        let quiet = verbosity.quiet, out = output.out
        let progress = ProgressLine(quiet: quiet)
        do {
            let run = try ScenarioRunner.run(
                path: file, outputDirectory: out, force: output.force, runtime: runtime,
                options: ScenarioRunner.Options(
                    writeCohorts: cohorts, linearSolver: solving.solver, maxDenseUnknowns: dense.maxDenseUnknowns),
                progress: progress.enabled ? { progress.update($0) } : nil)
            progress.finish()
            for warning in run.warnings { StandardError.print("warning: \(warning)") }
            if !quiet { print(RunSummary.text(run)) }
        } catch {
            progress.finish()
            StandardError.print(error.message)
            throw ExitCode(error.exitCode)
        }
        guard report else { return }
        // The run's folder is complete; the report is a view of it, written beside its files.
        do {
            let written = try ReportFiles.writeReport(
                result: out, output: (out as NSString).appendingPathComponent("report.html"), force: true)
            if !quiet { print(ReportSummary.text(written)) }
        } catch {
            StandardError.print(error.message + " (the run's output is complete; only the report is missing)")
            throw ExitCode(error.exitCode)
        }
    }
}
