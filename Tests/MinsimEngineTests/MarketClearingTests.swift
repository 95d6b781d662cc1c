import Foundation
import Testing

@testable import MinsimEngine

/// One mined product `q`, suppliers A and B (no inputs, so P = v + μ), one buyer: region A.
/// Base: demand 100 split 50/50, P₀ = 1 for both, σ = 2, so v = 1 and φ is calibrated so the
/// base weights are 0.5 each. Capacities (base and year) are given as `capA`, `capB`.
private func twoSuppliers(capA: Double?, capB: Double?, yearDemand: Double) -> (Calibration, YearConditions)? {
    let A = RegionIndex(0), B = RegionIndex(1), q = ProductIndex(0)
    let network = Network(
        regions: [Region(code: "A"), Region(code: "B")],
        products: [Product(name: "q", stage: "mining", unit: "t", elasticity: 2)], recipes: [:])
    var prices = network.nodeTable(repeating: Double?.none)
    prices[A, q] = 1; prices[B, q] = 1
    var caps = network.nodeTable(repeating: Double?.none)
    caps[A, q] = capA; caps[B, q] = capB
    var demand = network.nodeTable(repeating: 0.0)
    demand[A, q] = 100
    let base = BaseYear(
        trade: [Route(q, from: A, to: A): 50, Route(q, from: B, to: A): 50],
        prices: prices, capacities: caps, finalDemand: demand)
    guard let cal = try? Calibration(network: network, base: base) else { return nil }
    var cond = YearConditions(base: base)
    cond.finalDemand[A, q] = yearDemand
    return (cal, cond)
}

@Suite("Market clearing: capacity limits, scarcity rents and unmet demand (MODEL.md §5)")
struct MarketClearingTests {
    /// Demand rises to 250 and A can make 100. A's share must fall to 100/250 = 0.4 while B,
    /// unconstrained, keeps P_B = 1. With equal calibrated weights,
    ///   S_A = P_A^−2 / (P_A^−2 + 1) = 0.4  ⇒  P_A² = 1.5  ⇒  P_A = √1.5,  μ_A = √1.5 − 1 ≈ 0.2247.
    /// Tolerances: the solver stops at a natural residual ≤ 1e-10 (scaled), so x_A and μ_A are
    /// within ~1e-9 of the hand values; 1e-8 relative is the stated bound.
    @Test("a binding capacity carries the hand-derived scarcity rent, and complementarity holds")
    func bindingCapacity() throws {
        let (cal, cond) = try #require(twoSuppliers(capA: 100, capB: nil, yearDemand: 250))
        let year = try MarketClearing().solve(cal, conditions: cond, demandElasticity: [0])
        let s = year.solution
        #expect(year.certificate.certified, "\(year.certificate)")
        #expect(relativeError(s.output[0], 100) < 1e-8)
        #expect(relativeError(s.output[1], 150) < 1e-8)
        #expect(relativeError(year.scarcityRent[0], 1.5.squareRoot() - 1) < 1e-8)
        #expect(year.scarcityRent[1] == 0)
        #expect(relativeError(s.prices[0], 1.5.squareRoot()) < 1e-8)
        #expect(relativeError(s.prices[1], 1) < 1e-12)
        // Complementarity: μ ≥ 0, x ≤ K, μ·(K − x) = 0 (relative to μ·K).
        #expect(year.scarcityRent.allSatisfy { $0 >= 0 })
        #expect(s.output[0] <= 100 * (1 + 1e-8))
        #expect(abs(year.scarcityRent[0] * (100 - s.output[0])) <= 1e-8 * year.scarcityRent[0] * 100)
        #expect(year.unmetDemand[RegionIndex(0), ProductIndex(0)] == 0)
    }

