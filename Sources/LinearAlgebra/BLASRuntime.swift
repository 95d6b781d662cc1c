import COpenBLAS

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

    /// OpenBLAS's own description of its build, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64".
    public static var libraryDescription: String {
        guard let cstr = openblas_get_config() else { return "OpenBLAS (unknown configuration)" }
        return String(cString: cstr)
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
