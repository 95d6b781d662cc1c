import Foundation
import MinsimScenario

/// Writes reports, figures and exports so that each appears complete or not at all.
///
/// A single file goes to `.NAME.tmp-<pid>` beside the target and is renamed into place; a
/// figures folder goes through `OutputDirectory`, like a run's output. An existing file or
/// non-empty folder is refused unless `force`.
public enum ReportFiles {
    /// What `writeReport` wrote.
    public struct Written: Sendable {
        public let html: String
        public let htmlBytes: Int
        public let figuresFolder: String?
        public let figures: [String]
    }

    /// Reads the result folder(s), builds the report and writes it (and the figures).
    ///
    /// - Parameters:
    ///   - result: a result folder of `minsim run`.
    ///   - compare: a second result folder to compare with (B; `result` is A).
    ///   - output: the HTML file to write.
    ///   - figures: a folder for the standalone SVG figures, or nil.
    /// - Throws: `ReportFailure`; nothing is left behind after a failure.
    public static func writeReport(
        result: String, compare: String? = nil, output: String, figures: String? = nil, force: Bool = false,
        options: ReportOptions = ReportOptions()
    ) throws(ReportFailure) -> Written {
        try checkFile(output, force: force)
        let figureFolder = figures.map { OutputDirectory(path: $0) }
        if let figureFolder { try mapped { () throws(RunFailure) in try figureFolder.checkWritable(force: force) } }
        let a = try ResultFolder.read(result)
        let b = try compare.map { path throws(ReportFailure) in try ResultFolder.read(path) }
        var changes: [ResultComparison.YearSummary] = []
        if let compare {
            do { changes = try ResultComparison.nodeSummaries(result, compare) } catch { throw .badInput(error.message) }
        }
        let report = try HTMLReport.build(a, compare: b, largestChanges: changes, options: options)
        let html = Data(report.html.utf8)
        let temp = try writeTemporary(html, for: output)
        do {
            if let figureFolder {
                let files = report.figures.map {
                    (name: "\($0.name).svg", data: Data(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + $0.svg).utf8))
                }
                try mapped { () throws(RunFailure) in try figureFolder.write(files, force: force) }
            }
            try moveIntoPlace(temp, output)
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw error
        }
        return Written(
            html: output, htmlBytes: html.count, figuresFolder: figures, figures: report.figures.map { "\($0.name).svg" })
    }

    /// Writes `data` to `output` atomically (refused when it exists, unless `force`).
    public static func writeFile(_ data: Data, to output: String, force: Bool) throws(ReportFailure) {
        try checkFile(output, force: force)
        let temp = try writeTemporary(data, for: output)
        do { try moveIntoPlace(temp, output) } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw error
        }
    }

    static func checkFile(_ path: String, force: Bool) throws(ReportFailure) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return }
        if isFolder.boolValue { throw .outputRefused("output path '\(path)' is a folder; give a file name, e.g. report.html") }
        if !force { throw .outputRefused("output file '\(path)' exists; choose another --out or pass --force to replace it") }
    }

    private static func writeTemporary(_ data: Data, for output: String) throws(ReportFailure) -> String {
        let url = URL(fileURLWithPath: output).standardizedFileURL
        let parent = url.deletingLastPathComponent().path
        let temp = (parent as NSString).appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: temp))
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw .cannotWrite("\(output): \(error.localizedDescription)")
        }
        return temp
    }

    /// rename(2) replaces an existing file atomically; a folder in the way was refused before.
    private static func moveIntoPlace(_ temp: String, _ output: String) throws(ReportFailure) {
        guard rename(temp, output) == 0 else {
            throw .cannotWrite("\(output): \(String(cString: strerror(errno)))")
        }
    }

    private static func mapped(_ body: () throws(RunFailure) -> Void) throws(ReportFailure) {
        do { try body() } catch {
            switch error {
            case .outputExists(let path):
                throw .outputRefused("figures folder '\(path)' exists and is not empty; choose another --figures or pass --force")
            case .outputNotFolder(let path): throw .outputRefused("figures path '\(path)' exists and is not a folder")
            default: throw .cannotWrite(error.message)
            }
        }
    }
}
