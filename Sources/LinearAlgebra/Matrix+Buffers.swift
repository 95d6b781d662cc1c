extension Matrix {
    /// Calls `body` with the column-major storage (element `(i, j)` at `i + j·rows`), for loops
    /// that fill or read a whole matrix without a bounds check per element.
    @inlinable
    public func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<Double>) throws(E) -> R) throws(E) -> R {
        try storage.withUnsafeBufferPointer { (p) throws(E) -> R in try body(p) }
    }

    /// Calls `body` with the mutable column-major storage (element `(i, j)` at `i + j·rows`).
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R, E: Error>(
        _ body: (UnsafeMutableBufferPointer<Double>) throws(E) -> R
    ) throws(E) -> R {
        try storage.withUnsafeMutableBufferPointer { (p) throws(E) -> R in try body(p) }
    }
}
