import Foundation
import MinsimEngine

/// Runs a scenario end to end: load and check, solve, and write the output folder atomically.
///
/// ```
/// load → calibrate (in the loader) → solve each year → write CSVs + manifest → rename into place
/// ```
/// Today a run solves the base year only, under the scenario's conditions (tariffs at their
/// scenario `rate`); the writers already take a list of years.
public enum ScenarioRunner {
    /// What a finished run produced.
    public struct Report: Sendable {
        public let scenario: ResolvedScenario
        public let years: [YearResult]
        public let outputDirectory: String
        /// Files written, relative to `outputDirectory`.
        public let files: [String]
        /// Non-fatal problems (a year whose solve did not fully converge), also in the manifest.
        public let warnings: [String]
        public let wallTimeSeconds: Double
    }

    /// Loads `path`, solves, and writes the output folder.
    ///
    /// - Throws: `RunFailure` — invalid scenario, output folder in the way, failed solve, or a
    ///   write error. No output folder and no temporary folder remain after a failure.
    /// - Parameters:
    ///   - options: solver settings; the defaults are what `minsim run` uses.
    public static func run(
        path: String, outputDirectory: String, force: Bool = false,
        runtime: RuntimeInfo, options: SolverOptions = SolverOptions()
    ) throws(RunFailure) -> Report {
        let clock = ContinuousClock()
        let start = clock.now
        let out = OutputDirectory(path: outputDirectory)
        let loaded = ScenarioLoader.load(path: path)
        guard let scenario = loaded.scenario else { throw .invalid(loaded.diagnostics) }
        try out.checkWritable(force: force)

        let years = try solve(scenario, options: options)
        var warnings: [String] = []
        for year in years where year.solution.status != .solved {
            let s = year.solution.statistics
            warnings.append(
                "\(year.year): solver status \(Manifest.statusName(year.solution.status)) after \(s.iterations) iterations (final relative change \(s.finalRelativeChange), mass-balance residual \(s.massBalanceResidual)); results are written but suspect"
            )
        }

        var files: [(name: String, data: Data)] = [
            ("nodes.csv", Data(OutputTables.nodes(scenario, years: years).utf8)),
            ("flows.csv", Data(OutputTables.flows(scenario, years: years).utf8)),
        ]
        for table in OutputTables.resolved(scenario) { files.append(("resolved/\(table.name)", Data(table.text.utf8))) }
        let digests = files.map { (name: $0.name, sha256: SHA256.hex(of: $0.data)) }
        let elapsed = clock.now - start
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let manifest = Manifest.json(
            scenario: scenario, years: years, runtime: runtime, outputs: digests,
            warnings: warnings, wallTime: wall)
        files.append(("manifest.json", Data(manifest.rendered().utf8)))
        try out.write(files, force: force)
        return Report(
            scenario: scenario, years: years, outputDirectory: outputDirectory, files: files.map(\.name),
            warnings: warnings, wallTimeSeconds: wall)
    }

    /// Solves every year of the run (today: the base year).
    public static func solve(_ scenario: ResolvedScenario, options: SolverOptions = SolverOptions()) throws(RunFailure)
        -> [YearResult]
    {
        do {
            let solution = try YearSolver(options: options).solve(scenario.calibration, conditions: scenario.conditions)
            return [YearResult(year: scenario.baseYear, conditions: scenario.conditions, solution: solution)]
        } catch {
            throw .solveFailed(year: scenario.baseYear, message: error.message(in: scenario.network))
        }
    }
}
