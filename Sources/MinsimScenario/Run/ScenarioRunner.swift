import Foundation
import MinsimEngine

/// Runs a scenario end to end: load and check, simulate, and write the output folder atomically.
///
/// ```
/// load (extends, paths) → calibrate (in the loader) → year inputs base_year…horizon
///   → Simulation.run (capacity clearing, expansion, fleet, recycling)
///   → write CSVs + manifest → rename into place
/// ```
public enum ScenarioRunner {
    /// Choices of a run that are not part of the scenario.
    public struct Options: Sendable {
        /// Also write `stocks_by_cohort.csv` (`minsim run --cohorts`).
        public var writeCohorts = false
        /// Replaces the clearing's iteration limit; for tests that need a clearing to stop early.
        public var maxClearingIterations: Int? = nil
        /// The linear solver for every year (`minsim run --solver`); automatic by default.
        public var linearSolver: LinearSolverChoice = .automatic
        /// Replaces the dense clearing method's size limit (`minsim run --max-dense-unknowns`,
        /// `ComplementaritySettings.maxDenseUnknowns`).
        public var maxDenseUnknowns: Int? = nil
        public init(
            writeCohorts: Bool = false, maxClearingIterations: Int? = nil, linearSolver: LinearSolverChoice = .automatic,
            maxDenseUnknowns: Int? = nil
        ) {
            self.writeCohorts = writeCohorts
            self.maxClearingIterations = maxClearingIterations
            self.linearSolver = linearSolver
            self.maxDenseUnknowns = maxDenseUnknowns
        }
    }

    /// How far a run is: `done` of `total` years solved, the last being `year`.
    public struct Progress: Sendable, Equatable {
        public let year: Int
        public let done: Int
        public let total: Int
    }

    /// What a finished run produced.
    public struct Report: Sendable {
        public let scenario: ResolvedScenario
        public let years: [YearResult]
        public let outputDirectory: String
        /// Files written, relative to `outputDirectory`.
        public let files: [String]
        /// Non-fatal problems, also in the manifest (none today: a year that cannot be
        /// certified stops the run).
        public let warnings: [String]
        public let wallTimeSeconds: Double
        /// Seconds spent on each year, in year order.
        public let yearSeconds: [Double]
    }

    /// Loads `path`, simulates base year to horizon, and writes the output folder.
    ///
    /// - Parameters:
    ///   - progress: called after each year; the CLI draws its progress line from it.
    /// - Throws: `RunFailure` — invalid scenario, output folder in the way, failed solve, or a
    ///   write error. No output folder and no temporary folder remain after a failure.
    public static func run(
        path: String, outputDirectory: String, force: Bool = false,
        runtime: RuntimeInfo, options: Options = Options(),
        progress: ((Progress) -> Void)? = nil
    ) throws(RunFailure) -> Report {
        let clock = ContinuousClock()
        let start = clock.now
        let out = OutputDirectory(path: outputDirectory)
        let loaded = ScenarioLoader.load(path: path)
        guard let scenario = loaded.scenario else { throw .invalid(loaded.diagnostics) }
        try out.checkWritable(force: force)

        var yearSeconds: [Double] = []
        var last = clock.now
        let years = try simulate(scenario, options: options) { done, total in
            let now = clock.now
            yearSeconds.append(seconds(now - last))
            last = now
            progress?(Progress(year: scenario.baseYear + done - 1, done: done, total: total))
        }
        let warnings = self.warnings(years)

        // Each table is written into its file in the temporary folder as it is built, and hashed
        // on the way (`CSVOutput`): the run holds one chunk of output at a time, never a whole
        // table (a 100,000-node run writes ≈ 270 MB of CSV).
        var names: [String] = []
        try out.write(force: force) { (staging: inout OutputDirectory.Staging) throws(RunFailure) in
            var digests: [(name: String, sha256: String)] = []
            func add(_ name: String, _ table: (CSVOutput) -> Void) throws(RunFailure) {
                digests.append((name, try staging.stream(name, table)))
                names.append(name)
            }
            try add("nodes.csv") { OutputTables.nodes(scenario, years: years, to: $0) }
            try add("flows.csv") { OutputTables.flows(scenario, years: years, to: $0) }
            try add("markets.csv") { OutputTables.markets(scenario, years: years, to: $0) }
            try add("stocks.csv") { OutputTables.stocks(scenario, years: years, to: $0) }
            try add("minerals.csv") { OutputTables.minerals(scenario, years: years, to: $0) }
            try add("recipes_by_year.csv") { OutputTables.recipesByYear(scenario, years: years, to: $0) }
            if options.writeCohorts {
                try add("stocks_by_cohort.csv") { OutputTables.stocksByCohort(scenario, years: years, to: $0) }
            }
            for table in OutputTables.resolvedFiles(scenario) { try add("resolved/\(table.name)", table.write) }
            let manifest = Manifest.json(
                scenario: scenario, years: years, runtime: runtime, outputs: digests,
                warnings: warnings, wallTime: seconds(clock.now - start), yearSeconds: yearSeconds)
            names.append("manifest.json")
            try staging.add("manifest.json", Data(manifest.rendered().utf8))
        }
        let wall = seconds(clock.now - start)
        return Report(
            scenario: scenario, years: years, outputDirectory: outputDirectory, files: names,
            warnings: warnings, wallTimeSeconds: wall, yearSeconds: yearSeconds)
    }

