import Testing

@testable import MinsimEngine

/// One product `p` in regions X and Y that uses `p` itself (production scrap or a loop).
private func loopNetwork(selfUse: Double, importShare: Double, sigma: Double = 0) -> (Network, BaseYear) {
    let X = RegionIndex(0), Y = RegionIndex(1), p = ProductIndex(0)
    let network = Network(
        regions: [Region(code: "X"), Region(code: "Y")],
        products: [Product(name: "p", stage: "s", unit: "t", elasticity: sigma)],
        recipes: [Node(X, p): [RecipeInput(p, selfUse)], Node(Y, p): [RecipeInput(p, selfUse)]])
    var prices = network.nodeTable(repeating: Double?.none)
    prices[X, p] = 1; prices[Y, p] = 1
    var demand = network.nodeTable(repeating: 0.0)
    demand[X, p] = 10; demand[Y, p] = 10
    var trade: RouteValues = [Route(p, from: X, to: X): 1 - importShare, Route(p, from: Y, to: Y): 1 - importShare]
    if importShare > 0 {
        trade[Route(p, from: Y, to: X)] = importShare
        trade[Route(p, from: X, to: Y)] = importShare
    }
    return (network, BaseYear(trade: trade, prices: prices, capacities: network.nodeTable(repeating: nil), finalDemand: demand))
}

@Suite("Singular and non-productive networks give typed errors, never NaN")
struct NumericalFailureTests {
    @Test("a node that uses exactly one unit of its own output per unit: singular, named")
    func singular() throws {
        // v = 1 − 1·1 = 0 ≥ 0 so calibration passes, but I − A has a zero column.
        let (network, base) = loopNetwork(selfUse: 1, importShare: 0)
        let cal = try Calibration(network: network, base: base)
        do {
            _ = try YearSolver().solve(cal, conditions: YearConditions(base: base))
            Issue.record("expected a singular-system error")
        } catch {
            guard case .singular(let node, _) = error else { Issue.record("got \(error)"); return }
            #expect(node == Node(RegionIndex(0), ProductIndex(0)))
            #expect(error.message(in: network).contains("X/p"))
        }
    }

    /// Each region uses 0.9 t of `p` per t, half imported. With base rate 0, v = 0.1 > 0.
    /// A 50 % tariff both ways makes the tariff-inclusive cost of one unit
    /// 0.45 + 0.45·1.5 = 1.125 > 1 per unit at fixed shares (σ = 0): ρ(Ã) = 1.125, so no
    /// positive price covers costs. The solver must say so and name both nodes.
    @Test("tariffs that push the cost loop above one: non-productive at tariff-inclusive costs")
    func nonProductiveWithTariffs() throws {
        let (network, base) = loopNetwork(selfUse: 0.9, importShare: 0.5)
        let cal = try Calibration(network: network, base: base)
        var cond = YearConditions(base: base)
        let X = RegionIndex(0), Y = RegionIndex(1), p = ProductIndex(0)
        cond.tariffs = [Route(p, from: X, to: Y): 0.5, Route(p, from: Y, to: X): 0.5]
        #expect(throws: SolveError.nonProductive(nodes: [Node(X, p), Node(Y, p)], withTariffs: true)) {
            try YearSolver().solve(cal, conditions: cond)
        }
    }

    @Test("a base price below the cost of inputs is a calibration error naming the node")
    func negativeValueAdded() {
        let (network, base) = loopNetwork(selfUse: 1.5, importShare: 0)
        do {
            _ = try Calibration(network: network, base: base)
            Issue.record("expected a calibration error")
        } catch {
            let nodes = error.issues.compactMap { issue -> Node? in
                if case .negativeValueAdded(let n, _, _, _) = issue { return n } else { return nil }
            }
            #expect(nodes == [Node(RegionIndex(0), ProductIndex(0)), Node(RegionIndex(1), ProductIndex(0))])
            #expect(error.issues.first?.message(in: network).contains("X/p") == true)
        }
    }

    @Test("every calibration problem is reported at once")
    func allIssues() {
        let (network, base0) = loopNetwork(selfUse: 0.5, importShare: 0)
        var base = base0
        base.prices[RegionIndex(1), ProductIndex(0)] = nil  // missing price
        base.finalDemand[RegionIndex(0), ProductIndex(0)] = -1  // negative demand
        base.trade[Route(ProductIndex(0), from: RegionIndex(0), to: RegionIndex(1))] = .nan
        do {
            _ = try Calibration(network: network, base: base)
            Issue.record("expected a calibration error")
        } catch {
            #expect(error.issues.count == 3, "\(error.issues)")
        }
    }

    @Test("zero capacity everywhere in a used market is reported, not divided by zero")
    func noAvailableSupplier() throws {
        let (network, base) = loopNetwork(selfUse: 0.5, importShare: 0)
        let cal = try Calibration(network: network, base: base)
        var cond = YearConditions(base: base)
        cond.capacities[RegionIndex(0), ProductIndex(0)] = 0
        #expect(throws: SolveError.noAvailableSupplier(product: ProductIndex(0), region: RegionIndex(0))) {
            try YearSolver().solve(cal, conditions: cond)
        }
    }
}
