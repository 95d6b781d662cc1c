import Foundation
import MinsimEngine
import Yams

/// Decoder of the tables under `paths`.
extension ScenarioBuilder {
    // MARK: - Paths

    /// Interprets the rows of one path table; a (key, year) given twice is an error at the second row.
    mutating func pathRows(
        _ table: Table, kind: PathTable, t: TableSet, chemistries: [Sourced<ScenarioYears.ChemistryRow>] = []
    ) -> [Sourced<ScenarioYears.PathRow>] {
        let name = kind.rawValue
        let what = "paths.\(name) row"
        let valueField = table.spec.columns.first { $0.type == .number }
        var seen: [String: SourceLocation] = [:]
        var out: [Sourced<ScenarioYears.PathRow>] = []
        for row in table.rows {
            var reader = rowReader(row, what: what)
            defer { absorb(reader) }
            var key: ScenarioYears.PathKey? = nil
            switch kind {
            case .finalDemand, .capacities, .capacityFactors:
                let r = reader.region("region"), p = reader.product("product")
                if let r, let p { key = .init(region: r, product: p) }
            case .demandIndex:
                let r = reader.regionOrEvery(), p = reader.product("product")
                if let r, let p { key = .init(region: r, product: p) }
            case .recipes, .recipeIndex:
                let r = reader.regionOrEvery()
                let p = reader.product("product"), q = reader.product("input")
                if let r, let p, let q { key = .init(region: r, product: p, input: q) }
            case .chemistryMix:
                let r = reader.regionOrEvery(), p = reader.product("product")
                let chem = chemistryName(&reader, product: p, chemistries: chemistries)
                if let r, let p, let chem { key = .init(region: r, product: p, chemistry: chem) }
            case .tariffs:
                let p = reader.product("product")
                let importer = reader.region("importer"), exporter = reader.region("exporter")
                if let p, let importer, let exporter {
                    if importer == exporter {
                        error(
                            row.location,
                            "tariff path on \(products[p.rawValue].product.name) \(regions[exporter.rawValue].code)→\(regions[importer.rawValue].code) has the same exporter and importer; tariffs apply to imports only"
                        )
                    } else {
                        key = .init(region: importer, exporter: exporter, product: p)
                    }
                }
            }
            let y = reader.year("year")
            let v = valueField.flatMap { reader.number($0) }
            guard let key, let y, let v else { continue }
            let label = "\(keyName(key)) in \(y)"
            if let first = seen[label] {
                error(
                    row.location,
                    "duplicate paths.\(name) row for \(label) (first given at \(first)); give each key and year once")
                continue
            }
            seen[label] = row.location
            guard checkRecipeKey(kind, key, t, at: row.location) else { continue }
            out.append(sourced(.init(kind: kind, key: key, year: y, value: v), source: reader.source(), at: row.location))
            for set in provenanceKeys(kind, key, chemistries: chemistries) {
                provenance.record(
                    set, table: "paths.\(name)", .path, .point(y), at: row.location, everyRegion: key.region == nil)
            }
        }
        return out
    }

    /// The inputs a path row sets (a region `*` sets every region's). A `chemistry_mix` row sets
    /// the recipe inputs of its product that its chemistry has in `chemistries`.
    func provenanceKeys(
        _ kind: PathTable, _ key: ScenarioYears.PathKey, chemistries: [Sourced<ScenarioYears.ChemistryRow>]
    ) -> [Provenance.Key] {
        let nodes = (key.region.map { [$0] } ?? regions.indices.map(RegionIndex.init)).map { Node($0, key.product) }
        switch kind {
        case .finalDemand, .demandIndex: return nodes.map { .finalDemand($0) }
        case .capacities, .capacityFactors: return nodes.map { .capacity($0) }
        case .recipes, .recipeIndex: return key.input.map { input in nodes.map { .recipeInput($0, input) } } ?? []
        case .chemistryMix:
            let inputs = chemistries.filter { $0.name == key.chemistry && $0.product == key.product }.map(\.input)
            return nodes.flatMap { node in inputs.map { .recipeInput(node, $0) } }
        case .tariffs:
            guard let importer = key.region, let exporter = key.exporter else { return [] }
            return [.tariff(Route(key.product, from: exporter, to: importer))]
        }
    }

    /// "CA/ev", "*/cells ← ni_refined", "ni_refined CN→US": how path keys are named in messages.
    func keyName(_ k: ScenarioYears.PathKey) -> String {
        let product = products[k.product.rawValue].product.name
        if let exporter = k.exporter, let importer = k.region {
            return "\(product) \(regions[exporter.rawValue].code)→\(regions[importer.rawValue].code)"
        }
        let region = k.region.map { regions[$0.rawValue].code } ?? "*"
        if let chemistry = k.chemistry { return "\(region)/\(product) \(chemistry)" }
        guard let input = k.input else { return "\(region)/\(product)" }
        return "\(region)/\(product) ← \(products[input.rawValue].product.name)"
    }

    /// A recipe index needs a base coefficient to multiply; a recipe path may add an input,
    /// but only one the region can buy.
    mutating func checkRecipeKey(_ kind: PathTable, _ key: ScenarioYears.PathKey, _ t: TableSet, at loc: SourceLocation) -> Bool {
        guard kind == .recipes || kind == .recipeIndex, let input = key.input else { return true }
        let regionsOfKey = key.region.map { [$0] } ?? regions.indices.map(RegionIndex.init)
        let hasBase = regionsOfKey.contains { r in recipe(t, Node(r, key.product)).contains { $0.input == input } }
        if kind == .recipeIndex {
            if !hasBase {
                error(
                    loc,
                    "paths.recipe_index row for \(keyName(key)) has no base recipe coefficient to multiply; add the input to recipes or use paths.recipes"
                )
                return false
            }
            return true
        }
        if hasBase { return true }
        for r in regionsOfKey where t.supplying.contains(Node(r, key.product)) && !t.served.contains(Node(r, input)) {
            error(
                loc,
                "paths.recipes row for \(keyName(key)) adds input \(products[input.rawValue].product.name) but no region supplies it to \(regions[r.rawValue].code); add base_trade into \(regions[r.rawValue].code) or open a route"
            )
            return false
        }
        return true
    }
}
