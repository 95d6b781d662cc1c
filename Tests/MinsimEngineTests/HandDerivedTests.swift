import Foundation
import Testing

@testable import MinsimEngine

/// Relative difference `|a − b| / max(|a|, |b|, tiny)`.
func relativeError(_ a: Double, _ b: Double) -> Double {
    abs(a - b) / max(abs(a), abs(b), .leastNormalMagnitude)
}

/// A 2-region × 2-stage network worked by hand.
///
/// Regions A, B. Products: ore (mining, σ = 2), metal (refining, σ = 3).
/// Recipes: metal uses 0.5 t ore per t in A, 0.4 in B; mines use nothing.
/// Base trade (domestic included):  ore into A: A 60, B 40;  ore into B: B 100;
///                                  metal into A: A 100;     metal into B: A 30, B 70.
/// Base prices: ore A 10, ore B 8, metal A 30, metal B 25. Final demand: metal A 100, metal B 200.
///
/// Base year, by hand:
///   shares    S(ore→A) = (0.6, 0.4), S(ore→B) = (·, 1), S(metal→A) = (1, ·), S(metal→B) = (0.3, 0.7)
///   metal     x_mA = 100·1 + 200·0.3 = 160,   x_mB = 200·0.7 = 140
///   ore use   A: 0.5·160 = 80,  B: 0.4·140 = 56
///   ore       x_oA = 0.6·80 = 48,  x_oB = 0.4·80 + 56 = 88
///   value added  v_oA = 10, v_oB = 8, v_mA = 30 − 0.5·(0.6·10 + 0.4·8) = 25.4, v_mB = 25 − 0.4·8 = 21.8
enum TwoByTwo {
    static let A = RegionIndex(0), B = RegionIndex(1)
    static let ore = ProductIndex(0), metal = ProductIndex(1)

    static func make(baseTariffs: [Route: Double] = [:]) -> (Network, BaseYear) {
        let network = Network(
            regions: [Region(code: "A"), Region(code: "B")],
            products: [
                Product(name: "ore", stage: "mining", unit: "t", elasticity: 2),
                Product(name: "metal", stage: "refining", unit: "t", elasticity: 3),
            ],
            recipes: [Node(A, metal): [RecipeInput(ore, 0.5)], Node(B, metal): [RecipeInput(ore, 0.4)]])
        var prices = network.nodeTable(repeating: Double?.none)
        prices[A, ore] = 10; prices[B, ore] = 8; prices[A, metal] = 30; prices[B, metal] = 25
        var demand = network.nodeTable(repeating: 0.0)
        demand[A, metal] = 100; demand[B, metal] = 200
        let trade: RouteValues = [
            Route(ore, from: A, to: A): 60, Route(ore, from: B, to: A): 40, Route(ore, from: B, to: B): 100,
            Route(metal, from: A, to: A): 100, Route(metal, from: A, to: B): 30, Route(metal, from: B, to: B): 70,
        ]
        let base = BaseYear(
            trade: trade, prices: prices, tariffs: RouteValues(baseTariffs),
            capacities: network.nodeTable(repeating: nil), finalDemand: demand)
        return (network, base)
    }
}

@Suite("Hand-derived 2-region × 2-stage network")
struct HandDerivedTests {
    // Tolerance 1e-12 relative: every quantity here is a handful of flops from exact data
    // (condition numbers ≈ 1), so the engine's answer sits within a few ulps of the hand value.
    let tol = 1e-12

    @Test("base year: quantities, flows, prices and value added match the hand solution")
    func baseYear() throws {
        let (network, base) = TwoByTwo.make()
        let cal = try Calibration(network: network, base: base)
        let sol = try YearSolver().solve(cal, conditions: YearConditions(base: base))
        let (A, B, ore, metal) = (TwoByTwo.A, TwoByTwo.B, TwoByTwo.ore, TwoByTwo.metal)
        #expect(sol.status == .solved)
        #expect(relativeError(sol.output(of: Node(A, metal)), 160) < tol)
        #expect(relativeError(sol.output(of: Node(B, metal)), 140) < tol)
        #expect(relativeError(sol.output(of: Node(A, ore)), 48) < tol)
        #expect(relativeError(sol.output(of: Node(B, ore)), 88) < tol)
        #expect(relativeError(sol.flow(on: Route(ore, from: B, to: A)), 32) < tol)
        #expect(relativeError(sol.flow(on: Route(metal, from: A, to: B)), 60) < tol)
        for (node, p) in [(Node(A, ore), 10.0), (Node(B, ore), 8), (Node(A, metal), 30), (Node(B, metal), 25)] {
            #expect(relativeError(sol.price(of: node) ?? .nan, p) < tol)
        }
        let va = Dictionary(uniqueKeysWithValues: zip(cal.activeNodes, cal.valueAdded))
        #expect(relativeError(va[Node(A, metal)] ?? .nan, 25.4) < tol)
        #expect(relativeError(va[Node(B, metal)] ?? .nan, 21.8) < tol)
        #expect(sol.tariffRevenue.allSatisfy { $0 == 0 })
        #expect(sol.statistics.iterations == 1)
    }

