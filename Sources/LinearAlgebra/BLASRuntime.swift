import COpenBLAS
import Synchronization

/// The BLAS library the package runs on, and its thread count.
///
/// OpenBLAS keeps a process-wide thread pool; benchmarks and deterministic runs pin it to a
/// known size. Only this module touches it.
public enum BLASRuntime {
    /// Number of threads OpenBLAS uses for level-3 kernels and LAPACK.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
    }

    /// Sets the OpenBLAS thread count (values below 1 are treated as 1).
    public static func setThreadCount(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, min(n, Int(Int32.max)))))
    }

    /// Chooses the kernels for this CPU (`kernelsWereSwitched`), once per process. A program's entry
    /// point calls this before any BLAS call: the switch re-initialises OpenBLAS's kernel table,
    /// which must not happen while another thread is inside BLAS (so a library call site never
    /// triggers it, and a test process, whose tests run in parallel, does not call it).
    /// Returns whether the kernels were switched.
    @discardableResult
    public static func selectKernels() -> Bool { selection }

    /// Whether `selectKernels()` switched OpenBLAS from its generic kernels to this CPU's.
    ///
    /// A DYNAMIC_ARCH OpenBLAS picks its kernels by CPU model and falls back to the generic
    /// "Prescott" (SSE3) ones for a model it does not know, although the CPU may have AVX-512:
    /// Debian's OpenBLAS 0.3.21 on an Emerald Rapids guest factors a 2,000 × 2,000 matrix at
    /// ≈ 7 GFlop/s instead of ≈ 35. In that case — and only then, and never when the user set
    /// `OPENBLAS_CORETYPE` — the kernels are chosen from the CPU's instruction-set flags by
    /// OpenBLAS's own rules (C shim `minsim_openblas_select_kernels`). Reading this never triggers
    /// the switch. Results stay deterministic for a given machine; across kernels they differ in
    /// the last bits, as they do between any two machines.
    public static var kernelsWereSwitched: Bool { switched.load(ordering: .acquiring) }

    private static let switched = Atomic<Bool>(false)

    /// The switch itself, run once (a Swift global is initialised exactly once, thread-safely).
    private static let selection: Bool = {
        let done = minsim_openblas_select_kernels() == 1
        switched.store(done, ordering: .releasing)
        return done
    }()

    /// OpenBLAS's own description of its build and the kernels in use, e.g. "OpenBLAS 0.3.21
    /// DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64"; where the package chose the kernels
    /// (`kernelsWereSwitched`), it says so.
    public static var libraryDescription: String {
        guard let cstr = openblas_get_config() else { return "OpenBLAS (unknown configuration)" }
        let config = String(cString: cstr)
        return kernelsWereSwitched ? config + " (kernels chosen by minsim from the CPU's instruction set)" : config
    }
}

/// Vector helpers on BLAS level 1, so callers need no pointers.
public enum Vector {
    /// `‖x‖∞ = max_i |x_i|` (0 for an empty vector).
    public static func maxNorm(_ x: [Double]) -> Double {
        var m = 0.0
        for v in x { m = max(m, abs(v)) }
        return m
    }

    /// `y ← y + α x` (BLAS daxpy).
    public static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        precondition(x.count == y.count, "axpy: lengths \(x.count) and \(y.count) differ")
        guard !x.isEmpty else { return }
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                cblas_daxpy(Int32(x.count), alpha, xp.baseAddress, 1, yp.baseAddress, 1)
            }
        }
    }
}
