import ArgumentParser
import MinsimScenario

/// `minsim schema`: prints the JSON Schema of the scenario format for editors.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print a JSON Schema (draft 2020-12) of the scenario format."
    )

    func run() {
        print(ScenarioSchema.json().rendered(), terminator: "")
    }
}
