import Foundation
import MinsimEngine
import Yams

/// The `regions`, `products` and `stages` keys.
extension ScenarioBuilder {
    // MARK: - Regions, products, stages

    mutating func readRegions(_ node: Yams.Node, in yaml: YAMLFile) -> Bool {
        guard case .sequence(let seq) = node else {
            error(yaml.location(node), "expected a list of regions (- {code: CA, name: Canada}), found \(yaml.kind(node))")
            return false
        }
        if seq.isEmpty { error(yaml.location(node), "regions is empty; list at least one region") }
        for item in seq {
            guard let r = row(item, in: yaml, fields: ScenarioFormat.regionKeys, what: "a region") else { continue }
            // No name lookups here: a reader with the names would share (and copy, at every
            // insert below) the index being built.
            var reader = RowReader(r, what: "a region", names: ScenarioNames())
            defer { absorb(reader) }
            guard let (code, loc) = reader.text("code", what: "region") else { continue }
            if code.isEmpty || code == "*" || code.contains(",") {
                error(
                    loc,
                    "region code '\(code)' is not allowed; use a short name such as CA (not empty, '*' or containing a comma)")
                continue
            }
            if let first = names.regionIndex[code] {
                error(loc, "duplicate region '\(code)' (first defined at \(regions[first].location)); give each region once")
                continue
            }
            let name = r.cells["name"].flatMap { reader.string($0, key: "name") }
            let src = reader.source()
            names.regionIndex[code] = regions.count
            names.regionCodes.append(code)
            regions.append((code, name.flatMap { $0.isEmpty ? nil : $0 }, src, loc))
        }
        return true
    }

    mutating func readProducts(_ node: Yams.Node, in yaml: YAMLFile) -> Bool {
        guard case .sequence(let seq) = node else {
            error(
                yaml.location(node),
                "expected a list of products (- {name: ni_ore, stage: mining, unit: t, elasticity: 2}), found \(yaml.kind(node))")
            return false
        }
        if seq.isEmpty { error(yaml.location(node), "products is empty; list at least one product") }
        let elasticityField = ScenarioFormat.productKeys[3]
        let demandElasticityField = ScenarioFormat.productKeys[4]
        for item in seq {
            guard let r = row(item, in: yaml, fields: ScenarioFormat.productKeys, what: "a product") else { continue }
            var reader = RowReader(r, what: "a product", names: ScenarioNames())  // (see readRegions)
            defer { absorb(reader) }
            let name = reader.text("name", what: "product")
            let stage = reader.text("stage", what: "product")
            let unit = reader.text("unit", what: "product")
            let elasticity = reader.number(elasticityField, what: "product '\(name?.0 ?? "")'")
            var demandElasticity = 0.0
            if let cell = r.cells["demand_elasticity"] {
                if case .null = cell.value {
                } else if let v = reader.number(cell, field: demandElasticityField, what: "product '\(name?.0 ?? "")'") {
                    demandElasticity = v
                }
            }
            var choke: Double? = nil
            if let cell = r.cells["choke_price_multiple"] {
                if case .null = cell.value {
                } else if let field = ScenarioFormat.productKeys.first(where: { $0.name == "choke_price_multiple" }) {
                    choke = reader.number(cell, field: field, what: "product '\(name?.0 ?? "")'")
                }
            }
            var mineral: String? = nil
            if let cell = r.cells["mineral"], let m = reader.string(cell, key: "mineral") {
                mineral = m.isEmpty ? nil : m
            }
            let src = reader.source()
            guard let (n, loc) = name else { continue }
            if n.isEmpty || n.contains(",") {
                error(loc, "product name '\(n)' is not allowed; use a name such as ni_ore (not empty, no commas)"); continue
            }
            if let first = names.productIndex[n] {
                error(loc, "duplicate product '\(n)' (first defined at \(products[first].location)); give each product once")
                continue
            }
            if let (s, stageLoc) = stage, s.isEmpty { error(stageLoc, "stage of product '\(n)' must not be empty") }
            // A product with a bad stage, unit or elasticity is still registered, so that the
            // tables naming it do not report it as unknown; the scenario is invalid regardless.
            names.productIndex[n] = products.count
            names.productNames.append(n)
            let product = Product(
                name: n, stage: stage?.0 ?? "", unit: unit?.0 ?? "", elasticity: elasticity ?? 0, mineral: mineral)
            products.append((product, src, loc, stage?.1 ?? loc))
            demandElasticities.append(demandElasticity)
            chokePriceMultiples.append(choke)
        }
        return true
    }

    mutating func readStages(_ node: Yams.Node, in yaml: YAMLFile) -> [String]? {
        guard case .sequence(let seq) = node else {
            error(yaml.location(node), "expected a list of stage names ([mining, refining, …]), found \(yaml.kind(node))")
            return nil
        }
        var stages: [String] = []
        for item in seq {
            let cell = yaml.cell(item)
            guard let s = string(cell, key: "stages") else { continue }
            if stages.contains(s) { error(cell.location, "duplicate stage '\(s)'"); continue }
            stages.append(s)
        }
        for p in products where !stages.contains(p.product.stage) {
            error(
                p.stageLocation,
                "stage '\(p.product.stage)' of product '\(p.product.name)' is not listed in 'stages'\(Suggestion.hint(for: p.product.stage, among: stages)); stages are \(stages.joined(separator: ", "))"
            )
        }
        return stages
    }
}
