import Testing

@testable import MinsimEngine

@Suite("YearSolution read by node, route and market")
struct YearSolutionAccessorTests {
    /// The hand-derived network with A's 25 % tariff on ore from B: ore prices do not move
    /// (P_oA = 10, P_oB = 8), so the route B→A delivers ore at 8 · 1.25 = 10 (HandDerivedTests).
    /// Tolerance 1e-12 relative, as there: a handful of flops from exact data.
    @Test("route results agree with the per-route accessors and the hand-derived delivered price")
    func routes() throws {
        let (network, base) = TwoByTwo.make()
        let (A, B, ore, metal) = (TwoByTwo.A, TwoByTwo.B, TwoByTwo.ore, TwoByTwo.metal)
        let cal = try Calibration(network: network, base: base)
        var cond = YearConditions(base: base)
        let taxed = Route(ore, from: B, to: A)
        cond.tariffs[taxed] = 0.25
        let sol = try YearSolver().solve(cal, conditions: cond)

        #expect(sol.routeResults.map(\.route) == sol.routes)
        for r in sol.routeResults {
            #expect(r.flow == sol.flow(on: r.route) && r.share == sol.share(of: r.route))
            #expect(r.tariff == sol.tariff(on: r.route) && r.deliveredPrice == sol.deliveredPrice(on: r.route))
            #expect(sol.result(on: r.route) == r)
        }
        let delivered = try #require(sol.deliveredPrice(on: taxed))
        #expect(relativeError(delivered, 10) < 1e-12)
        let result = try #require(sol.result(on: taxed))
        #expect(relativeError(result.tariffRevenue, result.flow * 8 * 0.25) < 1e-12)
        #expect(result.quotaRent == 0 && result.quotaRentRevenue == 0)

        // Metal from B into A carries no trade: no result, flow and share 0, no tariff.
        let none = Route(metal, from: B, to: A)
        #expect(sol.result(on: none) == nil && sol.tariff(on: none) == nil && sol.deliveredPrice(on: none) == nil)
        #expect(sol.flow(on: none) == 0 && sol.share(of: none) == 0)

        // Routes into each market, by exporter.
        #expect(Array(sol.routes(into: Market(ore, in: A))) == [Route(ore, from: A, to: A), taxed])
        #expect(Array(sol.routes(into: Market(metal, in: A))) == [Route(metal, from: A, to: A)])
        #expect(cal.serves(Market(metal, in: B)))
        #expect(sol.secondaryUsed(in: Market(ore, in: A)) == 0)
    }

    /// One product, A supplies itself and B: B's node has no trade and is inactive.
    @Test("an inactive node has output 0 and no price, value added, rent or system position")
    func inactiveNode() throws {
        let A = RegionIndex(0), B = RegionIndex(1), q = ProductIndex(0)
        let network = Network(
            regions: [Region(code: "A"), Region(code: "B")],
            products: [Product(name: "q", stage: "mining", unit: "t", elasticity: 2)], recipes: [:])
        var prices = network.nodeTable(repeating: Double?.none)
        prices[A, q] = 5
        var demand = network.nodeTable(repeating: 0.0)
        demand[A, q] = 10
        demand[B, q] = 20
        let base = BaseYear(
            trade: [Route(q, from: A, to: A): 10, Route(q, from: A, to: B): 20], prices: prices,
            capacities: network.nodeTable(repeating: nil), finalDemand: demand)
        let cal = try Calibration(network: network, base: base)
        let year = try MarketClearing().solve(cal, conditions: YearConditions(base: base), demandElasticity: [0])
        let sol = year.solution
        #expect(cal.systemIndex(of: Node(B, q)) == nil && cal.systemIndex(of: Node(A, q)) == 0)
        #expect(sol.output(of: Node(B, q)) == 0 && sol.price(of: Node(B, q)) == nil)
        #expect(sol.valueAdded(of: Node(B, q)) == nil && year.scarcityRent(of: Node(B, q)) == nil)
        // A's node: no inputs, so v = P₀ = 5; no capacity, so no rent; output 10 + 20 (exact sums).
        #expect(sol.valueAdded(of: Node(A, q)) == 5 && year.scarcityRent(of: Node(A, q)) == 0)
        #expect(abs(sol.output(of: Node(A, q)) - 30) <= 1e-12 * 30)
        #expect(sol.routes(into: Market(q, in: B)).map(\.exporter) == [A])
    }
}
