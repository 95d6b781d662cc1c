import Foundation
import LinearAlgebra
import MinsimEngine

/// One benchmark size: a seeded synthetic network of `regions × stages × productsPerStage` nodes.
public struct NetworkSize: Sendable, CustomStringConvertible {
    public let regions: Int
    public let stages: Int
    public let productsPerStage: Int

    public init(regions: Int, stages: Int, productsPerStage: Int) {
        self.regions = regions
        self.stages = stages
        self.productsPerStage = productsPerStage
    }

    public var nodeCount: Int { regions * stages * productsPerStage }

    /// `25×4×5`, as printed in tables.
    public var description: String { "\(regions)×\(stages)×\(productsPerStage)" }

    /// The generator settings shared by every benchmark: five suppliers per market on the
    /// regional ring (sparse trade), a fifth of import routes tariffed, an acyclic recipe graph.
    public var parameters: SyntheticNetwork.Parameters {
        var p = SyntheticNetwork.Parameters()
        p.regions = regions
        p.stages = stages
        p.productsPerStage = productsPerStage
        p.suppliersPerMarket = min(5, regions)
        p.tariffedRouteFraction = 0.2
        p.feedback = 0
        p.seed = 2_026
        return p
    }

    /// About 500, 2,000 and 5,000 nodes.
    public static let standard: [NetworkSize] = [
        NetworkSize(regions: 25, stages: 4, productsPerStage: 5),
        NetworkSize(regions: 50, stages: 4, productsPerStage: 10),
        NetworkSize(regions: 125, stages: 4, productsPerStage: 10),
    ]

    /// Sizes selected by `MINSIM_BENCH_NODES` (comma-separated node counts, e.g. `500,2000`),
    /// or all of `standard`.
    public static var selected: [NetworkSize] {
        guard let raw = ProcessInfo.processInfo.environment["MINSIM_BENCH_NODES"], !raw.isEmpty else {
            return standard
        }
        let wanted = Set(raw.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) })
        return standard.filter { wanted.contains($0.nodeCount) }
    }
}

/// Everything a measured closure needs, built once outside it: the calibrated model, the
/// base-year conditions, and the dense price matrix `I − Ã₀` with its right-hand sides.
public struct EngineFixture: Sendable {
    public let size: NetworkSize
    public let calibration: Calibration
    public let conditions: YearConditions
    /// `I − Ã₀` at base shares and base tariffs: the matrix of the engine's first factorization.
    public let matrix: Matrix
    /// Value added v: the right-hand side of the transposed (price) solve.
    public let valueAdded: [Double]
    /// Routed final demand f: the right-hand side of the quantity solve.
    public let routedDemand: [Double]
    /// Off-diagonal nonzeros of A.
    public let nonzeros: Int

    /// Generates and calibrates the network of `size`.
    public init(size: NetworkSize) throws {
        self.size = size
        let synthetic = SyntheticNetwork(size.parameters)
        let calibration = try Calibration(network: synthetic.network, base: synthetic.base)
        self.calibration = calibration
        self.conditions = YearConditions(base: synthetic.base)
        let tau = calibration.routeVector(synthetic.base.tariffs)
        let system = LeontiefSystem(calibration: calibration, shares: calibration.baseShares, tariffs: tau)
        self.matrix = system.leontiefMatrix(withTariffs: true)
        self.valueAdded = calibration.valueAdded
        self.routedDemand = system.routedDemand(synthetic.base.finalDemand)
        var nnz = 0
        let n = calibration.dimension
        for j in 0..<n { for i in 0..<n where i != j && matrix[i, j] != 0 { nnz += 1 } }
        self.nonzeros = nnz
    }

    /// Number of active nodes N (order of the dense systems).
    public var dimension: Int { calibration.dimension }

    /// The whole one-year engine solve on base conditions.
    public func solveYear() throws -> YearSolution {
        try YearSolver().solve(calibration, conditions: conditions)
    }

    /// The bare LAPACK work on the same matrix: dgetrf, then one dgetrs in each direction.
    /// Returns a value derived from both solutions so the optimizer cannot drop them.
    public func bareFactorAndSolve() throws -> Double {
        let lu = try LUFactorization(factoring: matrix)
        let prices = lu.solve(valueAdded, transposed: true)
        let output = lu.solve(routedDemand, transposed: false)
        return prices[0] + output[output.count - 1]
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
    BLASRuntime.setThreadCount(requested)
    Thread.sleep(forTimeInterval: 0.3)
    return BLASRuntime.threadCount
}
