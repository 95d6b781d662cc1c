import Yams

/// The file a YAML value was written in: the scenario, or a parent it `extends`. Positions of
/// the value, and relative CSV paths in it, are taken against this file, so that every value
/// keeps the file, line and column it was written at. Passed to each reader with its value.
struct YAMLFile {
    let path: String

    /// Where `node` starts in this file.
    func location(_ node: Yams.Node) -> SourceLocation { Table.location(of: node, path: path) }

    /// `node` as a cell of this file.
    func cell(_ node: Yams.Node) -> Table.Cell { Table.Cell(node, path: path) }

    /// What `node` looks like, for "expected …, found …" messages.
    func kind(_ node: Yams.Node) -> String { cell(node).kindDescription }
}
