import Foundation
import Yams

/// The top-level keys of a scenario as written, each with the file it came from, after
/// `extends` has been applied.
///
/// Inheritance is decided here and nowhere else:
/// ```
/// merged = parent's keys, then each child key replaces the parent's key of the same name;
///          under `paths`, each child table replaces the parent's table of the same name
/// ```
/// Values are kept as YAML nodes with their file, so every later check reports the line and
/// column in whichever file the value was written, and relative CSV paths resolve against
/// that file. Richer overrides (row-level patches) would change `merging` only.
struct ScenarioDocument {
    /// One top-level key (or one table under `paths`) and the file that set it.
    struct Entry {
        let key: Yams.Node
        let value: Yams.Node
        let path: String
    }

    /// Top-level keys other than `extends` and `paths`.
    var entries: [String: Entry] = [:]
    /// Tables under `paths`, by name.
    var paths: [String: Entry] = [:]
    /// The top of the file named by the user, where missing keys are reported.
    var root: SourceLocation = .start(of: "")

    init(root: SourceLocation = .start(of: "")) { self.root = root }

    /// The parent's keys overlaid by the child's (see the type's note).
    static func merging(parent: ScenarioDocument, child: ScenarioDocument) -> ScenarioDocument {
        var merged = parent
        merged.root = child.root
        for (key, entry) in child.entries { merged.entries[key] = entry }
        for (key, entry) in child.paths { merged.paths[key] = entry }
        return merged
    }

    /// A path that names the same file however it was written (`./a.yaml`, `b/../a.yaml`, a
    /// symbolic link), for cycle detection.
    static func identity(of path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    }
}
