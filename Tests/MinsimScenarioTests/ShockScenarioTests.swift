import Foundation
import MinsimEngine
import Testing

@testable import MinsimScenario

/// Dated policy shocks (`shocks`, docs/scenario-format-years.md "Policy shocks").
@Suite("Policy shocks: dated tariffs, export controls, demand shocks and route preferences")
struct ShockScenarioTests {
    static let years = TestSupport.fixture("valid/years.yaml")
    static let a = RegionIndex(0), b = RegionIndex(1)
    static let ore = ProductIndex(0), metal = ProductIndex(1), car = ProductIndex(2)

    /// Runs a scenario into `folder/name` and returns the folder.
    static func run(_ path: String, in folder: URL, _ name: String) throws -> URL {
        let out = folder.appendingPathComponent(name)
        _ = try ScenarioRunner.run(path: path, outputDirectory: out.path, runtime: TestSupport.runtime)
        return out
    }

    /// Rows of a result CSV for one year, without the scenario column (the names differ).
    static func rows(_ out: URL, _ file: String, year: String) throws -> [[String]] {
        try TestSupport.readCSV(out.appendingPathComponent(file)).rows.filter { $0[1] == year }.map { Array($0.dropFirst()) }
    }

    @Test("days in a year and in a measure: leap years count 366")
    func dayCounting() {
        #expect(CivilDate.daysIn(year: 2026) == 365)
        #expect(CivilDate.daysIn(year: 2028) == 366)
        #expect(CivilDate.daysIn(year: 2100) == 365)
        #expect(CivilDate.daysIn(year: 2000) == 366)
        #expect(CivilDate.dayNumber(year: 1970, month: 1, day: 1) == 0)
        let start = CivilDate.dayNumber(year: 2026, month: 7, day: 1)
        let end = CivilDate.dayNumber(year: 2026, month: 12, day: 31)
        #expect(CivilDate.daysInside(year: 2026, start: start, end: end) == 184)
        #expect(CivilDate.daysInside(year: 2027, start: start, end: end) == 0)
        #expect(CivilDate.daysInside(year: 2028, start: start, end: nil) == 366)
    }

    @Test("a tariff from 2026-07-01 to 2026-12-31 adds 0.25·184/365 in 2026 only; 2024–2025 results are bit-identical")
    func proRatedTariff() throws {
        let base = try #require(ScenarioLoader.load(path: Self.years).scenario)
        let loaded = ScenarioLoader.load(path: TestSupport.fixture("valid/years-shocks.yaml"))
        let shocked = try #require(loaded.scenario, "\(loaded.diagnostics)")
        #expect(loaded.diagnostics.isEmpty)
        let route = Route(Self.metal, from: Self.b, to: Self.a)
        let τ2026 = try #require(base.yearInput(2026).conditions.tariffs[route])
        // 1e-15 relative: the loader adds base + 0.25·184/365 in one rounding step per operation;
        // the bound allows for the order of those few roundings (a few ulps of a number ≈ 0.19).
        #expect(
            TestSupport.isClose(
                shocked.yearInput(2026).conditions.tariffs[route] ?? .nan, τ2026 + 0.25 * 184 / 365, relative: 1e-15))
        // Outside the measure's days nothing is added: exact equality.
        for t in [2024, 2025, 2027, 2030] {
            #expect(shocked.yearInput(t).conditions.tariffs == base.yearInput(t).conditions.tariffs, "\(t)")
        }
        // resolved/ records the added rate, once.
        let tables = Dictionary(uniqueKeysWithValues: OutputTables.resolved(shocked).map { ($0.name, $0.text) })
        #expect(tables["shocks_tariffs.csv"] == "product,importer,exporter,year,rate_added\nmetal,A,B,2026,\(0.25 * 184 / 365)\n")

