import ArgumentParser
import LinearAlgebra
import MinsimEngine
import MinsimScenario

// Options several commands share, each group declared once so that its name, default and help
// read the same in every command that takes it (`@OptionGroup`).

/// `--out DIR --force`: an output folder written atomically (run, compare, generate).
struct OutputFolderOptions: ParsableArguments {
    @Option(name: .long, help: "Output folder (created; must not exist or be empty unless --force).")
    var out: String

    @Flag(name: .long, help: "Replace a non-empty output folder (only after the new output is complete).")
    var force = false
}

/// `--threads N`: BLAS threads of scenario runs (run, compare).
struct ThreadOptions: ParsableArguments {
    @Option(name: .long, help: "BLAS threads of the scenario runs. Results are byte-identical for a given thread count.")
    var threads = 1

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    /// Chooses the CPU's BLAS kernels, sets the BLAS thread count and describes the runtime
    /// for the manifest. Called before the command's first BLAS call.
    func applied() -> RuntimeInfo {
        BLASRuntime.selectKernels()
        BLASRuntime.setThreadCount(threads)
        return RuntimeInfo(blasLibrary: BLASRuntime.libraryDescription, threadCount: BLASRuntime.threadCount)
    }
}

/// `--solver`: the linear solver of every year (run, compare).
struct LinearSolverOption: ParsableArguments {
    @Option(
        name: .long,
        help:
            "Linear solver: automatic (default: triangular substitution without loops; with loops sparse LU, or dense LU where the loops are dense enough that it is faster), triangular, dense, sparse or krylov."
    )
    var solver: LinearSolverChoice = .automatic
}

/// `--max-dense-unknowns`: how large a year's clearing may be for the dense method that the
/// matrix-free method falls back on (run, compare, ensemble).
struct DenseLimitOption: ParsableArguments {
    @Option(
        name: .customLong("max-dense-unknowns"),
        help:
            "Most unknowns (rents and unserved shares) a clearing's dense fallback may take on; it needs up to about 48 bytes × unknowns² of memory (default 10000: ≈ 4.8 GB)."
    )
    var maxDenseUnknowns = ComplementaritySettings().maxDenseUnknowns

    func validate() throws {
        guard maxDenseUnknowns >= 1 else { throw ValidationError("--max-dense-unknowns must be at least 1") }
    }
}

/// `--quiet` (every command that prints on success).
struct QuietOption: ParsableArguments {
    @Flag(name: .long, help: "Print nothing on success and show no progress (warnings still go to stderr).")
    var quiet = false
}

extension LinearSolverChoice: ExpressibleByArgument {}
