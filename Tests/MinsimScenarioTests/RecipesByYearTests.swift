import Foundation
import Testing

@testable import MinsimScenario

/// `recipes_by_year.csv`: the recipe in force each year, after recipe paths.
@Suite("recipes_by_year.csv")
struct RecipesByYearTests {
    @Test("base year = resolved/recipes.csv; recipe_index applied; refinery feed = b · x")
    func recipes() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        _ = try ScenarioRunner.run(
            path: TestSupport.fixture("valid/years.yaml"), outputDirectory: out.path, runtime: TestSupport.runtime)
        let rows = try TestSupport.readTable(out.appendingPathComponent("recipes_by_year.csv"))
        func b(_ year: Int, _ region: String, _ product: String, _ input: String) -> Double? {
            rows.first {
                $0["year"] == String(year) && $0["region"] == region && $0["product"] == product && $0["input"] == input
            }
            .flatMap { Double($0["quantity_per_unit"] ?? "") }
        }
        // 2024: exactly the resolved base recipes.
        let base = try TestSupport.readTable(out.appendingPathComponent("resolved/recipes.csv"))
        #expect(rows.filter { $0["year"] == "2024" }.count == base.count)
        for row in base {
            let value = b(2024, row["region"] ?? "", row["product"] ?? "", row["input"] ?? "")
            #expect(value == Double(row["quantity_per_unit"] ?? ""), "\(row)")
        }
        // years.yaml: metal ← ore 1.1 with recipe_index 1 (2024) → 0.95 (2030), linear between.
        #expect(b(2030, "A", "metal", "ore") == 1.1 * 0.95)
        #expect(rows.first { $0["product"] == "metal" }?["unit"] == "t/t")
        #expect(rows.first { $0["product"] == "car" }?["unit"] == "t/vehicle")

        // Leontief identity per year: ore bought by A's refineries + recycled feed
        // = b[A][metal][ore] · x[A, metal], to the engine's mass-balance tolerance 1e-9.
        let nodes = try TestSupport.readTable(out.appendingPathComponent("nodes.csv"))
        let flows = try TestSupport.readTable(out.appendingPathComponent("flows.csv"))
        let minerals = try TestSupport.readTable(out.appendingPathComponent("minerals.csv"))
        for year in 2024...2030 {
            let y = String(year)
            let x = try #require(
                nodes.first { $0["year"] == y && $0["region"] == "A" && $0["product"] == "metal" }
                    .flatMap { Double($0["production"] ?? "") })
            let bought = flows.filter { $0["year"] == y && $0["product"] == "ore" && $0["importer"] == "A" }
                .reduce(0.0) { $0 + (Double($1["quantity"] ?? "") ?? .nan) }
            let recycled = try #require(
                minerals.first { $0["year"] == y && $0["region"] == "A" }
                    .flatMap { Double($0["secondary_supply"] ?? "") })
            let coefficient = try #require(b(year, "A", "metal", "ore"))
            #expect(
                TestSupport.isClose(bought + recycled, coefficient * x, relative: 1e-9),
                "\(year): \(bought) + \(recycled) vs \(coefficient) · \(x)")
        }
    }
}
