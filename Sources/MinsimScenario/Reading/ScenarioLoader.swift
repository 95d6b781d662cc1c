import Foundation

/// Reads a scenario file and everything it references (the parents it `extends`, CSV tables),
/// checks it, and resolves it into engine values.
///
/// The loader never stops at the first problem: it reads every key and row it can, and
/// returns all diagnostics, sorted by file, line and column. Checks that need other tables
/// (a missing base price, a product nobody supplies) run only when those tables read cleanly,
/// so one typo does not come back as a cascade of follow-on errors; calibration (negative
/// value added) runs only once everything else is valid.
public enum ScenarioLoader {
    /// Diagnostics and, when there are no errors, the resolved scenario.
    public struct Result: Sendable {
        /// Every problem found, sorted by file, line, column.
        public let diagnostics: [Diagnostic]
        /// The resolved scenario; nil when any diagnostic is an error.
        public let scenario: ResolvedScenario?

        public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
        public var isValid: Bool { scenario != nil }
    }

    /// Loads the scenario file at `path` (CSV references resolve relative to its folder).
    /// `digests: false` skips the SHA-256 of every file read (`ResolvedScenario.fileDigests`
    /// is then empty), for a caller that only checks the scenario (`minsim validate`).
    public static func load(path: String, digests: Bool = true) -> Result {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        guard exists, !isFolder.boolValue, let data = FileContents.read(path) else {
            let why = !exists ? "no such file" : (isFolder.boolValue ? "it is a folder" : "it cannot be read")
            return Result(diagnostics: [Diagnostic(at: .start(of: path), "cannot read scenario: \(why)")], scenario: nil)
        }
        return load(data: data, path: path, digests: digests)
    }

    /// Loads a scenario from bytes already read; `path` names it in diagnostics and anchors
    /// relative CSV paths.
    public static func load(data: Data, path: String, digests: Bool = true) -> Result {
        var builder = ScenarioBuilder(path: path)
        builder.computesDigests = digests
        builder.build(data: data)
        return Result(diagnostics: builder.diagnostics.sorted(), scenario: builder.scenario)
    }

    /// Resolves `file` relative to the folder of `scenarioPath` (absolute paths stay as they are).
    static func resolve(_ file: String, relativeTo scenarioPath: String) -> String {
        if file.hasPrefix("/") { return file }
        let folder = (scenarioPath as NSString).deletingLastPathComponent
        return folder.isEmpty ? file : (folder as NSString).appendingPathComponent(file)
    }
}
