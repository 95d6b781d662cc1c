import Foundation

/// Writes a set of files as one folder that appears complete or not at all.
///
/// The files are built in a temporary folder beside the target (same parent, so the final
/// `rename` stays on one file system and is atomic), named `.NAME.tmp-<pid>`. Only when every
/// file is written is it renamed into place; on any failure the temporary folder is removed
/// and the target is untouched. With `force`, an existing target is moved aside only after
/// the new folder is complete, then deleted.
package struct OutputDirectory {
    package let path: String
    private let parent: String
    private let name: String

    package init(path: String) {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        self.path = path
        self.parent = url.deletingLastPathComponent().path
        self.name = url.lastPathComponent
    }

    var temporaryPath: String {
        (parent as NSString).appendingPathComponent(".\(name).tmp-\(ProcessInfo.processInfo.processIdentifier)")
    }
    private var asidePath: String {
        (parent as NSString).appendingPathComponent(".\(name).old-\(ProcessInfo.processInfo.processIdentifier)")
    }
    private var targetPath: String { (parent as NSString).appendingPathComponent(name) }

    /// Fails when the target exists and may not be replaced: a non-empty folder without
    /// `force`, or something that is not a folder. Checked before solving so that a long run
    /// does not end in a refusal.
    package func checkWritable(force: Bool) throws(RunFailure) {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: targetPath, isDirectory: &isFolder) else { return }
        guard isFolder.boolValue else { throw .outputNotFolder(path) }
        let contents = (try? fm.contentsOfDirectory(atPath: targetPath)) ?? []
        if !contents.isEmpty && !force { throw .outputExists(path) }
    }

    /// Writes `files` (paths relative to the folder, `/`-separated) and moves them into place.
    package func write(_ files: [(name: String, data: Data)], force: Bool) throws(RunFailure) {
        try write(force: force) { (staging: inout Staging) throws(RunFailure) in
            for file in files { try staging.add(file.name, file.data) }
        }
    }

    /// The temporary folder being filled: each file added is written at once, so a caller that
    /// builds its files one by one holds only the current one in memory.
    package struct Staging {
        fileprivate let folder: String
        fileprivate let target: String
        /// The writer thread and buffers of every file streamed into the folder (one at a time).
        fileprivate let writer = WriteBehind()

        /// Writes `data` as `name` (relative, `/`-separated) in the temporary folder, through
        /// the folder's writer thread and the page cache. Not `Data.write(to:)`: Foundation
        /// `fsync`s each file it writes, which waits for the file system's journal (0.3 s for
        /// a run's `manifest.json` after 270 MB of output), and the folder promises atomic
        /// appearance (`rename`), not durability. Not direct I/O: the bytes are all at hand,
        /// so there is no formatting for the device's time to hide behind, and the cache
        /// takes them faster than the device (`minsim generate`'s tables: 0.49 s blocked with
        /// `Data.write`, 1.1 s with direct I/O, at 100,000 nodes).
        package mutating func add(_ name: String, _ data: Data) throws(RunFailure) {
            try writing(name) { full in
                let file = try writer.open(full, direct: false)
                data.withUnsafeBytes { writer.write($0, to: file) }
                try writer.close(file)
            }
        }

        /// Writes the file `name` (relative, `/`-separated) as `fill` produces it, chunk by
        /// chunk, and returns the SHA-256 of its bytes (lowercase hex).
        package mutating func stream(_ name: String, _ fill: (CSVOutput) -> Void) throws(RunFailure) -> String {
            try writing(name) { full in
                let output = try CSVOutput(path: full, writer: writer)
                fill(output)
                return try output.close()
            }
        }

        /// Runs `body` with the full path of `name`, its folder created; any error becomes
        /// `RunFailure.cannotWrite`.
        private func writing<T>(_ name: String, _ body: (String) throws -> T) throws(RunFailure) -> T {
            let full = (folder as NSString).appendingPathComponent(name)
            do {
                let fm = FileManager.default
                try fm.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                return try body(full)
            } catch {
                throw .cannotWrite("\(target): \(error.localizedDescription)")
            }
        }
    }

    /// Creates the temporary folder, lets `fill` add the files, then moves the folder into
    /// place. Whatever `fill` or the move throws, the temporary folder is removed and the
    /// target is left as it was.
    package func write(
        force: Bool, _ fill: (inout Staging) throws(RunFailure) -> Void
    ) throws(RunFailure) {
        try checkWritable(force: force)
        let fm = FileManager.default
        let temp = temporaryPath
        do {
            try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
            if fm.fileExists(atPath: temp) { try fm.removeItem(atPath: temp) }
            try fm.createDirectory(atPath: temp, withIntermediateDirectories: false)
        } catch {
            try? fm.removeItem(atPath: temp)
            throw .cannotWrite("\(path): \(error.localizedDescription)")
        }
        do {
            var staging = Staging(folder: temp, target: path)
            try fill(&staging)
        } catch {
            try? fm.removeItem(atPath: temp)
            throw error
        }
        do {
            if fm.fileExists(atPath: targetPath) {
                let aside = asidePath
                if fm.fileExists(atPath: aside) { try fm.removeItem(atPath: aside) }
                try fm.moveItem(atPath: targetPath, toPath: aside)
                do {
                    try fm.moveItem(atPath: temp, toPath: targetPath)
                } catch {
                    try? fm.moveItem(atPath: aside, toPath: targetPath)
                    throw error
                }
                try? fm.removeItem(atPath: aside)
            } else {
                try fm.moveItem(atPath: temp, toPath: targetPath)
            }
        } catch {
            try? fm.removeItem(atPath: temp)
            throw .cannotWrite("\(path): \(error.localizedDescription)")
        }
    }
}
