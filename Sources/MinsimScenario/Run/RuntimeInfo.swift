/// The numerical runtime a run used, recorded in the manifest.
///
/// Passed in by the caller (the CLI reads it from `LinearAlgebra.BLASRuntime`) so that this
/// library needs no dependency on the BLAS layer.
public struct RuntimeInfo: Sendable, Equatable {
    /// The BLAS library's own description of its build.
    public let blasLibrary: String
    /// Threads the BLAS library was set to use.
    public let threadCount: Int

    public init(blasLibrary: String, threadCount: Int) {
        self.blasLibrary = blasLibrary
        self.threadCount = threadCount
    }
}
