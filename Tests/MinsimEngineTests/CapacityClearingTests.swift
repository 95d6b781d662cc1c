import Foundation
import Testing
@testable import MinsimEngine

/// One mined product `q`, suppliers A and B (no inputs, so P = v + μ), one buyer: region A.
/// Base: demand 100 split 50/50, P₀ = 1 for both, σ = 2, so v = 1 and φ is calibrated so the
/// base weights are 0.5 each. Capacities (base and year) are given as `capA`, `capB`.
private func twoSuppliers(capA: Double?, capB: Double?, yearDemand: Double) -> (Calibration, YearConditions)? {
    let A = RegionIndex(0), B = RegionIndex(1), q = ProductIndex(0)
    let network = Network(regions: [Region(code: "A"), Region(code: "B")],
                          products: [Product(name: "q", stage: "mining", unit: "t", elasticity: 2)], recipes: [:])
    var prices = network.nodeTable(repeating: Double?.none)
    prices[A, q] = 1; prices[B, q] = 1
    var caps = network.nodeTable(repeating: Double?.none)
    caps[A, q] = capA; caps[B, q] = capB
    var demand = network.nodeTable(repeating: 0.0)
    demand[A, q] = 100
    let base = BaseYear(trade: [Route(q, from: A, to: A): 50, Route(q, from: B, to: A): 50],
                        prices: prices, capacities: caps, finalDemand: demand)
    guard let cal = try? Calibration(network: network, base: base) else { return nil }
    var cond = YearConditions(base: base)
    cond.finalDemand[A, q] = yearDemand
    return (cal, cond)
}

@Suite("Capacity limits, scarcity rents and unmet demand (MODEL.md §5)")
struct CapacityClearingTests {
    /// Demand rises to 250 and A can make 100. A's share must fall to 100/250 = 0.4 while B,
    /// unconstrained, keeps P_B = 1. With equal calibrated weights,
    ///   S_A = P_A^−2 / (P_A^−2 + 1) = 0.4  ⇒  P_A² = 1.5  ⇒  P_A = √1.5,  μ_A = √1.5 − 1 ≈ 0.2247.
    /// Tolerances: the clearing stops at complementarity residual ≤ 1e-8 relative, so x_A and
    /// μ_A are within ~1e-7 of the hand values; 1e-6 relative is the stated bound.
    @Test("a binding capacity carries the hand-derived scarcity rent, and complementarity holds")
    func bindingCapacity() throws {
        let (cal, cond) = try #require(twoSuppliers(capA: 100, capB: nil, yearDemand: 250))
        let year = try CapacityClearing().solve(cal, conditions: cond, demandElasticity: [0])
        let s = year.solution
        #expect(year.statistics.converged, "\(year.statistics)")
        #expect(relativeError(s.output[0], 100) < 1e-6)
        #expect(relativeError(s.output[1], 150) < 1e-6)
        #expect(relativeError(year.scarcityRent[0], 1.5.squareRoot() - 1) < 1e-6)
        #expect(year.scarcityRent[1] == 0)
        #expect(relativeError(s.prices[0], 1.5.squareRoot()) < 1e-6)
        #expect(relativeError(s.prices[1], 1) < 1e-12)
        // Complementarity: μ ≥ 0, x ≤ K, μ·(K − x) = 0 (relative to μ·K).
        #expect(year.scarcityRent.allSatisfy { $0 >= 0 })
        #expect(s.output[0] <= 100 * (1 + 1e-8))
        #expect(abs(year.scarcityRent[0] * (100 - s.output[0])) <= 1e-6 * year.scarcityRent[0] * 100)
        #expect(year.unmetDemand[RegionIndex(0), ProductIndex(0)] == 0)
    }

    /// Both suppliers capped at 100, demand 250: no price clears it. Prices stop at the
    /// ceiling (10 × base = 10), shares stay 0.5/0.5, and proportional rationing keeps
    /// 200 of 250: unmet demand 50, both nodes exactly at capacity with rent 9.
    @Test("demand beyond total capacity is reported as unmet demand at the price ceiling")
    func unmetDemand() throws {
        let (cal, cond) = try #require(twoSuppliers(capA: 100, capB: 100, yearDemand: 250))
        let year = try CapacityClearing().solve(cal, conditions: cond, demandElasticity: [0])
        #expect(year.statistics.converged, "\(year.statistics)")
        #expect(relativeError(year.unmetDemand[RegionIndex(0), ProductIndex(0)], 50) < 1e-6)
        #expect(relativeError(year.solution.output[0], 100) < 1e-6)
        #expect(relativeError(year.solution.output[1], 100) < 1e-6)
        #expect(relativeError(year.solution.prices[0], 10) < 1e-9)
        #expect(relativeError(year.scarcityRent[0], 9) < 1e-9)
    }

    /// With ε = −1 and A alone able to supply at K = 100 (B capped at 0 in the year would leave
    /// no supplier, so B keeps no limit here), demand responds to the composite price: the
    /// solution must satisfy D = 250 · (P̄/P̄₀)^−1 together with the capacity and shares.
    @Test("final demand responds to price with the given elasticity")
    func demandResponse() throws {
        let (cal, cond) = try #require(twoSuppliers(capA: 100, capB: nil, yearDemand: 250))
        let year = try CapacityClearing().solve(cal, conditions: cond, demandElasticity: [-1])
        let s = year.solution
        #expect(year.statistics.converged, "\(year.statistics)")
        let composite = s.shares[0] * s.prices[0] + s.shares[1] * s.prices[1]
        let implied = 250 * pow(composite / 1, -1)
        // Demand used = x_A + x_B (a single final market, no intermediate use).
        #expect(relativeError(s.output[0] + s.output[1], implied) < 1e-7)
        #expect(s.output[0] <= 100 * (1 + 1e-8))
        #expect(implied < 250)
    }

