import Foundation
import Testing

@testable import MinsimEngine

/// Seeded synthetic networks under scarcity, shared by the clearing tests.
///
/// Every `stride`-th active node gets a capacity of `tightness` × its base-year output and
/// final demand is scaled by `demandGrowth`, so with tightness < demand growth those nodes bind
/// (the shortage has to be rationed by rents and, where they reach choke prices, by unmet
/// demand). Final products respond to price with ε = −0.3.
struct ScarceNetwork {
    let generator: SyntheticNetwork
    let calibration: Calibration
    let conditions: YearConditions
    let elasticity: [Double]

    init(
        seed: UInt64, regions: Int = 4, stages: Int = 3, productsPerStage: Int = 2, feedback: Double = 0,
        stride: Int = 3, tightness: Double = 0.9, demandGrowth: Double = 1.3
    ) throws {
        var p = SyntheticNetwork.Parameters()
        p.seed = seed
        p.regions = regions
        p.stages = stages
        p.productsPerStage = productsPerStage
        p.suppliersPerMarket = min(3, regions)
        p.feedback = feedback
        let g = SyntheticNetwork(p)
        let cal = try Calibration(network: g.network, base: g.base)
        let base = try YearSolver().solve(cal, conditions: YearConditions(base: g.base))
        var cond = YearConditions(base: g.base)
        cond.capacities = g.network.nodeTable(repeating: nil)
        for (j, node) in cal.activeNodes.enumerated() where j % stride == 0 {
            cond.capacities[node] = tightness * base.output[j]
        }
        for r in g.network.regionIndices {
            for q in g.network.productIndices { cond.finalDemand[r, q] *= demandGrowth }
        }
        let finalStage = g.network.products.map(\.stage).last
        self.elasticity = g.network.products.map { $0.stage == finalStage ? -0.3 : 0 }
        self.generator = g
        self.calibration = cal
        self.conditions = cond
    }

    /// Capacities as they would be in the base calibration (every node uncapped): only the
    /// year's capacities above constrain.
    var network: Network { generator.network }

    /// The year's clearing problem under default settings and its cold start (zero rents,
    /// full service), as `MarketClearing` makes them without a warm start.
    func clearingProblem() throws -> (problem: YearClearingProblem, start: [Double]) {
        let (problem, start, _) = try MarketClearing().makeProblem(
            calibration, conditions: conditions, demandElasticity: elasticity, warmStart: nil)
        return (problem, start)
    }
}

/// The clearing of `fixture` with default settings (choke multiple `choke`).
func clear(_ fixture: ScarceNetwork, choke: Double = 10, conditions: YearConditions? = nil) throws -> ClearedYear {
    var settings = MarketClearingSettings()
    settings.defaultChokePriceMultiple = choke
    return try MarketClearing(settings: settings).solve(
        fixture.calibration, conditions: conditions ?? fixture.conditions, demandElasticity: fixture.elasticity)
}

/// A hand-built base year from tables keyed by node and route: the shape every hand-derived
/// clearing case shares (prices, capacities and final demand per node, base trade per route).
func handCase(
    regions: [String], products: [Product], recipes: [Node: [RecipeInput]] = [:],
    prices: [Node: Double], capacities: [Node: Double] = [:], demand: [Node: Double],
    trade: [Route: Double]
) throws -> (Calibration, BaseYear) {
    let network = Network(regions: regions.map { Region(code: $0) }, products: products, recipes: recipes)
    var p = network.nodeTable(repeating: Double?.none)
    for (node, v) in prices { p[node] = v }
    var k = network.nodeTable(repeating: Double?.none)
    for (node, v) in capacities { k[node] = v }
    var d = network.nodeTable(repeating: 0.0)
    for (node, v) in demand { d[node] = v }
    let base = BaseYear(trade: RouteValues(trade), prices: p, capacities: k, finalDemand: d)
    return (try Calibration(network: network, base: base), base)
}
