import Foundation
import MinsimEngine
import Testing

@testable import MinsimScenario

/// The table decoders' fast path (names and numbers read from a CSV file's bytes) answers
/// exactly what the general reader answers, or declines.
@Suite("Loader fast path: names and numbers from bytes")
struct LoaderFastPathTests {
    /// `body` with the UTF-8 bytes of `text`.
    func withBytes<R>(_ text: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        Array(text.utf8).withUnsafeBytes(body)
    }

    @Test("a name found from its bytes has the index the String lookup gives; other bytes are not found")
    func codeIndexByBytes() {
        // Short and long names (two-word keys and the byte-wise path), names equal in their
        // first 8 or 16 bytes, and enough of them to grow the table several times.
        var names = ["CA", "KR", "US", "CN", "ROW", "p0_10", "p0_1", "abcdefgh1", "abcdefgh2"]
        names += ["abcdefghijklmnop", "abcdefghijklmnopq", "abcdefghijklmnopr", "Qualität"]
        names += (0..<200).map { "R\($0)" }
        var index = CodeIndex()
        for (i, name) in names.enumerated() { index[name] = i }
        #expect(index.count == names.count)
        for (i, name) in names.enumerated() {
            #expect(index[name] == i, "\(name)")
            #expect(withBytes(name) { index.index(of: $0) } == i, "\(name)")
        }
        for other in ["", "C", "CAN", "abcdefgh", "abcdefghijklmnopqr", "R200", "r1", "p0_"] {
            #expect(index[other] == nil, "\(other)")
            #expect(withBytes(other) { index.index(of: $0) } == nil, "\(other)")
        }
        // Another encoding of a name (NFD é) equals it as a String, as in a dictionary; from
        // bytes it is not found, so a decoder reads that row the general way.
        var accents = CodeIndex()
        accents["R\u{E9}"] = 7
        #expect(accents["Re\u{301}"] == 7)
        #expect(withBytes("Re\u{301}") { accents.index(of: $0) } == nil)
    }

    @Test("a number read from bytes is the value Double(text) gives, bit for bit, or nil")
    func numberFromBytes() {
        let plain = [
            "0", "0.0", "-0.0", "+3", "1.5", "4.413007233667826", "489.9691530016909", "1e-05", "1.5E+16",
            "0.1", "123456789012345678901234567890", "2.2250738585072014e-308", "1.7976931348623157e308",
        ]
        for text in plain {
            guard case .value(let expected) = NumberText.double(text) else {
                Issue.record("\(text) is a plain decimal")
                continue
            }
            let v = withBytes(text) { NumberText.value(bytes: $0) }
            #expect(v?.bitPattern == expected.bitPattern, "\(text)")
        }
        // Not numbers, not finite, out of range, an underflow (strtod's range error: the
        // general reader decides), or longer than the stack copy: nil.
        let declined = ["", "abc", "1,5", "nan", "inf", "0x10", "1e999", "-1e999", "1e-400", String(repeating: "1", count: 64)]
        for text in declined {
            #expect(withBytes(text) { NumberText.value(bytes: $0) } == nil, "\(text)")
        }
    }

    @Test("CSV rows read through the fast path and through RowReader give the same rows")
    func csvRowsMatchInlineRows() throws {
        // The same base prices written as CSV (one quoted number: read the general way) and
        // inline; both load to the same values.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fastpath-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = "region,product,price_usd_per_unit,source\nA,ore,10.5,s1\nB,ore,\"12\",s2\n"
        try csv.write(to: folder.appendingPathComponent("prices.csv"), atomically: true, encoding: .utf8)
        let head = """
            format_version: 1
            name: fast path
            base_year: 2024
            regions: [{code: A}, {code: B}]
            products: [{name: ore, stage: mining, unit: t, elasticity: 2}]
            stages: [mining]
            base_trade: [{product: ore, exporter: A, importer: A, quantity: 5}, {product: ore, exporter: B, importer: A, quantity: 3}]
            final_demand: [{region: A, product: ore, quantity: 8}]
            recipes: []

            """
        let fromCSV = head + "base_prices: {file: prices.csv}\n"
        let inline =
            head
            + "base_prices: [{region: A, product: ore, price_usd_per_unit: 10.5}, {region: B, product: ore, price_usd_per_unit: 12}]\n"
        var loaded: [[Double]] = []
        for (name, text) in [("csv.yaml", fromCSV), ("inline.yaml", inline)] {
            let path = folder.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let result = ScenarioLoader.load(path: path)
            let scenario = try #require(result.scenario, "\(result.diagnostics.map(\.description))")
            loaded.append(scenario.basePrices.map(\.value))
        }
        #expect(loaded[0] == [10.5, 12])
        #expect(loaded[0] == loaded[1])
    }
}
