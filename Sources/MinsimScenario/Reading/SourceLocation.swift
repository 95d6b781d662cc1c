/// A position in an input file: the file path as the user gave it (or as resolved relative to
/// the scenario), and a 1-based line and column.
///
/// Columns count Unicode scalars, as libYAML does, so that YAML and CSV positions agree with
/// what an editor shows for ASCII text.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let path: String
    public let line: Int
    public let column: Int

    public init(path: String, line: Int, column: Int) {
        self.path = path
        self.line = line
        self.column = column
    }

    /// The start of a file, for problems that concern the file as a whole.
    public static func start(of path: String) -> SourceLocation {
        SourceLocation(path: path, line: 1, column: 1)
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.path, a.line, a.column) < (b.path, b.line, b.column)
    }

    /// `path:line:column`, the form compilers use so that editors can jump to it.
    public var description: String { "\(path):\(line):\(column)" }
}
