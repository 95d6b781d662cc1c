import ArgumentParser
import MinsimScenario

/// `minsim validate FILE…`: checks scenarios without solving them.
///
/// Exit status 0 when every file is valid, 2 when any is not. The status comes from the
/// diagnostics only: the loader returns problems as values and never traps on bad input.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files and every table they reference; print each problem as path:line:column."
    )

    @Argument(help: "Scenario YAML files.")
    var files: [String]

    func run() throws {
        var diagnostics: [Diagnostic] = []
        var invalidFiles = 0
        // The last scenario loaded is kept until the process exits, below: freeing a large one
        // value by value (at 100,000 nodes, 100,000 recipe lists and the tables) is work
        // nobody needs when the process ends next. Earlier files' scenarios are released before
        // the next file is loaded, so at most one scenario is in memory, as before.
        var loaded: ResolvedScenario?
        for file in files {
            loaded = nil
            let result = ScenarioLoader.load(path: file, digests: false)  // only checked, nothing written
            diagnostics += result.diagnostics
            if !result.isValid { invalidFiles += 1 }
            loaded = result.scenario
        }
        for d in diagnostics.sorted() { print(d.description) }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let noun = files.count == 1 ? "file" : "files"
        if invalidFiles == 0 {
            print("\(files.count) \(noun) valid")
        } else {
            print("\(errors) error\(errors == 1 ? "" : "s") in \(invalidFiles) of \(files.count) \(noun)")
        }
        // Status 0, or 2 (`ExitCode(2)`), as returning or throwing it would give.
        withExtendedLifetime(loaded) { Self.exit(withError: invalidFiles == 0 ? nil : ExitCode(2)) }
    }
}
