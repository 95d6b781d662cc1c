import MinsimEngine
import Testing

@testable import MinsimScenario

@Suite("Bad year inputs are diagnostics before solving, not failed solves")
struct InputDiagnosticsTests {
    @Test("every bad value of every year is listed once, with its years, at the scenario file")
    func listsEveryIssue() throws {
        let loaded = ScenarioLoader.load(path: TestSupport.fixture("valid/years.yaml"))
        let scenario = try #require(loaded.scenario, "\(loaded.diagnostics)")
        var inputs = scenario.yearInputs()
        try #require(inputs.count >= 3)
        #expect(scenario.inputDiagnostics(inputs, settings: scenario.years.settings).isEmpty)

        let route = try #require(scenario.calibration.routes.first)
        let node = try #require(scenario.calibration.activeNodes.first)
        for i in 0..<3 { inputs[i].conditions.tariffs[route] = -2 }
        inputs[1].conditions.finalDemand[node] = -1
        let net = scenario.network
        let (y0, y1, y2) = (inputs[0].year, inputs[1].year, inputs[2].year)
        let found = scenario.inputDiagnostics(inputs, settings: scenario.years.settings)
        #expect(
            found.map(\.message) == [
                "in \(y0)–\(y2): tariff on \(net.name(of: route)) is -2.0; rates must be finite and greater than −1",
                "in \(y1): final demand for \(net.name(of: node)) is -1.0; it must be finite and ≥ 0",
            ])
        #expect(found.allSatisfy { $0.location == .start(of: scenario.path) && $0.severity == .error })
    }

    /// Two tariff shocks of −0.6 on metal B→A from 2027, on top of the path's 0.1: each row is
    /// valid, the sum −1.1 is not. Before this was a failed solve of 2027 (exit 1).
    @Test("a run whose shocks add up to a tariff ≤ −1 stops as invalid (exit 2) before solving")
    func runStopsAsInvalid() throws {
        let loaded = ScenarioLoader.load(path: TestSupport.fixture("valid/years-shocks-subsidy.yaml"))
        let scenario = try #require(loaded.scenario, "\(loaded.diagnostics)")
        do {
            _ = try ScenarioRunner.simulate(scenario)
            Issue.record("a tariff of −1.1 was accepted")
        } catch {
            guard case .invalid(let diagnostics) = error else {
                Issue.record("expected invalid, got \(error)")
                return
            }
            #expect(error.exitCode == 2)
            #expect(diagnostics.count == 1)
            let message = diagnostics.first?.message ?? ""
            #expect(message.hasPrefix("in 2027–2030: tariff on metal B→A is -1.09"), "\(message)")
            #expect(message.hasSuffix("rates must be finite and greater than −1"), "\(message)")
        }
    }
}
