import Foundation
import LinearAlgebra
import Testing

@testable import MinsimEngine

/// The year's fast kernels against the straightforward computations they replace, on seeded
/// synthetic networks (cyclic and acyclic, with tariffs, closed routes and route preferences).
///
/// Tolerance: none — every comparison is exact (`==` on doubles). Each kernel performs the same
/// floating-point operations in the same order as its reference (the per-node log P is the
/// per-route log of P·(1 + 0) = P; the column path feeds KLU the matrix and ordering the CSR
/// path builds), so any difference at all, even in the last bit, is a change of results that
/// the golden scenario outputs would also show.
@Suite("Year kernels equal their references bit for bit")
struct YearKernelIdentityTests {
    static let seeds: [UInt64] = [1, 2, 7, 42, 2024]

    static func network(seed: UInt64, feedback: Double) throws -> (SyntheticNetwork, Calibration) {
        var p = SyntheticNetwork.Parameters()
        p.seed = seed
        p.regions = 6 + Int(seed % 5)
        p.stages = 3 + Int(seed % 2)
        p.productsPerStage = 2 + Int(seed % 3)
        p.suppliersPerMarket = min(4, p.regions)
        p.tariffedRouteFraction = 0.4
        p.feedback = feedback
        let g = SyntheticNetwork(p)
        return (g, try Calibration(network: g.network, base: g.base))
    }

    /// The Armington shares as computed before the per-node logs: one log per route.
    static func referenceShares(
        _ c: Calibration, prices: [Double], tariffs: [Double], capacities: NodeTable<Double?>, closed: [Bool]?,
        logPreference: [Double]?
    ) -> [Double] {
        var shares = [Double](repeating: 0, count: c.routes.count)
        var logW = [Double](repeating: 0, count: c.routes.count)
        for market in c.markets {
            let sigma = c.network.product(market.product).elasticity
            var top = -Double.infinity
            for k in market.routes {
                var lw =
                    closed?[k] == true
                    ? -Double.infinity
                    : c.logAffinity[k] + Calibration.logWeight(capacity: capacities[c.routes[k].supplier])
                        - sigma * Foundation.log(prices[c.supplierIndex[k]] * (1 + tariffs[k]))
                if let logPreference, lw > -Double.infinity { lw += logPreference[k] }
                logW[k] = lw
                top = max(top, lw)
            }
            guard top > -Double.infinity else { continue }
            var total = 0.0
            for k in market.routes {
                shares[k] = Foundation.exp(logW[k] - top)
                total += shares[k]
            }
            for k in market.routes { shares[k] /= total }
        }
        return shares
    }

    @Test("Armington shares with per-node logs equal one log per route", arguments: seeds)
    func shares(seed: UInt64) throws {
        let (g, c) = try Self.network(seed: seed, feedback: 0.05)
        var rng = SeededGenerator(seed: seed &+ 5)
        let prices = c.basePrices.map { $0 * (0.5 + rng.uniform()) }
        // Tariffs on some routes, 0 elsewhere, a quota rent on a few, a closed route and
        // preferences on others.
        let tariffs = c.routes.indices.map { _ in rng.uniform() < 0.3 ? rng.uniform() * 0.5 : 0 }
        let closed = c.routes.indices.map { _ in rng.uniform() < 0.05 }
        let preference = c.routes.indices.map { _ in rng.uniform() < 0.2 ? Foundation.log(0.5 + rng.uniform()) : 0 }
        var capacities = g.base.capacities
        if let node = c.activeNodes.first { capacities[node] = nil }
        for (closedRoutes, logPreference) in [(nil, nil), (closed, nil), (nil, preference), (closed, preference)]
            as [([Bool]?, [Double]?)]
        {
            let fast = c.armingtonShares(
                prices: prices, tariffs: tariffs, capacities: capacities, closed: closedRoutes, logPreference: logPreference)
            let reference = Self.referenceShares(
                c, prices: prices, tariffs: tariffs, capacities: capacities, closed: closedRoutes, logPreference: logPreference)
            #expect(fast == reference, "seed \(seed)")
        }
    }

