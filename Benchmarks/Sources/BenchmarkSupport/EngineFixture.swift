import Foundation
import LinearAlgebra
import MinsimEngine

/// One benchmark network: a seeded synthetic network of `regions × stages × productsPerStage`
/// nodes, with `suppliers` per market on the regional ring and own-stage `feedback` (> 0 makes
/// it cyclic, so the automatic solver choice is the sparse LU; without it, triangular substitution).
public struct NetworkSize: Sendable, CustomStringConvertible {
    public let regions: Int
    public let stages: Int
    public let productsPerStage: Int
    public let suppliers: Int
    public let feedback: Double

    public init(regions: Int, stages: Int, productsPerStage: Int, suppliers: Int = 5, feedback: Double = 0) {
        self.regions = regions
        self.stages = stages
        self.productsPerStage = productsPerStage
        self.suppliers = suppliers
        self.feedback = feedback
    }

    public var nodeCount: Int { regions * stages * productsPerStage }
    public var isCyclic: Bool { feedback > 0 && stages > 1 }

    /// `25×4×5`, as printed in tables.
    public var description: String { "\(regions)×\(stages)×\(productsPerStage)" }

    /// The same network with own-stage feedback `f` (scrap return): cyclic.
    public func cyclic(_ f: Double = 0.05) -> NetworkSize {
        NetworkSize(regions: regions, stages: stages, productsPerStage: productsPerStage, suppliers: suppliers, feedback: f)
    }

    /// The same network without feedback: stage-ordered, acyclic.
    public var acyclic: NetworkSize {
        NetworkSize(regions: regions, stages: stages, productsPerStage: productsPerStage, suppliers: suppliers, feedback: 0)
    }

    /// The generator settings shared by every benchmark: `suppliers` per market on the ring
    /// (sparse trade), a fifth of import routes tariffed, seed 2026 — or `MINSIM_BENCH_SEED`,
    /// to see how far a figure measured on the benchmark's network holds on others of the same
    /// size (docs/performance.md, "Other seeds of the 10,000-node networks").
    public var parameters: SyntheticNetwork.Parameters {
        var p = SyntheticNetwork.Parameters()
        p.regions = regions
        p.stages = stages
        p.productsPerStage = productsPerStage
        p.suppliersPerMarket = min(suppliers, regions)
        p.tariffedRouteFraction = 0.2
        p.feedback = feedback
        p.seed = ProcessInfo.processInfo.environment["MINSIM_BENCH_SEED"].flatMap { UInt64($0) } ?? 2_026
        return p
    }

    /// Issue 2's sizes, about 500, 2,000 and 5,000 nodes — cyclic, so that the engine runs the
    /// same dense LU as the bare LAPACK it is compared with.
    public static let standard: [NetworkSize] = [
        NetworkSize(regions: 25, stages: 4, productsPerStage: 5, feedback: 0.05),
        NetworkSize(regions: 50, stages: 4, productsPerStage: 10, feedback: 0.05),
        NetworkSize(regions: 125, stages: 4, productsPerStage: 10, feedback: 0.05),
    ]

    /// Cyclic networks of 1,000, 2,000 and 4,000 nodes, benchmarked with dense LU forced (the
    /// automatic choice is the sparse LU).
    public static let denseCyclic: [NetworkSize] = [
        NetworkSize(regions: 50, stages: 4, productsPerStage: 5, feedback: 0.05),
        NetworkSize(regions: 50, stages: 4, productsPerStage: 10, feedback: 0.05),
        NetworkSize(regions: 100, stages: 4, productsPerStage: 10, feedback: 0.05),
    ]

    /// Sparse acyclic networks of 10,000 and 100,000 nodes (≤ 5 suppliers per market): the
    /// automatic choice is block triangular substitution.
    public static let sparseAcyclic: [NetworkSize] = [
        NetworkSize(regions: 100, stages: 4, productsPerStage: 25),
        NetworkSize(regions: 1_000, stages: 4, productsPerStage: 25),
    ]

