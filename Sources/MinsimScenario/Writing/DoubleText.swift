/// The shortest text that reads back as the same `Double`, exactly as `Double.description`
/// writes it (`100.0`, `0.25`, `1e-05`, `1.5e+16`), appended to a byte buffer without making
/// a `String`.
///
/// It calls the routine `description` itself runs: the standard library's
/// `swift_float64ToString` (declared `@usableFromInline` in the Swift module, so an exported
/// entry point that inlined code of other modules may call), which formats into a caller's
/// buffer. The text is therefore `description`'s byte for byte, by construction
/// (`DoubleTextTests` checks it on subnormals, powers of ten, the 2^53 and 1e16 edges,
/// integers and a million random bit patterns); only the `String` that `description` builds
/// around it — a quarter of its cost in a 100,000-node run — is left out. The scratch buffer is
/// prepared as `description` prepares it (64 bytes of ASCII "0").
enum DoubleText {
    /// Bytes of scratch space per number; `description` gives the same routine 64.
    static let scratchBytes = 64

    /// Appends the text of `value` to `bytes`. `value` must be finite (the CSV writers write
    /// an empty cell otherwise); `-0.0` gives `-0.0`, as `description` does.
    static func append(_ value: Double, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: scratchBytes) { scratch in
            guard let start = scratch.baseAddress else { return }
            bytes.append(contentsOf: UnsafeBufferPointer(start: start, count: write(value, into: start)))
        }
    }

    /// Writes the text of `value` at `start`, which has room for `scratchBytes` bytes (the
    /// CSV writer's buffer: no copy), and returns its length. `value` must be finite.
    static func write(_ value: Double, into start: UnsafeMutablePointer<UInt8>) -> Int {
        // The Swift 6 formatter leaves the leading zeros of a number below 1 (`0.0…`) to the
        // buffer's prior contents and `description` fills its buffer with "0" first; so does
        // this (harmless for a formatter that writes every byte).
        start.initialize(repeating: UInt8(ascii: "0"), count: scratchBytes)
        let count = Int(swiftFloat64ToString(start, UInt(scratchBytes), value, false))
        return min(count, scratchBytes)
    }
}

/// The standard library's formatter behind `Double.description`: writes the text of `value`
/// into `buffer` (at most `length` bytes) and returns its length.
@_silgen_name("swift_float64ToString")
private func swiftFloat64ToString(
    _ buffer: UnsafeMutablePointer<UInt8>, _ length: UInt, _ value: Double, _ debug: Bool
) -> UInt64
