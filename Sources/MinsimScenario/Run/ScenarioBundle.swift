import Foundation

/// A scenario and its CSV tables in one text, as the loader fuzzer feeds them and as its crash
/// fixtures are kept (`Tests/MinsimScenarioTests/Fixtures/fuzz/`): the YAML, then each CSV
/// after a line `--- file NAME.csv` (NAME of `[a-z0-9_.-]`, at most 40 characters, at most 8
/// files; any other line is content).
public enum ScenarioBundle {
    static let marker = "--- file "

    /// (file name, contents); the first is `scenario.yaml`.
    public static func files(of text: String) -> [(name: String, contents: String)] {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_-.")
        var out: [(String, String)] = []
        var name = "scenario.yaml"
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(marker), out.count < 8 {
                let candidate = line.dropFirst(marker.count).trimmingCharacters(in: .whitespaces)
                if !candidate.isEmpty && candidate.count <= 40 && candidate.hasSuffix(".csv") && !candidate.hasPrefix(".")
                    && candidate.allSatisfy({ allowed.contains($0) })
                {
                    out.append((name, current.joined(separator: "\n")))
                    name = candidate
                    current = []
                    continue
                }
            }
            current.append(line)
        }
        out.append((name, current.joined(separator: "\n")))
        return out
    }

    /// Writes the bundle into `folder` (created) and loads its `scenario.yaml` from there.
    public static func load(_ text: String, in folder: URL) -> ScenarioLoader.Result? {
        guard (try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)) != nil else { return nil }
        for (name, contents) in files(of: text) {
            try? contents.write(to: folder.appendingPathComponent(name), atomically: false, encoding: .utf8)
        }
        return ScenarioLoader.load(path: folder.appendingPathComponent("scenario.yaml").path)
    }
}
