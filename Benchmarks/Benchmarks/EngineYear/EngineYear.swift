// The one-year engine solve against the bare LAPACK work on the same matrix, at about 500,
// 2,000 and 5,000 nodes. Calibration and matrix assembly happen in `setup`, outside the
// measured closure. OpenBLAS runs on 1 thread unless MINSIM_BENCH_THREADS says otherwise.
//
//   swift package --package-path Benchmarks benchmark
//   MINSIM_BENCH_NODES=500,2000 swift package --package-path Benchmarks benchmark   # a subset
import Benchmark
import BenchmarkSupport
import LinearAlgebra
import MinsimEngine

let benchmarks: @Sendable () -> Void = {
    configureBLASThreads()
    let metrics: [BenchmarkMetric] = [
        .wallClock, .cpuTotal, .mallocCountTotal, .mallocBytesCount, .peakMemoryResident,
    ]

    for size in NetworkSize.selected {
        // A 5,000-node LU is ~83 GFLOP, seconds on one core: bound the samples by count and time
        // so the whole suite stays within a few minutes.
        let n = size.nodeCount
        let configuration = Benchmark.Configuration(
            metrics: metrics,
            warmupIterations: 1,
            maxDuration: .seconds(n >= 4_000 ? 30 : 10),
            maxIterations: n >= 4_000 ? 5 : (n >= 1_500 ? 15 : 50)
        )
        let label = "\(n) nodes (\(size))"

        Benchmark("engine solve, \(label)", configuration: configuration) { benchmark, fixture in
            for _ in benchmark.scaledIterations {
                blackHole(try fixture.solveYear())
            }
        } setup: {
            try EngineFixture(size: size)
        }

        Benchmark("bare dgetrf+dgetrs, \(label)", configuration: configuration) { benchmark, fixture in
            for _ in benchmark.scaledIterations {
                blackHole(try fixture.bareFactorAndSolve())
            }
        } setup: {
            try EngineFixture(size: size)
        }
    }
}
