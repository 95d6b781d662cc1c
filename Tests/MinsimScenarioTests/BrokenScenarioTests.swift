import Foundation
import Testing

@testable import MinsimScenario

/// One broken fixture and the diagnostic it must produce.
struct BrokenCase: Sendable, CustomTestStringConvertible {
    /// Scenario file under Fixtures/broken/.
    let scenario: String
    /// File the diagnostic points at (the scenario or one of its CSVs).
    let file: String
    let line: Int
    let column: Int?
    let fragment: String

    init(_ scenario: String, in file: String? = nil, line: Int, column: Int? = nil, _ fragment: String) {
        self.scenario = scenario
        self.file = file ?? scenario
        self.line = line
        self.column = column
        self.fragment = fragment
    }

    var testDescription: String { scenario }
}

@Suite("Broken scenarios are reported with file, line, column and a useful message")
struct BrokenScenarioTests {
    static let cases: [BrokenCase] = [
        BrokenCase("yaml-syntax.yaml", line: 10, column: 13, "YAML syntax error"),
        BrokenCase(
            "wrong-type.yaml", line: 11, column: 44,
            "expected a number for 'quantity' in final_demand row, found the string \"lots\""),
        BrokenCase("unknown-top-level-key.yaml", line: 25, column: 1, "unknown key 'currncy'; did you mean 'currency'?"),
        BrokenCase("unknown-region.yaml", line: 14, column: 30, "unknown region 'KOR' in 'exporter'; did you mean 'KR'?"),
        BrokenCase(
            "unknown-product-in-recipe.yaml", line: 9, column: 29, "unknown product 'ores' in 'input'; did you mean 'ore'?"),
        BrokenCase(
            "unknown-row-key.yaml", line: 9, column: 34,
            "unknown key 'quantity_per_unt' in a recipes row; did you mean 'quantity_per_unit'?"),
        BrokenCase("duplicate-region.yaml", line: 4, column: 12, "duplicate region 'CA'"),
        BrokenCase("duplicate-product.yaml", line: 7, column: 12, "duplicate product 'ore'"),
        BrokenCase("duplicate-trade-route.yaml", line: 16, column: 5, "duplicate base_trade row for ore CA→CA"),
        BrokenCase("duplicate-price.yaml", line: 22, column: 5, "duplicate base_prices row for CA/ore"),
        BrokenCase("negative-quantity.yaml", line: 11, column: 44, "'quantity' in final_demand row is -100; it must be ≥ 0"),
        BrokenCase("negative-price.yaml", line: 21, column: 52, "'price_usd_per_unit' in base_prices row is -10; it must be > 0"),
        BrokenCase("tariff-minus-one.yaml", line: 26, column: 61, "'base_rate' in tariffs row is -1; it must be > -1"),
        BrokenCase("missing-base-price.yaml", line: 15, column: 5, "KR/ore supplies in the base year but has no base price"),
        BrokenCase(
            "never-supplied.yaml", line: 12, column: 5, "no region supplies metal there (product used but never supplied)"),
        BrokenCase("never-supplied-input.yaml", line: 9, column: 5, "KR/metal uses ore but no region supplies ore to KR"),
        BrokenCase("csv-missing.yaml", line: 8, column: 17, "cannot read recipes table file 'data/missing.csv'"),
        BrokenCase(
            "csv-missing-column.yaml", in: "csv-missing-column.csv", line: 1, column: 1, "missing column 'quantity_per_unit'"),
        BrokenCase(
            "csv-unknown-column.yaml", in: "csv-unknown-column.csv", line: 1, column: 22,
            "unknown column 'quantity_per_unt' in the recipes header; did you mean 'quantity_per_unit'?"),
        BrokenCase(
            "csv-field-count.yaml", in: "csv-field-count.csv", line: 3, column: 1, "row has 6 fields but the header has 5"),
        BrokenCase(
            "csv-non-numeric.yaml", in: "csv-non-numeric.csv", line: 4, column: 14,
            "expected a number for 'quantity_per_unit' in recipes row, found '1.2x'"),
        BrokenCase(
            "csv-unterminated-quote.yaml", in: "csv-unterminated-quote.csv", line: 2, column: 16, "unterminated quoted field"),
        BrokenCase("csv-comment-line.yaml", in: "csv-comment-line.csv", line: 2, column: 1, "comment lines are not allowed"),
        BrokenCase("csv-nan.yaml", in: "csv-nan.csv", line: 3, column: 8, "NaN and infinity are not allowed"),
        BrokenCase("negative-value-added.yaml", line: 24, column: 5, "value added of KR/metal comes out negative"),
        BrokenCase("negative-elasticity.yaml", line: 6, column: 53, "'elasticity' in product 'ore' is -2; it must be ≥ 0"),
        BrokenCase(
            "nan-text.yaml", line: 11, column: 44, "'quantity' in final_demand row is '.nan'; NaN and infinity are not allowed"),
        BrokenCase("huge-number.yaml", line: 11, column: 44, "too large to represent"),
        BrokenCase("empty.yaml", line: 1, column: 1, "the scenario file is empty"),
        BrokenCase(
            "list-instead-of-map.yaml", line: 3, column: 5, "expected a map for a region (keys code, name, source), found a list"),
        BrokenCase("top-level-list.yaml", line: 1, column: 1, "expected a map of scenario keys at the top level"),
        BrokenCase("format-version.yaml", line: 25, column: 17, "unsupported format_version 2"),
        BrokenCase("opened-route-with-trade.yaml", line: 26, column: 5, "route ore KR→CA already has base trade"),
        BrokenCase("multiple-errors.yaml", line: 21, column: 27, "unknown product 'ores'"),
        // Yearly keys (docs/scenario-format-years.md); each extends valid/years.yaml, so the
        // diagnostic must point into the child file.
        BrokenCase(
            "years-unknown-path-table.yaml", line: 4, column: 3,
            "unknown path table 'demand_indx' under paths; did you mean 'demand_index'?"),
        BrokenCase(
            "years-duplicate-path-row.yaml", line: 7, column: 7,
            "duplicate paths.demand_index row for */car in 2030 (first given at"),
        BrokenCase(
            "years-cohort-not-before-base.yaml", line: 8, column: 27,
            "cohort 2024 in fleet.initial_stock row is not before base_year 2024"),
        BrokenCase("years-rate-above-one.yaml", line: 4, column: 58, "'collection_rate' in mineral 'x' is 1.5; it must be ≤ 1"),
        BrokenCase(
            "years-lead-time-zero.yaml", line: 4, column: 29, "lead time of stage 'mining' is 0 years; it must be at least 1"),
        BrokenCase(
            "years-unknown-stage.yaml", line: 4, column: 21,
            "unknown stage 'minning' in expansion.lead_time_years; did you mean 'mining'?"),
        BrokenCase(
            "years-fleet-unknown-product.yaml", line: 4, column: 12, "unknown product 'carr' in 'product'; did you mean 'car'?"),
        BrokenCase("years-mineral-unknown-product.yaml", line: 4, column: 20, "unknown product 'oer' in 'ore'"),
        BrokenCase("years-horizon-before-base.yaml", line: 3, column: 10, "horizon 2020 is before base_year 2024"),
        BrokenCase(
            "years-extends-cycle.yaml", line: 2, column: 10,
            "extends makes a cycle (years-extends-cycle.yaml → years-extends-cycle.yaml)"),
        BrokenCase(
            "years-extends-missing.yaml", line: 2, column: 10, "cannot read the parent scenario '../valid/no-such-parent.yaml'"),
        BrokenCase("years-unknown-key-in-child.yaml", line: 4, column: 1, "unknown key 'horizn'; did you mean 'horizon'?"),
        BrokenCase(
            "years-capacity-factor-above-one.yaml", line: 5, column: 55,
            "'factor' in paths.capacity_factors row is 1.2; it must be ≤ 1"),
        BrokenCase(
            "years-unknown-distribution.yaml", line: 5, column: 28,
            "unknown lifetime distribution 'normall'; did you mean 'normal'?"),
        BrokenCase(
            "years-bad-parent.yaml", in: "negative-price.yaml", line: 21, column: 52,
            "'price_usd_per_unit' in base_prices row is -10; it must be > 0"),
        BrokenCase(
            "years-index-without-coefficient.yaml", line: 5, column: 7,
            "paths.recipe_index row for */car ← ore has no base recipe coefficient to multiply"),
        // Chemistry mix; each extends valid/years-chemistry.yaml.
        BrokenCase(
            "years-chemistry-shares-sum.yaml", line: 5, column: 7,
            "shares of paths.chemistry_mix for */cells in 2024 sum to 0.9 (lfp 0.2 + nmc 0.7); the shares of a region, product and year must sum to 1"
        ),
        BrokenCase(
            "years-chemistry-unknown.yaml", line: 6, column: 35,
            "unknown chemistry 'nmcc' in paths.chemistry_mix row; did you mean 'nmc'?"),
        BrokenCase(
            "years-chemistry-wrong-product.yaml", line: 5, column: 32,
            "chemistry 'lfp' is not defined for product 'ni' in chemistries (it is defined for cells)"),
        BrokenCase(
            "years-chemistry-mismatched-years.yaml", line: 8, column: 7,
            "chemistry 'nmc' of paths.chemistry_mix for */cells lists years 2024, 2028 but 'lfp' lists 2024, 2030; every chemistry of a mix must list the same years, so that the shares, interpolated linearly"
        ),
        BrokenCase(
            "years-chemistry-duplicate-row.yaml", line: 6, column: 5,
            "duplicate chemistries row for lfp cells ← li (first given at"),
        BrokenCase(
            "years-chemistry-duplicate-mix-row.yaml", line: 7, column: 7,
            "duplicate paths.chemistry_mix row for */cells lfp in 2024 (first given at"),
        // Policy shocks; each extends valid/years.yaml.
        BrokenCase(
            "years-shock-bad-date.yaml", line: 5, column: 74,
            "'start_date' in shocks.tariffs row is '2026-02-29', which is not a real date"),
        BrokenCase(
            "years-shock-end-before-start.yaml", line: 5, column: 96, "'end_date' in shocks.tariffs row is before its start_date"),
        BrokenCase(
            "years-shock-unknown-except.yaml", line: 5, column: 60, "unknown region 'BB' in 'except'; did you mean 'B'?"),
        BrokenCase(
            "years-shock-except-importer.yaml", line: 5, column: 60, "'except' in shocks.tariffs row lists the importer A"),
        BrokenCase(
            "years-shock-negative-quota.yaml", line: 5, column: 57,
            "negative value: 'quota' in shocks.export_controls row is -5; it must be ≥ 0"),
        BrokenCase(
            "years-shock-same-regions.yaml", line: 5, column: 47,
            "shocks.tariffs row on metal has the same exporter and importer (A)"),
        BrokenCase(
            "years-shock-unknown-table.yaml", line: 4, column: 3,
            "unknown shock table 'tarifs' under shocks; did you mean 'tariffs'?"),
        BrokenCase(
            "years-shock-end-year-before-start.yaml", line: 5, column: 50,
            "'end_year' in shocks.demand row is 2027, before its start_year 2028"),
        BrokenCase(
            "years-shock-preference-zero-factor.yaml", line: 5, column: 58,
            "'factor' in shocks.preferences row is 0; it must be > 0"),
        BrokenCase(
            "years-shock-preference-unknown-importer.yaml", line: 5, column: 47,
            "unknown region 'AA' in 'importer'; did you mean 'A'?"),
        BrokenCase(
            "years-new-node-trading.yaml", line: 5, column: 5,
            "B/metal already supplies in base_trade"),
        BrokenCase(
            "years-new-node-no-route.yaml", line: 9, column: 5,
            "new node C/metal sells nothing: open at least one route from it in 'routes'"),
        BrokenCase(
            "years-new-node-no-capacity.yaml", line: 9, column: 5,
            "new node C/metal has no capacity"),
        BrokenCase(
            "years-merge-unknown-region.yaml", line: 6, column: 16,
            "unknown region 'AA' in 'region'; did you mean 'A'?"),
    ]

