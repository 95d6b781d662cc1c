import Foundation
import MinsimEngine
import Yams

/// Decoders of the `fleet` key: vehicle product, lifetime distribution and initial stock.
extension ScenarioBuilder {
    struct FleetRead {
        var vehicle: ProductIndex
        var lifetime: LifetimeDistribution
        var lifetimeOrigin: Provenance.Origin
        var initialStock: [RegionIndex: [Int: Double]]
        var cohorts: [Sourced<ScenarioYears.CohortRow>]
        var origin: Provenance.Origin
    }

    mutating func readFleet(_ node: Yams.Node, baseYear: Int, in yaml: YAMLFile) -> FleetRead? {
        guard let r = row(node, in: yaml, fields: ScenarioFormat.fleetKeys, what: "fleet") else { return nil }
        var reader = rowReader(r, what: "fleet")
        defer { absorb(reader) }
        let vehicle = reader.product("product", what: "fleet")
        var lifetime: (LifetimeDistribution, Provenance.Origin)? = nil
        if let lifetimeNode = member(node, "lifetime") {
            lifetime = readLifetime(lifetimeNode, in: yaml)
        } else {
            error(r.location, "fleet is missing 'lifetime' (a map: distribution: normal, mean: …, standard_deviation: …)")
        }
        var cohorts: [Sourced<ScenarioYears.CohortRow>] = []
        if let stockNode = member(node, "initial_stock"), let table = readTable(ScenarioFormat.initialStock, stockNode, in: yaml)
        {
            cohorts = cohortRows(table, baseYear: baseYear, lifetime: lifetime?.0)
        }
        guard let vehicle, let lifetime else { return nil }
        var stock: [RegionIndex: [Int: Double]] = [:]
        for c in cohorts { stock[c.region, default: [:]][c.cohort] = c.vehicles }
        return FleetRead(
            vehicle: vehicle, lifetime: lifetime.0, lifetimeOrigin: lifetime.1, initialStock: stock, cohorts: cohorts,
            origin: .init(source: reader.source(), location: r.location))
    }

    /// The lifetime distribution and where it was written (which also sets `Provenance.Key.lifetime`).
    mutating func readLifetime(_ node: Yams.Node, in yaml: YAMLFile) -> (LifetimeDistribution, Provenance.Origin)? {
        let what = "fleet.lifetime"
        let names = ScenarioFormat.lifetimeDistributions.map(\.name)
        guard case .mapping = node else {
            error(
                yaml.location(node),
                "expected \(what) as a map (distribution: normal, mean: 17, standard_deviation: 4), found \(yaml.kind(node))")
            return nil
        }
        guard let distributionNode = member(node, "distribution") else {
            error(yaml.location(node), "\(what) is missing 'distribution' (one of \(names.joined(separator: ", ")))")
            return nil
        }
        guard let name = string(yaml.cell(distributionNode), key: "distribution") else { return nil }
        guard let spec = ScenarioFormat.lifetimeDistributions.first(where: { $0.name == name }) else {
            error(
                yaml.location(distributionNode),
                "unknown lifetime distribution '\(name)'\(Suggestion.hint(for: name, among: names)); distributions are \(names.joined(separator: ", "))"
            )
            return nil
        }
        let fields = [Field("distribution", .string, "lifetime distribution")] + spec.parameters + [ScenarioFormat.source]
        guard let r = row(node, in: yaml, fields: fields, what: "\(what) (\(name))") else { return nil }
        var reader = rowReader(r, what: "\(what) (\(name))")
        defer { absorb(reader) }
        var values: [String: Double] = [:]
        var fixedYears: Int? = nil
        for field in spec.parameters {
            guard let cell = reader.required(field.name) else { continue }
            if field.type == .integer {
                if let v = reader.integer(cell, key: field.name) {
                    if v < 1 {
                        error(cell.location, "'\(field.name)' in \(what) is \(v); it must be at least 1")
                    } else {
                        fixedYears = v
                    }
                }
            } else if let v = reader.number(cell, field: field, what: what) {
                values[field.name] = v
            }
        }
        let distribution: LifetimeDistribution
        switch name {
        case "normal":
            guard let m = values["mean"], let sd = values["standard_deviation"] else { return nil }
            distribution = .normal(mean: m, standardDeviation: sd)
        case "lognormal":
            guard let m = values["mean"], let sd = values["standard_deviation"] else { return nil }
            distribution = .lognormal(mean: m, standardDeviation: sd)
        case "weibull":
            guard let k = values["shape"], let l = values["scale"] else { return nil }
            distribution = .weibull(shape: k, scale: l)
        default:
            guard let y = fixedYears else { return nil }
            distribution = .fixed(years: y)
        }
        // The engine's own checks, in case they are stricter than the ranges above.
        let issues = distribution.issues
        for issue in issues { error(yaml.location(node), "\(what): \(issue.message)") }
        guard issues.isEmpty else { return nil }
        provenance.record(.lifetime, table: "fleet.lifetime", .base, at: r.location)
        return (distribution, Provenance.Origin(source: reader.source(), location: r.location))
    }

    mutating func cohortRows(_ table: Table, baseYear: Int, lifetime: LifetimeDistribution?) -> [Sourced<ScenarioYears.CohortRow>]
    {
        let what = "fleet.initial_stock row"
        let field = ScenarioFormat.initialStock.columns[2]
        var seen: [String: SourceLocation] = [:]
        var out: [Sourced<ScenarioYears.CohortRow>] = []
        for row in table.rows {
            var reader = rowReader(row, what: what)
            defer { absorb(reader) }
            let r = reader.region("region")
            let c = reader.year("cohort")
            let n = reader.number(field)
            guard let r, let c, let n else { continue }
            if c >= baseYear {
                error(
                    row.cells["cohort"]?.location ?? row.location,
                    "cohort \(c) in \(what) is not before base_year \(baseYear); initial_stock lists vehicles sold before the base year (later sales come from the fleet product's demand)"
                )
                continue
            }
            let label = "\(regions[r.rawValue].code) cohort \(c)"
            if let first = seen[label] {
                error(row.location, "duplicate \(what) for \(label) (first given at \(first)); give each region and cohort once")
                continue
            }
            seen[label] = row.location
            if let lifetime, n > 0, !(lifetime.survival(atAge: Double(baseYear - 1 - c) + 0.5) > 0) {
                error(
                    row.location,
                    "\(label) has \(n) vehicles, but under the fleet lifetime none of that cohort can still be in use at the start of \(baseYear)"
                )
                continue
            }
            out.append(sourced(.init(region: r, cohort: c, vehicles: n), source: reader.source(), at: row.location))
            provenance.record(.initialStock(r, cohort: c), table: "fleet.initial_stock", .base, at: row.location)
        }
        return out
    }
}
