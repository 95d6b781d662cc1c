// The one-year engine solve against the bare LAPACK work on the same matrix (cyclic networks of
// about 500, 2,000 and 5,000 nodes, so both run dense LU), the automatic choice on the acyclic
// variant, the fixed point after a tariff shock (1,000–4,000 nodes), and a sparse acyclic year
// (10,000 nodes; 100,000 when MINSIM_BENCH_NODES names it), and the whole year with the automatic
// solver choice on the networks of the side-by-side comparison (sparse cyclic 1,000–100,000,
// dense cyclic 2,000, acyclic 10,000–1,000,000; the sizes above 10,000 only when
// MINSIM_BENCH_NODES names them). Generation, calibration and matrix
// assembly happen in `setup`, outside the measured closure. OpenBLAS runs on 1 thread unless
// MINSIM_BENCH_THREADS says otherwise. RatioReport prints the same comparisons as ratio tables.
//
//   swift package --package-path Benchmarks benchmark
//   MINSIM_BENCH_NODES=500,2000 swift package --package-path Benchmarks benchmark   # a subset
import Benchmark
import BenchmarkSupport
import Foundation
import LinearAlgebra
import MinsimEngine

let benchmarks: @Sendable () -> Void = {
    configureBLASThreads()
    let metrics: [BenchmarkMetric] = [
        .wallClock, .cpuTotal, .mallocCountTotal, .mallocBytesCount, .peakMemoryResident,
    ]
    // A 5,000-node LU is ~83 GFLOP, seconds on one core: bound the samples by count and time
    // so the whole suite stays within a few minutes.
    func configuration(_ n: Int) -> Benchmark.Configuration {
        Benchmark.Configuration(
            metrics: metrics,
            warmupIterations: 1,
            maxDuration: .seconds(n >= 4_000 ? 30 : 10),
            maxIterations: n >= 4_000 ? 5 : (n >= 1_500 ? 15 : 50)
        )
    }

    for size in NetworkSize.selected {
        let n = size.nodeCount
        let label = "\(n) nodes (\(size))"

        Benchmark("engine solve, dense LU, cyclic, \(label)", configuration: configuration(n)) { benchmark, fixture in
            for _ in benchmark.scaledIterations {
                blackHole(try fixture.solveYear(.dense))
            }
        } setup: {
            try EngineFixture(size: size)
        }

        Benchmark("bare dgetrf+dgetrs, cyclic, \(label)", configuration: configuration(n)) { benchmark, fixture in
            for _ in benchmark.scaledIterations {
                blackHole(try fixture.bareFactorAndSolve())
            }
        } setup: {
            try EngineFixture(size: size)
        }

        Benchmark("engine solve, automatic, acyclic, \(label)", configuration: configuration(100)) { benchmark, fixture in
            for _ in benchmark.scaledIterations {
                blackHole(try fixture.solveYear(.automatic))
            }
        } setup: {
            try EngineFixture(size: size.acyclic, dense: false)
        }
    }

    for size in NetworkSize.selected(from: NetworkSize.denseCyclic) {
        let n = size.nodeCount
        Benchmark("tariff-shock year, automatic, cyclic, \(n) nodes (\(size))", configuration: configuration(n)) {
            benchmark, fixture in
            for _ in benchmark.scaledIterations {
                blackHole(try fixture.solveYear(conditions: fixture.shocked))
            }
        } setup: {
            try EngineFixture(size: size)
        }
    }

    // 100,000 nodes take ~a minute to generate and calibrate per setup: only on request.
    let explicit = ProcessInfo.processInfo.environment["MINSIM_BENCH_NODES"] != nil
    for size in NetworkSize.selected(from: NetworkSize.sparseAcyclic) where explicit || size.nodeCount <= 10_000 {
        let n = size.nodeCount
        Benchmark("engine solve, automatic, acyclic sparse, \(n) nodes (\(size))", configuration: configuration(n)) {
            benchmark, fixture in
            for _ in benchmark.scaledIterations {
                blackHole(try fixture.solveYear(.automatic))
            }
        } setup: {
            try EngineFixture(size: size, dense: false)
        }
    }

    // The comparison networks: the year the automatic choice gives (sparse LU on the cyclic
    // ones, triangular substitution on the acyclic ones).
    let wanted = ProcessInfo.processInfo.environment["MINSIM_BENCH_NODES"].map { raw in
        Set(raw.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) })
    }
    for (label, size) in NetworkSize.comparison
    where wanted.map({ $0.contains(size.nodeCount) }) ?? (size.nodeCount <= 10_000) {
        Benchmark(
            "engine year, automatic, \(label) (\(size))", configuration: configuration(size.nodeCount >= 100_000 ? 4_000 : 100)
        ) { benchmark, fixture in
            for _ in benchmark.scaledIterations {
                blackHole(try fixture.solveYear(.automatic))
            }
        } setup: {
            try EngineFixture(size: size, dense: false)
        }
    }
}