        // Runs are sequential, so years before the shock are untouched: compare as text, which
        // is the shortest round-trip form of every Double (== is bit equality).
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let x = try Self.run(Self.years, in: folder, "base")
        let y = try Self.run(TestSupport.fixture("valid/years-shocks.yaml"), in: folder, "shock")
        for file in ["nodes.csv", "flows.csv", "stocks.csv", "minerals.csv"] {
            for year in ["2024", "2025"] {
                let before = try Self.rows(x, file, year: year)
                #expect(!before.isEmpty)
                #expect(before == (try Self.rows(y, file, year: year)), "\(file) \(year)")
            }
        }
        let flows = try TestSupport.readTable(y.appendingPathComponent("flows.csv"))
        let row = try #require(
            flows.first { $0["year"] == "2026" && $0["product"] == "metal" && $0["exporter"] == "B" && $0["importer"] == "A" })
        #expect(row["tariff_rate"] == "\(τ2026 + 0.25 * 184 / 365)")
        #expect(try Self.rows(x, "flows.csv", year: "2026") != (try Self.rows(y, "flows.csv", year: "2026")))
    }

    @Test("exporter * with except: every other exporter is covered, the exempt one is not")
    func starWithExcept() throws {
        let loaded = ScenarioLoader.load(path: TestSupport.fixture("valid/shocks-three-regions.yaml"))
        let s = try #require(loaded.scenario, "\(loaded.diagnostics)")
        let metal = ProductIndex(0)
        let a = RegionIndex(0), b = RegionIndex(1), c = RegionIndex(2), d = RegionIndex(3)
        let t2024 = s.yearInput(2024).conditions.tariffs, t2025 = s.yearInput(2025).conditions.tariffs
        // 2024: before the measure, the scenario rates only.
        #expect(t2024[Route(metal, from: b, to: a)] == 0.05)
        #expect(t2024[Route(metal, from: d, to: a)] ?? 0 == 0)
        // 2025: the whole year is in force (365/365 = 1 exactly), so the sums are exact.
        #expect(t2025[Route(metal, from: b, to: a)] == 0.05 + 0.1)
        #expect(t2025[Route(metal, from: d, to: a)] == 0.1)
        #expect(t2025[Route(metal, from: c, to: a)] ?? 0 == 0)  // exempt (FTA partner)
        #expect(t2025[Route(metal, from: a, to: a)] == nil)  // the importer itself is never covered
        #expect(t2025[Route(metal, from: a, to: b)] == nil)  // other importers are untouched
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = try Self.run(TestSupport.fixture("valid/shocks-three-regions.yaml"), in: folder, "out")
        let flows = try TestSupport.readTable(out.appendingPathComponent("flows.csv"))
        func share(_ exporter: String, _ year: String) -> Double {
            Double(flows.first { $0["year"] == year && $0["exporter"] == exporter && $0["importer"] == "A" }?["share"] ?? "")
                ?? .nan
        }
        // The exempt C gains share in A against the taxed B and D.
        #expect(share("C", "2025") > share("C", "2024"))
        #expect(share("D", "2025") < share("D", "2024"))
    }

    @Test("export controls: a quota is never exceeded and a ban gives zero flow, in its years only")
    func quotasAndBans() throws {
        let path = TestSupport.fixture("valid/years-shocks-quota.yaml")
        let loaded = ScenarioLoader.load(path: path)
        let s = try #require(loaded.scenario, "\(loaded.diagnostics)")
        // The control on car B→A names a route without trade: accepted, with a warning.
        #expect(loaded.diagnostics.count == 1 && loaded.diagnostics[0].severity == .warning)
        #expect(loaded.diagnostics.first?.message.contains("has no trade") == true)
        #expect(s.yearInput(2025).conditions.routeQuotas.isEmpty)
        #expect(s.yearInput(2026).conditions.routeQuotas == [Route(Self.metal, from: Self.b, to: Self.a): 5])
        #expect(s.yearInput(2030).conditions.routeQuotas == [Route(Self.ore, from: Self.b, to: Self.a): 0])
        // The demand shock halves car demand in 2029 only.
        let base = try #require(ScenarioLoader.load(path: Self.years).scenario)
        #expect(
            s.yearInput(2029).conditions.finalDemand[Self.b, Self.car] == base.yearInput(2029).conditions.finalDemand[
                Self.b, Self.car] * 0.5)
        #expect(s.yearInput(2028).conditions.finalDemand == base.yearInput(2028).conditions.finalDemand)

        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = try Self.run(path, in: folder, "out")
        let baseOut = try Self.run(Self.years, in: folder, "base")
        func flow(_ rows: [[String: String]], _ product: String, _ year: Int) -> Double {
            Double(
                rows.first {
                    $0["year"] == String(year) && $0["product"] == product && $0["exporter"] == "B" && $0["importer"] == "A"
                }?["quantity"] ?? "") ?? .nan
        }
        let flows = try TestSupport.readTable(out.appendingPathComponent("flows.csv"))
        let baseFlows = try TestSupport.readTable(baseOut.appendingPathComponent("flows.csv"))
        for t in 2024...2030 {
            let metal = flow(flows, "metal", t), ore = flow(flows, "ore", t)
            if (2026...2027).contains(t) {
                // 1e-8 relative: the clearing enforces the quota to its convergence tolerance.
                #expect(metal <= 5 * (1 + 1e-8), "metal B→A in \(t) is \(metal)")
                #expect(flow(baseFlows, "metal", t) > 5, "the quota binds in \(t)")
            } else {
                #expect(metal > 5, "metal B→A in \(t) is not controlled")
            }
            if t >= 2028 {
                #expect(ore == 0, "ore B→A is banned in \(t)")
            } else {
                #expect(ore > 0, "ore B→A is not banned in \(t)")
            }
        }
        // Before any control is in force the run is the baseline, bit for bit.
        #expect(try Self.rows(out, "flows.csv", year: "2025") == (try Self.rows(baseOut, "flows.csv", year: "2025")))
        let controls = try String(contentsOf: out.appendingPathComponent("resolved/export_controls.csv"), encoding: .utf8)
        #expect(
            controls == """
                product,exporter,importer,year,quota
                ore,B,A,2028,0.0
                ore,B,A,2029,0.0
                ore,B,A,2030,0.0
                metal,B,A,2026,5.0
                metal,B,A,2027,5.0

                """)
        let demand = try String(contentsOf: out.appendingPathComponent("resolved/demand_shocks.csv"), encoding: .utf8)
        #expect(demand == "region,product,year,factor\nA,car,2029,0.5\nB,car,2029,0.5\n")
    }

    @Test("a route preference in 2027 only: 2024–2026 bit-identical, metal B→A gains share in 2027")
    func preference() throws {
        let path = TestSupport.fixture("valid/years-shocks-preference.yaml")
        let loaded = ScenarioLoader.load(path: path)
        let s = try #require(loaded.scenario, "\(loaded.diagnostics)")
        // The row on car B→A names a route without trade: accepted, with a warning at its line.
        #expect(loaded.diagnostics.count == 1 && loaded.diagnostics[0].severity == .warning)
        #expect(loaded.diagnostics.first?.message.contains("has no trade") == true)
        #expect(loaded.diagnostics.first?.line == 11)
        let metalBA = Route(Self.metal, from: Self.b, to: Self.a), oreBA = Route(Self.ore, from: Self.b, to: Self.a)
        for t in [2024, 2025, 2026, 2028, 2029] {
            #expect(s.yearInput(t).conditions.routePreferences.isEmpty, "\(t)")
        }
        // Two rows on metal B→A in 2027 multiply (2 · 1.5 = 3, exact); importer * skips B→B,
        // exporter * skips the domestic A→A.
        #expect(s.yearInput(2027).conditions.routePreferences == [metalBA: 3])
        #expect(s.yearInput(2030).conditions.routePreferences == [oreBA: 1.25])
        let tables = Dictionary(uniqueKeysWithValues: OutputTables.resolved(s).map { ($0.name, $0.text) })
        #expect(tables["preferences.csv"] == "product,exporter,importer,year,factor\nore,B,A,2030,1.25\nmetal,B,A,2027,3.0\n")

        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let x = try Self.run(Self.years, in: folder, "base")
        let y = try Self.run(path, in: folder, "preference")
        // Runs are sequential, so years before the preference are untouched: compare as text
        // (the shortest round-trip form of every Double, so == is bit equality).
        for file in ["nodes.csv", "flows.csv", "stocks.csv", "minerals.csv"] {
            for year in ["2024", "2025", "2026"] {
                let before = try Self.rows(x, file, year: year)
                #expect(!before.isEmpty)
                #expect(before == (try Self.rows(y, file, year: year)), "\(file) \(year)")
            }
        }
        func share(_ flows: [[String: String]], _ exporter: String, _ year: String) -> Double {
            let row = flows.first {
                $0["year"] == year && $0["product"] == "metal" && $0["exporter"] == exporter && $0["importer"] == "A"
            }
            return Double(row?["share"] ?? "") ?? .nan
        }
        let baseFlows = try TestSupport.readTable(x.appendingPathComponent("flows.csv"))
        let flows = try TestSupport.readTable(y.appendingPathComponent("flows.csv"))
        // Favoured B gains share in A; A's own supply loses it.
        #expect(share(flows, "B", "2027") > share(baseFlows, "B", "2027"))
        #expect(share(flows, "A", "2027") < share(baseFlows, "A", "2027"))
        let written = try String(contentsOf: y.appendingPathComponent("resolved/preferences.csv"), encoding: .utf8)
        #expect(written == tables["preferences.csv"])
        let none = try String(contentsOf: x.appendingPathComponent("resolved/preferences.csv"), encoding: .utf8)
        #expect(none == "product,exporter,importer,year,factor\n")
    }

    @Test("a tariff shock of rate 0 reproduces the baseline: every CSV byte-identical")
    func zeroShockIsBaseline() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let x = try Self.run(Self.years, in: folder, "base")
        let y = try Self.run(TestSupport.fixture("valid/years-shocks-zero.yaml"), in: folder, "zero")
        let fm = FileManager.default
        let top = try fm.contentsOfDirectory(atPath: x.path).filter { $0.hasSuffix(".csv") }.sorted()
        #expect(top == (try fm.contentsOfDirectory(atPath: y.path).filter { $0.hasSuffix(".csv") }.sorted()))
        #expect(top.count >= 4)
        let resolved = try fm.contentsOfDirectory(atPath: x.appendingPathComponent("resolved").path).sorted()
        #expect(resolved == (try fm.contentsOfDirectory(atPath: y.appendingPathComponent("resolved").path).sorted()))
        // Every CSV but the one that lists the (zero) measures themselves.
        for file in top + resolved.map({ "resolved/\($0)" }) where file != "resolved/shocks_tariffs.csv" {
            let a = try Data(contentsOf: x.appendingPathComponent(file)), b = try Data(contentsOf: y.appendingPathComponent(file))
            #expect(a == b, "\(file) differs")
        }
        let zeros = try TestSupport.readTable(y.appendingPathComponent("resolved/shocks_tariffs.csv"))
        #expect(!zeros.isEmpty && zeros.allSatisfy { $0["rate_added"] == "0.0" })
    }
}
