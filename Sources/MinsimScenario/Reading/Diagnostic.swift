/// One problem found in a scenario: where it is, how bad it is, and what would be valid.
///
/// Diagnostics are values rather than thrown errors so that the loader can collect every
/// problem in one pass: a researcher fixing a spreadsheet wants the whole list, not one
/// error per run.
public struct Diagnostic: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// How bad a problem is. Only errors make a scenario invalid.
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    public let location: SourceLocation
    public let severity: Severity
    /// What is wrong and what would be valid, e.g. "unknown region 'KOR'; did you mean 'KR'?".
    public let message: String

    public init(_ severity: Severity = .error, at location: SourceLocation, _ message: String) {
        self.location = location
        self.severity = severity
        self.message = message
    }

    public var path: String { location.path }
    public var line: Int { location.line }
    public var column: Int { location.column }

    /// Sorted by file, line, column, then message, so output order never depends on the order
    /// checks happen to run in.
    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        if a.location != b.location { return a.location < b.location }
        return a.message < b.message
    }

    /// `path:line:column: error: message`, the form compilers print.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}