    /// The networks of the side-by-side comparison (issue 11; `compare_python.py`'s SIZES):
    /// sparse cyclic 1,000 / 4,000 / 10,000 / 100,000, a dense cyclic 2,000 (every region
    /// supplies every market) and acyclic 10,000 / 100,000 / 1,000,000 nodes.
    public static let comparison: [(label: String, size: NetworkSize)] = [
        ("cyclic 1,000", NetworkSize(regions: 50, stages: 4, productsPerStage: 5, feedback: 0.05)),
        ("cyclic 4,000", NetworkSize(regions: 100, stages: 4, productsPerStage: 10, feedback: 0.05)),
        ("cyclic 10,000", NetworkSize(regions: 100, stages: 4, productsPerStage: 25, feedback: 0.05)),
        ("cyclic 100,000", NetworkSize(regions: 1_000, stages: 4, productsPerStage: 25, feedback: 0.05)),
        ("dense cyclic 2,000", NetworkSize(regions: 50, stages: 4, productsPerStage: 10, suppliers: 50, feedback: 0.05)),
        ("acyclic 10,000", NetworkSize(regions: 100, stages: 4, productsPerStage: 25)),
        ("acyclic 100,000", NetworkSize(regions: 1_000, stages: 4, productsPerStage: 25)),
        ("acyclic 1,000,000", NetworkSize(regions: 10_000, stages: 4, productsPerStage: 25)),
    ]

    /// The sizes of `sizes` selected by `MINSIM_BENCH_NODES` (comma-separated node counts,
    /// e.g. `500,2000`), or all of them.
    public static func selected(from sizes: [NetworkSize]) -> [NetworkSize] {
        guard let raw = ProcessInfo.processInfo.environment["MINSIM_BENCH_NODES"], !raw.isEmpty else {
            return sizes
        }
        let wanted = Set(raw.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) })
        return sizes.filter { wanted.contains($0.nodeCount) }
    }

    /// `standard` filtered by `MINSIM_BENCH_NODES`.
    public static var selected: [NetworkSize] { selected(from: standard) }
}

/// Everything a measured closure needs, built once outside it: the calibrated model, the
/// base-year and shocked conditions, and (for dense benchmarks) the dense matrix `I − Ã₀`.
public struct EngineFixture: Sendable {
    public let size: NetworkSize
    public let synthetic: SyntheticNetwork
    public let calibration: Calibration
    /// The base year's own conditions: the fixed point converges in one iteration.
    public let conditions: YearConditions
    /// A tariff shock (see `tariffShock`): the fixed point needs several iterations.
    public let shocked: YearConditions
    /// `I − Ã₀` at base shares and base tariffs: the matrix of the engine's first
    /// factorization. Nil when built with `dense: false` (8N² bytes: 80 GB at 100,000 nodes).
    public let matrix: Matrix?
    /// Value added v: the right-hand side of the transposed (price) solve.
    public let valueAdded: [Double]
    /// Routed final demand f: the right-hand side of the quantity solve.
    public let routedDemand: [Double]
    /// Seconds to generate the synthetic network and to calibrate it.
    public let generationSeconds: Double
    public let calibrationSeconds: Double

    /// Generates and calibrates the network of `size`; assembles the dense matrix when `dense`.
    public init(size: NetworkSize, dense: Bool = true) throws {
        self.size = size
        let g = timed { SyntheticNetwork(size.parameters) }
        let synthetic = g.value
        self.synthetic = synthetic
        let c = try timed { try Calibration(network: synthetic.network, base: synthetic.base) }
        let calibration = c.value
        self.calibration = calibration
        self.generationSeconds = g.wallSeconds
        self.calibrationSeconds = c.wallSeconds
        self.conditions = YearConditions(base: synthetic.base)
        self.shocked = Self.tariffShock(synthetic)
        let tau = calibration.routeVector(synthetic.base.tariffs)
        let system = LeontiefSystem(calibration: calibration, shares: calibration.baseShares, tariffs: tau)
        self.matrix = dense ? system.leontiefMatrix(withTariffs: true) : nil
        self.valueAdded = calibration.valueAdded
        self.routedDemand = system.routedDemand(synthetic.base.finalDemand)
    }

