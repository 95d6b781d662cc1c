import Foundation
import MinsimEngine
import Yams

/// Decoders of the `expansion` and `minerals` keys.
extension ScenarioBuilder {
    // MARK: - Maps

    /// The value of `key` in a YAML map node, with the key node.
    func member(_ node: Yams.Node, _ key: String) -> Yams.Node? {
        guard case .mapping(let map) = node else { return nil }
        for (k, v) in map { if case .scalar(let s) = k, s.string == key { return v } }
        return nil
    }

    /// The expansion rule (nil if any of it is invalid) and the origin of the section.
    mutating func readExpansion(
        _ node: Yams.Node, stages: [String], in yaml: YAMLFile
    ) -> (ExpansionRule?, Provenance.Origin?) {
        let what = "expansion"
        guard let r = row(node, in: yaml, fields: ScenarioFormat.expansionKeys, what: what) else { return (nil, nil) }
        var reader = rowReader(r, what: what)
        defer { absorb(reader) }
        let fields = Dictionary(uniqueKeysWithValues: ScenarioFormat.expansionKeys.map { ($0.name, $0) })
        var leadTime: [String: Int] = [:]
        var ok = true
        if let leadNode = member(node, "lead_time_years") {
            if case .mapping(let map) = leadNode {
                for (k, v) in map {
                    guard case .scalar(let stage) = k else {
                        error(yaml.location(k), "stage names in lead_time_years must be plain names, found \(yaml.kind(k))")
                        ok = false
                        continue
                    }
                    guard stages.contains(stage.string) else {
                        error(
                            yaml.location(k),
                            "unknown stage '\(stage.string)' in expansion.lead_time_years\(Suggestion.hint(for: stage.string, among: stages)); stages are \(stages.joined(separator: ", "))"
                        )
                        ok = false
                        continue
                    }
                    guard let years = integer(yaml.cell(v), key: "lead_time_years.\(stage.string)") else {
                        ok = false
                        continue
                    }
                    if years < 1 {
                        error(
                            yaml.location(v),
                            "lead time of stage '\(stage.string)' is \(years) years; it must be at least 1 (capacity ordered in a year comes online in a later year)"
                        )
                        ok = false
                        continue
                    }
                    leadTime[stage.string] = years
                }
            } else {
                error(
                    yaml.location(leadNode),
                    "expected lead_time_years as a map of stage: years ({mining: 10, refining: 4}), found \(yaml.kind(leadNode))")
                ok = false
            }
        } else {
            error(r.location, "expansion is missing 'lead_time_years' (a map of stage: years)")
            ok = false
        }
        var rule = ExpansionRule(leadTime: leadTime)
        if let cell = r.cells["rent_threshold"], let field = fields["rent_threshold"] {
            if let v = reader.number(cell, field: field) { rule.rentThreshold = v } else { ok = false }
        }
        if let cell = r.cells["persistence_years"] {
            if let v = reader.integer(cell, key: "persistence_years") {
                if v < 1 {
                    error(cell.location, "'persistence_years' in expansion is \(v); it must be at least 1")
                    ok = false
                } else {
                    rule.persistence = v
                }
            } else {
                ok = false
            }
        }
        if let cell = r.cells["fraction"], let field = fields["fraction"] {
            if let v = reader.number(cell, field: field) { rule.fraction = v } else { ok = false }
        }
        return (ok ? rule : nil, Provenance.Origin(source: reader.source(), location: r.location))
    }

    /// The mineral chains; each sets its refined product's secondary supply (`Provenance.Key.recycling`).
    mutating func readMinerals(_ node: Yams.Node, in yaml: YAMLFile) -> [Sourced<MineralChain>] {
        guard case .sequence(let seq) = node else {
            error(
                yaml.location(node),
                "expected minerals as a list of maps (- {name: nickel, ore: ni_ore, refined: ni_refined, collection_rate: 0.5, recovery_efficiency: 0.9}), found \(yaml.kind(node))"
            )
            return []
        }
        let fields = Dictionary(uniqueKeysWithValues: ScenarioFormat.mineralKeys.map { ($0.name, $0) })
        var seen: [String: SourceLocation] = [:]
        var chains: [Sourced<MineralChain>] = []
        for item in seq {
            guard let r = row(item, in: yaml, fields: ScenarioFormat.mineralKeys, what: "a mineral") else { continue }
            var reader = rowReader(r, what: "a mineral")
            defer { absorb(reader) }
            let name = reader.text("name", what: "mineral")
            let label = "mineral '\(name?.0 ?? "")'"
            let ore = reader.product("ore", what: label), refined = reader.product("refined", what: label)
            let collection = fields["collection_rate"].flatMap { reader.number($0, what: label) }
            let recovery = fields["recovery_efficiency"].flatMap { reader.number($0, what: label) }
            guard let (n, loc) = name else { continue }
            if n.isEmpty || n.contains(",") {
                error(loc, "mineral name '\(n)' is not allowed; use a name such as nickel (not empty, no commas)")
                continue
            }
            if let first = seen[n] {
                error(loc, "duplicate mineral '\(n)' (first defined at \(first)); give each mineral once")
                continue
            }
            seen[n] = loc
            guard let ore, let refined, let collection, let recovery else { continue }
            if ore == refined {
                error(
                    r.location, "mineral '\(n)' names the same product as ore and refined; give the mined and the refined product"
                )
                continue
            }
            for (p, role) in [(ore, "ore"), (refined, "refined")] {
                if let m = products[p.rawValue].product.mineral, m != n {
                    error(
                        r.cells[role]?.location ?? r.location,
                        "product '\(products[p.rawValue].product.name)' carries mineral '\(m)' (its mineral key) but is the \(role) of mineral '\(n)'"
                    )
                }
            }
            do {
                let rates = try RecyclingRates(collectionRate: collection, recoveryEfficiency: recovery)
                chains.append(
                    sourced(
                        MineralChain(name: n, ore: ore, refined: refined, recycling: rates), source: reader.source(),
                        at: r.location))
                provenance.record(.recycling(refined), table: "minerals", .base, at: r.location)
            } catch {
                for issue in error.issues { self.error(r.location, "\(label): \(issue.message)") }
            }
        }
        return chains
    }
}
