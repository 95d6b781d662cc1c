import Foundation
import Testing

@testable import MinsimEngine

/// One refined product `m` made from ore `o`. A makes m from its own ore and sells 100 to
/// itself at P₀ = 10 (ore P₀ = 4, 1 t ore per t of m). C has no base output: it is a new plant
/// (`referenceCapacities[C/m] = 10`) with an opened route C→A of reference share 0.2, buying ore
/// from A and B over two opened routes with reference shares 0.3 and 0.6.
private struct NewPlant {
    static let A = RegionIndex(0), B = RegionIndex(1), C = RegionIndex(2)
    static let ore = ProductIndex(0), metal = ProductIndex(1)
    let calibration: Calibration
    let base: BaseYear

    init(referenceCapacity: Double = 10) throws {
        let A = Self.A, B = Self.B, C = Self.C, ore = Self.ore, metal = Self.metal
        let network = Network(
            regions: [Region(code: "A"), Region(code: "B"), Region(code: "C")],
            products: [
                Product(name: "o", stage: "mining", unit: "t", elasticity: 2),
                Product(name: "m", stage: "refining", unit: "t", elasticity: 3),
            ],
            recipes: [Node(A, metal): [RecipeInput(ore, 1)], Node(C, metal): [RecipeInput(ore, 1)]])
        var prices = network.nodeTable(repeating: Double?.none)
        prices[A, ore] = 4; prices[B, ore] = 5; prices[A, metal] = 10
        prices[C, metal] = 12  // the new node's reference price
        var demand = network.nodeTable(repeating: 0.0)
        demand[A, metal] = 100
        demand[B, ore] = 1  // keeps B/o a supplier in the base year
        let base = BaseYear(
            trade: [Route(ore, from: A, to: A): 100, Route(metal, from: A, to: A): 100, Route(ore, from: B, to: B): 1],
            prices: prices, capacities: network.nodeTable(repeating: nil), finalDemand: demand,
            openedRoutes: [Route(metal, from: C, to: A): 0.2, Route(ore, from: A, to: C): 0.3, Route(ore, from: B, to: C): 0.6],
            referenceCapacities: [Node(C, metal): referenceCapacity])
        self.base = base
        self.calibration = try Calibration(network: network, base: base)
    }

    /// Capacities with C/m at `k` (others unlimited).
    func capacities(plant k: Double) -> NodeTable<Double?> {
        var caps = base.capacities
        caps[Self.C, Self.metal] = k
        return caps
    }

    /// The capacity-constrained year at base conditions with C/m at `k` (ε = 0).
    func cleared(plant k: Double) throws -> ClearedYear {
        var conditions = YearConditions(base: base)
        conditions.capacities = capacities(plant: k)
        return try MarketClearing().solve(calibration, conditions: conditions, demandElasticity: [0, 0])
    }

    func share(_ route: Route, plant k: Double) throws -> Double {
        let c = calibration
        let shares = c.armingtonShares(
            prices: c.basePrices, tariffs: c.routeVector(base.tariffs), capacities: capacities(plant: k))
        return shares[try #require(c.index(of: route))]
    }
}

@Suite("New nodes: plants with no base output, activated at a reference price and capacity")
struct NewNodeTests {
    /// At base prices and K = K_ref the opened route takes its reference share exactly:
    /// weight s/(1−s) = 0.25 beside the incumbent's 1 → 0.25/1.25 = 0.2. At K = 2·K_ref the
    /// weight doubles to 0.5 → 0.5/1.5 = 1/3; at K = 0 the route carries nothing.
    /// Tolerance 1e-14: a handful of exp/log roundings of numbers near 1.
    @Test("reference share at reference capacity; share scales with K/K_ref (hand-derived 0.2, 1/3, 0)")
    func referenceShare() throws {
        let plant = try NewPlant()
        let route = Route(NewPlant.metal, from: NewPlant.C, to: NewPlant.A)
        #expect(abs(try plant.share(route, plant: 10) - 0.2) < 1e-14)
        #expect(abs(try plant.share(route, plant: 20) - 1.0 / 3) < 1e-14)
        #expect(try plant.share(route, plant: 0) == 0)
        // The reference capacity is what fixes the scale: K_ref = 20 with K = 20 is 0.2 again.
        #expect(abs(try NewPlant(referenceCapacity: 20).share(route, plant: 20) - 0.2) < 1e-14)
    }

