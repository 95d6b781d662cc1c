import Foundation

/// Reads whole files for the loader and the result readers.
package enum FileContents {
    /// The bytes of the file at `path`, or nil when it cannot be read.
    ///
    /// An empty file is answered without reading it: `FileManager.contents(atPath:)` leaks its
    /// 4 KB read buffer on a file of length 0 (seen by LeakSanitizer while fuzzing the loader,
    /// swift-foundation in Swift 6.3), and an empty scenario or table is a case users do hit.
    package static func read(_ path: String) -> Data? {
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber, size.intValue == 0 {
            return FileManager.default.isReadableFile(atPath: path) ? Data() : nil
        }
        return FileManager.default.contents(atPath: path)
    }
}

/// A file's bytes for as long as this object lives (no `Data`): a CSV table's rows point into
/// them by offset (`Table.Cells.Header`) and read them without a closure per field.
///
/// A regular file is mapped read-only (`mmap`, its pages populated up front on Linux): the
/// bytes are the page cache's own pages, with no copy into fresh memory (copying a large
/// table with `read(2)` and faulting in the fresh pages was ≈ 25 % of `minsim validate` at
/// 100,000 nodes). Anything else (an empty file, a pipe, a file system that cannot map) is read
/// with `read(2)` into memory this object allocates.
final class FileBytes {
    private let base: UnsafeMutableRawPointer
    let count: Int
    /// The length of the mapping; 0 when `base` was allocated instead.
    private let mapped: Int

    /// The bytes, valid while this object lives.
    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// The bytes of the file at `path`; nil when it cannot be opened or read.
    init?(contentsOf path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        let size = Int(info.st_size)
        if size > 0, info.st_mode & S_IFMT == S_IFREG, let map = Self.map(fd, size) {
            base = map
            count = size
            mapped = size
            return
        }
        let base = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 16)
        var done = 0
        while done < size {
            let n = Foundation.read(fd, base + done, size - done)
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                base.deallocate()
                return nil
            }
            if n == 0 { break }
            done += n
        }
        self.base = base
        self.count = done
        self.mapped = 0
    }

    /// A copy of `bytes`.
    init(copying bytes: Data) {
        count = bytes.count
        mapped = 0
        base = .allocate(byteCount: max(count, 1), alignment: 16)
        bytes.withUnsafeBytes { if let source = $0.baseAddress { base.copyMemory(from: source, byteCount: count) } }
    }

    /// `size` bytes of the open file `fd` mapped read-only and private; nil when it cannot be.
    private static func map(_ fd: Int32, _ size: Int) -> UnsafeMutableRawPointer? {
        #if os(Linux)
            let flags = MAP_PRIVATE | MAP_POPULATE
        #else
            let flags = MAP_PRIVATE
        #endif
        guard let p = mmap(nil, size, PROT_READ, flags, fd, 0), p != MAP_FAILED else { return nil }
        return p
    }

    deinit {
        if mapped > 0 { munmap(base, mapped) } else { base.deallocate() }
    }
}
