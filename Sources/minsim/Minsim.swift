import ArgumentParser
import MinsimScenario

@main
struct Minsim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "minsim",
        abstract: "Critical-minerals supply-chain simulator: mass-balanced flows, prices and trade.",
        version: ToolVersion.tool,
        subcommands: [
            ValidateCommand.self, RunCommand.self, CompareCommand.self, ReportCommand.self, ExportCommand.self,
            SchemaCommand.self,
            GenerateCommand.self, EnsembleCommand.self,
        ]
    )
}
