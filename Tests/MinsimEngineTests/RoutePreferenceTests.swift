import Foundation
import Testing

@testable import MinsimEngine

/// One mined product `q` with no inputs; region A buys 100 (ε = 0) from A and B, 50/50 at
/// P₀ = 1, σ = 2. Without inputs each price is its value added, so prices cannot move with the
/// shares: any share change comes from the preference alone.
private func market() throws -> (Calibration, YearConditions) {
    let A = RegionIndex(0), B = RegionIndex(1), q = ProductIndex(0)
    let network = Network(
        regions: [Region(code: "A"), Region(code: "B")],
        products: [Product(name: "q", stage: "mining", unit: "t", elasticity: 2)], recipes: [:])
    var prices = network.nodeTable(repeating: Double?.none)
    prices[A, q] = 1; prices[B, q] = 1
    var demand = network.nodeTable(repeating: 0.0)
    demand[A, q] = 100
    let trade: RouteValues = [Route(q, from: A, to: A): 50, Route(q, from: B, to: A): 50]
    let base = BaseYear(trade: trade, prices: prices, capacities: network.nodeTable(repeating: nil), finalDemand: demand)
    let cal = try Calibration(network: network, base: base)
    return (cal, YearConditions(base: base))
}

private let favoured = Route(ProductIndex(0), from: RegionIndex(1), to: RegionIndex(0))
private let domestic = Route(ProductIndex(0), from: RegionIndex(0), to: RegionIndex(0))

@Suite("Route preferences: a factor on the Armington weight of a route")
struct RoutePreferenceTests {
    /// Equal base shares ½ and f = 2 on B→A at unchanged prices:
    ///   S_B = 2·½ / (2·½ + ½) = 2/3,  S_A = 1/3,  flows 200/3 and 100/3.
    /// Tolerance 1e-12: the shares are a normalised exp of log weights that differ by exactly
    /// log 2, so only a few ulps of rounding separate them from 2/3 (prices do not move).
    @Test("f = 2 on one of two equal suppliers gives the hand-derived share 2/3")
    func twoThirds() throws {
        var (cal, cond) = try market()
        cond.routePreferences[favoured] = 2
        let sol = try YearSolver().solve(cal, conditions: cond)
        let kB = try #require(cal.index(of: favoured)), kA = try #require(cal.index(of: domestic))
        #expect(sol.status == .solved)
        #expect(abs(sol.shares[kB] - 2.0 / 3) < 1e-12)
        #expect(abs(sol.shares[kA] - 1.0 / 3) < 1e-12)
        #expect(relativeError(sol.flows[kB], 200.0 / 3) < 1e-12)
        #expect(sol.prices.allSatisfy { abs($0 - 1) < 1e-12 }, "prices must not move: \(sol.prices)")
    }

    @Test("f = 1 reproduces the solution without preferences bit for bit")
    func factorOne() throws {
        var (cal, cond) = try market()
        let plain = try YearSolver().solve(cal, conditions: cond)
        cond.routePreferences[favoured] = 1
        cond.routePreferences[domestic] = 1
        let same = try YearSolver().solve(cal, conditions: cond)
        #expect(same.shares == plain.shares)
        #expect(same.flows == plain.flows)
        #expect(same.prices == plain.prices)
        #expect(same.output == plain.output)
    }

    @Test("the capacity-constrained solve applies preferences too")
    func throughClearing() throws {
        var (cal, cond) = try market()
        cond.routePreferences[favoured] = 2
        let direct = try YearSolver().solve(cal, conditions: cond)
        let year = try MarketClearing().solve(cal, conditions: cond, demandElasticity: [0])
        let k = try #require(cal.index(of: favoured))
        #expect(year.certificate.certified)
        #expect(abs(year.solution.shares[k] - 2.0 / 3) < 1e-12)
        #expect(year.solution.flows == direct.flows)
    }

    @Test("an invalid factor is an input issue naming the route", arguments: [0.0, -1.0, Double.nan, Double.infinity])
    func invalidFactor(_ f: Double) throws {
        var (cal, cond) = try market()
        cond.routePreferences[favoured] = f
        let issues = cond.issues(in: cal)
        #expect(issues.count == 1)
        guard case .invalidPreference(let route, _) = issues.first else {
            Issue.record("expected invalidPreference, got \(issues)")
            return
        }
        #expect(route == favoured)
        let message = issues[0].message(in: cal.network)
        #expect(message.contains("preference factor on q B→A"), "\(message)")
        #expect(message.contains("> 0"), "\(message)")
        // A run stops on it before solving the year, as bad input, not as a failed solve.
        let years = [YearInputs(year: 2030, network: cal.network, conditions: cond)]
        do {
            _ = try Simulation(settings: SimulationSettings(demandElasticity: [0])).run(cal, years: years)
            Issue.record("factor \(f) was accepted")
        } catch {
            guard case .invalidInput(let year, let found) = error else {
                Issue.record("expected invalidInput, got \(error)")
                return
            }
            // Compared as messages: a NaN factor is never == itself.
            #expect(year == 2030 && found.map { $0.message(in: cal.network) } == [message])
        }
    }
}
