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
        try checkWritable(force: force)
        let fm = FileManager.default
        let temp = temporaryPath
        do {
            try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
            if fm.fileExists(atPath: temp) { try fm.removeItem(atPath: temp) }
            try fm.createDirectory(atPath: temp, withIntermediateDirectories: false)
            for file in files {
                let full = (temp as NSString).appendingPathComponent(file.name)
                try fm.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try file.data.write(to: URL(fileURLWithPath: full))
            }
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