    /// A market with only opened routes (ore into C) sources at base conditions in proportion to
    /// the reference shares: S₀ = 0.3/0.9 and 0.6/0.9. The new node's value added uses them:
    /// v = 12 − 1·(1/3·4 + 2/3·5) = 12 − 14/3 = 22/3.
    @Test("a market with only opened routes: base shares s/Σs, and the new node's value added")
    func onlyOpenedRoutes() throws {
        let plant = try NewPlant()
        let c = plant.calibration
        let fromA = try #require(c.index(of: Route(NewPlant.ore, from: NewPlant.A, to: NewPlant.C)))
        let fromB = try #require(c.index(of: Route(NewPlant.ore, from: NewPlant.B, to: NewPlant.C)))
        #expect(abs(c.baseShares[fromA] - 1.0 / 3) < 1e-15)
        #expect(abs(c.baseShares[fromB] - 2.0 / 3) < 1e-15)
        let j = try #require(c.systemIndex(of: Node(NewPlant.C, NewPlant.metal)))
        #expect(abs(c.valueAdded[j] - 22.0 / 3) < 1e-13)
        // Opened routes into a market with base trade keep S₀ = 0.
        #expect(c.baseShares[try #require(c.index(of: Route(NewPlant.metal, from: NewPlant.C, to: NewPlant.A)))] == 0)
    }

    /// Before the plant opens (K = 0) the year must be the year without it: production exactly 0,
    /// no rent, the price at its unit cost, and A's market exactly as calibrated.
    @Test("an unbuilt plant (capacity 0) produces exactly 0, takes no rent and leaves its market as calibrated")
    func unbuiltPlant() throws {
        let plant = try NewPlant()
        let year = try plant.cleared(plant: 0)
        #expect(year.certificate.certified)
        let s = year.solution
        let newNode = Node(NewPlant.C, NewPlant.metal)
        #expect(s.output(of: newNode) == 0)
        #expect(year.unmetDemand[NewPlant.A, NewPlant.metal] == 0)
        #expect(year.scarcityRent(of: newNode) == 0)
        // Unit cost at base input prices = the reference price 12 (v was calibrated from it).
        let price = try #require(s.price(of: newNode))
        #expect(abs(price - 12) < 1e-12)
        #expect(abs(s.output(of: Node(NewPlant.A, NewPlant.metal)) - 100) < 1e-9)
    }

    /// Opened at K = K_ref and base prices, C takes ≈ 20 of A's 100; with capacity 5 it is
    /// bound: output 5 and a positive rent (complementarity).
    @Test("once built the plant sells, within its capacity")
    func builtPlant() throws {
        let plant = try NewPlant()
        let year = try plant.cleared(plant: 5)
        #expect(year.certificate.certified)
        let node = Node(NewPlant.C, NewPlant.metal)
        let x = year.solution.output(of: node)
        // 1e-8 relative: the clearing's capacity tolerance.
        #expect(x <= 5 * (1 + 1e-8))
        #expect(x > 5 * (1 - 1e-6))
        let rent = try #require(year.scarcityRent(of: node))
        #expect(rent > 0)
    }

    @Test("a reference capacity that is not positive, or given for a node with base trade, is a calibration issue")
    func invalidReferenceCapacity() throws {
        #expect(throws: CalibrationError.self) { _ = try NewPlant(referenceCapacity: 0) }
        #expect(throws: CalibrationError.self) { _ = try NewPlant(referenceCapacity: .nan) }
        let plant = try NewPlant()
        var base = plant.base
        base.referenceCapacities[Node(NewPlant.A, NewPlant.metal)] = 50
        do {
            _ = try Calibration(network: plant.calibration.network, base: base)
            Issue.record("expected a calibration error")
        } catch {
            #expect(
                error.issues.contains {
                    if case .invalidReferenceCapacity(let n, 50) = $0 { return n == Node(NewPlant.A, NewPlant.metal) }
                    return false
                })
        }
    }
}
