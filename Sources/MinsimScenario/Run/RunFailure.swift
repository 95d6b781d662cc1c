/// Why a run produced no output. Each case maps to the CLI's exit status.
public enum RunFailure: Error, Sendable, Equatable {
    /// The scenario is invalid; every problem found is listed (exit 2).
    case invalid([Diagnostic])
    /// The output folder exists and is not empty, and `--force` was not given (exit 2).
    case outputExists(String)
    /// The output path exists and is a file, not a folder (exit 2).
    case outputNotFolder(String)
    /// No usable solution exists for a year (exit 1); the message names the nodes involved.
    case solveFailed(year: Int, message: String)
    /// The output could not be written (exit 1).
    case cannotWrite(String)

    /// 2 for bad input or usage, 1 for failures of the solve or of the file system.
    public var exitCode: Int32 {
        switch self {
        case .invalid, .outputExists, .outputNotFolder: return 2
        case .solveFailed, .cannotWrite: return 1
        }
    }

    /// The text printed to stderr.
    public var message: String {
        switch self {
        case .invalid(let diagnostics):
            let errors = diagnostics.filter { $0.severity == .error }.count
            return (diagnostics.map(\.description) + ["\(errors) error\(errors == 1 ? "" : "s"); no output written"]).joined(
                separator: "\n")
        case .outputExists(let path):
            return "error: output folder '\(path)' exists and is not empty; choose another --out or pass --force to replace it"
        case .outputNotFolder(let path):
            return "error: output path '\(path)' exists and is not a folder; choose another --out"
        case .solveFailed(let year, let message):
            return "error: the solve of \(year) failed: \(message); no output written"
        case .cannotWrite(let message):
            return "error: cannot write the output: \(message)"
        }
    }
}
