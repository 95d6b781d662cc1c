import Foundation
import Testing

@testable import MinsimScenario

/// Every scenario shipped in `Scenarios/` validates and runs, and the baseline's results are
/// pinned by golden files.
///
/// Golden files live in `Golden/baseline-2024/`. To re-record after an intended change, run
/// `MINSIM_RECORD_GOLDEN=1 swift test --filter ShippedScenarioTests`; the recording run fails
/// on purpose so that it can never pass CI by accident. Review the diff, then run again.
@Suite("Shipped scenarios")
struct ShippedScenarioTests {
    static let scenarios = TestSupport.repositoryRoot.appendingPathComponent("Scenarios")
    static let baseline = scenarios.appendingPathComponent("baseline-2024.yaml")

    static var shipped: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: scenarios.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test("every Scenarios/*.yaml validates and runs to its horizon (2040, or 2035 for uncertainty-steps)", arguments: shipped)
    func validatesAndRuns(_ name: String) throws {
        let path = Self.scenarios.appendingPathComponent(name).path
        let loaded = ScenarioLoader.load(path: path)
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.description).joined(separator: "\n"))")
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try ScenarioRunner.run(
            path: path, outputDirectory: folder.appendingPathComponent("out").path, runtime: TestSupport.runtime)
        #expect(report.years.map(\.year) == Array(report.scenario.simulatedYears) && report.scenario.years.horizon >= 2035)
        #expect(report.years.allSatisfy { $0.solution.status == .solved })
        // Every year is a certified equilibrium (the run would have failed otherwise; checked
        // again here on the certificate itself, tolerance 1e-8 relative).
        for year in report.years {
            #expect(
                year.certificate.certified && year.certificate.largestResidual <= 1e-8,
                "\(name) \(year.year): \(year.certificate.failures)")
        }
        // Every year's capacity clearing converged: no warnings.
        #expect(report.warnings.isEmpty, "\(report.warnings.joined(separator: "\n"))")
    }

    /// The sixfold scenario is built to reach six times the base year's clean-energy mineral
    /// demand in 2040 (Scenarios/data/years/sixfold_derivation.csv): Σ over regions and
    /// minerals of `clean_tech_demand`, 2040 over 2024, within 1 %. The derivation targets 6.000
    /// at base-year sourcing; the model's embodied content per unit moves a little as sourcing
    /// shifts between regions with different chemistries, which the 1 % allows for.
    @Test(
        "iea-sixfold: clean-energy mineral demand in 2040 is 6× the base year (within 1 %)",
        .enabled(if: FileManager.default.fileExists(atPath: scenarios.appendingPathComponent("iea-sixfold.yaml").path)))
    func sixfold() throws {
        let scenario = try #require(
            ScenarioLoader.load(path: Self.scenarios.appendingPathComponent("iea-sixfold.yaml").path).scenario)
        let years = try ScenarioRunner.simulate(scenario)
        func total(_ year: Int) -> Double {
            years.first { $0.year == year }?.simulated.minerals.reduce(0.0) { $0 + $1.cleanTechDemand } ?? .nan
        }
        let ratio = total(2040) / total(2024)
        #expect(ratio > 5 && ratio < 7, "ratio \(ratio)")
        #expect(abs(ratio / 6 - 1) <= 0.01, "clean-tech demand 2040 / 2024 = \(ratio)")
    }

    @Test(
        "baseline-2024 nodes.csv and flows.csv match the golden files (text exact, numbers to 1e-12 relative)",
        .enabled(if: FileManager.default.fileExists(atPath: baseline.path)))
    func golden() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        _ = try ScenarioRunner.run(path: Self.baseline.path, outputDirectory: out.path, runtime: TestSupport.runtime)
        let goldenFolder = TestSupport.golden.appendingPathComponent("baseline-2024")
        let recording = ProcessInfo.processInfo.environment["MINSIM_RECORD_GOLDEN"] == "1"
        for file in ["nodes.csv", "flows.csv", "stocks.csv", "minerals.csv"] {
            let actual = try Data(contentsOf: out.appendingPathComponent(file))
            let goldenFile = goldenFolder.appendingPathComponent(file)
            if recording {
                try FileManager.default.createDirectory(at: goldenFolder, withIntermediateDirectories: true)
                try actual.write(to: goldenFile)
                Issue.record("re-recorded \(goldenFile.path); unset MINSIM_RECORD_GOLDEN and run the tests again")
                continue
            }
            let expected = try #require(
                try? Data(contentsOf: goldenFile),
                "missing golden file \(goldenFile.path); record it with MINSIM_RECORD_GOLDEN=1")
            if actual != expected, let difference = Self.firstMismatch(actual, expected) {
                Issue.record("\(file) differs from \(goldenFile.path) at \(difference)")
            }
        }
    }

    /// The first line where two CSV files differ beyond rounding, or nil.
    ///
    /// Text cells must match exactly. Numeric cells may differ by 1e-12 relative: OpenBLAS picks
    /// its kernels per CPU, and a different summation order moves the last one or two digits
    /// (≈ 1e-16 relative), while any change to the model or the data moves results far more.
    /// Byte-identical output on one machine is the determinism test's job.
    static func firstMismatch(_ actual: Data, _ expected: Data) -> String? {
        let a = String(decoding: actual, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let e = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard a.count == e.count else { return "line counts differ (\(a.count) vs \(e.count))" }
        for (i, (la, le)) in zip(a, e).enumerated() where la != le {
            let ca = la.split(separator: ",", omittingEmptySubsequences: false)
            let ce = le.split(separator: ",", omittingEmptySubsequences: false)
            let same =
                ca.count == ce.count
                && zip(ca, ce).allSatisfy { x, y in
                    if x == y { return true }
                    guard let u = Double(x), let v = Double(y), u.isFinite, v.isFinite else { return false }
                    return abs(u - v) <= 1e-12 * max(abs(u), abs(v))
                }
            if !same { return "line \(i + 1):\n  got      \(la)\n  expected \(le)" }
        }
        return nil
    }
}
