import Foundation
import MinsimEngine
import MinsimEnsemble
import Testing

@testable import MinsimScenario

/// The `uncertainty` section: reading, diagnostics at file:line:column, and what a sample's
/// values do to the typed scenario (docs/uncertainty.md).
@Suite("Uncertainty section")
struct UncertaintyScenarioTests {
    static let fixture = TestSupport.fixture("valid/uncertainty.yaml")

    static func load(_ yaml: String) -> ScenarioLoader.Result {
        // Written beside years.yaml so that `extends: years.yaml` resolves.
        ScenarioLoader.load(data: Data(yaml.utf8), path: TestSupport.fixture("valid/inline-uncertainty.yaml"))
    }

    @Test("the fixture reads every kind, with its target resolved to engine indices")
    func readsEveryKind() throws {
        let loaded = ScenarioLoader.load(path: Self.fixture)
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.description))")
        let s = try #require(loaded.scenario)
        #expect(Set(s.uncertainty.map(\.kind)) == Set(ScenarioFormat.UncertaintyKind.allCases))
        let byName = Dictionary(uniqueKeysWithValues: s.uncertainty.map { ($0.name, $0) })
        let a = RegionIndex(0), b = RegionIndex(1), ore = ProductIndex(0), metal = ProductIndex(1)
        #expect(byName["metal_tariff"]?.target == .tariff(routes: [Route(metal, from: b, to: a)], from: 2026))
        #expect(byName["ore_quota"]?.target == .exportQuota(routes: [Route(ore, from: b, to: a)], years: 2027...2030))
        #expect(byName["metal_outage"]?.target == .capacityFactor(regions: [b], product: metal, years: 2028...2029))
        #expect(byName["plant_delay"]?.target == .projectDelay(projects: [0]))
        #expect(byName["sigma_all"]?.target == .tradeElasticity(products: s.network.productIndices))
        #expect(byName["plant_delay"]?.distribution == .discrete(values: [0, 1, 2], weights: [2, 1, 1]))
        // `minsim run` ignores the section: the run is the parent's.
        #expect(s.name == "years-uncertainty" && s.years.horizon == 2030)
    }

    /// Each broken entry and the diagnostic it must give, at its line and column in the text.
    static let broken: [(yaml: String, line: Int, column: Int, fragment: String)] = [
        (
            "uncertainty:\n  - {name: x, changes: demnd, product: car, distribution: {type: uniform, lower: 0, upper: 1}, source: s}",
            3, 24, "unknown 'changes: demnd' in uncertain input 'x'; did you mean 'demand'?"
        ),
        (
            "uncertainty:\n  - {name: x, changes: demand, product: cars, distribution: {type: uniform, lower: 0, upper: 1}, source: s}",
            3, 41, "unknown product 'cars' in 'product'; did you mean 'car'?"
        ),
        (
            "uncertainty:\n  - {name: x, changes: demand_elasticity, product: metal, distribution: {type: normal, mean: -0.3, standard_deviation: 0.1}, source: s}",
            3, 73, "reaches ∞, but changes: demand_elasticity takes values ≤ 0; narrow it or truncate it (upper: …)"
        ),
        (
            "uncertainty:\n  - {name: x, changes: demand, product: car, distribution: {type: uniform, lower: 2, upper: 1}, source: s}",
            3, 60, "has lower 2 ≥ upper 1"
        ),
        (
            "uncertainty:\n  - {name: x, changes: demand, product: car, distribution: {type: triangle, lower: 0, upper: 1}, source: s}",
            3, 67,
            "unknown distribution type 'triangle' in uncertain input 'x'; types are uniform, triangular, normal, lognormal, discrete"
        ),
        (
            "uncertainty:\n  - {name: x, changes: demand, product: car, distribution: {type: uniform, lower: 0, upper: 1, mode: 0.5}, source: s}",
            3, 102, "'mode' does not apply to a uniform distribution"
        ),
        (
            "uncertainty:\n  - {name: x, changes: lifetime_mean, region: A, distribution: {type: uniform, lower: 5, upper: 9}, source: s}",
            3, 47, "'region' does not apply to changes: lifetime_mean in uncertain input 'x'; it takes no target keys"
        ),
        (
            "uncertainty:\n  - {name: x, changes: project_delay, product: ore, distribution: {type: discrete, values: [1]}, source: s}",
            3, 48, "no capacity_projects of ore in any region to delay"
        ),
        (
            "uncertainty:\n  - {name: x, changes: tariff, product: car, exporter: A, importer: B, distribution: {type: uniform, lower: 0, upper: 1}, source: s}",
            3, 41, "car from A to B carries no trade"
        ),
        (
            "uncertainty:\n  - {name: x, changes: demand, product: car, distribution: {type: uniform, lower: 0, upper: 1}, source: \"\"}",
            3, 105, "has an empty source"
        ),
        (
            "uncertainty:\n  - {name: x, changes: demand, product: car, distribution: {type: uniform, lower: 0, upper: 1}, source: a}\n  - {name: x, changes: demand, product: car, distribution: {type: uniform, lower: 0, upper: 1}, source: b}",
            4, 12, "uncertain input 'x' is defined twice (first at line 3)"
        ),
        (
            "uncertainty:\n  - {name: x, changes: demand, product: car, distribution: {type: discrete, values: [1, 2], weights: [1]}, source: s}",
            3, 102, "weights of the discrete distribution of uncertain input 'x' must be 2 numbers > 0"
        ),
        (
            "uncertainty:\n  - {name: x, changes: capacity, product: car, distribution: {type: uniform, lower: 0, upper: 1}, source: s}",
            3, 43, "car has no capacity in any region"
        ),
        ("uncertainty: {name: x}", 2, 14, "expected uncertainty as a list of inputs"),
    ]

    @Test("broken entries: one diagnostic each, at its line and column, saying what is valid", arguments: broken.indices)
    func brokenEntry(_ i: Int) throws {
        let (body, line, column, fragment) = Self.broken[i]
        let loaded = Self.load("extends: years.yaml\n" + body + "\n")
        #expect(loaded.scenario == nil)
        let errors = loaded.errors
        #expect(errors.count == 1, "\(errors.map(\.description))")
        let e = try #require(errors.first)
        #expect(e.message.contains(fragment), "\(e.message)")
        #expect(e.location.line == line && e.location.column == column, "\(e.location.line):\(e.location.column) \(e.message)")
        #expect(e.location.path.hasSuffix("inline-uncertainty.yaml"))
    }

    static func sample(_ values: [String: Double]) throws -> (ResolvedScenario, ScenarioSample) {
        let s = try #require(ScenarioLoader.load(path: fixture).scenario)
        // Every input at the value that leaves the scenario as it is, except those given.
        let neutral: [String: Double] = [
            "sigma_all": 1, "eps_metal": -0.3, "car_demand": 1, "ore_recipe": 1, "ore_capacity": 1, "metal_outage": 1,
            "plant_delay": 0, "lifetime": 8, "lifetime_sd": 2, "metal_tariff": 0, "ore_quota": 1e300, "choke": 5,
        ]
        let v = s.uncertainty.map { values[$0.name] ?? neutral[$0.name] ?? .nan }
        return (s, try ScenarioSample(s, values: v, baseYears: s.yearInputs()))
    }

    /// Tolerance 1e-7 relative: the neutral quota (1e300) adds a quota unknown that the
    /// clearing solves to a zero rent, so the equilibrium is the same only to the clearing's
    /// certificate tolerance (1e-8 relative), not bit for bit.
    @Test("neutral values reproduce the scenario's own run (to the clearing's tolerance)")
    func neutralIsIdentity() throws {
        let (s, sample) = try Self.sample([:])
        let own = try ScenarioRunner.simulate(s)
        let run = try sample.simulate()
        #expect(run.count == own.count)
        for (x, y) in zip(run, own) {
            let scale = (x.cleared.solution.output + y.simulated.cleared.solution.output).map(abs).max() ?? 1
            for (u, v) in zip(x.cleared.solution.output, y.simulated.cleared.solution.output) {
                #expect(abs(u - v) <= 1e-7 * scale, "\(x.year): \(u) vs \(v)")
            }
            for (u, v) in zip(x.cleared.solution.prices, y.simulated.cleared.solution.prices) {
                #expect(TestSupport.isClose(u, v, relative: 1e-7), "\(x.year): \(u) vs \(v)")
            }
        }
    }

    @Test("each value acts on its target as documented (hand-derived values for 2030)")
    func effects() throws {
        let (s, sample) = try Self.sample([
            "car_demand": 2, "ore_capacity": 0.5, "metal_tariff": 0.2, "ore_quota": 12, "plant_delay": 2, "metal_outage": 0.5,
            "ore_recipe": 3, "sigma_all": 2, "lifetime": 9.5, "choke": 3, "eps_metal": -0.5,
        ])
        let a = RegionIndex(0), b = RegionIndex(1), ore = ProductIndex(0), metal = ProductIndex(1), car = ProductIndex(2)
        let y2030 = try #require(sample.years.first { $0.year == 2030 })
        let y2028 = try #require(sample.years.first { $0.year == 2028 })
        let y2027 = try #require(sample.years.first { $0.year == 2027 })
        // Car demand A: D₀ = 1000, index 1.5 in 2030 → 1500; growth × 2 → 1000 + 2 · 500 = 2000.
        #expect(abs(y2030.conditions.finalDemand[a, car] - 2000) < 1e-9)
        // Ore capacity A: 44 → 48 by 2030 (path); half the addition → 46.
        #expect(abs((y2030.conditions.capacities[a, ore] ?? 0) - 46) < 1e-9)
        // Tariff B→A metal: path rate 0.1 from 2027, + 0.2 from 2026.
        #expect(abs((y2030.conditions.tariffs[Route(metal, from: b, to: a)] ?? 0) - 0.3) < 1e-12)
        #expect(y2030.conditions.routeQuotas[Route(ore, from: b, to: a)] == 12)
        #expect(y2027.conditions.routeQuotas[Route(ore, from: b, to: a)] == 12)
        // Metal B: base 60, project +10 delayed 2026 → 2028; factor path 0.9 in 2028 and × 0.5
        // (metal_outage, 2028–2029): (60 + 10) · 0.9 · 0.5 = 31.5; in 2027 the project is not online: 60.
        #expect(abs((y2028.conditions.capacities[b, metal] ?? 0) - 31.5) < 1e-9)
        #expect(abs((y2027.conditions.capacities[b, metal] ?? 0) - 60) < 1e-9)
        // Recipe ore per metal: 1.1 → 1.1 · 0.95 by 2030; change × 3 → 1.1 − 3 · 0.055 = 0.935.
        let b2030 = y2030.network.recipe(for: Node(a, metal)).first { $0.input == ore }?.quantityPerUnit ?? .nan
        #expect(abs(b2030 - 0.935) < 1e-12)
        #expect(sample.calibration.network.product(ore).elasticity == 2 * s.network.product(ore).elasticity)
        #expect(y2030.network.product(metal).elasticity == 2 * s.network.product(metal).elasticity)
        #expect(sample.settings.fleet?.lifetime == .normal(mean: 9.5, standardDeviation: 2))
        #expect(sample.settings.clearing.chokePriceMultiple(of: car) == 3)
        #expect(sample.settings.demandElasticity[metal.rawValue] == -0.5)
        // The base year is never perturbed.
        let base = try #require(sample.years.first)
        #expect(base.conditions.finalDemand[a, car] == 1000 && base.conditions.capacities[a, ore] == 44)
    }

    @Test("a value outside the model's domain fails the sample with the reason")
    func domainFailure() throws {
        // ore_recipe: b(2030) = 1.1 − 0.055 v < 0 for v > 20.
        #expect(throws: ScenarioSample.Failure.self) { try Self.sample(["ore_recipe": 25]) }
        do {
            _ = try Self.sample(["ore_recipe": 25])
        } catch let failure as ScenarioSample.Failure {
            #expect(failure.reason.contains("gives a coefficient") && failure.year != nil, "\(failure.reason)")
        }
    }

    /// The shipped example's section reads, and a sample at the low and at the high end of
    /// every range (u = 0.02 and 0.98) runs to certified years. (The full ensemble, 5,632 runs,
    /// is the README's; this keeps the test to two runs.)
    @Test("Scenarios/uncertainty-steps.yaml: nine sourced inputs; samples at both ends of the ranges are certified")
    func shippedExample() throws {
        let path = TestSupport.repositoryRoot.appendingPathComponent("Scenarios/uncertainty-steps.yaml").path
        let s = try #require(ScenarioLoader.load(path: path).scenario)
        #expect(s.uncertainty.count == 9)
        #expect(s.uncertainty.allSatisfy { !$0.source.isEmpty })
        let base = s.yearInputs()
        for u in [0.02, 0.98] {
            let values = s.uncertainValues(at: Array(repeating: u, count: s.uncertainty.count))
            let run = try ScenarioSample(s, values: values, baseYears: base).simulate()
            #expect(run.map(\.year) == Array(2024...2035))
            #expect(run.allSatisfy { $0.cleared.certificate.certified }, "u = \(u)")
        }
    }
}
