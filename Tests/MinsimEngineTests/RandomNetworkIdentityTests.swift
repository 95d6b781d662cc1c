import LinearAlgebra
import Testing

@testable import MinsimEngine

/// Identities that must hold on any consistent network, checked on seeded synthetic ones.
/// Every failure message carries the seed, so a failure can be reproduced with
/// `SyntheticNetwork.Parameters(seed:)`.
@Suite("Identities on seeded random networks")
struct RandomNetworkIdentityTests {
    static let seeds: [UInt64] = [1, 2, 3, 17, 42, 2024, 31337, 900_001]

    static func network(seed: UInt64, feedback: Double = 0) -> SyntheticNetwork {
        var p = SyntheticNetwork.Parameters()
        p.seed = seed
        p.regions = 4 + Int(seed % 5)
        p.stages = 3 + Int(seed % 2)
        p.productsPerStage = 2 + Int(seed % 3)
        p.suppliersPerMarket = min(3, p.regions)
        p.feedback = feedback
        return SyntheticNetwork(p)
    }

    /// Base prices are the exact solution of (I − Ã₀)ᵀP₀ = v and base shares are what φ was
    /// calibrated to, so the base-year solve returns them up to the rounding of one LU solve
    /// (≈ N·ε·cond ≈ 1e-14 here); 1e-10 relative is the stated bound.
    @Test("base-year calibration reproduces observed shares and prices to 1e-10", arguments: seeds)
    func calibrationReproducesBase(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            let g = Self.network(seed: seed, feedback: feedback)
            let cal = try Calibration(network: g.network, base: g.base)
            let sol = try YearSolver().solve(cal, conditions: YearConditions(base: g.base))
            #expect(sol.status == .solved, "seed \(seed) feedback \(feedback)")
            for k in sol.routes.indices {
                #expect(
                    abs(sol.shares[k] - cal.baseShares[k]) <= 1e-10 * max(cal.baseShares[k], 1e-300),
                    "share of \(g.network.name(of: sol.routes[k])), seed \(seed) feedback \(feedback)")
            }
            for (j, node) in cal.activeNodes.enumerated() {
                let observed = g.base.prices[node] ?? .nan
                #expect(relativeError(sol.prices[j], observed) <= 1e-10, "price of \(g.network.name(of: node)), seed \(seed)")
            }
            #expect(
                sol.statistics.massBalanceResidual <= 1e-12, "seed \(seed): mass balance \(sol.statistics.massBalanceResidual)")
        }
    }

    /// Listing routes with a tariff change of zero (explicit 0 entries, and the base rates
    /// repeated) must not change a single bit: the same arithmetic is done in the same order.
    @Test("zero tariff change reproduces the baseline exactly", arguments: seeds)
    func zeroTariffChange(seed: UInt64) throws {
        let g = Self.network(seed: seed)
        let cal = try Calibration(network: g.network, base: g.base)
        let baseline = try YearSolver().solve(cal, conditions: YearConditions(base: g.base))
        var cond = YearConditions(base: g.base)
        for route in cal.routes where cond.tariffs[route] == nil { cond.tariffs[route] = 0 }
        let again = try YearSolver().solve(cal, conditions: cond)
        #expect(again.output == baseline.output, "seed \(seed)")
        #expect(again.prices == baseline.prices, "seed \(seed)")
        #expect(again.flows == baseline.flows, "seed \(seed)")
    }

    /// In a stage-ordered network the suppliers' prices of q do not depend on tariffs on q,
    /// so raising τ on one route raises only that route's delivered price and its share
    /// falls (strictly when σ > 0 and it had competitors). Tolerance 1e-13 absolute on shares
    /// in [0, 1] covers rounding of the normalisation.
    @Test("raising a tariff on a route never raises that route's share", arguments: seeds)
    func tariffLowersShare(seed: UInt64) throws {
        let g = Self.network(seed: seed)
        let cal = try Calibration(network: g.network, base: g.base)
        let baseline = try YearSolver().solve(cal, conditions: YearConditions(base: g.base))
        var rng = SeededGenerator(seed: seed)
        let imports = cal.routes.indices.filter { cal.routes[$0].exporter != cal.routes[$0].importer }
        for _ in 0..<5 {
            let k = imports[Int(rng.next() % UInt64(imports.count))]
            var cond = YearConditions(base: g.base)
            cond.tariffs[cal.routes[k], default: 0] += 0.05 + 0.5 * rng.uniform()
            let shocked = try YearSolver().solve(cal, conditions: cond)
            #expect(
                shocked.shares[k] <= baseline.shares[k] + 1e-13,
                "route \(g.network.name(of: cal.routes[k])): \(baseline.shares[k]) → \(shocked.shares[k]), seed \(seed)")
        }
    }

    /// Prices do not depend on quantities in the one-year model (no capacity limit binds), so
    /// shares are fixed across demand vectors and x is linear in D:
    /// x(D₁ + 2·D₂) = x(D₁) + 2·x(D₂). Each x carries ≈ N·ε·cond relative error; 1e-10
    /// relative to ‖x‖∞ is a wide bound for these well-conditioned systems.
    @Test("quantities are linear in final demand at fixed shares", arguments: seeds)
    func linearInDemand(seed: UInt64) throws {
        let g = Self.network(seed: seed, feedback: 0.05)
        let cal = try Calibration(network: g.network, base: g.base)
        var rng = SeededGenerator(seed: seed &+ 1)
        var d1 = g.network.nodeTable(repeating: 0.0), d2 = d1, combo = d1
        for r in g.network.regionIndices {
            for q in g.network.productIndices where g.base.finalDemand[r, q] > 0 {
                d1[r, q] = 100 * rng.uniform()
                d2[r, q] = 100 * rng.uniform()
                combo[r, q] = d1[r, q] + 2 * d2[r, q]
            }
        }
        func solve(_ d: NodeTable<Double>) throws -> YearSolution {
            var cond = YearConditions(base: g.base)
            cond.finalDemand = d
            return try YearSolver().solve(cal, conditions: cond)
        }
        let x1 = try solve(d1).output, x2 = try solve(d2).output, x12 = try solve(combo).output
        let scale = x12.map(abs).max() ?? 1
        for j in x12.indices {
            #expect(abs(x12[j] - (x1[j] + 2 * x2[j])) <= 1e-10 * scale, "node \(j), seed \(seed)")
        }
    }

    /// The price solve uses dgetrs 'T' on the factors of I − Ã. Factoring (I − Ã)ᵀ explicitly
    /// and solving directly must agree; both are backward stable, so they differ by
    /// ≈ cond·ε ≈ 1e-14 here; 1e-11 relative leaves room for conditioning.
    @Test("prices from the transposed solve equal a direct solve of the transpose", arguments: seeds)
    func transposedSolve(seed: UInt64) throws {
        let g = Self.network(seed: seed, feedback: 0.05)
        let cal = try Calibration(network: g.network, base: g.base)
        let system = LeontiefSystem(calibration: cal, shares: cal.baseShares, tariffs: cal.routeVector(g.base.tariffs))
        let m = system.leontiefMatrix(withTariffs: true)
        let viaTranspose = try LUFactorization(factoring: m).solve(cal.valueAdded, transposed: true)
        let direct = try LUFactorization(factoring: m.transposed).solve(cal.valueAdded)
        for j in direct.indices {
            #expect(relativeError(viaTranspose[j], direct[j]) <= 1e-11, "node \(j), seed \(seed)")
        }
    }

    /// Mass balance per node (output = Σ flows out) after a shock, on cyclic networks too.
    @Test("mass balance closes per node after a tariff shock", arguments: seeds)
    func massBalance(seed: UInt64) throws {
        let g = Self.network(seed: seed, feedback: 0.05)
        let cal = try Calibration(network: g.network, base: g.base)
        var cond = YearConditions(base: g.base)
        for route in cal.routes where route.exporter != route.importer { cond.tariffs[route, default: 0] += 0.1 }
        let sol = try YearSolver().solve(cal, conditions: cond)
        var shipped = [Double](repeating: 0, count: sol.output.count)
        for r in sol.routeResults {
            let j = try #require(cal.systemIndex(of: r.route.supplier))
            shipped[j] += r.flow
        }
        for j in shipped.indices {
            // 1e-12 of the node's throughput: the solve is refined to rounding level.
            #expect(abs(shipped[j] - sol.output[j]) <= 1e-12 * max(sol.output[j], 1), "node \(j), seed \(seed)")
        }
        #expect(sol.status == .solved, "seed \(seed)")
        #expect(sol.statistics.iterations > 1, "a shock must move the fixed point, seed \(seed)")
    }
}

