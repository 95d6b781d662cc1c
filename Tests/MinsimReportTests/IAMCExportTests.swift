import Foundation
import Testing

@testable import MinsimReport
@testable import MinsimScenario

@Suite("IAMC export")
struct IAMCExportTests {
    static func rows(_ path: String) throws -> [IAMCExport.Row] { try IAMCExport.rows(ResultFolder.read(path)) }

    static func value(_ rows: [IAMCExport.Row], _ variable: String, _ region: String, _ year: Int = 2024) -> Double? {
        rows.first { $0.variable == variable && $0.region == region }?.values[year]
    }

    /// Variable names and units of the hand-derived folder (docs/iamc.md lists the tree).
    @Test(
        "variable tree and units",
        arguments: [
            ("Production|Mining|X", "t/yr"), ("Production|Refining|X", "t/yr"), ("Production|Car", "vehicle/yr"),
            ("Capacity|Mining|X", "t/yr"), ("Price|Ore|X", "USD_2024/t"), ("Price|Refined|X", "USD_2024/t"),
            ("Price|Car", "USD_2024/vehicle"), ("Scarcity Rent|Refined|X", "USD_2024/t"), ("Trade|Imports|Ore|X", "t/yr"),
            ("Trade|Exports|Refined|X", "t/yr"), ("Trade|Tariff Revenue", "USD_2024/yr"), ("Unmet Demand|X", "t/yr"),
            ("Unmet Demand|Car", "vehicle/yr"), ("Final Demand|Served|Car", "vehicle/yr"),
            ("Demand|Clean Technologies|X", "t/yr"), ("Refinery Feed|Secondary|X", "t/yr"), ("Secondary Share|X", "%"),
            ("Import Reliance|X", "%"), ("Supplier Concentration|X", "dimensionless"), ("Stock|Car", "vehicle"),
            ("Sales|Car", "vehicle/yr"), ("Retirements|Car", "vehicle/yr"), ("Recycling|Recovered|X", "t/yr"),
        ])
    func tree(_ variable: String, _ unit: String) throws {
        let folder = try ReportTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let rows = try Self.rows(ReportTestSupport.handFolder(into: folder))
        let matching = rows.filter { $0.variable == variable }
        #expect(!matching.isEmpty, "no rows for \(variable)")
        #expect(matching.allSatisfy { $0.unit == unit }, "\(variable): \(Set(matching.map(\.unit)))")
        #expect(matching.allSatisfy { $0.model == "minsim 9.9.9" && $0.scenario == "hand" })
    }

    /// Values worked out from the hand-derived folder's CSVs; `World` is the sum of the
    /// regions for additive variables only. Exact: each is one CSV number or a sum of two.
    @Test("values and World: sums for additive quantities, none for prices and shares")
    func values() throws {
        let folder = try ReportTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let rows = try Self.rows(ReportTestSupport.handFolder(into: folder))
        #expect(Self.value(rows, "Production|Mining|X", "Aland") == 38)
        #expect(Self.value(rows, "Production|Mining|X", "World") == 102.5)
        #expect(Self.value(rows, "Trade|Imports|Ore|X", "Aland") == 15)
        #expect(Self.value(rows, "Trade|Imports|Ore|X", "B") == 0)
        #expect(Self.value(rows, "Trade|Exports|Refined|X", "World") == 20)
        #expect(Self.value(rows, "Trade|Tariff Revenue", "World") == 64)
        #expect(Self.value(rows, "Unmet Demand|X", "World") == 0.5)
        #expect(Self.value(rows, "Import Reliance|X", "B") == -80)
        #expect(Self.value(rows, "Secondary Share|X", "Aland") == 100 * 2.0 / 55)
        // Capacity: B has no limit, so it has no row, and there is no World.
        #expect(Self.value(rows, "Capacity|Mining|X", "B") == nil)
        for variable in ["Price|Refined|X", "Capacity|Mining|X", "Secondary Share|X", "Supplier Concentration|X"] {
            #expect(!rows.contains { $0.variable == variable && $0.region == "World" }, "\(variable) has a World row")
        }
        for row in rows where row.region == "World" {
            #expect(row.additive)
            let regions = rows.filter { $0.variable == row.variable && $0.region != "World" }
            for (year, total) in row.values {
                let sum = regions.reduce(0.0) { $0 + ($1.values[year] ?? 0) }
                #expect(total == sum, "\(row.variable) \(year): World \(total) vs sum \(sum)")
            }
        }
    }

    @Test("wide CSV: header with one column per year, several scenarios, clear errors")
    func csv() throws {
        let folder = try ReportTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try ReportTestSupport.run("years.yaml", into: folder)
        let hand = try ReportTestSupport.handFolder(into: folder)
        let text = try IAMCExport.csv([ResultFolder.read(run), ResultFolder.read(hand)])
        let (records, problems) = CSVReader.parse(text, path: "iamc.csv")
        #expect(problems.isEmpty)
        #expect(
            records.first?.fields.map(\.text) == ["Model", "Scenario", "Region", "Variable", "Unit"]
                + (2024...2030).map(String.init))
        #expect(Set(records.dropFirst().map { $0.fields[1].text }) == ["years", "hand"])

        #expect(throws: ReportFailure.self) { try IAMCExport.csv([ResultFolder.read(hand), ResultFolder.read(hand)]) }
        let world = try ReportTestSupport.write(
            ["resolved/regions.csv": "region,name,source\nA,World,\nB,B,\n"], into: folder, name: "world-tables")
        try FileManager.default.copyItem(atPath: hand + "/nodes.csv", toPath: world + "/nodes.csv")
        try FileManager.default.copyItem(atPath: hand + "/flows.csv", toPath: world + "/flows.csv")
        try FileManager.default.copyItem(atPath: hand + "/manifest.json", toPath: world + "/manifest.json")
        #expect(throws: ReportFailure.self) { try IAMCExport.rows(ResultFolder.read(world)) }
    }
}