    /// Number of active nodes N (order of the systems).
    public var dimension: Int { calibration.dimension }

    /// The tariff shock of the fixed-point benchmarks: every import from the first tenth of the
    /// regions (at least one) pays 25 percentage points more. Shares and prices move in every
    /// downstream market, so the price–share fixed point takes several iterations.
    public static func tariffShock(_ synthetic: SyntheticNetwork) -> YearConditions {
        var conditions = YearConditions(base: synthetic.base)
        let hit = max(1, synthetic.parameters.regions / 10)
        for route in synthetic.base.trade.routes where route.exporter != route.importer && route.exporter.rawValue < hit {
            conditions.tariffs[route, default: 0] += 0.25
        }
        return conditions
    }

    /// The whole one-year engine solve on base conditions (or `conditions`), with `solver`.
    public func solveYear(_ solver: LinearSolverChoice = .automatic, conditions: YearConditions? = nil) throws -> YearSolution {
        var options = SolverOptions()
        options.linearSolver = solver
        return try YearSolver(options: options).solve(calibration, conditions: conditions ?? self.conditions)
    }

    /// The bare LAPACK work on `I − Ã₀`: dgetrf, then one dgetrs in each direction. Returns a
    /// value derived from both solutions so the optimizer cannot drop them.
    public func bareFactorAndSolve() throws -> Double {
        guard let matrix else { throw FixtureError.noDenseMatrix(size.nodeCount) }
        let lu = try LUFactorization(factoring: matrix)
        let prices = lu.solve(valueAdded, transposed: true)
        let output = lu.solve(routedDemand, transposed: false)
        return prices[0] + output[output.count - 1]
    }
}

/// Why a fixture cannot run a measurement.
public enum FixtureError: Error, CustomStringConvertible {
    case noDenseMatrix(Int)
    /// A measured closure that never ran, so left no result.
    case noRun
    public var description: String {
        switch self {
        case .noDenseMatrix(let n): return "the fixture of \(n) nodes was built without its dense matrix"
        case .noRun: return "the measured closure did not run"
        }
    }
}

/// Pins the OpenBLAS thread pool: 1 thread unless `MINSIM_BENCH_THREADS` says otherwise
/// (the second core of the reference machine is often busy). Returns the count in force.
///
/// OpenBLAS starts its worker threads when the library loads, sized to the cores, and each
/// busy-waits for about 0.1 s before it sleeps. Setting the count to 1 afterwards does not stop
/// that spin, which would show as CPU time = 2 × wall time in the first measurements and take
/// the second core from them; so this waits it out.
@discardableResult
public func configureBLASThreads() -> Int {
    let requested = ProcessInfo.processInfo.environment["MINSIM_BENCH_THREADS"].flatMap { Int($0) } ?? 1
    BLASRuntime.selectKernels()
    BLASRuntime.setThreadCount(requested)
    Thread.sleep(forTimeInterval: 0.3)
    return BLASRuntime.threadCount
}

/// A generated year under scarcity, as the clearing benchmarks use it: every tenth active node
/// capped at 90 % of its base-year output, final demand +20 %, ε = −0.3 on final products, so
/// that the capped nodes bind.
public func scarceYear(_ size: NetworkSize) throws -> (calibration: Calibration, conditions: YearConditions, elasticity: [Double])
{
    let g = SyntheticNetwork(size.parameters)
    let cal = try Calibration(network: g.network, base: g.base)
    let base = try YearSolver().solve(cal, conditions: YearConditions(base: g.base))
    var cond = YearConditions(base: g.base)
    cond.capacities = g.network.nodeTable(repeating: nil)
    for (j, node) in cal.activeNodes.enumerated() where j % 10 == 0 { cond.capacities[node] = 0.9 * base.output[j] }
    for r in g.network.regionIndices { for q in g.network.productIndices { cond.finalDemand[r, q] *= 1.2 } }
    let finalStage = g.network.products.map(\.stage).last
    return (cal, cond, g.network.products.map { $0.stage == finalStage ? -0.3 : 0 })
}
