import Foundation
import Yams

/// The top-level keys of a scenario as written, each with the file it came from, after
/// `extends` has been applied.
///
/// Inheritance is decided here and nowhere else:
/// ```
/// merged = parent's keys, then each child key replaces the parent's key of the same name;
///          under `paths`, each child table replaces the parent's table of the same name;
///          a table written `{merge: rows | {file: …}}` keeps the parent's rows instead and
///          lays the child's rows over them (a row with the same key replaces the parent's)
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
        /// Rows laid over `value` by `{merge: …}` in descendant files, oldest first; each keeps
        /// its own file so positions and relative CSV paths stay right.
        var merges: [Entry] = []
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
        for (key, entry) in child.entries {
            merged.entries[key] = overlay(parent.entries[key], entry, mergeable: ScenarioFormat.mergeableKeys.contains(key))
        }
        for (key, entry) in child.paths { merged.paths[key] = overlay(parent.paths[key], entry, mergeable: true) }
        return merged
    }

    /// The document of a file without `extends`: a `{merge: …}` table merges over nothing.
    static func standalone(_ document: ScenarioDocument) -> ScenarioDocument {
        merging(parent: ScenarioDocument(root: document.root), child: document)
    }

    /// `child` replacing `parent`, or merged over it when written `{merge: …}`.
    private static func overlay(_ parent: Entry?, _ child: Entry, mergeable: Bool) -> Entry {
        guard mergeable, let rows = mergedRows(child.value) else { return child }
        let patch = Entry(key: child.key, value: rows, path: child.path)
        guard var inherited = parent else { return patch }
        inherited.merges.append(patch)
        return inherited
    }

    /// The rows of a `{merge: …}` map (its only key), or nil for any other value.
    static func mergedRows(_ node: Yams.Node) -> Yams.Node? {
        guard case .mapping(let map) = node, map.count == 1, let (key, value) = map.first,
            case .scalar(let k) = key, k.string == "merge"
        else { return nil }
        return value
    }

    /// A path that names the same file however it was written (`./a.yaml`, `b/../a.yaml`, a
    /// symbolic link), for cycle detection.
    static func identity(of path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    }
}