    /// Both suppliers capped at 100, demand 250: no price clears it. The delivered price rises to
    /// the choke price (10 × base = 10, so P_A = P_B = 10, rents 9), shares stay 0.5/0.5, and
    /// buyers there drop out: 200 of 250 served, unmet 50, ρ = 0.2.
    @Test("demand beyond total capacity is unmet at the choke price")
    func unmetDemand() throws {
        let (cal, cond) = try #require(twoSuppliers(capA: 100, capB: 100, yearDemand: 250))
        let year = try MarketClearing().solve(cal, conditions: cond, demandElasticity: [0])
        #expect(year.certificate.certified, "\(year.certificate)")
        #expect(relativeError(year.unmetDemand[RegionIndex(0), ProductIndex(0)], 50) < 1e-8)
        #expect(relativeError(year.solution.output[0], 100) < 1e-8)
        #expect(relativeError(year.solution.output[1], 100) < 1e-8)
        #expect(relativeError(year.solution.prices[0], 10) < 1e-8)
        #expect(relativeError(year.scarcityRent[0], 9) < 1e-8)
        let market = try #require(year.markets.first)
        #expect(relativeError(market.unservedShare, 0.2) < 1e-8)
        #expect(relativeError(market.deliveredPrice ?? 0, market.chokePrice) < 1e-10)
        #expect(market.chokePrice == 10)
    }

    /// With ε = −1 and A alone capped at K = 100, demand responds to the composite price: the
    /// solution must satisfy D = 250 · (P̄/P̄₀)^−1 together with the capacity and shares.
    @Test("final demand responds to price with the given elasticity")
    func demandResponse() throws {
        let (cal, cond) = try #require(twoSuppliers(capA: 100, capB: nil, yearDemand: 250))
        let year = try MarketClearing().solve(cal, conditions: cond, demandElasticity: [-1])
        let s = year.solution
        #expect(year.certificate.certified, "\(year.certificate)")
        let composite = s.shares[0] * s.prices[0] + s.shares[1] * s.prices[1]
        let implied = 250 * pow(composite / 1, -1)
        // Demand used = x_A + x_B (a single final market, no intermediate use).
        #expect(relativeError(s.output[0] + s.output[1], implied) < 1e-9)
        #expect(s.output[0] <= 100 * (1 + 1e-8))
        #expect(implied < 250)
    }

    @Test("without binding capacity the clearing is one plain year solve")
    func nonBinding() throws {
        let (cal, cond) = try #require(twoSuppliers(capA: 1000, capB: 1000, yearDemand: 100))
        let year = try MarketClearing().solve(cal, conditions: cond, demandElasticity: [-0.5])
        let plain = try YearSolver().solve(cal, conditions: cond)
        #expect(year.statistics.evaluations == 1)
        #expect(year.statistics.jacobians == 0)
        #expect(year.solution.output == plain.output)
        #expect(year.scarcityRent == [0, 0])
    }
}

/// One mine (A/ore: P₀ = 1, v = 1, capacity K) feeds two products made in A from one tonne of
/// ore each (p1, p2: v = 1, so P₀ = 2), each with final demand 80 and ε = 0. Buyers of p1 give
/// up at twice its base price (c₁ = 2, B₁ = 4), buyers of p2 at ten times (c₂ = 10, B₂ = 20).
private func twoUses(capacity: Double) throws -> (Calibration, YearConditions, MarketClearingSettings) {
    let A = RegionIndex(0), ore = ProductIndex(0), p1 = ProductIndex(1), p2 = ProductIndex(2)
    let (cal, base) = try handCase(
        regions: ["A"],
        products: [
            Product(name: "ore", stage: "mining", unit: "t", elasticity: 2),
            Product(name: "p1", stage: "refining", unit: "t", elasticity: 2),
            Product(name: "p2", stage: "refining", unit: "t", elasticity: 2),
        ],
        recipes: [Node(A, p1): [RecipeInput(ore, 1)], Node(A, p2): [RecipeInput(ore, 1)]],
        prices: [Node(A, ore): 1, Node(A, p1): 2, Node(A, p2): 2], capacities: [Node(A, ore): 1_000],
        demand: [Node(A, p1): 80, Node(A, p2): 80],
        trade: [Route(ore, from: A, to: A): 160, Route(p1, from: A, to: A): 80, Route(p2, from: A, to: A): 80])
    var cond = YearConditions(base: base)
    cond.capacities[A, ore] = capacity
    var settings = MarketClearingSettings()
    settings.chokePriceMultiples = [10, 2, 10]
    return (cal, cond, settings)
}

