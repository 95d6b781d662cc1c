import Foundation
import MinsimEngine
import Yams

/// Decoder of `chemistries` and the checks of `paths.chemistry_mix`.
extension ScenarioBuilder {
    // MARK: - Chemistries

    /// The `chemistries` table; a (chemistry, product, input) twice is an error at the second row.
    mutating func chemistryRows(_ table: Table) -> [Sourced<ScenarioYears.ChemistryRow>] {
        let what = "chemistries row"
        let field = ScenarioFormat.chemistries.columns[3]
        var seen: [String: SourceLocation] = [:]
        var out: [Sourced<ScenarioYears.ChemistryRow>] = []
        for row in table.rows {
            var reader = rowReader(row, what: what)
            defer { absorb(reader) }
            let name = reader.text("chemistry")
            let p = reader.product("product"), q = reader.product("input")
            let v = reader.number(field)
            guard let (chem, loc) = name else { continue }
            if chem.isEmpty || chem == "*" || chem.contains(",") {
                error(
                    loc,
                    "chemistry name '\(chem)' is not allowed; use a name such as lfp or nmc811 (not empty, '*' or containing a comma)"
                )
                continue
            }
            guard let p, let q, let v else { continue }
            let pName = products[p.rawValue].product.name, qName = products[q.rawValue].product.name
            if p == q {
                error(
                    row.cells["input"]?.location ?? row.location,
                    "chemistry '\(chem)' of \(pName) uses \(pName) itself as input; a product cannot be its own input")
                continue
            }
            let label = "\(chem) \(pName) ← \(qName)"
            if let first = seen[label] {
                error(
                    row.location,
                    "duplicate chemistries row for \(label) (first given at \(first)); give each chemistry, product and input once"
                )
                continue
            }
            seen[label] = row.location
            out.append(
                sourced(.init(name: chem, product: p, input: q, quantityPerUnit: v), source: reader.source(), at: row.location))
        }
        return out
    }

    /// The `chemistry` cell of a `chemistry_mix` row: a chemistry of `chemistries` defined for
    /// the row's product.
    mutating func chemistryName(
        _ reader: inout RowReader, product p: ProductIndex?, chemistries: [Sourced<ScenarioYears.ChemistryRow>]
    ) -> String? {
        let what = reader.what
        guard let (chem, loc) = reader.text("chemistry") else { return nil }
        var names: [String] = []
        for c in chemistries where !names.contains(c.name) { names.append(c.name) }
        guard names.contains(chem) else {
            let known =
                names.isEmpty ? "the scenario has no chemistries table" : "chemistries are \(names.joined(separator: ", "))"
            error(loc, "unknown chemistry '\(chem)' in \(what)\(Suggestion.hint(for: chem, among: names)); \(known)")
            return nil
        }
        guard let p else { return nil }
        if !chemistries.contains(where: { $0.name == chem && $0.product == p }) {
            let pName = products[p.rawValue].product.name
            var products: [String] = []
            for c in chemistries where c.name == chem {
                let name = self.products[c.product.rawValue].product.name
                if !products.contains(name) { products.append(name) }
            }
            error(
                loc,
                "chemistry '\(chem)' is not defined for product '\(pName)' in chemistries (it is defined for \(products.joined(separator: ", "))); add chemistries rows for \(pName) or correct the product"
            )
            return nil
        }
        return chem
    }

    /// A mix of (region, product): every chemistry lists the same years, the shares of each
    /// year sum to 1, and the inputs it adds to a recipe can be bought.
    mutating func checkChemistryMix(
        _ rows: [Sourced<ScenarioYears.PathRow>], _ t: TableSet, chemistries: [Sourced<ScenarioYears.ChemistryRow>]
    ) {
        struct MixKey: Hashable { let region: RegionIndex?; let product: ProductIndex }
        var order: [MixKey] = []
        var byMix: [MixKey: [Sourced<ScenarioYears.PathRow>]] = [:]
        for row in rows {
            let k = MixKey(region: row.key.region, product: row.key.product)
            if byMix[k] == nil { order.append(k) }
            byMix[k, default: []].append(row)
        }
        // Regions with their own mix of each product (the default mix covers the others).
        var ownRegions: [ProductIndex: Set<RegionIndex>] = [:]
        for k in order { if let r = k.region { ownRegions[k.product, default: []].insert(r) } }
        let tolerance = 1e-6
        for k in order {
            let mixRows = byMix[k] ?? []
            let name = keyName(.init(region: k.region, product: k.product))
            var chemOrder: [String] = []
            var years: [String: [Int]] = [:]
            for row in mixRows {
                guard let chem = row.key.chemistry else { continue }
                if years[chem] == nil { chemOrder.append(chem) }
                years[chem, default: []].append(row.year)
            }
            guard let firstChem = chemOrder.first else { continue }
            let reference = (years[firstChem] ?? []).sorted()
            var sameYears = true
            for chem in chemOrder.dropFirst() {
                let own = (years[chem] ?? []).sorted()
                guard own != reference else { continue }
                sameYears = false
                let ofChem = mixRows.filter { $0.key.chemistry == chem }
                let at = location((ofChem.first { !reference.contains($0.year) } ?? ofChem.first) ?? mixRows[0])
                func list(_ y: [Int]) -> String { y.map(String.init).joined(separator: ", ") }
                error(
                    at,
                    "chemistry '\(chem)' of paths.chemistry_mix for \(name) lists years \(list(own)) but '\(firstChem)' lists \(list(reference)); every chemistry of a mix must list the same years, so that the shares, interpolated linearly between those years, still sum to 1"
                )
            }
            if sameYears {
                for y in reference {
                    let ofYear = mixRows.filter { $0.year == y }
                    let sum = ofYear.reduce(0) { $0 + $1.value }
                    guard abs(sum - 1) > tolerance else { continue }
                    let parts = ofYear.map { "\($0.key.chemistry ?? "") \(CSVWriter.number($0.value))" }.joined(separator: " + ")
                    error(
                        location(ofYear[0]),
                        "shares of paths.chemistry_mix for \(name) in \(y) sum to \(String(format: "%.9g", sum)) (\(parts)); the shares of a region, product and year must sum to 1 (within 1e-6)"
                    )
                }
            }
            // Inputs the mix adds to a recipe must reach the region (as for paths.recipes).
            let served = t.served, supplying = t.supplying
            let own = ownRegions[k.product] ?? []
            let regionsOfMix = k.region.map { [$0] } ?? regions.indices.map(RegionIndex.init).filter { !own.contains($0) }
            var inputs: [ProductIndex] = []
            for c in chemistries where c.product == k.product && !inputs.contains(c.input) { inputs.append(c.input) }
            check: for r in regionsOfMix where supplying.contains(Node(r, k.product)) {
                let base = recipe(t, Node(r, k.product))
                for q in inputs where !base.contains(where: { $0.input == q }) && !served.contains(Node(r, q)) {
                    error(
                        location(mixRows[0]),
                        "paths.chemistry_mix for \(name) adds input \(products[q.rawValue].product.name) (from chemistries) but no region supplies it to \(regions[r.rawValue].code); add base_trade into \(regions[r.rawValue].code) or open a route"
                    )
                    break check
                }
            }
        }
    }
}
