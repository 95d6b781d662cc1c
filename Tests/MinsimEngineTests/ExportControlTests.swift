import Foundation
import Testing

@testable import MinsimEngine

/// One mined product `q`; region A buys 100 (ε = 0) from A and B, 50/50 at P₀ = 1, σ = 2.
/// `onlyImports` makes B the only supplier of A (A produces nothing).
private func market(onlyImports: Bool = false) throws -> (Calibration, YearConditions) {
    let A = RegionIndex(0), B = RegionIndex(1), q = ProductIndex(0)
    let network = Network(
        regions: [Region(code: "A"), Region(code: "B")],
        products: [Product(name: "q", stage: "mining", unit: "t", elasticity: 2)], recipes: [:])
    var prices = network.nodeTable(repeating: Double?.none)
    prices[A, q] = 1; prices[B, q] = 1
    var demand = network.nodeTable(repeating: 0.0)
    demand[A, q] = 100
    let trade: RouteValues =
        onlyImports
        ? [Route(q, from: B, to: A): 100]
        : [Route(q, from: A, to: A): 50, Route(q, from: B, to: A): 50]
    let base = BaseYear(trade: trade, prices: prices, capacities: network.nodeTable(repeating: nil), finalDemand: demand)
    let cal = try Calibration(network: network, base: base)
    return (cal, YearConditions(base: base))
}

private let banned = Route(ProductIndex(0), from: RegionIndex(1), to: RegionIndex(0))

@Suite("Export controls: quotas bind through a rent, bans close the route")
struct ExportControlTests {
    /// Quota 30 on B→A (base flow 50). A's own supply takes the rest; B's share must be 0.3:
    ///   S_B = (1+r)^−2 / ((1+r)^−2 + 1) = 0.3  ⇒  (1+r)² = 7/3  ⇒  r = √(7/3) − 1 ≈ 0.5275.
    /// Tolerance 1e-6 relative: the clearing certifies complementarity to 1e-8.
    @Test("a binding quota is never exceeded and carries the hand-derived quota rent")
    func quota() throws {
        var (cal, cond) = try market()
        cond.routeQuotas[banned] = 30
        let year = try MarketClearing().solve(cal, conditions: cond, demandElasticity: [0])
        let s = year.solution
        #expect(year.certificate.certified, "\(year.statistics)")
        let k = try #require(cal.index(of: banned))
        #expect(s.flows[k] <= 30 * (1 + 1e-8))
        #expect(relativeError(s.flows[k], 30) < 1e-6)
        #expect(relativeError(s.routeRents[k], (7.0 / 3).squareRoot() - 1) < 1e-6)
        #expect(s.tariffRevenue[k] == 0, "a quota rent is not tariff revenue")
        #expect(relativeError(s.quotaRentRevenue[k], s.flows[k] * 1 * s.routeRents[k]) < 1e-12)
        #expect(year.unmetDemand[RegionIndex(0), ProductIndex(0)] == 0)
    }

    @Test("a ban gives exactly zero flow on its route; the other supplier takes the market")
    func ban() throws {
        var (cal, cond) = try market()
        cond.routeQuotas[banned] = 0
        let sol = try YearSolver().solve(cal, conditions: cond)
        let k = try #require(cal.index(of: banned))
        #expect(sol.flows[k] == 0)
        #expect(sol.shares[k] == 0)
        #expect(abs(sol.output(of: Node(RegionIndex(0), ProductIndex(0))) - 100) < 1e-9)
    }

    /// B is A's only supplier and may ship 30 of the 100 A wants (ε = 0). The quota rent rises
    /// until A's buyers reach their choke price (10 × base delivered price = 10, quota rent 9),
    /// and the 70 that cannot be shipped are unmet there.
    @Test("a quota on the only supplier leaves unmet demand at the choke price")
    func quotaOnSoleSupplier() throws {
        var (cal, cond) = try market(onlyImports: true)
        cond.routeQuotas[banned] = 30
        let year = try MarketClearing().solve(cal, conditions: cond, demandElasticity: [0])
        #expect(year.certificate.certified, "\(year.statistics)")
        let k = try #require(cal.index(of: banned))
        #expect(relativeError(year.solution.flows[k], 30) < 1e-6)
        #expect(relativeError(year.unmetDemand[RegionIndex(0), ProductIndex(0)], 70) < 1e-6)
        #expect(relativeError(year.solution.deliveredPrices[k], 10) < 1e-9)
    }

    @Test("a quota that does not bind changes nothing")
    func slackQuota() throws {
        var (cal, cond) = try market()
        let plain = try YearSolver().solve(cal, conditions: cond)
        cond.routeQuotas[banned] = 1_000
        let year = try MarketClearing().solve(cal, conditions: cond, demandElasticity: [0])
        #expect(year.solution.flows == plain.flows)
        #expect(year.solution.routeRents.allSatisfy { $0 == 0 })
    }
}
