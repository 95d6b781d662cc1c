import Foundation

/// A growable byte buffer in raw memory, for `CSVWriter`: an append is a capacity test and a
/// copy, and a number is formatted straight into it (`reserve`, then `advance`), with none of
/// `[UInt8]`'s per-append uniqueness tests and generic sequence paths (together ≈ 12 % of
/// writing a 100,000-node run's output).
///
/// A reference type: the writer that holds it copies it before writing when it is shared
/// (`isKnownUniquelyReferenced`), as an array copies its storage, which is also why it may be
/// sent between threads like an array.
final class ByteBuffer: @unchecked Sendable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// The address alignment of `base`, kept when the buffer grows.
    private let alignment: Int
    /// Bytes written so far.
    private(set) var count = 0

    /// A buffer whose memory starts at a multiple of `alignment` (a power of two): a writer
    /// streaming to a file gives the page size, so that whole blocks of it can be written to
    /// the file with direct I/O where they are (`CSVOutput.handOver`).
    init(capacity: Int = 4096, alignment: Int = MemoryLayout<UInt8>.alignment) {
        self.capacity = Swift.max(capacity, 1)
        self.alignment = alignment
        base = Self.allocate(self.capacity, alignment: alignment)
    }

    private static func allocate(_ capacity: Int, alignment: Int) -> UnsafeMutablePointer<UInt8> {
        UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: alignment).bindMemory(to: UInt8.self, capacity: capacity)
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }

    /// The bytes written so far (valid until the next write).
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// A buffer with the same bytes.
    func copy() -> ByteBuffer {
        let other = ByteBuffer(capacity: capacity)
        other.base.update(from: base, count: count)
        other.count = count
        return other
    }

    /// Room for `n` more bytes: where they go. Write at most `n` bytes there and `advance` by
    /// the number written.
    @inline(__always)
    func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if count + n > capacity { grow(to: count + n) }
        return base + count
    }

    /// Counts `n` bytes written at `reserve`'s pointer.
    @inline(__always)
    func advance(_ n: Int) { count += n }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1).pointee = byte
        count += 1
    }

    func append(_ source: UnsafeRawBufferPointer) {
        guard let from = source.baseAddress, !source.isEmpty else { return }
        UnsafeMutableRawPointer(reserve(source.count)).copyMemory(from: from, byteCount: source.count)
        count += source.count
    }

    /// Empties the buffer, keeping its memory.
    func removeAll() { count = 0 }

    /// Drops the first `n` bytes, moving the rest to the start.
    func removeFirst(_ n: Int) {
        precondition(n >= 0 && n <= count, "removing \(n) of \(count) bytes")
        memmove(base, base + n, count - n)
        count -= n
    }

    private func grow(to minimum: Int) {
        let larger = Swift.max(2 * capacity, minimum)
        let moved = Self.allocate(larger, alignment: alignment)
        moved.update(from: base, count: count)
        UnsafeMutableRawPointer(base).deallocate()
        base = moved
        capacity = larger
    }
}
