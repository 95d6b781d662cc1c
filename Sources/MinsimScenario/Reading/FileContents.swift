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

/// A file's bytes in memory this object owns, read with `read(2)` (no `Data`): a CSV table's
/// rows point into them by offset (`Table.Cells.Header`) and read them without a closure per
/// field.
final class FileBytes {
    private let base: UnsafeMutableRawPointer
    let count: Int

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
    }

    /// A copy of `bytes`.
    init(copying bytes: Data) {
        count = bytes.count
        base = .allocate(byteCount: max(count, 1), alignment: 16)
        bytes.withUnsafeBytes { if let source = $0.baseAddress { base.copyMemory(from: source, byteCount: count) } }
    }

    deinit { base.deallocate() }
}
