import Foundation
import MinsimEngine
import Testing

@testable import MinsimScenario

@Suite("Streamed CSV output equals the table built whole")
struct CSVOutputTests {
    /// Rows with a repeated long `source` field and numbers, enough for several chunks.
    static func fill(_ csv: inout CSVWriter, rows: Int) {
        for k in 0..<rows {
            csv.append("r\(k % 97)")
            csv.append(Double(k) * 0.1)
            csv.append(k % 5 == 0 ? nil : 1.0 / Double(k + 1))
            csv.append("synthetic: minsim generate --regions 1000, \"quoted\" source")
            csv.endRow()
        }
    }

    @Test("a table of several 1 MiB chunks streams to a file byte for byte, with the SHA-256 of those bytes")
    func streamedFileMatches() throws {
        let columns = ["region", "quantity", "share", "source"]
        var whole = CSVWriter(columns: columns)
        Self.fill(&whole, rows: 40_000)
        let expected = whole.data
        // More than two chunks, so that the hand-over at a row end is exercised more than once.
        #expect(expected.count > 2 * CSVWriter.chunkBytes)

        let memory = CSVOutput()
        var inMemory = CSVWriter(columns: columns, to: memory)
        Self.fill(&inMemory, rows: 40_000)
        inMemory.finish()
        #expect(memory.data == expected)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("csvoutput-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("t.csv").path
        let file = try CSVOutput(path: path)
        var streamed = CSVWriter(columns: columns, to: file)
        Self.fill(&streamed, rows: 40_000)
        streamed.finish()
        let digest = try file.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == expected)
        #expect(digest == SHA256.hex(of: expected))
    }

    @Test("a copy of a writer keeps its own bytes (the buffer is copied on write, as an array's)")
    func copiesAreIndependent() {
        var first = CSVWriter(columns: ["label", "value"])
        first.append("a")
        first.append(1.5)
        first.endRow()
        var second = first
        second.append(CSVWriter.Field("b"))
        second.append(nil)
        second.endRow()
        first.append("a long label, quoted because of its comma")
        first.append(0.0)
        first.endRow()
        #expect(second.text == "label,value\na,1.5\nb,\n")
        #expect(first.text == "label,value\na,1.5\n\"a long label, quoted because of its comma\",0.0\n")
    }
}

@Suite("Output files through the aligned buffer and direct I/O")
struct OutputFileTests {
    /// Writes `sizes` as consecutive pieces of one file through a buffer of `capacity` bytes and
    /// returns what is on disk and what was meant to be.
    static func roundTrip(sizes: [Int], capacity: Int, in folder: URL) throws -> (written: Data, expected: Data) {
        var expected = Data()
        var rng = SeededGenerator(seed: UInt64(sizes.count * 7_919 + capacity))
        let path = folder.appendingPathComponent("f-\(sizes.count)-\(capacity).bin").path
        let file = try OutputFile(path: path, buffer: OutputFile.Buffer(capacity: capacity))
        for size in sizes {
            let piece = Data((0..<size).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            expected.append(piece)
            try piece.withUnsafeBytes { try file.write($0) }
        }
        try file.close()
        return (try Data(contentsOf: URL(fileURLWithPath: path)), expected)
    }

    @Test(
        "pieces around the 4 KiB block and the buffer's size reach the file byte for byte",
        arguments: [
            [0], [1], [4_095], [4_096], [4_097], [8_191], [8_192], [8_193], [3 * 8_192 + 5],
            [1, 4_095, 4_096, 1, 8_192, 100, 20_000, 7], Array(repeating: 1_000, count: 50),
        ])
    func piecesRoundTrip(sizes: [Int]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outputfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (written, expected) = try Self.roundTrip(sizes: sizes, capacity: 8_192, in: folder)
        #expect(written.count == expected.count)
        #expect(written == expected)
    }

    /// Pieces handed over from a page-aligned buffer, as a streaming `CSVWriter` does (whole
    /// blocks queued for the writer thread where they are, the rest moved to the buffer handed
    /// back and sent with the next piece), mixed with last hand-overs and copied writes: the
    /// file and its SHA-256 are those of the bytes in order.
    @Test(
        "whole blocks handed over in place, the rest kept for the next hand-over, mixed with copied writes",
        arguments: [
            [0], [1], [4_095], [4_096], [4_097], [12_288], [3 * 8_192 + 5], [1, 4_095, 4_096, 1, 8_192, 100, 20_000, 7],
            [-10, 5_000, 9_000, -3, 4_096, 8_191], [10, 4_086, -5_000, 3 * 4_096, 1, -70_000, 8_191, 4_096, -123_457, 3],
        ])
    func inPlaceRoundTrip(sizes: [Int]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("inplace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("f.bin").path
        let output = try CSVOutput(path: path, writer: WriteBehind(fileBuffer: OutputFile.Buffer(capacity: 8_192)))
        var pending = output.chunkBuffer()
        var expected = Data()
        var rng = SeededGenerator(seed: UInt64(sizes.count * 31 + sizes.reduce(0) { $0 + abs($1) }))
        // A negative size is an ordinary (copied) write of that many bytes, after handing over
        // whatever is pending as a table's last bytes.
        for size in sizes {
            let piece = (0..<abs(size)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            expected.append(contentsOf: piece)
            if size < 0 {
                output.finish(pending)
                pending = output.chunkBuffer()
                output.write(piece)
            } else {
                piece.withUnsafeBytes { pending.append($0) }
                let before = pending.count
                pending = output.handOver(pending)
                #expect(pending.count == before % OutputFile.Buffer.alignment)
            }
        }
        output.finish(pending)
        let digest = try output.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == expected)
        #expect(digest == SHA256.hex(of: expected))
    }

    @Test("a file that cannot be created is an error naming it")
    func unwritableFolder() {
        let path = "/nonexistent-\(UUID().uuidString)/t.csv"
        #expect(throws: OutputFile.Failure.self) { try OutputFile(path: path, buffer: OutputFile.Buffer(capacity: 4_096)) }
        do {
            _ = try OutputFile(path: path, buffer: OutputFile.Buffer(capacity: 4_096))
        } catch {
            #expect(error.localizedDescription.hasPrefix(path))
        }
    }
}
