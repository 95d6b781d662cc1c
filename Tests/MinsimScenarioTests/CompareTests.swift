import Foundation
import Testing

@testable import MinsimScenario

/// `minsim compare`: joins, change columns, equivalence of scenario and folder inputs,
/// determinism, refusal of a non-empty output folder and the CLI's exit status.
@Suite("compare")
struct CompareTests {
    static let base = TestSupport.fixture("valid/two-by-two.yaml")
    static let shock = TestSupport.fixture("valid/tariff-shock.yaml")
    static let deltaFiles = ["nodes_delta.csv", "flows_delta.csv", "minerals_delta.csv"]

    static func compare(_ a: String, _ b: String, into out: URL, force: Bool = false) throws(ResultComparison.Failure)
        -> ResultComparison.Report
    {
        try ResultComparison.compare(a, b, outputDirectory: out.path, force: force, runtime: TestSupport.runtime)
    }

    static func bytes(_ folder: URL, _ name: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(name))
    }

    /// A plant that exists only in B has no relative change; the summary lists it as appeared
    /// in B, with its value, instead of only counting it.
    @Test("a new plant in B is listed as appeared in B (A missing: NaN, shown as –)")
    func appearedInB() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try Self.compare(
            TestSupport.fixture("valid/years.yaml"), TestSupport.fixture("valid/years-new-node.yaml"),
            into: folder.appendingPathComponent("cmp"))
        let last = try #require(report.summaries.last)
        #expect(last.year == 2030)
        let plant = try #require(last.appeared.first { $0.region == "C" && $0.product == "metal" && $0.column == "production" })
        // Region C does not exist in A, so A has no value at all.
        #expect(plant.a.isNaN && plant.b > 0 && plant.relative == .infinity)
        #expect(last.appeared.count <= last.unranked)
        let text = ResultComparison.summaryText(report)
        #expect(text.contains("appeared in B"))
    }

    @Test("a scenario compared with itself: every change exactly 0, relative changes 0 or empty")
    func selfComparison() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("cmp")
        let report = try Self.compare(Self.base, Self.base, into: out)
        #expect(report.summaries.allSatisfy { $0.changes.isEmpty && $0.unranked == 0 })

        // Exact, no tolerance: both sides are runs of the same scenario with the same thread
        // count, which the runner guarantees to be byte-identical, and x − x is exactly 0.
        var checked = 0
        for file in Self.deltaFiles {
            let (header, rows) = try TestSupport.readCSV(out.appendingPathComponent(file))
            for row in rows {
                #expect(row.count == header.count)
                for (column, cell) in zip(header, row) {
                    if column.hasSuffix("_relative_change") {
                        #expect(cell.isEmpty || Double(cell) == 0, "\(file) \(column) = \(cell)")
                        checked += 1
                    } else if column.hasSuffix("_change") {
                        #expect(cell.isEmpty || Double(cell) == 0, "\(file) \(column) = \(cell)")
                        checked += 1
                    } else if column.hasSuffix("_a") {
                        // A present means B present and equal: no one-sided rows.
                        let b = row[header.firstIndex(of: String(column.dropLast(2)) + "_b")!]
                        #expect(cell == b)
                    }
                }
            }
        }
        #expect(checked > 0)
        // Every node of the run is in the join once: 17 years × 2 regions × 2 products.
        let nodes = try TestSupport.readCSV(out.appendingPathComponent("nodes_delta.csv"))
        #expect(nodes.rows.count == 17 * 2 * 2)
        #expect(
            nodes.rows.prefix(4).map { [$0[0], $0[1], $0[2]] } == [
                ["2024", "CA", "ore"], ["2024", "CA", "metal"], ["2024", "KR", "ore"], ["2024", "KR", "metal"],
            ])
        #expect(TestSupport.leftovers(in: folder).isEmpty)
    }

    @Test("tariff shock vs base: the shocked routes' tariff rises and their share falls")
    func tariffShock() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("cmp")
        _ = try Self.compare(Self.base, Self.shock, into: out)
        let flows = try TestSupport.readTable(out.appendingPathComponent("flows_delta.csv"))
        // tariff-shock.yaml: metal CA→KR 10 % → 50 %, ore KR→CA 5 % → 30 %.
        for (product, exporter, importer, rise) in [("metal", "CA", "KR", 0.4), ("ore", "KR", "CA", 0.25)] {
            let rows = flows.filter { $0["product"] == product && $0["exporter"] == exporter && $0["importer"] == importer }
            #expect(rows.count == 17)
            for row in rows {
                let change = try #require(Double(row["tariff_rate_change"] ?? ""))
                // The rates are read from the YAML and subtracted once: a few ulps of 0.4 at most.
                #expect(TestSupport.isClose(change, rise, relative: 1e-12), "\(product) \(row["year"]!): \(change)")
                let shareChange = try #require(Double(row["share_change"] ?? ""))
                #expect(shareChange < 0, "\(product) \(exporter)→\(importer) \(row["year"]!): share change \(shareChange)")
                let relative = try #require(Double(row["share_relative_change"] ?? ""))
                #expect(relative < 0)
            }
        }
        // An unshocked route keeps its zero tariff.
        let domestic = flows.filter { $0["product"] == "metal" && $0["exporter"] == "KR" && $0["importer"] == "KR" }
        #expect(domestic.allSatisfy { $0["tariff_rate_change"] == "0.0" })
    }

    @Test("two result folders give the same delta files as the two scenarios")
    func foldersEqualScenarios() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let runA = folder.appendingPathComponent("run-a").path, runB = folder.appendingPathComponent("run-b").path
        _ = try ScenarioRunner.run(path: Self.base, outputDirectory: runA, runtime: TestSupport.runtime)
        _ = try ScenarioRunner.run(path: Self.shock, outputDirectory: runB, runtime: TestSupport.runtime)
        let fromScenarios = folder.appendingPathComponent("from-scenarios")
        let fromFolders = folder.appendingPathComponent("from-folders")
        let r1 = try Self.compare(Self.base, Self.shock, into: fromScenarios)
        let r2 = try Self.compare(runA, runB, into: fromFolders)
        for file in Self.deltaFiles {
            #expect(try Self.bytes(fromScenarios, file) == Self.bytes(fromFolders, file), "\(file)")
        }
        #expect(r1.a.kind == .scenario && r2.a.kind == .result)
        #expect(r1.a.scenarioName == "two-by-two" && r2.b.scenarioName == "tariff-shock")
        #expect(r1.summaries == r2.summaries)
        #expect(r2.summaries.map(\.year) == [2030, 2040])
        // compare.json records the folder's manifest digest.
        let manifest = try Data(contentsOf: URL(fileURLWithPath: runA).appendingPathComponent("manifest.json"))
        #expect(r2.a.manifestSHA256 == SHA256.hex(of: manifest))
    }

    @Test("a side present in one result only keeps its rows with empty cells for the other")
    func oneSidedRows() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let runA = folder.appendingPathComponent("run-a")
        _ = try ScenarioRunner.run(path: Self.base, outputDirectory: runA.path, runtime: TestSupport.runtime)
        // B: the same result without its last year.
        let runB = folder.appendingPathComponent("run-b")
        try FileManager.default.copyItem(at: runA, to: runB)
        let nodesB = runB.appendingPathComponent("nodes.csv")
        let text = try String(contentsOf: nodesB, encoding: .utf8)
        try text.split(separator: "\n").filter { !$0.contains(",2040,") }.map { $0 + "\n" }.joined()
            .write(to: nodesB, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("cmp")
        _ = try Self.compare(runA.path, runB.path, into: out)
        let rows = try TestSupport.readTable(out.appendingPathComponent("nodes_delta.csv"))
        #expect(rows.count == 17 * 4)
        let last = rows.filter { $0["year"] == "2040" }
        #expect(last.count == 4)
        for row in last {
            #expect(row["production_a"]?.isEmpty == false)
            #expect(row["production_b"] == "" && row["production_change"] == "" && row["production_relative_change"] == "")
            #expect(row["stage"]?.isEmpty == false)
        }
    }

    @Test("two comparisons of the same inputs are byte-identical")
    func determinism() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let runA = folder.appendingPathComponent("run-a").path, runB = folder.appendingPathComponent("run-b").path
        _ = try ScenarioRunner.run(path: Self.base, outputDirectory: runA, runtime: TestSupport.runtime)
        _ = try ScenarioRunner.run(path: Self.shock, outputDirectory: runB, runtime: TestSupport.runtime)
        // Result folders: every file identical, compare.json included.
        let one = folder.appendingPathComponent("one"), two = folder.appendingPathComponent("two")
        _ = try Self.compare(runA, runB, into: one)
        _ = try Self.compare(runA, runB, into: two)
        for file in Self.deltaFiles + ["compare.json"] {
            #expect(try Self.bytes(one, file) == Self.bytes(two, file), "\(file)")
        }
        // Scenarios: the deltas are identical (compare.json holds the digests of the temporary
        // runs' manifests, which contain wall times).
        let three = folder.appendingPathComponent("three"), four = folder.appendingPathComponent("four")
        _ = try Self.compare(Self.base, Self.shock, into: three)
        _ = try Self.compare(Self.base, Self.shock, into: four)
        for file in Self.deltaFiles {
            #expect(try Self.bytes(three, file) == Self.bytes(four, file), "\(file)")
        }
        let text = try String(contentsOf: one.appendingPathComponent("nodes_delta.csv"), encoding: .utf8)
        #expect(!text.lowercased().contains("nan") && !text.lowercased().contains("inf"))
    }

    @Test("a non-empty --out is refused without --force and left untouched; --force replaces it")
    func refusesNonEmptyOutput() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("cmp")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let keep = out.appendingPathComponent("keep.txt")
        try Data("mine\n".utf8).write(to: keep)
        #expect(throws: ResultComparison.Failure.output(.outputExists(out.path))) {
            _ = try Self.compare(Self.base, Self.shock, into: out)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["keep.txt"])
        #expect(try Data(contentsOf: keep) == Data("mine\n".utf8))
        #expect(TestSupport.leftovers(in: folder).isEmpty)

        _ = try Self.compare(Self.base, Self.shock, into: out, force: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(names == ["compare.json", "flows_delta.csv", "minerals_delta.csv", "nodes_delta.csv"])
        #expect(TestSupport.leftovers(in: folder).isEmpty)
    }

    @Test("bad inputs: a missing path or a folder that is not a result folder is exit 2")
    func badInputs() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("cmp")
        let missing = folder.appendingPathComponent("missing.yaml").path
        do {
            _ = try Self.compare(missing, Self.base, into: out)
            Issue.record("a missing input was accepted")
        } catch {
            #expect(error.exitCode == 2)
            #expect(error.message.contains("does not exist"))
        }
        do {
            _ = try Self.compare(Self.base, TestSupport.fixture("valid"), into: out)
            Issue.record("a folder without results was accepted")
        } catch {
            #expect(error.exitCode == 2)
            #expect(error.message.contains("not a result folder"))
        }
        do {
            _ = try Self.compare(TestSupport.fixture("broken/multiple-errors.yaml"), Self.base, into: out)
            Issue.record("an invalid scenario was accepted")
        } catch {
            #expect(error.exitCode == 2)
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(TestSupport.leftovers(in: folder).isEmpty)
    }

    @Test("CLI: compare prints the summary; a bad input path exits 2 with a clear message")
    func commandLine() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("cmp").path
        let ok = try CommandLineTests.minsim(["compare", Self.base, Self.shock, "--out", out, "--threads", "1"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("wrote \(out): nodes_delta.csv (68 rows)"))
        #expect(ok.stdout.contains("2030: largest relative changes B vs A"))
        #expect(ok.stdout.contains("production   KR      metal"))

        let again = try CommandLineTests.minsim(["compare", Self.base, Self.shock, "--out", out, "--quiet"])
        #expect(again.status == 2)
        #expect(again.stderr.contains("exists and is not empty"))

        let missing = folder.appendingPathComponent("nope.yaml").path
        let bad = try CommandLineTests.minsim(["compare", missing, Self.base, "--out", folder.appendingPathComponent("x").path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("error: '\(missing)' does not exist"))
        #expect(bad.stdout.isEmpty)

        let quiet = try CommandLineTests.minsim([
            "compare", Self.base, Self.base, "--out", folder.appendingPathComponent("q").path, "--quiet",
        ])
        #expect(quiet.status == 0 && quiet.stdout.isEmpty, "\(quiet.stderr)")
    }
}