    @Test("routeVector through the market index equals the walk of the sorted route table", arguments: seeds)
    func routeVector(seed: UInt64) throws {
        let (g, c) = try Self.network(seed: seed, feedback: 0)
        var table = g.base.tariffs.dictionary
        // Routes without trade, and regions or products outside the network, are ignored.
        let (regions, products) = (c.network.regions.count, c.network.products.count)
        table[Route(ProductIndex(0), from: RegionIndex(regions + 3), to: RegionIndex(0))] = 0.7
        table[Route(ProductIndex(products + 1), from: RegionIndex(0), to: RegionIndex(0))] = 0.7
        table[Route(ProductIndex(0), from: RegionIndex(0), to: RegionIndex(regions))] = 0.7
        for q in 0..<products {
            for r in 0..<regions { table[Route(ProductIndex(q), from: RegionIndex(r), to: RegionIndex((r + 1) % regions))] = 0.1 }
        }
        #expect(c.routeVector(table) == c.routeVector(RouteValues(table)), "seed \(seed)")
    }

    /// The coefficients as the loop over recipes and routes produced them before it ran over
    /// unchecked buffers: `(row, column, b · S · (1 + τ or 0))`, in the same order.
    static func referenceCoefficients(_ s: LeontiefSystem, withTariffs: Bool) -> [(Int, Int, Double)] {
        let c = s.calibration
        var out: [(Int, Int, Double)] = []
        for use in c.consumption {
            for k in c.markets[use.market].routes where s.shares[k] != 0 {
                let factor = withTariffs ? 1 + s.tariffs[k] : 1
                out.append((c.supplierIndex[k], use.column, use.coefficient * s.shares[k] * factor))
            }
        }
        return out
    }

    /// `multiply` as it was: through those coefficients.
    static func referenceMultiply(_ s: LeontiefSystem, _ x: [Double], withTariffs: Bool, transposed: Bool) -> [Double] {
        var y = [Double](repeating: 0, count: s.dimension)
        for (i, j, a) in referenceCoefficients(s, withTariffs: withTariffs) {
            if transposed { y[j] += a * x[i] } else { y[i] += a * x[j] }
        }
        return y
    }