@Suite("Choke prices: the lowest-value use is shed first")
struct ChokePriceTests {
    /// K = 100 < 160. The ore rent μ raises both products' prices to 2 + μ; p1's buyers drop out
    /// first, at 2 + μ = B₁ = 4, so μ = 2 (ore price 3). The 100 t of ore then serve all 80 of p2
    /// and 20 of p1: unmet p1 = 60 (ρ₁ = 0.75), unmet p2 = 0. Hand-derived; 1e-8 relative.
    @Test("a scarce mineral with two uses: the one with the lower choke price is cut, by exactly the shortage")
    func lowerChokeShedFirst() throws {
        let (cal, cond, settings) = try twoUses(capacity: 100)
        let year = try MarketClearing(settings: settings).solve(cal, conditions: cond, demandElasticity: [0, 0, 0])
        #expect(year.certificate.certified, "\(year.certificate)")
        let A = RegionIndex(0)
        let rent = try #require(year.scarcityRent(of: Node(A, ProductIndex(0))))
        #expect(relativeError(rent, 2) < 1e-8)
        #expect(relativeError(year.unmetDemand[A, ProductIndex(1)], 60) < 1e-8)
        #expect(year.unmetDemand[A, ProductIndex(2)] == 0)
        #expect(relativeError(year.solution.output(of: Node(A, ProductIndex(0))), 100) < 1e-8)
        let p1 = try #require(year.markets.first { $0.product == ProductIndex(1) })
        #expect(relativeError(p1.unservedShare, 0.75) < 1e-8)
        #expect(relativeError(p1.deliveredPrice ?? 0, 4) < 1e-8)
    }

    /// K = 50 < 80: all of p1 goes (its buyers left at 4) and the rent keeps rising until p2's
    /// buyers start leaving at 2 + μ = B₂ = 20, μ = 18. p2 gets the 50 t: unmet p2 = 30
    /// (ρ₂ = 0.375), unmet p1 = 80 (ρ₁ = 1, its price 20 above its choke price 4).
    @Test("when the first use is gone the rent rises to the next choke price")
    func secondUseShedAtItsChokePrice() throws {
        let (cal, cond, settings) = try twoUses(capacity: 50)
        let year = try MarketClearing(settings: settings).solve(cal, conditions: cond, demandElasticity: [0, 0, 0])
        #expect(year.certificate.certified, "\(year.certificate)")
        let A = RegionIndex(0)
        let rent = try #require(year.scarcityRent(of: Node(A, ProductIndex(0))))
        #expect(relativeError(rent, 18) < 1e-8)
        #expect(relativeError(year.unmetDemand[A, ProductIndex(1)], 80) < 1e-8)
        #expect(relativeError(year.unmetDemand[A, ProductIndex(2)], 30) < 1e-8)
        let p1 = try #require(year.markets.first { $0.product == ProductIndex(1) })
        #expect(abs(p1.unservedShare - 1) <= 1e-10)  // the solver's natural-residual tolerance
    }
}

@Suite("Zero capacity")
struct ZeroCapacityTests {
    /// B's mine is A's only supplier (A makes nothing) and is shut (capacity 0) this year:
    /// nothing can be supplied at any price, so the whole demand of 100 is unmet, B produces 0,
    /// and the year still solves (no error). The market's delivered price is unbounded, so it
    /// is reported as missing, and B is listed as unavailable.
    @Test("a sole supplier with zero capacity leaves all its customers' demand unmet")
    func zeroCapacity() throws {
        let A = RegionIndex(0), B = RegionIndex(1), q = ProductIndex(0)
        let (cal, base) = try handCase(
            regions: ["A", "B"], products: [Product(name: "q", stage: "mining", unit: "t", elasticity: 2)],
            prices: [Node(B, q): 1], capacities: [Node(B, q): 500], demand: [Node(A, q): 100],
            trade: [Route(q, from: B, to: A): 100])
        var cond = YearConditions(base: base)
        cond.capacities[B, q] = 0
        let year = try MarketClearing().solve(cal, conditions: cond, demandElasticity: [0])
        #expect(year.unmetDemand[A, q] == 100)
        #expect(year.solution.output(of: Node(B, q)) == 0)
        #expect(year.certificate.certified, "\(year.certificate)")
        #expect(year.statistics.unavailableNodes == [Node(B, q)])
        let market = try #require(year.markets.first)
        #expect(market.deliveredPrice == nil)
        #expect(market.unservedShare == 1)
    }

