import Foundation
import MinsimEngine
import Yams

/// The working state of one load: reads the YAML tree and the CSV tables, checks every value,
/// and assembles the `ResolvedScenario`. Used only through `ScenarioLoader`.
struct ScenarioBuilder {
    typealias Field = ScenarioFormat.Field
    typealias Node = MinsimEngine.Node
    typealias RecipeEntry = (input: ProductIndex, quantity: Double, origin: Provenance.RowOrigin)

    /// The scenario file named by the user: the one written to the manifest and resolved.
    let scenarioPath: String
    var diagnostics: [Diagnostic] = []
    var scenario: ResolvedScenario? = nil

    // Names and where they were defined, in scenario order.
    var regions: [(code: String, name: String?, source: String, location: SourceLocation)] = []
    var products: [(product: Product, source: String, location: SourceLocation, stageLocation: SourceLocation)] = []
    /// Region codes and product names by index, as rows refer to them (`RowReader`).
    var names = ScenarioNames()
    /// ε of each product's final demand (`demand_elasticity`, default 0), in product order.
    var demandElasticities: [Double] = []
    /// `choke_price_multiple` of each product, nil where not given, in product order.
    var chokePriceMultiples: [Double?] = []
    var referencedFiles: [String] = []
    var fileDigests: [String: String] = [:]
    /// False: no digests (`ScenarioLoader.load(path:digests:)`).
    var computesDigests = true
    /// Where each yearly input was written, recorded by the decoders (for diagnostics).
    var provenance = Provenance()
    /// The merged top-level keys of the scenario and its parents.
    var document = ScenarioDocument()

    init(path: String) {
        self.scenarioPath = path
    }

    mutating func error(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(at: location, message))
    }

    mutating func warning(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(.warning, at: location, message))
    }

    /// A decoded row with its origin (the origin's texts stored once, in the provenance).
    mutating func sourced<Row>(_ row: Row, source: String, at location: SourceLocation) -> Sourced<Row> {
        Sourced(row, origin: provenance.origin(source: source, at: location))
    }

    /// Where a decoded row was written.
    func location<Row>(_ row: Sourced<Row>) -> SourceLocation { provenance.texts.location(row.origin) }

    /// Where the row of a row origin was written.
    func location(_ origin: Provenance.RowOrigin) -> SourceLocation { provenance.texts.location(origin) }

    /// The value of a top-level key and the file it was written in (the scenario or a parent
    /// it `extends`), against which its positions and relative CSV paths are taken.
    func enter(_ key: String) -> (value: Yams.Node, yaml: YAMLFile)? {
        guard let entry = document.entries[key] else { return nil }
        return (entry.value, YAMLFile(path: entry.path))
    }

    // MARK: - Top level

    mutating func build(data: Data) {
        guard let merged = readDocument(data: data, path: scenarioPath, chain: []) else { return }
        document = merged
        let required = ScenarioFormat.requiredTopLevelKeys
        for key in required where document.entries[key] == nil {
            error(document.root, "missing required key '\(key)'")
        }

        var formatVersion = ToolVersion.scenarioFormat
        if let (node, yaml) = enter("format_version"), let v = integer(yaml.cell(node), key: "format_version") {
            if v != ToolVersion.scenarioFormat {
                error(
                    yaml.location(node),
                    "unsupported format_version \(v); this minsim reads format version \(ToolVersion.scenarioFormat)")
            }
            formatVersion = v
        }
        var name = ""
        if let (node, yaml) = enter("name"), let v = string(yaml.cell(node), key: "name") {
            if v.isEmpty { error(yaml.location(node), "name must not be empty") }
            name = v
        }
        let description = enter("description").flatMap { string($0.yaml.cell($0.value), key: "description") } ?? ""
        var baseYear = 2024
        if let (node, yaml) = enter("base_year"), let v = integer(yaml.cell(node), key: "base_year") {
            if !(1...9999).contains(v) { error(yaml.location(node), "base_year must be a year between 1 and 9999, got \(v)") }
            baseYear = v
        }
        let currency = enter("currency").flatMap { string($0.yaml.cell($0.value), key: "currency") } ?? "USD"

        let regionsUsable = enter("regions").map { readRegions($0.value, in: $0.yaml) } ?? false
        let productsUsable = enter("products").map { readProducts($0.value, in: $0.yaml) } ?? false
        let stages = enter("stages").flatMap { readStages($0.value, in: $0.yaml) }
        guard regionsUsable && productsUsable else { return }
        var tables = TableSet()
        for spec in ScenarioFormat.tables {
            guard let entry = document.entries[spec.key] else { continue }
            let before = diagnostics.count
            if let table = readTable(spec, entry: entry, decode: true) { interpret(table, into: &tables) }
            if diagnostics.count != before { tables.unclean.insert(spec.key) }
        }
        tables.indexTrade(regions: regions.count, products: products.count)
        crossCheck(tables)
        let years = readYears(tables, baseYear: baseYear, stages: stages)
        if !diagnostics.contains(where: { $0.severity == .error }), let years {
            resolve(
                tables, formatVersion: formatVersion, name: name, description: description,
                baseYear: baseYear, currency: currency, stages: stages, years: years)
            if let resolved = scenario, let (node, yaml) = enter("uncertainty") {
                let inputs = readUncertainty(node, resolved, in: yaml)
                scenario = diagnostics.contains { $0.severity == .error } ? nil : resolved.withUncertainty(inputs)
            }
        }
    }
}
