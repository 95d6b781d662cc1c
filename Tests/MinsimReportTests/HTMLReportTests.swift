import Foundation
import Testing

@testable import MinsimReport

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("HTML report and SVG figures")
struct HTMLReportTests {
    /// Whether `text` is well-formed XML (XMLParser reports the first error).
    static func parsesAsXML(_ text: String) -> Bool {
        XMLParser(data: Data(text.utf8)).parse()
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test("one run: every section, every figure inline, no address outside the page")
    func single() throws {
        let folder = try ReportTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try ReportTestSupport.run("years.yaml", into: folder)
        let report = try HTMLReport.build(ResultFolder.read(path))
        let html = report.html
        for id in [
            "guide", "glance", "solver", "sankey", "production", "prices", "unmet-demand-minerals", "fleet", "trade", "sources",
            "run",
        ] {
            #expect(html.contains("<section id=\"\(id)\">"), "missing section \(id)")
        }
        // Default years: base year, (no 2030 before the horizon) and the horizon 2030.
        #expect(report.figures.map(\.name).filter { $0.hasPrefix("sankey-") } == ["sankey-x-2024", "sankey-x-2030"])
        for figure in report.figures {
            #expect(Self.parsesAsXML(figure.svg), "\(figure.name).svg is not well-formed XML")
            #expect(html.contains("data-figure=\"\(figure.name)\""))
        }
        // Offline: the only URL is the SVG namespace (an identifier, never fetched).
        let urls = html.components(separatedBy: "http").dropFirst().map { String($0.prefix(30)) }
        #expect(urls.allSatisfy { $0.hasPrefix("://www.w3.org/2000/svg") }, "\(urls)")
        #expect(!html.contains("<link") && !html.contains("src="))
        let description = try #require(try ResultFolder.read(path).manifest.scenarioDescription)
        #expect(html.contains(SVG.escape(description)))
        let years = try ResultFolder.read(path).manifest.years.count
        #expect(html.contains("Certified in \(years) of \(years) years"))
    }

    @Test("two runs: both drawn, differences, same Sankey scale, largest changes")
    func compare() throws {
        let folder = try ReportTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = try ReportTestSupport.run("years.yaml", into: folder, name: "a")
        let b = try ReportTestSupport.run("years-shocks.yaml", into: folder, name: "b")
        let written = try ReportFiles.writeReport(
            result: a, compare: b, output: folder.appendingPathComponent("cmp.html").path,
            figures: folder.appendingPathComponent("figures").path)
        let html = try String(contentsOfFile: written.html, encoding: .utf8)
        #expect(html.contains("<section id=\"largest-changes\">"))
        #expect(written.figures.contains("production-difference.svg"))
        #expect(written.figures.contains("sankey-x-2030-a.svg") && written.figures.contains("sankey-x-2030-b.svg"))
        #expect(written.figures.contains("sankey-x-2030-difference.svg"))
        for name in written.figures {
            let svg = try String(contentsOfFile: folder.appendingPathComponent("figures/\(name)").path, encoding: .utf8)
            #expect(svg.hasPrefix("<?xml"))
            #expect(Self.parsesAsXML(svg), "\(name) is not well-formed XML")
        }
        // Both Sankey diagrams of a year are drawn at one scale: their captions state it.
        let sa = try String(contentsOfFile: folder.appendingPathComponent("figures/sankey-x-2030-a.svg").path, encoding: .utf8)
        let sb = try String(contentsOfFile: folder.appendingPathComponent("figures/sankey-x-2030-b.svg").path, encoding: .utf8)
        func scale(_ svg: String) -> String? {
            svg.range(of: #"\(([0-9.]+) px per kt\)"#, options: .regularExpression).map { String(svg[$0]) }
        }
        #expect(scale(sa) != nil && scale(sa) == scale(sb))
    }

    @Test("folders with and without markets.csv and a certificate: shown when present, a note when not")
    func fallbacks() throws {
        let folder = try ReportTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let new = try HTMLReport.build(ResultFolder.read(ReportTestSupport.handFolder(into: folder, name: "new"))).html
        #expect(new.contains("Certified in 1 of 1 years (tolerance 1e-08)"))
        #expect(new.contains("<section id=\"unserved-share\">"))
        #expect(!new.contains("<section id=\"notes\">"))
        let old = try HTMLReport.build(
            ResultFolder.read(
                ReportTestSupport.handFolder(
                    into: folder, name: "old", markets: false, recipes: false, certificate: false, recipePaths: true)
            )
        ).html
        #expect(old.contains("<section id=\"notes\">"))
        #expect(old.contains("no markets.csv"))
        #expect(old.contains("No diagram for x in 2024"))
        #expect(old.contains("No solver certificate in this folder"))
        #expect(!old.contains("<section id=\"unserved-share\">"))
    }

    @Test("bad input and refused outputs: clear errors, nothing written")
    func errors() throws {
        let folder = try ReportTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let hand = try ReportTestSupport.handFolder(into: folder)
        let out = folder.appendingPathComponent("r.html").path
        #expect(throws: ReportFailure.self) {
            try ReportFiles.writeReport(result: folder.appendingPathComponent("none").path, output: out)
        }
        do {
            _ = try ReportFiles.writeReport(result: hand, output: out, options: ReportOptions(years: [2031]))
            Issue.record("a year that was not simulated must be refused")
        } catch {
            #expect(error.exitCode == 2)
            #expect(error.message.contains("2031 was not simulated"))
        }
        #expect(!FileManager.default.fileExists(atPath: out))
        _ = try ReportFiles.writeReport(result: hand, output: out)
        #expect(
            throws: ReportFailure.outputRefused("output file '\(out)' exists; choose another --out or pass --force to replace it")
        ) {
            try ReportFiles.writeReport(result: hand, output: out)
        }
        _ = try ReportFiles.writeReport(result: hand, output: out, force: true)
        // A malformed number is reported with file, line and column.
        let broken = try ReportTestSupport.handFolder(into: folder, name: "broken")
        let nodes = broken + "/nodes.csv"
        let text = try String(contentsOfFile: nodes, encoding: .utf8).replacingOccurrences(of: "38.0,40.0", with: "38.0,lots")
        try Data(text.utf8).write(to: URL(fileURLWithPath: nodes))
        #expect(throws: ReportFailure.badInput("\(nodes):2:31: 'lots' in column 'capacity' is not a finite number")) {
            try ResultFolder.read(broken)
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test("number formats: grouped, signed, scaled units")
    func formats() {
        #expect(NumberFormat.grouped(1_234_567.891, decimals: 2) == "1,234,567.89")
        #expect(NumberFormat.grouped(-1234, decimals: 0) == "−1,234")
        #expect(NumberFormat.quantity(1_160_000, unit: "t") == "1.16 Mt")
        #expect(NumberFormat.quantity(950, unit: "t") == "950 t")
        #expect(NumberFormat.quantity(2_300_000, unit: "vehicle") == "2.3 million vehicle")
        #expect(NumberFormat.signed(0.0) == "0")
        #expect(Axis.ticks(min: 0, max: 3.7) == [0, 1, 2, 3, 4])
        #expect(Axis.yearTicks(Array(2024...2040)) == [2025, 2030, 2035, 2040])
        #expect(Axis.yearTicks([2024]) == [2024])
    }
}