    @Test("without binding capacity the clearing returns the plain year unchanged")
    func nonBinding() throws {
        let (cal, cond) = try #require(twoSuppliers(capA: 1000, capB: 1000, yearDemand: 100))
        let year = try CapacityClearing().solve(cal, conditions: cond, demandElasticity: [-0.5])
        let plain = try YearSolver().solve(cal, conditions: cond)
        #expect(year.statistics.rounds == 1)
        #expect(year.solution.output == plain.output)
        #expect(year.scarcityRent == [0, 0])
    }
}

@Suite("Zero capacity")
struct ZeroCapacityTests {
    /// B's mine is A's only supplier (A makes nothing) and is shut (capacity 0) this year:
    /// nothing can be supplied at any price, so the whole demand of 100 is unmet, B produces 0,
    /// and the year still solves (no error).
    @Test("a sole supplier with zero capacity leaves all its customers' demand unmet")
    func zeroCapacity() throws {
        let A = RegionIndex(0), B = RegionIndex(1), q = ProductIndex(0)
        let network = Network(regions: [Region(code: "A"), Region(code: "B")],
                              products: [Product(name: "q", stage: "mining", unit: "t", elasticity: 2)], recipes: [:])
        var prices = network.nodeTable(repeating: Double?.none)
        prices[B, q] = 1
        var caps = network.nodeTable(repeating: Double?.none)
        caps[B, q] = 500
        var demand = network.nodeTable(repeating: 0.0)
        demand[A, q] = 100
        let base = BaseYear(trade: [Route(q, from: B, to: A): 100], prices: prices, capacities: caps, finalDemand: demand)
        let cal = try Calibration(network: network, base: base)
        var cond = YearConditions(base: base)
        cond.capacities[B, q] = 0
        let year = try CapacityClearing().solve(cal, conditions: cond, demandElasticity: [0])
        // Unmet to 1e-9 t: rationing keeps K/x = 0 of the demand.
        #expect(abs(year.unmetDemand[A, q] - 100) < 1e-9)
        #expect(abs(year.solution.output(of: Node(B, q))) < 1e-9)
        #expect(year.statistics.capacityViolation <= 1e-8)
    }
}

/// Two markets for one product q: A buys 100 (99 from A, 1 from B), B buys 100 from B alone.
/// B can make 50; A has no limit. σ = 2, P₀ = 1, ceiling 10 × P₀.
@Suite("Allocation at the price ceiling: buyers with another supplier are turned away, not rationed")
struct AllocationTests {
    private static func market() throws -> (Calibration, YearConditions) {
        let A = RegionIndex(0), B = RegionIndex(1), q = ProductIndex(0)
        let network = Network(regions: [Region(code: "A"), Region(code: "B")],
                              products: [Product(name: "q", stage: "mining", unit: "t", elasticity: 2)], recipes: [:])
        var prices = network.nodeTable(repeating: Double?.none)
        prices[A, q] = 1; prices[B, q] = 1
        var caps = network.nodeTable(repeating: Double?.none)
        caps[B, q] = 101
        var demand = network.nodeTable(repeating: 0.0)
        demand[A, q] = 100; demand[B, q] = 100
        let base = BaseYear(trade: [Route(q, from: A, to: A): 99, Route(q, from: B, to: A): 1, Route(q, from: B, to: B): 100],
                            prices: prices, capacities: caps, finalDemand: demand)
        let cal = try Calibration(network: network, base: base)
        var cond = YearConditions(base: base)
        cond.capacities[B, q] = 50
        return (cal, cond)
    }

    /// B is B's only supplier, so B's market cannot avoid the shortage: at the ceiling (P_B = 10)
    /// B still owes its own market 100, so about 50 of it is unmet. A's market needs nothing from
    /// B: it turns to A (B's weight in A falls by the price, 10⁻², and then by the allocation
    /// factor, down to 10⁻⁶), so its demand is met in full. Proportional rationing alone would have
    /// cut A's market by the same half as B's, for a supplier of 1 % of it.
    /// Tolerances: unmet in A exactly 0 (its market is not rationed at all); B's unmet equals
    /// 100 − (50 − x_B→A) with x_B→A below 100·10⁻²·10⁻⁶/0.99 ≈ 1e-6, so 1e-5 absolute covers it
    /// plus the clearing's 1e-8 relative capacity tolerance.
    @Test("the sole-supplier market bears the shortage; the market with an alternative is served in full")
    func soleSupplierBearsShortage() throws {
        let (cal, cond) = try Self.market()
        let year = try CapacityClearing().solve(cal, conditions: cond, demandElasticity: [0])
        #expect(year.statistics.converged, "\(year.statistics)")
        let A = RegionIndex(0), B = RegionIndex(1), q = ProductIndex(0)
        #expect(year.unmetDemand[A, q] == 0)
        #expect(abs(year.unmetDemand[B, q] - 50) < 1e-5, "unmet in B \(year.unmetDemand[B, q])")
        let s = year.solution
        #expect(s.output(of: Node(B, q)) <= 50 * (1 + 1e-8))
        #expect(abs(s.output(of: Node(A, q)) - 100) < 1e-5)
        // B sells at the ceiling: price 10 = 1 + rent 9.
        #expect(relativeError(s.prices[cal.systemIndex[B, q]], 10) < 1e-8)
        let route = try #require(cal.index(of: Route(q, from: B, to: A)))
        #expect(s.flows[route] < 1e-6)
    }
}
