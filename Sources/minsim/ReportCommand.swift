import ArgumentParser
import Foundation
import MinsimReport

/// `minsim report RESULT_DIR [--compare OTHER] --out report.html [--figures DIR]`: the
/// self-contained HTML report of a result folder, or of two side by side.
///
/// Exit status: 0 on success, 2 for bad input (not a result folder, a malformed table, a year
/// that was not simulated) or a refused output, 1 when the output cannot be written.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report (Sankey diagrams, charts, trade tables) of a result folder.",
        discussion: """
            The report is one HTML file with everything inline: it opens offline in any browser and prints. \
            With --compare, every chart shows both runs (A = RESULT_DIR solid, B = --compare dashed) and their \
            difference. With --figures, every chart is also written as a standalone SVG file for papers.
            """
    )

    @Argument(help: "Result folder written by `minsim run` (A when comparing).")
    var result: String

    @Option(name: .long, help: "A second result folder to compare with (B).")
    var compare: String?

    @Option(name: .long, help: "HTML file to write (default: RESULT_DIR/report.html).")
    var out: String?

    @Option(name: .long, help: "Also write every chart as a standalone SVG file into this folder.")
    var figures: String?

    @Option(
        name: .long, parsing: .upToNextOption,
        help: "Years of the Sankey diagrams and trade tables (default: the base year, 2030 and the horizon).")
    var years: [Int] = []

    @Flag(name: .long, help: "Replace an existing output file or non-empty figures folder.")
    var force = false

    @OptionGroup var verbosity: QuietOption

    func run() throws {
        let output = out ?? (result as NSString).appendingPathComponent("report.html")
        do {
            let written = try ReportFiles.writeReport(
                result: result, compare: compare, output: output, figures: figures, force: force,
                options: ReportOptions(years: years.isEmpty ? nil : years))
            if !verbosity.quiet { print(ReportSummary.text(written)) }
        } catch {
            StandardError.print(error.message)
            throw ExitCode(error.exitCode)
        }
    }
}

/// What `minsim report` and `minsim run --report` print.
enum ReportSummary {
    static func text(_ written: ReportFiles.Written) -> String {
        var lines = ["wrote \(written.html) (\(written.htmlBytes / 1024) KB; open it in a browser, it needs no network)"]
        if let folder = written.figuresFolder { lines.append("wrote \(written.figures.count) SVG figures to \(folder)/") }
        return lines.joined(separator: "\n")
    }
}
