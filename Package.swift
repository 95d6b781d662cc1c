// swift-tools-version: 6.1
//
// Dependencies point one way, from the outside in:
//
//   minsim (CLI)  →  MinsimScenario (YAML in, CSV/JSON out)  →  MinsimEngine (pure model)
//                 →  LinearAlgebra (the only code touching pointers / LAPACK info)  →  COpenBLAS, CSuiteSparse
//
//   minsim (CLI)  →  MinsimReport (reads result folders back: HTML report, SVG figures, IAMC)
//                 →  MinsimScenario (its CSV reader and writer)
//
//   minsim (CLI)  →  MinsimDistributed (ensembles: workers, MPI ranks, resume, output)  →  CMPI
//                 →  MinsimScenario (its `uncertainty` section and one sample's run)
//                 →  MinsimEnsemble (designs, distributions, Sobol'/Morris indices, quantiles; pure)
import PackageDescription

let package = Package(
    name: "minsim",
    products: [
        .executable(name: "minsim", targets: ["minsim"]),
        .library(name: "MinsimEngine", targets: ["MinsimEngine"]),
        .library(name: "MinsimScenario", targets: ["MinsimScenario"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "MinsimReport", targets: ["MinsimReport"]),
        .library(name: "MinsimEnsemble", targets: ["MinsimEnsemble"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // SHA-256 of inputs and outputs for the manifest (BoringSSL's implementation on Linux).
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"4.0.0"),
    ],
    targets: [
        // OpenBLAS (BLAS + LAPACK) and the LAPACKE C interface. On Debian `pkg-config openblas`
        // does not add -llapacke, so the module map links both.
        .systemLibrary(
            name: "COpenBLAS",
            path: "Sources/COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        // SuiteSparse's KLU (sparse LU) with its orderings AMD, COLAMD and BTF. Debian 12 ships
        // SuiteSparse 5.12 without pkg-config files; the module map links the libraries and the
        // shim includes the headers from /usr/include/suitesparse.
        .systemLibrary(
            name: "CSuiteSparse",
            path: "Sources/CSuiteSparse",
            providers: [.apt(["libsuitesparse-dev"])]
        ),
        .target(name: "LinearAlgebra", dependencies: ["COpenBLAS", "CSuiteSparse"]),
        // Open MPI (Debian's libopenmpi-dev; mpirun from openmpi-bin). Only MinsimDistributed
        // imports it, and only calls MPI_Init when started by mpirun or srun.
        .systemLibrary(
            name: "CMPI",
            path: "Sources/CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]
        ),
        // Sampling designs and sensitivity statistics: no dependencies, no I/O.
        .target(name: "MinsimEnsemble"),
        .target(name: "MinsimEngine", dependencies: ["LinearAlgebra"]),
        .target(
            name: "MinsimScenario",
            dependencies: [
                "MinsimEngine",
                "MinsimEnsemble",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "MinsimDistributed", dependencies: ["MinsimScenario", "MinsimEnsemble", "CMPI"]),
        // Reads result folders as files (never the engine's values), so a report can be made of
        // any folder `minsim run` wrote, including folders of older versions.
        .target(name: "MinsimReport", dependencies: ["MinsimScenario"]),
        .executableTarget(
            name: "minsim",
            dependencies: [
                "MinsimReport",
                "MinsimScenario",
                "MinsimDistributed",
                "MinsimEngine",
                "LinearAlgebra",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
        .testTarget(name: "MinsimEngineTests", dependencies: ["MinsimEngine", "LinearAlgebra"]),
        .testTarget(
            name: "MinsimScenarioTests",
            dependencies: ["MinsimScenario", "MinsimEngine"],
            exclude: ["Golden"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "MinsimReportTests", dependencies: ["MinsimReport", "MinsimScenario"]),
        .testTarget(name: "MinsimEnsembleTests", dependencies: ["MinsimEnsemble"]),
        .testTarget(
            name: "MinsimDistributedTests",
            dependencies: ["MinsimDistributed", "MinsimScenario", "MinsimEnsemble"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
