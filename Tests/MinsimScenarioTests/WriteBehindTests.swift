import Foundation
import Testing

@testable import MinsimScenario

@Suite("Output written behind the formatting, on the folder's writer thread")
struct WriteBehindTests {
    /// A folder under `base`, removed when the test ends.
    static func folder(in base: String) throws -> URL {
        let url = URL(fileURLWithPath: base).appendingPathComponent("writebehind-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Columns and rows as in `CSVOutputTests.fill`: ≈ 90 bytes a row.
    static let columns = ["region", "quantity", "share", "source"]

    @Test("a table of many chunks written on the writer thread equals the plain writer's bytes and SHA-256")
    func sameBytesAsPlainWriter() throws {
        let folder = try Self.folder(in: FileManager.default.temporaryDirectory.path)
        defer { try? FileManager.default.removeItem(at: folder) }
        var whole = CSVWriter(columns: Self.columns)
        CSVOutputTests.fill(&whole, rows: 150_000)
        let expected = whole.data
        // Many more chunks than the queue holds, so that the caller waits for free buffers and
        // reuses written ones many times over.
        #expect(expected.count > 10 * CSVWriter.chunkBytes)

        // The plain writer: the whole table through `OutputFile` on this thread.
        let plainPath = folder.appendingPathComponent("plain.csv").path
        let plain = try OutputFile(path: plainPath, buffer: OutputFile.Buffer())
        try expected.withUnsafeBytes { try plain.write($0) }
        try plain.close()

        // Two tables one after another through one writer, as a folder's files are.
        let writer = WriteBehind()
        for name in ["a.csv", "b.csv"] {
            let path = folder.appendingPathComponent(name).path
            let output = try CSVOutput(path: path, writer: writer)
            var streamed = CSVWriter(columns: Self.columns, to: output)
            CSVOutputTests.fill(&streamed, rows: 150_000)
            streamed.finish()
            #expect(try output.close() == SHA256.hex(of: expected))
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == expected)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: plainPath)) == expected)
    }

    @Test("a device that is full fails the writes on the writer thread: `close` throws the error naming the file")
    func fullDevice() throws {
        try #require(FileManager.default.fileExists(atPath: "/dev/full"))
        let output = try CSVOutput(path: "/dev/full")
        var csv = CSVWriter(columns: Self.columns, to: output)
        CSVOutputTests.fill(&csv, rows: 50_000)
        csv.finish()
        #expect(throws: OutputFile.Failure.self) { _ = try output.close() }
        do {
            _ = try output.close()
        } catch {
            #expect(error.localizedDescription == "/dev/full: \(String(cString: strerror(ENOSPC)))")
        }
    }

    /// The file's descriptor is pointed at `/dev/full` (`dup2`) after its first chunks are
    /// written, so that the kernel fails the rest with `ENOSPC` on the writer thread, mid-file,
    /// as a disk that fills up does.
    @Test("a file failing mid-stream on the writer thread: the run's error names it, no folder is left, the old one stays")
    func failureMidFile() throws {
        try #require(FileManager.default.fileExists(atPath: "/dev/full"))
        let parent = try Self.folder(in: FileManager.default.temporaryDirectory.path)
        defer { try? FileManager.default.removeItem(at: parent) }
        let target = parent.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try Data("kept".utf8).write(to: target.appendingPathComponent("old.txt"))
        let full = open("/dev/full", O_WRONLY)
        try #require(full >= 0)
        defer { close(full) }

        let directory = OutputDirectory(path: target.path)
        var thrown: RunFailure?
        do {
            try directory.write(force: true) { (staging: inout OutputDirectory.Staging) throws(RunFailure) in
                _ = try staging.stream("first.csv") { output in
                    var csv = CSVWriter(columns: Self.columns, to: output)
                    CSVOutputTests.fill(&csv, rows: 30_000)
                    csv.finish()
                }
                _ = try staging.stream("resolved/second.csv") { output in
                    var csv = CSVWriter(columns: Self.columns, to: output)
                    CSVOutputTests.fill(&csv, rows: 30_000)
                    // Several chunks have been handed over; the rest go to the full device.
                    _ = dup2(full, output.file!.descriptor)
                    CSVOutputTests.fill(&csv, rows: 30_000)
                    csv.finish()
                }
                Issue.record("the second file's failure was not thrown")
            }
        } catch {
            thrown = error
        }
        guard case .cannotWrite(let message) = try #require(thrown) else {
            Issue.record("expected cannotWrite, got \(String(describing: thrown))")
            return
        }
        #expect(message.hasPrefix(target.path + ": "))
        #expect(message.hasSuffix("resolved/second.csv: \(String(cString: strerror(ENOSPC)))"))
        // The old folder is as it was, and no staging folder is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path) == ["old.txt"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["out"])
    }
}
