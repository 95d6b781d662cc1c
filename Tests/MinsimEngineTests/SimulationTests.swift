import Testing

@testable import MinsimEngine

/// Regions A, B; nickel ore → refined nickel → EVs. Refining uses 1 t ore per t, an EV 0.05 t
/// refined nickel. A buys ore half from itself, half from B; everything else is domestic.
/// Prices: ore 10, refined 20, EV 1000. EV demand 100 in each region.
/// Base year by hand: x_evA = 100, x_refA = 5, A buys 5 t ore (2.5 + 2.5); B: x_refB = 5,
/// x_oreB = 5 + 2.5 = 7.5.
private enum Chain {
    static let A = RegionIndex(0), B = RegionIndex(1)
    static let ore = ProductIndex(0), refined = ProductIndex(1), ev = ProductIndex(2)

    static func make(evCapacityA: Double? = nil) -> (Network, BaseYear) {
        let network = Network(
            regions: [Region(code: "A"), Region(code: "B")],
            products: [
                Product(name: "ni_ore", stage: "mining", unit: "t", elasticity: 2, mineral: "nickel"),
                Product(name: "ni_refined", stage: "refining", unit: "t", elasticity: 4, mineral: "nickel"),
                Product(name: "ev", stage: "ev", unit: "vehicle", elasticity: 3),
            ],
            recipes: [
                Node(A, refined): [RecipeInput(ore, 1)], Node(B, refined): [RecipeInput(ore, 1)],
                Node(A, ev): [RecipeInput(refined, 0.05)], Node(B, ev): [RecipeInput(refined, 0.05)],
            ])
        var prices = network.nodeTable(repeating: Double?.none)
        for r in [A, B] { prices[r, ore] = 10; prices[r, refined] = 20; prices[r, ev] = 1000 }
        var caps = network.nodeTable(repeating: Double?.none)
        caps[A, ev] = evCapacityA
        var demand = network.nodeTable(repeating: 0.0)
        demand[A, ev] = 100; demand[B, ev] = 100
        let trade: RouteValues = [
            Route(ore, from: A, to: A): 1, Route(ore, from: B, to: A): 1, Route(ore, from: B, to: B): 1,
            Route(refined, from: A, to: A): 1, Route(refined, from: B, to: B): 1,
            Route(ev, from: A, to: A): 1, Route(ev, from: B, to: B): 1,
        ]
        return (network, BaseYear(trade: trade, prices: prices, capacities: caps, finalDemand: demand))
    }

    static func years(
        _ network: Network, _ base: BaseYear, _ range: ClosedRange<Int>,
        evDemandA: (Int) -> Double = { _ in 100 }
    ) -> [YearInputs] {
        range.map { y in
            var cond = YearConditions(base: base)
            cond.finalDemand[A, ev] = evDemandA(y)
            return YearInputs(year: y, network: network, conditions: cond)
        }
    }
}

@Suite("Multi-year simulation: fleet, recycling, capacity dynamics, indicators")
struct SimulationTests {
    /// Fixed lifetime 2 years: the 2024 cohort (100 EVs) retires in 2026, and so on. Each EV holds
    /// 0.05 t Ni; collection 0.5 × recovery 0.9 returns 100·0.05·0.45 = 2.25 t, reaching A's
    /// refiners in 2027 and displacing ore: A then buys 5 − 2.25 = 2.75 t of ore.
    @Test("retired batteries come back as refinery feed one year later and displace ore")
    func recycling() throws {
        let (network, base) = Chain.make()
        let cal = try Calibration(network: network, base: base)
        let rates = try RecyclingRates(collectionRate: 0.5, recoveryEfficiency: 0.9)
        let fleet = FleetSettings(
            vehicle: Chain.ev, lifetime: .fixed(years: 2),
            minerals: [MineralChain(name: "nickel", ore: Chain.ore, refined: Chain.refined, recycling: rates)])
        let sim = Simulation(settings: SimulationSettings(demandElasticity: [0, 0, 0], fleet: fleet))
        let run = try sim.run(cal, years: Chain.years(network, base, 2024...2029))
        #expect(run.map(\.year) == Array(2024...2029))
        let fleetA = run.map { $0.fleet[0] }
        // Stock identity, exactly: stock(t) = stock(t−1) + inflow − retirements.
        for t in 1..<fleetA.count {
            #expect(fleetA[t].stock == fleetA[t - 1].stock + fleetA[t].inflow - fleetA[t].retirements)
        }
        #expect(fleetA.map(\.retirements) == [0, 0, 100, 100, 100, 100])
        // Tolerances 1e-9 t: quantities of a few tonnes from exact data and exact solves.
        let ni = run.map { $0.minerals.first { $0.region == Chain.A }! }
        #expect(abs(fleetA[2].recovered[0] - 2.25) < 1e-9)
        #expect(ni[2].secondarySupply == 0)
        #expect(abs(ni[3].secondarySupply - 2.25) < 1e-9)
        #expect(abs(ni[2].primaryDemand - 5) < 1e-9)
        #expect(abs(ni[3].primaryDemand - 2.75) < 1e-9)
        // A's refined nickel is all domestic: reliance 0, HHI 1; clean-tech demand = 100·0.05.
        #expect(ni[0].importReliance == 0)
        #expect(abs((ni[0].supplierHHI ?? 0) - 1) < 1e-12)
        #expect(abs(ni[0].cleanTechDemand - 5) < 1e-9)
        #expect(ni.allSatisfy { $0.unmetDemand == 0 })
    }

    /// EV capacity in A is 100 and demand jumps to 150 from 2025 with ε = 0, so A's EV plant is
    /// scarce every year. Persistence 2 and lead time 2: the order placed in 2026 (+20 % of 100)
    /// comes online in 2028; the next, placed in 2029 (2028 starts a new streak), is not yet online.
    @Test("persistent scarcity orders capacity that arrives after the stage's lead time")
    func expansion() throws {
        let (network, base) = Chain.make(evCapacityA: 100)
        let cal = try Calibration(network: network, base: base)
        let rule = ExpansionRule(leadTime: ["ev": 2], rentThreshold: 0.05, persistence: 2, fraction: 0.2)
        let sim = Simulation(settings: SimulationSettings(demandElasticity: [0, 0, 0], expansion: rule))
        let run = try sim.run(cal, years: Chain.years(network, base, 2024...2029) { $0 >= 2025 ? 150 : 100 })
        let added = run.map { $0.endogenousCapacity[Chain.A, Chain.ev] }
        #expect(added == [0, 0, 0, 0, 20, 20])
        // Output never exceeds the capacity in force (relative 1e-8, the clearing tolerance).
        for y in run {
            let k = y.capacities[Chain.A, Chain.ev] ?? 0
            #expect(y.cleared.solution.output(of: Node(Chain.A, Chain.ev)) <= k * (1 + 1e-8), "year \(y.year)")
        }
        // What capacity cannot make is unmet: 50 EVs while K = 100, 30 once K = 120.
        let unmet = run.map { $0.cleared.unmetDemand[Chain.A, Chain.ev] }
        #expect(abs(unmet[1] - 50) < 1e-6 && abs(unmet[4] - 30) < 1e-6, "\(unmet)")
    }
}