    /// A chain: B's ore (shut) is the only input of A's metal, whose buyers are in A. The metal
    /// plant cannot run without ore, so the metal market is unserved in full too.
    @Test("a plant whose only input supplier is shut cannot produce; its market is unserved")
    func cutOffDownstream() throws {
        let A = RegionIndex(0), B = RegionIndex(1), ore = ProductIndex(0), metal = ProductIndex(1)
        let (cal, base) = try handCase(
            regions: ["A", "B"],
            products: [
                Product(name: "ore", stage: "mining", unit: "t", elasticity: 2),
                Product(name: "metal", stage: "refining", unit: "t", elasticity: 2),
            ],
            recipes: [Node(A, metal): [RecipeInput(ore, 1)]],
            prices: [Node(B, ore): 1, Node(A, metal): 3], capacities: [Node(B, ore): 500], demand: [Node(A, metal): 100],
            trade: [Route(ore, from: B, to: A): 100, Route(metal, from: A, to: A): 100])
        var cond = YearConditions(base: base)
        cond.capacities[B, ore] = 0
        let year = try MarketClearing().solve(cal, conditions: cond, demandElasticity: [0, 0])
        #expect(year.unmetDemand[A, metal] == 100)
        #expect(year.solution.output(of: Node(A, metal)) == 0)
        #expect(year.certificate.certified, "\(year.certificate)")
        #expect(Set(year.statistics.unavailableNodes) == [Node(B, ore), Node(A, metal)])
    }
}

/// Two markets for one product q: A buys 100 (99 from A, 1 from B), B buys 100 from B alone.
/// B can make 50; A has no limit. σ = 2, P₀ = 1, choke 10 × P̄₀ = 10 in both markets.
@Suite("A shortage falls on the buyers who have no alternative")
struct SoleSupplierTests {
    private static func market() throws -> (Calibration, YearConditions) {
        let A = RegionIndex(0), B = RegionIndex(1), q = ProductIndex(0)
        let (cal, base) = try handCase(
            regions: ["A", "B"], products: [Product(name: "q", stage: "mining", unit: "t", elasticity: 2)],
            prices: [Node(A, q): 1, Node(B, q): 1], capacities: [Node(B, q): 101],
            demand: [Node(A, q): 100, Node(B, q): 100],
            trade: [Route(q, from: A, to: A): 99, Route(q, from: B, to: A): 1, Route(q, from: B, to: B): 100])
        var cond = YearConditions(base: base)
        cond.capacities[B, q] = 50
        return (cal, cond)
    }

    /// B's rent rises until B's own market, which has no other supplier, reaches its choke price:
    /// P_B = 10. In A's market B's Armington weight, calibrated to 1 against A's 99 at K₀ = 101
    /// and P₀ = 1, becomes 1 · (50/101) · 10⁻² (capacity-weighted, MODEL.md §4), so
    ///   S_B→A = w / (99 + w),  w = 0.5/101,   F_B→A = 100 · S_B→A ≈ 0.0050,
    /// and B's buyers get the rest of its 50: unmet in B = 100 − (50 − F_B→A) ≈ 50.005, while A's
    /// market is served in full (A supplies 100 − F_B→A). Hand-derived; 1e-8 relative.
    @Test("the sole-supplier market bears the shortage at its choke price; the other market is served in full")
    func soleSupplierBearsShortage() throws {
        let (cal, cond) = try Self.market()
        let year = try MarketClearing().solve(cal, conditions: cond, demandElasticity: [0])
        #expect(year.certificate.certified, "\(year.certificate)")
        let A = RegionIndex(0), B = RegionIndex(1), q = ProductIndex(0)
        let w = 0.5 / 101
        let toA = 100 * w / (99 + w)
        #expect(year.unmetDemand[A, q] == 0)
        #expect(relativeError(year.unmetDemand[B, q], 100 - (50 - toA)) < 1e-8)
        let s = year.solution
        #expect(relativeError(s.output(of: Node(B, q)), 50) < 1e-8)
        #expect(relativeError(s.output(of: Node(A, q)), 100 - toA) < 1e-8)
        let priceB = try #require(s.price(of: Node(B, q)))
        #expect(relativeError(priceB, 10) < 1e-8)
        let route = try #require(cal.index(of: Route(q, from: B, to: A)))
        #expect(relativeError(s.flows[route], toA) < 1e-8)
    }
}