    @Test("each broken fixture yields the expected diagnostic", arguments: cases)
    func brokenFixture(_ c: BrokenCase) {
        let result = ScenarioLoader.load(path: TestSupport.fixture("broken/\(c.scenario)"))
        #expect(!result.isValid)
        #expect(result.scenario == nil)
        let match = result.diagnostics.first { d in
            URL(fileURLWithPath: d.path).lastPathComponent == c.file && d.line == c.line
                && (c.column.map { $0 == d.column } ?? true) && d.message.contains(c.fragment)
        }
        #expect(
            match != nil,
            "expected \(c.file):\(c.line):\(c.column.map(String.init) ?? "*") containing “\(c.fragment)”; got:\n\(result.diagnostics.map(\.description).joined(separator: "\n"))"
        )
    }

    @Test("every fixture in broken/ is in the catalogue")
    func catalogueIsComplete() throws {
        let folder = TestSupport.fixtures.appendingPathComponent("broken")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
        #expect(Set(files) == Set(Self.cases.map(\.scenario)))
        #expect(Self.cases.count >= 22 + 8)
    }

    @Test("all problems are reported at once, sorted by line")
    func multipleErrors() {
        let result = ScenarioLoader.load(path: TestSupport.fixture("broken/multiple-errors.yaml"))
        #expect(result.errors.count == 4, "\(result.diagnostics.map(\.description))")
        #expect(result.diagnostics.map(\.line) == [6, 11, 17, 21])
        #expect(result.diagnostics == result.diagnostics.sorted())
    }

    @Test("a missing scenario file is a diagnostic, not a crash")
    func missingScenario() {
        let result = ScenarioLoader.load(path: "/nonexistent/scenario.yaml")
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.message.contains("no such file") == true)
    }

    @Test(
        "arbitrary bytes never crash the loader",
        arguments: [
            "", "\u{0}", "name: [", "- - - -", "{a: b", "name: x\nregions: 5\nproducts: {}\n",
            "regions:\n  - code: 99999999999999999999999\n",
            "base_year: 99999999999999999999999999\nname: x", "format_version: -0x10", "name: &a x\nregions: *a",
            "\u{FEFF}name: x",
            "recipes: {file: \"\"}", "recipes: {file: /}", "final_demand: [{region: CA, quantity: 1e400}]",
        ])
    func neverCrashes(_ text: String) {
        let result = ScenarioLoader.load(data: Data(text.utf8), path: "fuzz.yaml")
        #expect(!result.isValid)
        #expect(!result.errors.isEmpty)
    }

    @Test("invalid UTF-8 is reported")
    func invalidUTF8() {
        let result = ScenarioLoader.load(data: Data([0x6e, 0x61, 0xff, 0xfe]), path: "bad.yaml")
        #expect(result.errors.first?.message.contains("UTF-8") == true)
    }
}

