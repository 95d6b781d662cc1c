import Foundation
import Testing

@testable import MinsimScenario

/// Runs the built `minsim` executable, which `swift test` builds next to the test bundle.
@Suite("minsim command line")
struct CommandLineTests {
    static var executable: URL? {
        var candidates: [URL] = []
        if let exe = Bundle.main.executableURL {
            candidates.append(exe.deletingLastPathComponent().appendingPathComponent("minsim"))
        }
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("minsim"))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("minsim"))
        candidates.append(TestSupport.repositoryRoot.appendingPathComponent(".build/debug/minsim"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func minsim(_ arguments: [String]) throws -> Output {
        let exe = try #require(executable, "the minsim executable was not found next to the test bundle; run `swift build` first")
        let process = Process()
        process.executableURL = exe
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test("validate: exit 0 for a valid scenario")
    func validateValid() throws {
        let r = try Self.minsim([
            "validate", TestSupport.fixture("valid/two-by-two.yaml"), TestSupport.fixture("valid/two-by-two-csv.yaml"),
        ])
        #expect(r.status == 0)
        #expect(r.stdout.contains("2 files valid"))
    }

    @Test("validate: exit 2 and path:line:column diagnostics, sorted, then a summary")
    func validateInvalid() throws {
        let path = TestSupport.fixture("broken/multiple-errors.yaml")
        let r = try Self.minsim(["validate", path])
        #expect(r.status == 2)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(
            lines.first
                == "\(path):6:53: error: expected a number for 'elasticity' in product 'ore', found 'fast' (write plain decimals such as 1200, 0.25 or 1.5e-3)"
        )
        #expect(lines.last == "4 errors in 1 of 1 file")
    }

    @Test("validate: every broken fixture exits 2 without crashing", arguments: BrokenScenarioTests.cases.map(\.scenario))
    func validateBroken(_ name: String) throws {
        let r = try Self.minsim(["validate", TestSupport.fixture("broken/\(name)")])
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
    }

    @Test("run: writes the output folder and a summary; refuses to overwrite")
    func run() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out").path
        let r = try Self.minsim(["run", TestSupport.fixture("valid/two-by-two.yaml"), "--out", out, "--threads", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("simulated 2024–2040 (17 years)"))
        #expect(r.stdout.contains("every year certified"))
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(
            files == [
                "flows.csv", "manifest.json", "markets.csv", "minerals.csv", "nodes.csv", "recipes_by_year.csv", "resolved",
                "stocks.csv",
            ])
        // stderr is a pipe here: no progress line, no escape codes, no carriage returns.
        #expect(r.stderr.isEmpty, "\(r.stderr)")
        let manifest =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: out).appendingPathComponent("manifest.json"))) as? [String: Any]
        #expect((manifest?["blas"] as? [String: Any])?["threads"] as? Int == 1)
        // On an x86-64 CPU with AVX2 and FMA (per /proc/cpuinfo) and without a user's
        // OPENBLAS_CORETYPE, the run must not use OpenBLAS's generic SSE3 ("Prescott") kernels:
        // either OpenBLAS recognised the CPU, or minsim switched it (`BLASRuntime.selectKernels`).
        let library = (manifest?["blas"] as? [String: Any])?["library"] as? String ?? ""
        let flags =
            (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("flags") }?
            .split(separator: " ").map(String.init) ?? []
        if flags.contains("avx2") && flags.contains("fma") && ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil {
            #expect(library.hasPrefix("OpenBLAS") && !library.contains("Prescott"), "\(library)")
        }

        let again = try Self.minsim(["run", TestSupport.fixture("valid/two-by-two.yaml"), "--out", out, "--quiet"])
        #expect(again.status == 2)
        #expect(again.stderr.contains("--force"))
        let forced = try Self.minsim(["run", TestSupport.fixture("valid/two-by-two.yaml"), "--out", out, "--force", "--quiet"])
        #expect(forced.status == 0)
        #expect(forced.stdout.isEmpty)
    }

    @Test("run --cohorts writes stocks_by_cohort.csv; a multi-year run prints the summary table")
    func cohorts() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out").path
        let r = try Self.minsim(["run", TestSupport.fixture("valid/years.yaml"), "--out", out, "--cohorts"])
        #expect(r.status == 0, "\(r.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(files.contains("stocks_by_cohort.csv"))
        #expect(!r.stderr.contains("\u{1B}") && !r.stderr.contains("\r") && !r.stderr.contains("solving"))
        #expect(r.stdout.contains("2030  unmet demand (t)"))
        #expect(r.stdout.contains("secondary share of refinery feed"))
        let (header, rows) = try TestSupport.readCSV(URL(fileURLWithPath: out).appendingPathComponent("stocks_by_cohort.csv"))
        #expect(header == OutputTables.cohortColumns)
        #expect(rows.contains { $0[1] == "2024" && $0[2] == "A" && $0[3] == "2020" })
        let plain = try Self.minsim(["run", TestSupport.fixture("valid/years.yaml"), "--out", out, "--force", "--quiet"])
        #expect(plain.status == 0 && plain.stdout.isEmpty && plain.stderr.isEmpty)
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: out)).contains("stocks_by_cohort.csv"))
    }

    @Test("run --report, report --compare --figures, export iamc: files written, exit 2 for bad input")
    func report() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("a").path, b = folder.appendingPathComponent("b").path
        let run = try Self.minsim(["run", TestSupport.fixture("valid/years.yaml"), "--out", a, "--report"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("wrote \(a)/report.html"))
        #expect(FileManager.default.fileExists(atPath: a + "/report.html"))
        _ = try Self.minsim(["run", TestSupport.fixture("valid/years-shocks.yaml"), "--out", b, "--quiet"])
        let html = folder.appendingPathComponent("cmp.html").path, figures = folder.appendingPathComponent("fig").path
        let compare = try Self.minsim(["report", a, "--compare", b, "--out", html, "--figures", figures, "--years", "2027"])
        #expect(compare.status == 0, "\(compare.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: figures).contains("sankey-x-2027-difference.svg"))
        let again = try Self.minsim(["report", a, "--out", html])
        #expect(again.status == 2 && again.stderr.contains("--force"))
        let year = try Self.minsim(["report", a, "--out", html, "--force", "--years", "2050"])
        #expect(year.status == 2 && year.stderr.contains("2050 was not simulated"))
        let notFolder = try Self.minsim(["report", TestSupport.fixture("valid/years.yaml")])
        #expect(notFolder.status == 2 && notFolder.stderr.contains("give a result folder"))
        let csv = folder.appendingPathComponent("iamc.csv").path
        let export = try Self.minsim(["export", "iamc", a, b, "--out", csv])
        #expect(export.status == 0, "\(export.stderr)")
        let (header, rows) = try TestSupport.readCSV(URL(fileURLWithPath: csv))
        #expect(header.prefix(5) == ["Model", "Scenario", "Region", "Variable", "Unit"])
        #expect(Set(rows.map { $0[1] }) == ["years", "years-shocks"])
        let same = try Self.minsim(["export", "iamc", a, a, "--out", csv, "--force"])
        #expect(same.status == 2 && same.stderr.contains("separate files"))
    }

    @Test("run: exit 2 for invalid input, 1 for a failed solve, no folder left")
    func runFailures() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out").path
        let invalid = try Self.minsim(["run", TestSupport.fixture("broken/negative-price.yaml"), "--out", out])
        #expect(invalid.status == 2)
        #expect(invalid.stderr.contains("negative-price.yaml:21:52: error:"))
        let singular = try Self.minsim(["run", TestSupport.fixture("runfail/singular.yaml"), "--out", out])
        #expect(singular.status == 1)
        #expect(singular.stderr.contains("singular"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        // Tariff shocks that add up to a rate ≤ −1: bad input found before solving (exit 2).
        let subsidy = try Self.minsim(["run", TestSupport.fixture("valid/years-shocks-subsidy.yaml"), "--out", out])
        #expect(subsidy.status == 2)
        #expect(subsidy.stderr.contains("years-shocks-subsidy.yaml:11:7: error: in 2027–2030: tariff on metal B→A"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    /// The option groups shared by the commands (`--out`/`--force`, `--threads`, `--solver`,
    /// `--max-dense-unknowns`, `--quiet`) parse and validate the same everywhere.
    @Test("shared options: the same names, checks and help in run and compare", arguments: ["run", "compare"])
    func sharedOptions(_ command: String) throws {
        let sides = command == "run" ? ["x.yaml"] : ["a.yaml", "b.yaml"]
        let zero = try Self.minsim([command] + sides + ["--out", "o", "--threads", "0"])
        #expect(zero.status == 64 && zero.stderr.contains("--threads must be at least 1"), "\(zero.stderr)")
        let noDense = try Self.minsim([command] + sides + ["--out", "o", "--max-dense-unknowns", "0"])
        #expect(
            noDense.status == 64 && noDense.stderr.contains("--max-dense-unknowns must be at least 1"), "\(noDense.stderr)")
        let help = try Self.minsim([command, "--help"])
        for option in [
            "--out <out>", "--force", "--threads <threads>", "--solver <solver>", "--max-dense-unknowns <max-dense-unknowns>",
            "--quiet",
        ] {
            #expect(help.stdout.contains(option), "\(command) --help lacks \(option)")
        }
    }

    /// A year too large for the dense clearing method: exit status 1 (a failed solve), the
    /// year and the option that raises the limit on stderr, no output folder.
    @Test("run: a year above --max-dense-unknowns fails with exit 1 and names the option")
    func denseLimit() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out").path
        let r = try Self.minsim(["run", TestSupport.fixture("valid/years.yaml"), "--out", out, "--max-dense-unknowns", "1"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("more than the limit of 1 (--max-dense-unknowns"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("schema: prints valid JSON")
    func schema() throws {
        let r = try Self.minsim(["schema"])
        #expect(r.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(json?["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
    }
}
