import MinsimEngine
import Testing

@testable import MinsimScenario

@Suite("Bad year inputs are diagnostics before solving, not failed solves")
struct InputDiagnosticsTests {
    /// valid/years.yaml and the inputs of its years, 2024–2030.
    static func years() throws -> (ResolvedScenario, [YearInputs]) {
        let loaded = ScenarioLoader.load(path: TestSupport.fixture("valid/years.yaml"))
        let scenario = try #require(loaded.scenario, "\(loaded.diagnostics)")
        let inputs = scenario.yearInputs()
        try #require(inputs.map(\.year) == Array(2024...2030))
        return (scenario, inputs)
    }

    /// In valid/years.yaml (2024–2030), metal B→A has tariff path points at 2024 (line 51) and
    /// 2027 (line 52); car demand in A has its final_demand row (line 21) and `demand_index`
    /// points for every region at 2024 (line 45) and 2030 (line 46). A value of a year between
    /// two points is interpolated between them, so both are named; inline rows start at column 7
    /// (`    - {`).
    @Test("every bad value of every year is listed once per row and years, at the row that sets it")
    func listsEveryIssue() throws {
        let (scenario, original) = try Self.years()
        var inputs = original
        #expect(scenario.inputDiagnostics(inputs, settings: scenario.years.settings).isEmpty)

        let (a, b, metal, car) = (RegionIndex(0), RegionIndex(1), ProductIndex(1), ProductIndex(2))
        let route = Route(metal, from: b, to: a)
        let node = Node(a, car)
        for i in 0..<3 { inputs[i].conditions.tariffs[route] = -2 }
        inputs[1].conditions.finalDemand[node] = -1
        let net = scenario.network
        func row(_ line: Int) -> MinsimScenario.SourceLocation { .init(path: scenario.path, line: line, column: 7) }
        let found = scenario.inputDiagnostics(inputs, settings: scenario.years.settings)
        let tariff = "tariff on \(net.name(of: route)) is -2.0; rates must be finite and greater than −1"
        #expect(
            found.map(\.message) == [
                "in 2024: \(tariff)",
                "in 2025–2026: \(tariff) (together with the paths.tariffs row at \(row(52)))",
                "in 2025: final demand for \(net.name(of: node)) is -1.0; it must be finite and ≥ 0 (together with the paths.demand_index row at \(row(46)))",
            ])
        #expect(found.map(\.location) == [row(51), row(51), row(45)])
        #expect(found.allSatisfy { $0.severity == .error })
    }

    /// A/ore has `paths.capacities` points at 2024 (line 54) and 2030 (line 55); B/metal has its
    /// capacities row (line 42), `capacity_factors` points at 2027 (line 57) and 2028 (line 58)
    /// and a project online from 2026 (line 60, in a top-level table: column 5). No row sets a
    /// quota: the scenario has no `shocks.export_controls`, so a quota is reported at the
    /// scenario file, saying so.
    @Test("a bad capacity points at the path point and project in force that year; a value no row sets, at the file")
    func capacityAtItsRows() throws {
        let (scenario, original) = try Self.years()
        var inputs = original
        let (a, b, ore, metal) = (RegionIndex(0), RegionIndex(1), ProductIndex(0), ProductIndex(1))
        inputs[0].conditions.capacities[Node(a, ore)] = -1
        inputs[3].conditions.capacities[Node(b, metal)] = -3
        inputs[0].conditions.routeQuotas[Route(metal, from: b, to: a)] = -5
        let net = scenario.network
        func row(_ line: Int, column: Int = 7) -> MinsimScenario.SourceLocation {
            .init(path: scenario.path, line: line, column: column)
        }
        let found = scenario.inputDiagnostics(inputs, settings: scenario.years.settings)
        #expect(
            found.map(\.message) == [
                "in 2024: quota on metal B→A is -5.0; quotas must be finite and ≥ 0 (no single row sets this value)",
                "in 2024: capacity of \(net.name(of: Node(a, ore))) is -1.0; it must be finite and ≥ 0",
                "in 2027: capacity of \(net.name(of: Node(b, metal))) is -3.0; it must be finite and ≥ 0 (together with the capacity_projects row at \(row(60, column: 5)))",
            ])
        #expect(found.map(\.location) == [.start(of: scenario.path), row(54), row(57)])
    }

    /// Two tariff shocks of −0.6 on metal B→A from 2027 (lines 11 and 12), on top of the path's
    /// 0.1: each row is valid, the sum −1.1 is not. A third shock (line 10) ends in 2026 and is
    /// not named. Before this was a failed solve of 2027 (exit 1).
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
            let second = MinsimScenario.SourceLocation(path: scenario.path, line: 12, column: 7)
            #expect(
                message.hasSuffix("rates must be finite and greater than −1 (together with the shocks.tariffs row at \(second))"),
                "\(message)")
            #expect(diagnostics.first?.location == MinsimScenario.SourceLocation(path: scenario.path, line: 11, column: 7))
        }
    }
}