@Suite("Random input never crashes the readers")
struct RandomInputTests {
    /// A small deterministic generator (SplitMix64) so a failing case can be replayed from its seed.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("random CSV text and random edits of a valid scenario produce diagnostics, not traps", arguments: 0..<200)
    func random(_ seed: Int) throws {
        var rng = SplitMix64(state: UInt64(seed))
        let alphabet = Array("ab,\"\n\r#1.-e \u{FEFF}é")
        let csv = String((0..<200).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
        _ = CSVReader.parse(csv, path: "random.csv")

        let valid = try Data(contentsOf: URL(fileURLWithPath: TestSupport.fixture("valid/two-by-two.yaml")))
        var bytes = [UInt8](valid)
        for _ in 0..<5 {
            let i = Int.random(in: 0..<bytes.count, using: &rng)
            let replacements = Array("-:{}[],\"x9.\n ".utf8)
            bytes[i] = replacements[Int.random(in: 0..<replacements.count, using: &rng)]
        }
        let result = ScenarioLoader.load(data: Data(bytes), path: TestSupport.fixture("valid/random-\(seed).yaml"))
        // Either valid or with errors; the point is that it returns. Seed \(seed) replays it.
        #expect(result.isValid == result.errors.isEmpty, "seed \(seed)")
    }
}