@Suite("Factor reuse inside the price–share fixed point")
struct FactorReuseTests {
    /// After a shock the first iteration factors I − Ã; later iterations move shares less and
    /// less, so refinement from the previous factors reaches rounding level and no new
    /// factorization is needed. Correctness is checked by the final price residual, computed
    /// against the exact sparse Ã of the final shares.
    @Test("a tariff shock converges with fewer factorizations than iterations", arguments: [UInt64(3), 42, 2024])
    func reuse(seed: UInt64) throws {
        let g = RandomNetworkIdentityTests.network(seed: seed, feedback: 0.05)
        let cal = try Calibration(network: g.network, base: g.base)
        var cond = YearConditions(base: g.base)
        for route in cal.routes where route.exporter != route.importer { cond.tariffs[route, default: 0] += 0.25 }
        var options = SolverOptions()
        options.linearSolver = .dense
        let sol = try YearSolver(options: options).solve(cal, conditions: cond)
        #expect(sol.status == .solved, "seed \(seed)")
        #expect(sol.statistics.iterations > 2, "seed \(seed)")
        #expect(sol.statistics.reusedFactorizations > 0, "seed \(seed): \(sol.statistics)")
        #expect(
            sol.statistics.factorizations + sol.statistics.reusedFactorizations == sol.statistics.iterations,
            "seed \(seed): every iteration either factors or reuses")
        // The final prices solve the final price system to rounding level (relative 1e-12).
        #expect(sol.statistics.priceResidual < 1e-12, "seed \(seed): \(sol.statistics.priceResidual)")
    }
}
