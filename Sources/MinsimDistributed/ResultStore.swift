import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The results of an ensemble on disk while it runs (`OUT.partial/results.bin`): one
/// fixed-size record per sample, at offset `index × recordBytes`, so records can arrive in any
/// order and the file is the same whatever order they came in.
///
/// A record is the sample's indicator values (`count` doubles, native byte order) followed by
/// a status word: 0 = not computed, 1 = done, 2 = failed (its reason in `failures.tsv`). The
/// status is written last in one `pwrite`, so a process killed mid-write leaves the sample
/// "not computed" and `--resume` computes it again. Memory stays O(indicators): nothing is
/// held but the record being written.
final class ResultStore: @unchecked Sendable {
    enum Status: UInt64 {
        case missing = 0
        case done = 1
        case failed = 2
    }

    let path: String
    let runs: Int
    let indicators: Int
    private let descriptor: Int32
    private let failureLog: FileHandle

    var recordBytes: Int { 8 * (indicators + 1) }

    /// Opens (creating when absent) the store of `runs` records of `indicators` values.
    init(folder: String, runs: Int, indicators: Int) throws {
        path = (folder as NSString).appendingPathComponent("results.bin")
        self.runs = runs
        self.indicators = indicators
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw StoreError("cannot open \(path): \(String(cString: strerror(errno)))") }
        descriptor = fd
        let size = off_t(runs) * off_t(8 * (indicators + 1))
        guard ftruncate(fd, max(size, lseek(fd, 0, SEEK_END))) == 0 else {
            throw StoreError("cannot size \(path): \(String(cString: strerror(errno)))")
        }
        let log = (folder as NSString).appendingPathComponent("failures.tsv")
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: log) else { throw StoreError("cannot open \(log)") }
        handle.seekToEndOfFile()
        failureLog = handle
    }

    deinit {
        close(descriptor)
        try? failureLog.close()
    }

    struct StoreError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    /// Writes sample `index`: its values, or its failure (reason first, then the record).
    func write(index: Int, values: [Double]?, failure: (year: Int?, reason: String)?) throws {
        var words = [UInt64](repeating: 0, count: indicators + 1)
        if let values {
            precondition(values.count == indicators, "sample \(index) has \(values.count) values, the store \(indicators)")
            for (i, v) in values.enumerated() { words[i] = v.bitPattern }
            words[indicators] = Status.done.rawValue
        } else {
            let reason = (failure?.reason ?? "unknown").replacingOccurrences(of: "\t", with: " ").replacingOccurrences(
                of: "\n", with: " ")
            let line = "\(index)\t\(failure?.year.map(String.init) ?? "")\t\(reason)\n"
            failureLog.write(Data(line.utf8))
            for i in 0..<indicators { words[i] = Double.nan.bitPattern }
            words[indicators] = Status.failed.rawValue
        }
        let written = words.withUnsafeBytes { p in pwrite(descriptor, p.baseAddress, p.count, off_t(index) * off_t(recordBytes)) }
        guard written == recordBytes else {
            throw StoreError("cannot write sample \(index) to \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The status of every sample (one read of each status word).
    func statuses() -> [Status] {
        (0..<runs).map { i in
            var word: UInt64 = 0
            let n = pread(descriptor, &word, 8, off_t(i) * off_t(recordBytes) + off_t(8 * indicators))
            return n == 8 ? Status(rawValue: word) ?? .missing : .missing
        }
    }

    /// Values of slots `range` of every sample, sample-major: `out[i * range.count + s]`.
    func columns(_ range: Range<Int>) -> [Double] {
        var out = [Double](repeating: .nan, count: runs * range.count)
        out.withUnsafeMutableBytes { p in
            guard let base = p.baseAddress else { return }
            for i in 0..<runs {
                _ = pread(
                    descriptor, base + i * range.count * 8, range.count * 8,
                    off_t(i) * off_t(recordBytes) + off_t(8 * range.lowerBound))
            }
        }
        return out
    }

    /// Every value of sample `index`.
    func record(_ index: Int) -> [Double] {
        columns(0..<indicators, of: index)
    }

    private func columns(_ range: Range<Int>, of index: Int) -> [Double] {
        var out = [Double](repeating: .nan, count: range.count)
        out.withUnsafeMutableBytes { p in
            _ = pread(descriptor, p.baseAddress, range.count * 8, off_t(index) * off_t(recordBytes) + off_t(8 * range.lowerBound))
        }
        return out
    }

    /// The failure reasons by sample (the last line of each sample wins: a sample recomputed
    /// after a resume may have failed before the kill).
    func failures() -> [Int: (year: Int?, reason: String)] {
        let log = (path as NSString).deletingLastPathComponent + "/failures.tsv"
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [:] }
        var out: [Int: (year: Int?, reason: String)] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let i = Int(parts[0]) else { continue }
            out[i] = (Int(parts[1]), String(parts[2]))
        }
        return out
    }
}