    @Test("products, coefficient count and coefficient matrix equal the coefficient loop's", arguments: seeds)
    func products(seed: UInt64) throws {
        let (g, c) = try Self.network(seed: seed, feedback: 0.05)
        var rng = SeededGenerator(seed: seed &+ 9)
        var shares = c.baseShares
        shares[shares.count / 2] = 0  // a route without share is no coefficient
        let system = LeontiefSystem(calibration: c, shares: shares, tariffs: c.routeVector(g.base.tariffs))
        let x = (0..<c.dimension).map { _ in rng.uniform() - 0.3 }
        #expect(system.coefficientCount == Self.referenceCoefficients(system, withTariffs: false).count)
        for withTariffs in [false, true] {
            for transposed in [false, true] {
                #expect(
                    system.multiply(x, withTariffs: withTariffs, transposed: transposed)
                        == Self.referenceMultiply(system, x, withTariffs: withTariffs, transposed: transposed), "seed \(seed)")
            }
            let entries = Self.referenceCoefficients(system, withTariffs: withTariffs)
            let (r, cols, v) = (entries.map(\.0), entries.map(\.1), entries.map(\.2))
            let triplets = SparseMatrix(rows: c.dimension, columns: c.dimension, rowIndices: r, columnIndices: cols, values: v)
            #expect(system.coefficientMatrix(withTariffs: withTariffs) == triplets, "seed \(seed)")
        }
    }

    @Test("canonical columns read as rows are Aᵀ; non-canonical ones are refused", arguments: seeds)
    func transposedMatrix(seed: UInt64) throws {
        let (g, c) = try Self.network(seed: seed, feedback: 0.05)
        let system = LeontiefSystem(calibration: c, shares: c.baseShares, tariffs: c.routeVector(g.base.tariffs))
        for withTariffs in [false, true] {
            let columns = try #require(system.coefficientColumns(withTariffs: withTariffs))
            let at = try #require(columns.transposedMatrix, "a calibrated network's columns are canonical (seed \(seed))")
            #expect(at == columns.matrix.transposed, "seed \(seed)")
            // (I − Aᵀ) is (I − A)ᵀ entry for entry: what KLU gets from the columns path.
            #expect(SparseMatrix.identity(minus: at) == SparseMatrix.identity(minus: columns.matrix).transposed)
        }
        // Rows out of order, a repeated row or a stored zero: not canonical.
        let n = c.dimension
        let swapped = CoefficientColumns(
            dimension: n, columnStart: [0, 2] + Array(repeating: 2, count: n - 1), rows: [1, 0], values: [0.1, 0.2])
        let repeated = CoefficientColumns(
            dimension: n, columnStart: [0, 2] + Array(repeating: 2, count: n - 1), rows: [1, 1], values: [0.1, 0.2])
        let zero = CoefficientColumns(
            dimension: n, columnStart: [0, 1] + Array(repeating: 1, count: n - 1), rows: [1], values: [0])
        #expect(swapped.transposedMatrix == nil && repeated.transposedMatrix == nil && zero.transposedMatrix == nil)
    }

    @Test("the substitution order from columns equals the one from rows", arguments: seeds)
    func substitutionOrder(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            let (_, c) = try Self.network(seed: seed, feedback: feedback)
            let system = LeontiefSystem(
                calibration: c, shares: c.baseShares, tariffs: [Double](repeating: 0, count: c.routes.count))
            let columns = try #require(system.coefficientColumns(withTariffs: false))
            switch (SubstitutionOrder.analyse(columns), SubstitutionOrder.analyse(columns.matrix)) {
            case (.acyclic(let a), .acyclic(let b)):
                #expect(feedback == 0 && a.order == b.order && a.position == b.position && a.levelStart == b.levelStart)
            case (.cyclic(let loop), .cyclic):
                #expect(feedback > 0 && loop.isEmpty)
            default:
                Issue.record("the two analyses disagree on whether there is a loop (seed \(seed), feedback \(feedback))")
            }
        }
    }

    @Test("the columns' analysis skips zero coefficients and counts a repeated supplier once, as the rows' does")
    func substitutionOrderEdgeCases() {
        // 0 → 2 twice and 1 → 2; 2 → 1 with coefficient 0 (no edge, else a loop 1 → 2 → 1); 3 alone.
        let columns = CoefficientColumns(
            dimension: 4, columnStart: [0, 0, 1, 4, 4], rows: [2, 0, 0, 1], values: [0, 0.1, 0.2, 0.3])
        switch (SubstitutionOrder.analyse(columns), SubstitutionOrder.analyse(columns.matrix)) {
        case (.acyclic(let a), .acyclic(let b)):
            #expect(a.order == b.order && a.position == b.position && a.levelStart == b.levelStart)
            #expect(a.levelCount == 2)
        default:
            Issue.record("both analyses must find the network acyclic")
        }
    }

    @Test("the sparse LU from columns solves exactly as the one from CSR; automatic decides alike", arguments: seeds)
    func sparseFromColumns(seed: UInt64) throws {
        let (g, c) = try Self.network(seed: seed, feedback: 0.05)
        let system = LeontiefSystem(calibration: c, shares: c.baseShares, tariffs: c.routeVector(g.base.tariffs))
        for withTariffs in [false, true] {
            let a = system.coefficientMatrix(withTariffs: withTariffs)
            let csr = try SparseLeontiefFactorization(coefficients: a, nodes: c.activeNodes, estimateCondition: true)
            let columns = try #require(system.coefficientColumns(withTariffs: withTariffs))
            let mt = SparseMatrix.identity(minus: try #require(columns.transposedMatrix))
            let analysis = try SparseLU.Analysis(dimension: c.dimension, columnStart: mt.rowStart, rowIndices: mt.columnIndices)
            let fromColumns = try SparseLeontiefFactorization(
                transposedMatrix: mt, nodes: c.activeNodes, analysis: analysis, estimateCondition: true)
            #expect(fromColumns.oneNorm == csr.oneNorm && fromColumns.reciprocalCondition == csr.reciprocalCondition)
            #expect(fromColumns.method == csr.method, "seed \(seed)")
            for rhs in SolverAgreementTests.rightHandSides(system, seed: seed) {
                for transposed in [false, true] {
                    #expect(
                        fromColumns.solve(rhs, transposed: transposed) == csr.solve(rhs, transposed: transposed), "seed \(seed)")
                }
            }
            // The automatic choice reads the same analysis through either route.
            let fromRows = try SparseLU.Analysis(SparseMatrix.identity(minus: a))
            #expect(LeontiefFactorizer().decide(analysis) == LeontiefFactorizer().decide(fromRows), "seed \(seed)")
        }
    }
}
