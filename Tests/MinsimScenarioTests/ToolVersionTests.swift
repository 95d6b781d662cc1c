import Testing

@testable import MinsimScenario

@Suite struct ToolVersionTests {
    @Test("tool version is semantic") func semver() {
        #expect(ToolVersion.tool.split(separator: ".").count == 3)
    }
}
