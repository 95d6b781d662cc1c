import ArgumentParser
import Foundation
import MinsimReport

/// `minsim export iamc RESULT_DIR… --out results.csv`: result folders in other tools' formats.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export result folders in other tools' formats.",
        subcommands: [IAMCCommand.self]
    )
}

/// `minsim export iamc`: the wide IAMC layout pyam and the IIASA scenario explorer read.
///
/// Exit status: 0 on success, 2 for bad input or a refused output file, 1 when the file
/// cannot be written.
struct IAMCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iamc",
        abstract: "Write result folders as one IAMC-format CSV (Model, Scenario, Region, Variable, Unit, one column per year).",
        discussion: """
            Variables follow the tree in docs/iamc.md (Production|Refining|Nickel, Price|Refined|Lithium, \
            Trade|Imports|Cells, Unmet Demand|Electric Vehicles, Stock|Electric Vehicles, …) with units pyam's \
            unit registry (iam-units) reads. A World region is the sum of the regions for additive quantities. \
            Several folders go into one file (one scenario each): pyam.IamDataFrame("results.csv").
            """
    )

    @Argument(help: "One or more result folders written by `minsim run`.")
    var results: [String]

    @Option(name: .long, help: "CSV file to write.")
    var out: String

    @Flag(name: .long, help: "Replace an existing output file.")
    var force = false

    @OptionGroup var verbosity: QuietOption

    func run() throws {
        do {
            var folders: [ResultFolder] = []
            for path in results { folders.append(try ResultFolder.read(path)) }
            let text = try IAMCExport.csv(folders)
            try ReportFiles.writeFile(Data(text.utf8), to: out, force: force)
            if !verbosity.quiet {
                let rows = text.split(separator: "\n").count - 1
                print(
                    "wrote \(out): \(rows) rows, \(folders.count) scenario\(folders.count == 1 ? "" : "s") (IAMC wide format; load with pyam.IamDataFrame)"
                )
            }
        } catch {
            StandardError.print(error.message)
            throw ExitCode(error.exitCode)
        }
    }
}