    /// Simulates every year from the base year to the horizon.
    ///
    /// - Throws: `RunFailure.invalid` for bad input in any year (checked before solving), or
    ///   `RunFailure.solveFailed` naming the year and what failed (calibration of the year's
    ///   recipes, the solve, or the fleet model).
    public static func simulate(
        _ scenario: ResolvedScenario, options: Options = Options(), progress: ((Int, Int) -> Void)? = nil
    ) throws(RunFailure) -> [YearResult] {
        let inputs = scenario.yearInputs()
        var settings = scenario.timeline.settings
        if let limit = options.maxClearingIterations { settings.clearing.solver.maxIterations = limit }
        if let limit = options.maxDenseUnknowns { settings.clearing.solver.maxDenseUnknowns = limit }
        settings.solver.linearSolver = options.linearSolver
        // Bad input is reported as diagnostics before any year is solved, never as a failed solve.
        let problems = scenario.inputDiagnostics(inputs, settings: settings)
        guard problems.isEmpty else { throw .invalid(problems) }
        do {
            let simulated = try Simulation(settings: settings).run(scenario.calibration, years: inputs, progress: progress)
            return zip(inputs, simulated).map { YearResult(inputs: $0, simulated: $1) }
        } catch {
            if case .invalidInput(let year, let issues) = error { throw .invalid(scenario.diagnostics(year: year, issues)) }
            throw failure(error, network: scenario.network, denseLimit: settings.clearing.solver.maxDenseUnknowns)
        }
    }

    /// What a failed simulation says: the year and what failed (calibration of the year's
    /// recipes, the solve, a clearing without a certified equilibrium, or the fleet model).
    /// Invalid input (checked before solving) names the year, or the base year for settings.
    /// `denseLimit`: the run's `ComplementaritySettings.maxDenseUnknowns`, named where a
    /// clearing stopped at it.
    static func failure(
        _ error: SimulationError, network net: Network, baseYear: Int = 0,
        denseLimit: Int = ComplementaritySettings().maxDenseUnknowns
    ) -> RunFailure {
        switch error {
        case .invalidInput(let year, let issues):
            return .solveFailed(
                year: year ?? baseYear, message: "invalid input: " + issues.map { $0.message(in: net) }.joined(separator: "; "))
        case .calibration(let year, let e):
            return .solveFailed(year: year, message: e.issues.map { $0.message(in: net) }.joined(separator: "; "))
        case .solve(let year, let e):
            return .solveFailed(year: year, message: e.message(in: net))
        case .notCertified(let year, _, let stats) where stats.status == .tooLarge:
            // The dense method's working set is every unknown (no working-set margin).
            let unknowns = stats.rentUnknowns + stats.quotaUnknowns + stats.marketUnknowns
            let bytes = 48 * Double(unknowns) * Double(unknowns)
            let memory =
                bytes >= 1e9
                ? String(format: "≈ %.1f GB", bytes / 1e9)
                : bytes >= 1e6 ? String(format: "≈ %.0f MB", bytes / 1e6) : "under 1 MB"
            return .solveFailed(
                year: year,
                message:
                    "the market clearing found no certified equilibrium: it stopped at natural residual \(stats.naturalResidual) after \(stats.iterations) iterations, where its dense Newton method would need a system of \(unknowns) unknowns, more than the limit of \(denseLimit) (--max-dense-unknowns; up to 48 bytes × unknowns² of memory: \(memory) here); rerun with --max-dense-unknowns \(unknowns) if the machine has that memory, or ease the year's binding capacities"
            )
        case .notCertified(let year, let certificate, let stats):
            return .solveFailed(
                year: year,
                message:
                    "the market clearing found no certified equilibrium (solver \(stats.status.rawValue) after \(stats.iterations) iterations, natural residual \(stats.naturalResidual)): \(certificate.failures.joined(separator: "; ")) — tolerance \(certificate.tolerance)"
            )
        case .fleet(let year, let e):
            return .solveFailed(year: year, message: "fleet stock model: " + e.issues.map(\.message).joined(separator: "; "))
        }
    }

    /// One warning per year whose year solve stopped short. (A year whose clearing cannot be
    /// certified never gets here: it stops the run.)
    static func warnings(_ years: [YearResult]) -> [String] {
        var out: [String] = []
        for year in years where year.solution.status != .solved {
            let s = year.solution.statistics
            out.append(
                "\(year.year): solver status \(Manifest.statusName(year.solution.status)) after \(s.iterations) iterations (final relative change \(s.finalRelativeChange), mass-balance residual \(s.massBalanceResidual)); results are written but suspect"
            )
        }
        return out
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
