/// Why a report or an export produced no output. Each case maps to the CLI's exit status.
public enum ReportFailure: Error, Sendable, Equatable {
    /// A result folder is missing, incomplete or malformed, or an option is invalid (exit 2).
    case badInput(String)
    /// The output exists and `--force` was not given, or is in the way (exit 2).
    case outputRefused(String)
    /// The output could not be written (exit 1).
    case cannotWrite(String)

    public var exitCode: Int32 {
        switch self {
        case .badInput, .outputRefused: return 2
        case .cannotWrite: return 1
        }
    }

    /// The text printed to stderr.
    public var message: String {
        switch self {
        case .badInput(let message), .outputRefused(let message): return "error: \(message)"
        case .cannotWrite(let message): return "error: cannot write the output: \(message)"
        }
    }
}
