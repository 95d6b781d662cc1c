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

    /// The node tree of `text`, or Yams's error, exactly as `Yams.compose(yaml: text)` gives
    /// them, without matching a regular expression per mapping key where none is needed.
    ///
    /// The loader reads no tag: it takes each scalar's text and style (`Table.Cell`), and
    /// `Yams.compose` applies no merge key (`<<` is applied by Yams's constructor and decoder,
    /// which the loader does not use). The one place tags act during composition is Yams's
    /// check for repeated keys in a map: two keys are the same when their texts are equal and
    /// their resolved tags are equal. With the default resolver, resolving a plain key tries
    /// seven regular expressions (bool, int, float, merge, null, timestamp, value — all of them
    /// for an ordinary name; `NSRegularExpression.firstMatch` was 2.7 % of `minsim validate`'s
    /// instructions at 100,000 nodes, for the 1,000 region and 100 product entries).
    ///
    /// `Resolver.basic` (no rules) tags every plain scalar `str`. Without an explicit tag in
    /// the text (no `!` anywhere: a quoted scalar's tag is `str` with either resolver), keys
    /// equal under the default resolver — equal texts and equal tags — are equal under the basic
    /// one too, so a text the basic composition accepts has no repeated key by the default rule
    /// either, and the two trees differ only in tags. When the basic composition reports a
    /// repeated key it may be one the default rule does not repeat (`1:` beside `"1":`), and a
    /// text with a `!` may carry a tag the rules tell apart: those are composed again with
    /// the default resolver, which gives Yams's own answer.
    static func compose(_ text: String) throws -> Yams.Node? {
        if !text.utf8.contains(UInt8(ascii: "!")) {
            do {
                return try Yams.compose(yaml: text, .basic)
            } catch YamlError.duplicatedKeysInMapping {
                // The default resolver decides (below).
            }
        }
        return try Yams.compose(yaml: text)
    }
}
