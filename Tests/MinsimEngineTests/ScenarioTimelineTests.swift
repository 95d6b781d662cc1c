import Testing

@testable import MinsimEngine

/// The engine's timeline (`Scenario` and its schedules) built in code, with no file, checked
/// against values worked by hand from each schedule's equation. Network: `TwoByTwo` (A, B;
/// ore → metal; metal uses 0.5 ore per unit in A and 0.4 in B; D₀ metal A 100, B 200).
@Suite("Scenario timeline: yearly inputs from schedules built in code")
struct ScenarioTimelineTests {
    static let (A, B, ore, metal) = (TwoByTwo.A, TwoByTwo.B, TwoByTwo.ore, TwoByTwo.metal)

    // Every value below is a linear interpolation and at most two products away from exact
    // data, so the engine's value lies within a few ulps of the hand value: 1e-14 relative.
    let tol = 1e-14

    /// A scenario with no yearly change: every schedule at its base values.
    static func unchanged(horizon: Int = 2026) -> (Scenario, BaseYear) {
        let (network, base) = TwoByTwo.make()
        let scenario = Scenario(
            network: network, baseYear: 2024, horizon: horizon, demand: DemandSchedule(base: base.finalDemand),
            capacity: CapacitySchedule(base: base.capacities), tariffs: TariffSchedule(rates: base.tariffs.dictionary),
            settings: SimulationSettings(demandElasticity: [0, 0]))
        return (scenario, base)
    }

    @Test("demand: a path replaces D₀, an index multiplies it, the region's own index beats the default")
    func demand() {
        var (s, _) = Self.unchanged()
        s.demand.paths[Node(Self.A, Self.metal)] = YearPath([(2024, 100), (2030, 160)])
        s.demand.defaultIndices[Self.metal] = YearPath([(2024, 1), (2034, 2)])
        s.demand.indices[Node(Self.B, Self.ore)] = YearPath(constant: 3)  // D₀ = 0: stays 0
        // D(A/metal, 2027) = 100 + 60·3/6 = 130 (path; the default index does not apply).
        #expect(relativeError(s.inputs(in: 2027).conditions.finalDemand[Self.A, Self.metal], 130) < tol)
        // D(B/metal, 2029) = 200 · (1 + 5/10) = 300; flat after the last point: 2040 → 200 · 2.
        #expect(relativeError(s.inputs(in: 2029).conditions.finalDemand[Self.B, Self.metal], 300) < tol)
        #expect(relativeError(s.inputs(in: 2040).conditions.finalDemand[Self.B, Self.metal], 400) < tol)
        #expect(s.inputs(in: 2029).conditions.finalDemand[Self.B, Self.ore] == 0)
    }

    @Test("recipes: a region's path beats the default index; an index multiplies b₀")
    func recipes() {
        var (s, _) = Self.unchanged()
        s.recipes.indices[.init(region: nil, product: Self.metal, input: Self.ore)] = YearPath([(2024, 1), (2028, 0.8)])
        s.recipes.paths[.init(region: Self.B, product: Self.metal, input: Self.ore)] = YearPath([(2024, 0.4), (2034, 0.3)])
        // A: b = 0.5 · (1 − 0.2·2/4) = 0.45 in 2026;  B: path 0.4 − 0.1·5/10 = 0.35 in 2029.
        let a = s.inputs(in: 2026).network.recipe(for: Node(Self.A, Self.metal))
        let b = s.inputs(in: 2029).network.recipe(for: Node(Self.B, Self.metal))
        #expect(a.count == 1 && relativeError(a[0].quantityPerUnit, 0.45) < tol)
        #expect(b.count == 1 && relativeError(b[0].quantityPerUnit, 0.35) < tol)
        // A recipes path may add an input the base recipe lacks: ore ← metal in B only.
        s.recipes.paths[.init(region: Self.B, product: Self.ore, input: Self.metal)] = YearPath(constant: 0.01)
        #expect(s.inputs(in: 2026).network.recipe(for: Node(Self.B, Self.ore)) == [RecipeInput(Self.metal, 0.01)])
        #expect(s.inputs(in: 2026).network.recipe(for: Node(Self.A, Self.ore)).isEmpty)
    }

    @Test("chemistry mix: b = Σ share · quantity per unit, replacing the base coefficient")
    func chemistryMix() {
        var (s, _) = Self.unchanged()
        s.recipes.chemistryMix = ChemistryMix(
            chemistries: [
                .init(name: "x", product: Self.metal, input: Self.ore, quantityPerUnit: 0.6),
                .init(name: "y", product: Self.metal, input: Self.ore, quantityPerUnit: 0.2),
            ],
            defaultShares: [Self.metal: ["x": YearPath([(2024, 1), (2034, 0)]), "y": YearPath([(2024, 0), (2034, 1)])]])
        // 2029: shares ½, ½ → b = 0.5·0.6 + 0.5·0.2 = 0.4 in both regions (A's base 0.5 replaced).
        for r in [Self.A, Self.B] {
            let recipe = s.inputs(in: 2029).network.recipe(for: Node(r, Self.metal))
            #expect(recipe.count == 1 && relativeError(recipe[0].quantityPerUnit, 0.4) < tol)
        }
    }

