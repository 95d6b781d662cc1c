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
