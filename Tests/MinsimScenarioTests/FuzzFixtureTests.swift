import Foundation
import Testing

@testable import MinsimScenario

/// Every input the loader fuzzer (`scripts/fuzz`) ever found to crash, trap, hang or leak is kept
/// in `Fixtures/fuzz/` as a bundle (`ScenarioBundle`) and loaded here: the loader must answer
/// with a scenario or diagnostics. Findings so far: an empty scenario file leaked the 4 KB read
/// buffer of `FileManager.contents(atPath:)` (fixed by `FileContents.read`).
@Suite("Loader fuzzer findings")
struct FuzzFixtureTests {
    static let fixtures: [String] = {
        let folder = TestSupport.repositoryRoot.appendingPathComponent("Tests/MinsimScenarioTests/Fixtures/fuzz")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }()

    @Test("each finding loads to a scenario or diagnostics", arguments: fixtures)
    func finding(_ name: String) throws {
        let path = TestSupport.repositoryRoot.appendingPathComponent("Tests/MinsimScenarioTests/Fixtures/fuzz/\(name)")
        let text = String(decoding: try Data(contentsOf: path), as: UTF8.self)
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try #require(ScenarioBundle.load(text, in: folder))
        #expect(result.scenario != nil || !result.diagnostics.isEmpty, "\(name): neither a scenario nor a diagnostic")
    }

    @Test("bundles split into the YAML and their CSV files")
    func bundleSplitting() {
        let files = ScenarioBundle.files(of: "a: 1\n--- file t.csv\nx,y\n1,2\n--- file ../evil.csv\nz")
        #expect(files.map(\.name) == ["scenario.yaml", "t.csv"])
        #expect(files[1].contents == "x,y\n1,2\n--- file ../evil.csv\nz")
    }
}
