import Foundation
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
}