    @Test("capacity: K(t) = ((path | K₀) + Σ projects online) · factor, derived by the schedule alone")
    func capacity() {
        var (s, _) = Self.unchanged()
        s.capacity.base[Self.A, Self.ore] = 100
        s.capacity.paths[Node(Self.B, Self.ore)] = YearPath([(2024, 50), (2030, 80)])
        s.capacity.projects = [
            .init(node: Node(Self.A, Self.ore), onlineYear: 2026, capacity: 20),
            .init(node: Node(Self.A, Self.metal), onlineYear: 2028, capacity: 30),
        ]
        s.capacity.factors[Node(Self.A, Self.ore)] = YearPath([(2024, 1), (2030, 0.5)])
        s.capacity.factors[Node(Self.B, Self.metal)] = YearPath(constant: 0.5)  // no capacity: nothing to scale
        let k2025 = s.inputs(in: 2025).conditions.capacities, k2027 = s.inputs(in: 2027).conditions.capacities
        // A/ore 2025: 100 · (1 − 0.5/6);  2027: (100 + 20) · (1 − 0.5·3/6) = 90.
        #expect(relativeError(k2025[Self.A, Self.ore] ?? .nan, 100 * (1 - 0.5 / 6)) < tol)
        #expect(relativeError(k2027[Self.A, Self.ore] ?? .nan, 90) < tol)
        #expect(relativeError(k2027[Self.B, Self.ore] ?? .nan, 65) < tol)
        // A node named only by a project: 0 before it comes online, its capacity after.
        #expect(k2027[Self.A, Self.metal] == 0)
        #expect(s.inputs(in: 2028).conditions.capacities[Self.A, Self.metal] == 30)
        #expect(k2027[Self.B, Self.metal] == nil)
        #expect(s.baseConditions.capacities[Self.A, Self.ore] == 100)
    }

    @Test("tariffs and shocks: path | rate, plus dated measures; quotas, demand factors, preferences")
    func tariffsAndShocks() {
        var (s, _) = Self.unchanged(horizon: 2031)
        let metalAB = Route(Self.metal, from: Self.A, to: Self.B), oreBA = Route(Self.ore, from: Self.B, to: Self.A)
        s.tariffs.rates[metalAB] = 0.1
        s.tariffs.paths[oreBA] = YearPath([(2024, 0), (2028, 0.2)])
        s.demand.paths[Node(Self.A, Self.metal)] = YearPath([(2024, 100), (2030, 160)])
        s.shocks = PolicyShocks(
            tariffs: [
                .init(
                    product: Self.metal, importer: Self.B, exporters: [Self.A], rate: 0.25,
                    start: CivilDate.dayNumber(year: 2026, month: 7, day: 1),
                    end: CivilDate.dayNumber(year: 2026, month: 12, day: 31))
            ],
            exportControls: [.init(routes: [oreBA], quota: 10, startYear: 2027, endYear: nil)],
            demand: [.init(regions: [Self.A], product: Self.metal, startYear: 2030, endYear: 2030, factor: 0.5)],
            preferences: [.init(routes: [metalAB], factor: 2, startYear: 2028, endYear: 2028)])
        let y2026 = s.inputs(in: 2026).conditions
        #expect(relativeError(y2026.tariffs[oreBA] ?? .nan, 0.1) < tol)
        // 184 days of 365 at 0.25 on top of the rate 0.1.
        #expect(relativeError(y2026.tariffs[metalAB] ?? .nan, 0.1 + 0.25 * 184 / 365) < tol)
        #expect(s.inputs(in: 2027).conditions.tariffs[metalAB] == 0.1)
        #expect(y2026.routeQuotas.isEmpty && s.inputs(in: 2031).conditions.routeQuotas == [oreBA: 10])
        #expect(s.inputs(in: 2030).conditions.finalDemand[Self.A, Self.metal] == 80)
        #expect(s.inputs(in: 2031).conditions.finalDemand[Self.A, Self.metal] == 160)
        #expect(s.inputs(in: 2028).conditions.routePreferences == [metalAB: 2])
        #expect(s.inputs(in: 2029).conditions.routePreferences.isEmpty)
        #expect(s.yearInputs().map(\.year) == Array(2024...2031))
    }

    @Test("a scenario without yearly changes simulates the observed base year in every year")
    func unchangedSimulation() throws {
        let (s, base) = Self.unchanged(horizon: 2026)
        let calibration = try Calibration(network: s.network, base: base)
        let years = try Simulation(settings: s.settings).run(calibration, scenario: s)
        #expect(years.map(\.year) == [2024, 2025, 2026])
        // Hand solution (TwoByTwo): ore B→A carries 0.4 · 80 = 32, metal A→B 0.3 · 200 = 60.
        // Each year is a certified clearing (certificate tolerance 1e-8, `MarketClearingSettings`),
        // so 1e-8 relative bounds it; with nothing binding it is the linear solve, far inside.
        for y in years {
            let sol = y.cleared.solution
            #expect(relativeError(sol.flow(on: Route(Self.ore, from: Self.B, to: Self.A)), 32) < 1e-8)
            #expect(relativeError(sol.flow(on: Route(Self.metal, from: Self.A, to: Self.B)), 60) < 1e-8)
        }
    }
}
