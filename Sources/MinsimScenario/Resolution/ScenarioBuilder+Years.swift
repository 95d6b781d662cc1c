import Foundation
import MinsimEngine
import Yams

/// Reading the yearly keys (docs/scenario-format-years.md). Same rules as the one-year keys:
/// every problem is collected with its file, line and column, names get a "did you mean",
/// and nothing here traps on bad input.
extension ScenarioBuilder {
    /// Reads horizon, ceiling, paths, projects, expansion, fleet and minerals; nil when any of
    /// them has an error (the diagnostics say which).
    mutating func readYears(_ t: TableSet, baseYear: Int, stages: [String]?) -> ScenarioYears? {
        let errorsBefore = diagnostics.filter { $0.severity == .error }.count

        var horizon = max(ScenarioFormat.defaultHorizon, baseYear)
        if let (node, yaml) = enter("horizon"), let v = integer(yaml.cell(node), key: "horizon") {
            if v < baseYear || v > 9999 {
                let why = v < baseYear ? "is before base_year \(baseYear)" : "is too late"
                error(yaml.location(node), "horizon \(v) \(why); it must be a year from \(baseYear) to 9999")
            } else {
                horizon = v
            }
        }
        var ceiling = ScenarioFormat.defaultPriceCeilingMultiple
        if let (node, yaml) = enter("price_ceiling_multiple"),
            let field = ScenarioFormat.scalarKeys.first(where: { $0.name == "price_ceiling_multiple" }),
            let v = number(yaml.cell(node), field: field, what: "the scenario")
        {
            ceiling = v
        }

        var chemistries: [Sourced<ScenarioYears.ChemistryRow>] = []
        if let entry = document.entries["chemistries"], let table = readTable(ScenarioFormat.chemistries, entry: entry) {
            chemistries = chemistryRows(table)
        }
        var rows: [Sourced<ScenarioYears.PathRow>] = []
        var mixClean = true
        for spec in ScenarioFormat.pathTables {
            guard let entry = document.paths[spec.key] else { continue }
            let before = diagnostics.count
            defer { if spec.key == "chemistry_mix" && diagnostics.count != before { mixClean = false } }
            let qualified = TableSpec(
                key: "paths.\(spec.key)", required: false, columns: spec.columns, description: spec.description)
            guard let kind = PathTable(rawValue: spec.key), let table = readTable(qualified, entry: entry) else { continue }
            rows += pathRows(table, kind: kind, t: t, chemistries: chemistries)
        }
        // Sums and years only mean something once every row of the mix was read.
        if mixClean { checkChemistryMix(rows.filter { $0.kind == .chemistryMix }, t, chemistries: chemistries) }
        var projects: [Sourced<ScenarioYears.Project>] = []
        if let entry = document.entries["capacity_projects"], let table = readTable(ScenarioFormat.capacityProjects, entry: entry)
        {
            projects = projectRows(table)
        }
        checkCapacityFactors(rows, t, projects: projects)
        checkCapacityNodes(rows, t, projects: projects)
        var shocks = PolicyShocks()
        if let (node, yaml) = enter("shocks") { shocks = readShocks(node, t, in: yaml) }
        let networkStages = stagesInOrder(stages)
        let (expansion, expansionOrigin) =
            enter("expansion").map { readExpansion($0.value, stages: networkStages, in: $0.yaml) } ?? (nil, nil)
        var minerals: [Sourced<MineralChain>] = []
        if let (node, yaml) = enter("minerals") {
            provenance.record(table: "minerals", at: yaml.location(node))
            minerals = readMinerals(node, in: yaml)
        }
        var fleet: FleetSettings? = nil
        var cohorts: [Sourced<ScenarioYears.CohortRow>] = []
        if let (node, yaml) = enter("fleet") {
            provenance.record(table: "fleet", at: yaml.location(node))
            if let read = readFleet(node, baseYear: baseYear, in: yaml) {
                fleet = FleetSettings(
                    vehicle: read.vehicle, lifetime: read.lifetime, initialStock: read.initialStock,
                    minerals: minerals.map(\.row))
                provenance.record(.fleet, read.origin)
                provenance.record(.lifetime, read.lifetimeOrigin)
                cohorts = read.cohorts
            }
        }

        guard diagnostics.filter({ $0.severity == .error }).count == errorsBefore else { return nil }
        if let expansionOrigin { provenance.record(.expansion, expansionOrigin) }
        let (pathRows, pathOrigins) = rows.split()
        let (chemistryRows, chemistryOrigins) = chemistries.split()
        let (projectRows, projectOrigins) = projects.split()
        let (cohortRows, cohortOrigins) = cohorts.split()
        let (chains, chainOrigins) = minerals.split()
        provenance.record(.paths, pathOrigins)
        provenance.record(.chemistries, chemistryOrigins)
        provenance.record(.projects, projectOrigins)
        provenance.record(.initialStock, cohortOrigins)
        provenance.record(.minerals, chainOrigins)
        var years = ScenarioYears(
            horizon: horizon, priceCeilingMultiple: ceiling, demandElasticity: demandElasticities,
            chokePriceMultiple: chokePriceMultiples.map { $0 ?? ceiling }, pathRows: pathRows,
            chemistries: chemistryRows, projects: projectRows, expansion: expansion, fleet: fleet,
            initialStock: cohortRows, minerals: chains)
        years.shocks = shocks
        return years
    }

    typealias TableSpec = ScenarioFormat.TableSpec

    /// Stage names upstream first: `stages` if given, then the order products name them.
    func stagesInOrder(_ stages: [String]?) -> [String] {
        var out = stages ?? []
        for p in products where !out.contains(p.product.stage) { out.append(p.product.stage) }
        return out
    }
}