    /// With A's 25 % tariff on ore from B (base rate 0, so φ is calibrated without it):
    ///   ore prices are pure value added and do not move: P_oA = 10, P_oB = 8.
    ///   ore→A weights: w_A = 0.6·(10/10)^−2 = 0.6, w_B = 0.4·(8·1.25/8)^−2 = 0.4/1.5625 = 0.256,
    ///     so S_A = 0.6/0.856, S_B = 0.256/0.856.
    ///   metal A price: 25.4 + 0.5·(S_A·10 + S_B·8·1.25) = 25.4 + 0.5·10 = 30.4 (both delivered at 10).
    ///   metal B price: 21.8 + 0.4·8 = 25 (unchanged).
    ///   metal→B weights: w_A = 0.3·(30.4/30)^−3, w_B = 0.7; s = w_A/(w_A + w_B).
    ///   quantities: x_mA = 100 + 200·s, x_mB = 200·(1 − s), x_oA = S_A·0.5·x_mA,
    ///     x_oB = S_B·0.5·x_mA + 0.4·x_mB; tariff revenue = S_B·0.5·x_mA · 8 · 0.25.
    ///   The fixed point settles in two iterations: metal shares move once, then nothing changes.
    @Test("a 25 % tariff on ore B→A: shares, prices, quantities and revenue match the hand solution")
    func withTariff() throws {
        let (network, base) = TwoByTwo.make()
        let (A, B, ore, metal) = (TwoByTwo.A, TwoByTwo.B, TwoByTwo.ore, TwoByTwo.metal)
        let cal = try Calibration(network: network, base: base)
        var cond = YearConditions(base: base)
        cond.tariffs[Route(ore, from: B, to: A)] = 0.25
        let sol = try YearSolver().solve(cal, conditions: cond)

        let sA = 0.6 / 0.856, sB = 0.256 / 0.856
        let wA = 0.3 * pow(30.4 / 30, -3), s = wA / (wA + 0.7)
        let xmA = 100 + 200 * s, xmB = 200 * (1 - s)
        let xoA = sA * 0.5 * xmA, xoB = sB * 0.5 * xmA + 0.4 * xmB
        #expect(sol.status == .solved)
        #expect(relativeError(sol.share(of: Route(ore, from: A, to: A)), sA) < tol)
        #expect(relativeError(sol.share(of: Route(ore, from: B, to: A)), sB) < tol)
        #expect(relativeError(sol.share(of: Route(metal, from: A, to: B)), s) < tol)
        #expect(relativeError(sol.price(of: Node(A, metal)) ?? .nan, 30.4) < tol)
        #expect(relativeError(sol.price(of: Node(B, metal)) ?? .nan, 25) < tol)
        #expect(relativeError(sol.price(of: Node(B, ore)) ?? .nan, 8) < tol)
        #expect(relativeError(sol.output(of: Node(A, metal)), xmA) < tol)
        #expect(relativeError(sol.output(of: Node(B, metal)), xmB) < tol)
        #expect(relativeError(sol.output(of: Node(A, ore)), xoA) < tol)
        #expect(relativeError(sol.output(of: Node(B, ore)), xoB) < tol)
        let k = try #require(sol.routes.firstIndex(of: Route(ore, from: B, to: A)))
        #expect(relativeError(sol.deliveredPrices[k], 10) < tol)
        #expect(relativeError(sol.tariffRevenue[k], sB * 0.5 * xmA * 8 * 0.25) < tol)
        #expect(sol.statistics.iterations == 2)
    }

    @Test("a tariff already in force in the base year is calibrated away: the base year is reproduced")
    func baseTariffCalibrated() throws {
        let (A, B, ore, metal) = (TwoByTwo.A, TwoByTwo.B, TwoByTwo.ore, TwoByTwo.metal)
        let (network, base) = TwoByTwo.make(baseTariffs: [Route(ore, from: B, to: A): 0.25])
        let cal = try Calibration(network: network, base: base)
        let sol = try YearSolver().solve(cal, conditions: YearConditions(base: base))
        // v_mA = 30 − 0.5·(0.6·10 + 0.4·8·1.25) = 30 − 5 = 25.
        let va = Dictionary(uniqueKeysWithValues: zip(cal.activeNodes, cal.valueAdded))
        #expect(relativeError(va[Node(A, metal)] ?? .nan, 25) < tol)
        #expect(relativeError(sol.share(of: Route(ore, from: B, to: A)), 0.4) < tol)
        #expect(relativeError(sol.price(of: Node(A, metal)) ?? .nan, 30) < tol)
        #expect(relativeError(sol.output(of: Node(B, ore)), 88) < tol)
    }
}

@Suite("Secondary supply displaces primary purchases")
struct SecondarySupplyTests {
    /// In the 2×2 network A uses 0.5·160 = 80 t of ore (60 % from A, 40 % from B).
    /// 20 t of recycled ore in A leaves 60 t to buy: x_oA = 0.6·60 = 36, x_oB = 0.4·60 + 56 = 80.
    /// 100 t is more than A's use: only 80 t is taken, A buys no ore, x_oA = 0, x_oB = 56.
    @Test("recycled material reduces primary ore purchases, and is capped at the market's use")
    func displacement() throws {
        let (network, base) = TwoByTwo.make()
        let (A, B, ore) = (TwoByTwo.A, TwoByTwo.B, TwoByTwo.ore)
        let cal = try Calibration(network: network, base: base)
        for (supply, xoA, xoB, used) in [(20.0, 36.0, 80.0, 20.0), (100, 0, 56, 80)] {
            var cond = YearConditions(base: base)
            var sec = network.nodeTable(repeating: 0.0)
            sec[A, ore] = supply
            cond.secondarySupply = sec
            let sol = try YearSolver().solve(cal, conditions: cond)
            #expect(sol.status == .solved)
            // Absolute 1e-9 t: values are O(100) t and the solve is exact to rounding.
            #expect(abs(sol.output(of: Node(A, ore)) - xoA) < 1e-9, "supply \(supply)")
            #expect(abs(sol.output(of: Node(B, ore)) - xoB) < 1e-9, "supply \(supply)")
            #expect(abs(sol.secondaryUsed[A, ore] - used) < 1e-9, "supply \(supply)")
        }
    }
}
