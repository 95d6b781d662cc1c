// swift-tools-version: 6.1
//
// Benchmarks for minsim, kept in their own package so the library build stays lean
// (see docs/performance.md for the commands and the measured table).
//
//   swift package --package-path Benchmarks benchmark          # package-benchmark suite EngineYear
//   swift run -c release --package-path Benchmarks RatioReport  # ratio tables of docs/performance.md
//   swift run -c release --package-path Benchmarks ClearingReport  # the clearing against plain year solves
//   swift run -c release --package-path Benchmarks EnsembleReport  # an ensemble sample against a plain run
//   Benchmarks/ensemble_scaling.sh                                # ensemble throughput on 1 and 2 ranks
//   Benchmarks/compare_python.sh                                  # side by side with numpy/scipy/pymrio
import PackageDescription

// A path dependency's identity is its directory's name, which differs between clones
// (`main`, `minsim`, a CI folder); derive it so `.product(package:)` always matches.
let rootIdentity: String = {
    var dir = Context.packageDirectory
    while dir.hasSuffix("/") { dir.removeLast() }
    let parent = dir.split(separator: "/").dropLast().last.map(String.init) ?? "minsim"
    return parent.lowercased()
}()

let package = Package(
    name: "minsim-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        // Earlier name of ordo-one/benchmark; the MallocInterposer trait gives malloc counts
        // (and, listed alone, leaves out the Swift 6.3 runtime interposer's extra dependency).
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Shared setup: the synthetic networks and the matrices both executables measure.
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                .product(name: "MinsimEngine", package: rootIdentity),
                .product(name: "LinearAlgebra", package: rootIdentity),
            ],
            path: "Sources/BenchmarkSupport"
        ),
        .executableTarget(
            name: "EngineYear",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "MinsimEngine", package: rootIdentity),
                .product(name: "LinearAlgebra", package: rootIdentity),
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/EngineYear",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "Clearing",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "MinsimEngine", package: rootIdentity),
                .product(name: "MinsimScenario", package: rootIdentity),
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/Clearing",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "RatioReport",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "MinsimEngine", package: rootIdentity),
                .product(name: "LinearAlgebra", package: rootIdentity),
            ],
            path: "Sources/RatioReport"
        ),
        // The market clearing's cost against plain year solves (docs/performance.md, "Market clearing").
        .executableTarget(
            name: "ClearingReport",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "MinsimEngine", package: rootIdentity),
                .product(name: "MinsimScenario", package: rootIdentity),
                .product(name: "LinearAlgebra", package: rootIdentity),
            ],
            path: "Sources/ClearingReport"
        ),
        // The matrix-free clearing's warm year, for the cost per Jacobian–vector product (docs/performance.md, c16-product).
        .executableTarget(
            name: "ProductReport",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "MinsimEngine", package: rootIdentity),
            ],
            path: "Sources/ProductReport"
        ),
        // One ensemble sample against a plain run of the same scenario (docs/performance.md, "Ensembles").
        .executableTarget(
            name: "EnsembleReport",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "MinsimScenario", package: rootIdentity),
                .product(name: "MinsimEnsemble", package: rootIdentity),
            ],
            path: "Sources/EnsembleReport"
        ),
        // Writes a network's I − A and f for Benchmarks/compare_python.sh, and times the engine on it.
        .executableTarget(
            name: "ExportSystem",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "MinsimEngine", package: rootIdentity),
                .product(name: "LinearAlgebra", package: rootIdentity),
            ],
            path: "Sources/ExportSystem"
        ),
    ],
    swiftLanguageModes: [.v6]
)
