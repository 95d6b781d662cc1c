import Foundation

/// A file written once from start to end through one page-aligned buffer, with direct I/O
/// (`O_DIRECT`) where the file system allows it.
///
/// A run writes hundreds of MB it never reads back (≈ 270 MB at 100,000 nodes). Through the
/// page cache each byte is copied once more by the kernel into a freshly allocated cache page;
/// on a virtual machine whose free memory goes back to the host, a fresh page costs a fault in
/// the host too, and `write(2)` took 0.1–1.9 s of system time for 257 MB on the reference
/// machine (docs/performance.md, "Output side of run"). With `O_DIRECT` the device reads the
/// buffer itself: ≈ 0.05 s of system time for the same bytes, always.
///
/// Direct I/O needs the buffer address, the length and the file offset aligned to the
/// device's logical block (512 B or 4 KiB), so the buffer is page-aligned, every full buffer
/// is written whole, and the last partial block of a file is written after switching the
/// descriptor back to ordinary writes (`fcntl(F_SETFL)`). A file system that refuses
/// `O_DIRECT` (at `open`, or with `EINVAL` on a write) gets ordinary writes: the bytes are the
/// same either way.
///
/// A file is used by one thread at a time: created on the caller's, then written and closed
/// on its folder's writer thread (`WriteBehind`).
final class OutputFile {
    /// The staging buffer, shared by the files of one output folder (written one at a time):
    /// its pages are touched once per run, not once per file.
    final class Buffer {
        /// Bytes per buffer: a multiple of every logical block size, large enough that one
        /// `write(2)` per buffer costs nothing beside the bytes.
        static let defaultCapacity = 4 << 20
        static let alignment = 4096
        let base: UnsafeMutableRawPointer
        let capacity: Int

        init(capacity: Int = Buffer.defaultCapacity) {
            precondition(
                capacity > 0 && capacity % Buffer.alignment == 0, "buffer capacity \(capacity) is not a multiple of 4096")
            self.capacity = capacity
            base = .allocate(byteCount: capacity, alignment: Buffer.alignment)
        }

        deinit { base.deallocate() }
    }

    /// A write error: the file and the system's message.
    struct Failure: LocalizedError {
        let path: String
        let reason: String
        var errorDescription: String? { "\(path): \(reason)" }
    }

    private let path: String
    private let buffer: Buffer
    private(set) var descriptor: Int32
    /// Bytes in the buffer not yet written.
    private var pending = 0
    /// Whether the descriptor still has `O_DIRECT` set.
    private var direct: Bool

    /// Creates (or truncates) the file at `path` with mode 0666 less the umask, as `FileManager`
    /// does; with `direct` false it is written through the page cache.
    init(path: String, buffer: Buffer, direct: Bool = true) throws {
        self.path = path
        self.buffer = buffer
        let flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
        var fd: Int32 = -1
        if direct, let directFlag = Self.directFlag { fd = open(path, flags | directFlag, 0o666) }
        self.direct = fd >= 0
        if fd < 0 { fd = open(path, flags, 0o666) }
        guard fd >= 0 else { throw Failure(path: path, reason: Self.systemMessage()) }
        descriptor = fd
    }

    deinit {
        if descriptor >= 0 { _ = Foundation.close(descriptor) }
    }

    /// Appends `bytes`, writing the buffer out each time it fills.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var source = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let n = min(remaining, buffer.capacity - pending)
            (buffer.base + pending).copyMemory(from: source, byteCount: n)
            pending += n
            source += n
            remaining -= n
            if pending == buffer.capacity {
                try writeOut(buffer.base, count: pending)
                pending = 0
            }
        }
    }

    /// Writes the whole blocks at the start of `bytes` to the file from where they are, with
    /// no copy into the buffer, and returns how many bytes that is; the caller keeps the rest
    /// and hands it over later. This needs direct I/O on, nothing pending in the buffer (so the
    /// file's length is a whole number of blocks) and `bytes` starting at a block boundary;
    /// otherwise `bytes` is copied in whole as `write(_:)` does and all of it is taken.
    func writeInPlace(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        let whole = bytes.count / Buffer.alignment * Buffer.alignment
        guard direct, pending == 0, whole > 0, let start = bytes.baseAddress,
            Int(bitPattern: start) % Buffer.alignment == 0
        else {
            try write(bytes)
            return bytes.count
        }
        try writeOut(start, count: whole)
        return whole
    }

    /// Writes what is left (the whole blocks directly, the tail through the page cache) and
    /// closes the file.
    func close() throws {
        let whole = pending / Buffer.alignment * Buffer.alignment
        try writeOut(buffer.base, count: whole)
        if pending > whole {
            try leaveDirectIO()
            try writeOut(buffer.base + whole, count: pending - whole)
        }
        pending = 0
        let fd = descriptor
        descriptor = -1
        guard Foundation.close(fd) == 0 else { throw Failure(path: path, reason: Self.systemMessage()) }
    }

    /// `write(2)` until all `count` bytes are written; a direct write refused with `EINVAL`
    /// (alignment the file system does not accept) is repeated as an ordinary one.
    private func writeOut(_ start: UnsafeRawPointer, count: Int) throws {
        var done = 0
        while done < count {
            let n = Foundation.write(descriptor, start + done, count - done)
            if n > 0 {
                done += n
                continue
            }
            let code = errno
            if n < 0 && code == EINTR { continue }
            if n < 0 && code == EINVAL && direct {
                try leaveDirectIO()
                continue
            }
            throw Failure(path: path, reason: n == 0 ? "no bytes written" : Self.systemMessage(code))
        }
    }

    private func leaveDirectIO() throws {
        guard direct, let directFlag = Self.directFlag else { return }
        let flags = fcntl(descriptor, F_GETFL)
        guard flags >= 0, fcntl(descriptor, F_SETFL, flags & ~directFlag) == 0 else {
            throw Failure(path: path, reason: Self.systemMessage())
        }
        direct = false
    }

    /// Linux's `O_DIRECT`, which Glibc's module map leaves out (the header defines it only with
    /// `_GNU_SOURCE`); its value differs by architecture (asm-generic/fcntl.h and
    /// arch/arm64/include/uapi/asm/fcntl.h). Elsewhere nil: ordinary writes.
    private static var directFlag: Int32? {
        #if os(Linux) && arch(x86_64)
            return 0o40000
        #elseif os(Linux) && arch(arm64)
            return 0o200000
        #else
            return nil
        #endif
    }

    private static func systemMessage(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
}
