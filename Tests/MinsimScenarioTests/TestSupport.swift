import Foundation
import Testing

@testable import MinsimScenario

/// Paths and helpers shared by the scenario tests. Fixtures are found from `#filePath` so
/// that golden files re-record into the source tree, not into the build folder.
enum TestSupport {
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = testsFolder.appendingPathComponent("Fixtures")
    static let golden = testsFolder.appendingPathComponent("Golden")
    static let repositoryRoot = testsFolder.deletingLastPathComponent().deletingLastPathComponent()
    static let runtime = RuntimeInfo(blasLibrary: "test", threadCount: 1)

    static func fixture(_ relative: String) -> String { fixtures.appendingPathComponent(relative).path }

    /// Every shipped scenario (`Scenarios/*.yaml`), loaded, by file name in name order.
    static func shippedScenarios() throws -> [(name: String, scenario: ResolvedScenario)] {
        let folder = repositoryRoot.appendingPathComponent("Scenarios")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted().map {
            let loaded = ScenarioLoader.load(path: folder.appendingPathComponent($0).path)
            return ($0, try #require(loaded.scenario, "\($0): \(loaded.diagnostics)"))
        }
    }

    /// A fresh folder under the system temporary folder; the caller removes it.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("minsim-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Reads a CSV written by a run into header and rows of text.
    static func readCSV(_ url: URL) throws -> (header: [String], rows: [[String]]) {
        let text = try String(contentsOf: url, encoding: .utf8)
        let (records, problems) = CSVReader.parse(text, path: url.path)
        #expect(problems.isEmpty, "\(problems)")
        let header = records.first?.fields.map(\.text) ?? []
        return (header, records.dropFirst().map { $0.fields.map(\.text) })
    }

    /// Rows as dictionaries keyed by column.
    static func readTable(_ url: URL) throws -> [[String: String]] {
        let (header, rows) = try readCSV(url)
        return rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    /// Files left in `folder` whose names mark them as a run's temporary or set-aside folder.
    static func leftovers(in folder: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.contains(".tmp-") || $0.contains(".old-") }
    }

    static func isClose(_ a: Double, _ b: Double, relative tolerance: Double) -> Bool {
        abs(a - b) <= tolerance * max(abs(a), abs(b), .leastNormalMagnitude)
    }
}
