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
        if let node = enter("horizon"), let v = integer(Table.Cell(node, path: path), key: "horizon") {
            if v < baseYear || v > 9999 {
                let why = v < baseYear ? "is before base_year \(baseYear)" : "is too late"
                error(location(node), "horizon \(v) \(why); it must be a year from \(baseYear) to 9999")
            } else {
                horizon = v
            }
        }
        var ceiling = ScenarioFormat.defaultPriceCeilingMultiple
        if let node = enter("price_ceiling_multiple"),
            let field = ScenarioFormat.scalarKeys.first(where: { $0.name == "price_ceiling_multiple" }),
            let v = number(Table.Cell(node, path: path), field: field, what: "the scenario")
        {
            ceiling = v
        }

        var chemistries: [ScenarioYears.ChemistryRow] = []
        if let entry = document.entries["chemistries"], let table = readTable(ScenarioFormat.chemistries, entry: entry) {
            chemistries = chemistryRows(table)
        }
        var rows: [ScenarioYears.PathRow] = []
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
        var projects: [ScenarioYears.Project] = []
        if let entry = document.entries["capacity_projects"], let table = readTable(ScenarioFormat.capacityProjects, entry: entry)
        {
            projects = projectRows(table)
        }
        checkCapacityFactors(rows, t, projects: projects)
        checkCapacityNodes(rows, t, projects: projects)
        var shocks = PolicyShocks()
        if let node = enter("shocks") { shocks = readShocks(node, t) }
        let networkStages = stagesInOrder(stages)
        let (expansion, expansionSource) = enter("expansion").map { readExpansion($0, stages: networkStages) } ?? (nil, "")
        var minerals: [MineralChain] = []
        var mineralSources: [String] = []
        if let node = enter("minerals") {
            (minerals, mineralSources) = readMinerals(node)
        }
        var fleet: FleetSettings? = nil
        var fleetSource = "", lifetimeSource = ""
        var cohorts: [ScenarioYears.CohortRow] = []
        if let node = enter("fleet"), let read = readFleet(node, baseYear: baseYear) {
            fleet = FleetSettings(
                vehicle: read.vehicle, lifetime: read.lifetime, initialStock: read.initialStock, minerals: minerals)
            fleetSource = read.source
            lifetimeSource = read.lifetimeSource
            cohorts = read.cohorts
        }

        guard diagnostics.filter({ $0.severity == .error }).count == errorsBefore else { return nil }
        var years = ScenarioYears(
            horizon: horizon, priceCeilingMultiple: ceiling, demandElasticity: demandElasticities,
            chokePriceMultiple: chokePriceMultiples.map { $0 ?? ceiling }, pathRows: rows,
            chemistries: chemistries, projects: projects, expansion: expansion, expansionSource: expansionSource,
            fleet: fleet,
            fleetSource: fleetSource, lifetimeSource: lifetimeSource, initialStock: cohorts, minerals: minerals,
            mineralSources: mineralSources)
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

    /// A year cell: an integer from 1 to 9999.
    mutating func year(_ row: Table.Row, _ field: String, what: String) -> Int? {
        guard let cell = required(row, field, what: what), let v = integer(cell, key: field) else { return nil }
        guard (1...9999).contains(v) else {
            error(cell.location, "'\(field)' in \(what) is \(v); it must be a year between 1 and 9999")
            return nil
        }
        return v
    }

    /// A region column that may be blank or `*` for every region: .some(nil) = every region,
    /// nil = invalid (reported).
    mutating func regionOrEvery(_ row: Table.Row, what: String) -> RegionIndex?? {
        guard let cell = row.cells["region"] else { return .some(nil) }
        switch cell.value {
        case .null: return .some(nil)
        case .scalar(let code, _) where code == "*": return .some(nil)
        default: return region(row, "region", what: what).map { .some($0) } ?? .none
        }
    }

    // MARK: - Paths

    /// Interprets the rows of one path table; a (key, year) given twice is an error at the second row.
    mutating func pathRows(
        _ table: Table, kind: PathTable, t: TableSet, chemistries: [ScenarioYears.ChemistryRow] = []
    ) -> [ScenarioYears.PathRow] {
        let name = kind.rawValue
        let what = "paths.\(name) row"
        let valueField = table.spec.columns.first { $0.type == .number }
        var seen: [String: SourceLocation] = [:]
        var out: [ScenarioYears.PathRow] = []
        for row in table.rows {
            var key: ScenarioYears.PathKey? = nil
            switch kind {
            case .finalDemand, .capacities, .capacityFactors:
                let r = region(row, "region", what: what), p = product(row, "product", what: what)
                if let r, let p { key = .init(region: r, product: p) }
            case .demandIndex:
                let r = regionOrEvery(row, what: what), p = product(row, "product", what: what)
                if let r, let p { key = .init(region: r, product: p) }
            case .recipes, .recipeIndex:
                let r = regionOrEvery(row, what: what)
                let p = product(row, "product", what: what), q = product(row, "input", what: what)
                if let r, let p, let q { key = .init(region: r, product: p, input: q) }
            case .chemistryMix:
                let r = regionOrEvery(row, what: what), p = product(row, "product", what: what)
                let chem = chemistryName(row, product: p, chemistries: chemistries, what: what)
                if let r, let p, let chem { key = .init(region: r, product: p, chemistry: chem) }
            case .tariffs:
                let p = product(row, "product", what: what)
                let importer = region(row, "importer", what: what), exporter = region(row, "exporter", what: what)
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
            let y = year(row, "year", what: what)
            let v = valueField.flatMap { number(row, $0, what: what) }
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
            out.append(.init(kind: kind, key: key, year: y, value: v, source: source(row), location: row.location))
        }
        return out
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
        var served = Set<Node>()
        for row in t.baseTrade where row.value > 0 { served.insert(Node(row.route.importer, row.route.product)) }
        for row in t.routes { served.insert(Node(row.route.importer, row.route.product)) }
        let supplying = Set(supplyLocations(t).keys)
        for r in regionsOfKey where supplying.contains(Node(r, key.product)) && !served.contains(Node(r, input)) {
            error(
                loc,
                "paths.recipes row for \(keyName(key)) adds input \(products[input.rawValue].product.name) but no region supplies it to \(regions[r.rawValue].code); add base_trade into \(regions[r.rawValue].code) or open a route"
            )
            return false
        }
        return true
    }

    // MARK: - Chemistries

    /// The `chemistries` table; a (chemistry, product, input) twice is an error at the second row.
    mutating func chemistryRows(_ table: Table) -> [ScenarioYears.ChemistryRow] {
        let what = "chemistries row"
        let field = ScenarioFormat.chemistries.columns[3]
        var seen: [String: SourceLocation] = [:]
        var out: [ScenarioYears.ChemistryRow] = []
        for row in table.rows {
            let name = requiredText(row, "chemistry", what: what)
            let p = product(row, "product", what: what), q = product(row, "input", what: what)
            let v = number(row, field, what: what)
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
            out.append(.init(name: chem, product: p, input: q, quantityPerUnit: v, source: source(row), location: row.location))
        }
        return out
    }

    /// The `chemistry` cell of a `chemistry_mix` row: a chemistry of `chemistries` defined for
    /// the row's product.
    mutating func chemistryName(
        _ row: Table.Row, product p: ProductIndex?, chemistries: [ScenarioYears.ChemistryRow], what: String
    ) -> String? {
        guard let (chem, loc) = requiredText(row, "chemistry", what: what) else { return nil }
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
    mutating func checkChemistryMix(_ rows: [ScenarioYears.PathRow], _ t: TableSet, chemistries: [ScenarioYears.ChemistryRow]) {
        struct MixKey: Hashable { let region: RegionIndex?; let product: ProductIndex }
        var order: [MixKey] = []
        var byMix: [MixKey: [ScenarioYears.PathRow]] = [:]
        for row in rows {
            let k = MixKey(region: row.key.region, product: row.key.product)
            if byMix[k] == nil { order.append(k) }
            byMix[k, default: []].append(row)
        }
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
                let at = (ofChem.first { !reference.contains($0.year) } ?? ofChem.first)?.location ?? mixRows[0].location
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
                        ofYear[0].location,
                        "shares of paths.chemistry_mix for \(name) in \(y) sum to \(String(format: "%.9g", sum)) (\(parts)); the shares of a region, product and year must sum to 1 (within 1e-6)"
                    )
                }
            }
            // Inputs the mix adds to a recipe must reach the region (as for paths.recipes).
            var served = Set<Node>()
            for row in t.baseTrade where row.value > 0 { served.insert(Node(row.route.importer, row.route.product)) }
            for row in t.routes { served.insert(Node(row.route.importer, row.route.product)) }
            let supplying = Set(supplyLocations(t).keys)
            let ownRegions = Set(order.compactMap(\.region).filter { r in order.contains(MixKey(region: r, product: k.product)) })
            let regionsOfMix = k.region.map { [$0] } ?? regions.indices.map(RegionIndex.init).filter { !ownRegions.contains($0) }
            var inputs: [ProductIndex] = []
            for c in chemistries where c.product == k.product && !inputs.contains(c.input) { inputs.append(c.input) }
            check: for r in regionsOfMix where supplying.contains(Node(r, k.product)) {
                let base = recipe(t, Node(r, k.product))
                for q in inputs where !base.contains(where: { $0.input == q }) && !served.contains(Node(r, q)) {
                    error(
                        mixRows[0].location,
                        "paths.chemistry_mix for \(name) adds input \(products[q.rawValue].product.name) (from chemistries) but no region supplies it to \(regions[r.rawValue].code); add base_trade into \(regions[r.rawValue].code) or open a route"
                    )
                    break check
                }
            }
        }
    }

    /// Nodes given a capacity anywhere: a `capacities` row, a `paths.capacities` row or a project.
    func capacitatedNodes(_ rows: [ScenarioYears.PathRow], _ t: TableSet, projects: [ScenarioYears.Project]) -> Set<Node> {
        var capacitated = Set(t.capacities.map(\.node) + projects.map(\.node))
        for row in rows where row.kind == .capacities {
            if let r = row.key.region { capacitated.insert(Node(r, row.key.product)) }
        }
        return capacitated
    }

    /// A capacity factor needs a capacity to scale.
    mutating func checkCapacityFactors(_ rows: [ScenarioYears.PathRow], _ t: TableSet, projects: [ScenarioYears.Project]) {
        let capacitated = capacitatedNodes(rows, t, projects: projects)
        var reported = Set<Node>()
        for row in rows where row.kind == .capacityFactors {
            guard let r = row.key.region else { continue }
            let node = Node(r, row.key.product)
            guard !capacitated.contains(node), !reported.contains(node) else { continue }
            reported.insert(node)
            error(
                row.location,
                "paths.capacity_factors row for \(nodeName(node)) scales a capacity the node does not have; give it a capacities row, path or project first"
            )
        }
    }

    /// Capacity given to a node that never supplies (no base trade, no opened route) would be
    /// silently ignored, so it is a warning at the project; and a new node needs capacity from
    /// somewhere, since its routes' reference shares are defined at `reference_capacity`
    /// relative to the capacity it has in each year.
    mutating func checkCapacityNodes(_ rows: [ScenarioYears.PathRow], _ t: TableSet, projects: [ScenarioYears.Project]) {
        guard !t.unclean.contains("base_trade"), !t.unclean.contains("routes"), !t.unclean.contains("new_nodes") else { return }
        let supplying = Set(supplyLocations(t).keys)
        var warned = Set<Node>()
        for project in projects where !supplying.contains(project.node) && !warned.contains(project.node) {
            warned.insert(project.node)
            warning(
                project.location,
                "capacity project for \(nodeName(project.node)) has no effect: the node supplies nothing (no base trade and no opened route); activate it with a new_nodes row and open routes from it"
            )
        }
        let capacitated = capacitatedNodes(rows, t, projects: projects)
        for row in t.newNodes where !capacitated.contains(row.node) {
            error(
                row.location,
                "new node \(nodeName(row.node)) has no capacity: give it capacity_projects rows (or a capacities row or path), since the shares of its routes are set at reference_capacity"
            )
        }
    }

    // MARK: - Capacity projects

    mutating func projectRows(_ table: Table) -> [ScenarioYears.Project] {
        let what = "capacity_projects row"
        let field = ScenarioFormat.capacityProjects.columns[3]
        var out: [ScenarioYears.Project] = []
        for row in table.rows {
            let r = region(row, "region", what: what), p = product(row, "product", what: what)
            let y = year(row, "online_year", what: what)
            let k = number(row, field, what: what)
            guard let r, let p, let y, let k else { continue }
            out.append(.init(node: Node(r, p), onlineYear: y, capacity: k, source: source(row), location: row.location))
        }
        return out
    }

    // MARK: - Maps

    /// The value of `key` in a YAML map node, with the key node.
    func member(_ node: Yams.Node, _ key: String) -> Yams.Node? {
        guard case .mapping(let map) = node else { return nil }
        for (k, v) in map { if case .scalar(let s) = k, s.string == key { return v } }
        return nil
    }

    mutating func readExpansion(_ node: Yams.Node, stages: [String]) -> (ExpansionRule?, String) {
        let what = "expansion"
        guard let r = row(node, fields: ScenarioFormat.expansionKeys, what: what) else { return (nil, "") }
        let fields = Dictionary(uniqueKeysWithValues: ScenarioFormat.expansionKeys.map { ($0.name, $0) })
        var leadTime: [String: Int] = [:]
        var ok = true
        if let leadNode = member(node, "lead_time_years") {
            if case .mapping(let map) = leadNode {
                for (k, v) in map {
                    guard case .scalar(let stage) = k else {
                        error(location(k), "stage names in lead_time_years must be plain names, found \(kind(k))")
                        ok = false
                        continue
                    }
                    guard stages.contains(stage.string) else {
                        error(
                            location(k),
                            "unknown stage '\(stage.string)' in expansion.lead_time_years\(Suggestion.hint(for: stage.string, among: stages)); stages are \(stages.joined(separator: ", "))"
                        )
                        ok = false
                        continue
                    }
                    guard let years = integer(Table.Cell(v, path: path), key: "lead_time_years.\(stage.string)") else {
                        ok = false
                        continue
                    }
                    if years < 1 {
                        error(
                            location(v),
                            "lead time of stage '\(stage.string)' is \(years) years; it must be at least 1 (capacity ordered in a year comes online in a later year)"
                        )
                        ok = false
                        continue
                    }
                    leadTime[stage.string] = years
                }
            } else {
                error(
                    location(leadNode),
                    "expected lead_time_years as a map of stage: years ({mining: 10, refining: 4}), found \(kind(leadNode))")
                ok = false
            }
        } else {
            error(r.location, "expansion is missing 'lead_time_years' (a map of stage: years)")
            ok = false
        }
        var rule = ExpansionRule(leadTime: leadTime)
        if let cell = r.cells["rent_threshold"], let field = fields["rent_threshold"] {
            if let v = number(cell, field: field, what: what) { rule.rentThreshold = v } else { ok = false }
        }
        if let cell = r.cells["persistence_years"] {
            if let v = integer(cell, key: "persistence_years") {
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
            if let v = number(cell, field: field, what: what) { rule.fraction = v } else { ok = false }
        }
        return (ok ? rule : nil, source(r))
    }

    struct FleetRead {
        var vehicle: ProductIndex
        var lifetime: LifetimeDistribution
        var lifetimeSource: String
        var initialStock: [RegionIndex: [Int: Double]]
        var cohorts: [ScenarioYears.CohortRow]
        var source: String
    }

    mutating func readFleet(_ node: Yams.Node, baseYear: Int) -> FleetRead? {
        guard let r = row(node, fields: ScenarioFormat.fleetKeys, what: "fleet") else { return nil }
        let vehicle = product(r, "product", what: "fleet")
        var lifetime: (LifetimeDistribution, String)? = nil
        if let lifetimeNode = member(node, "lifetime") {
            lifetime = readLifetime(lifetimeNode)
        } else {
            error(r.location, "fleet is missing 'lifetime' (a map: distribution: normal, mean: …, standard_deviation: …)")
        }
        var cohorts: [ScenarioYears.CohortRow] = []
        if let stockNode = member(node, "initial_stock"), let table = readTable(ScenarioFormat.initialStock, stockNode) {
            cohorts = cohortRows(table, baseYear: baseYear, lifetime: lifetime?.0)
        }
        guard let vehicle, let lifetime else { return nil }
        var stock: [RegionIndex: [Int: Double]] = [:]
        for c in cohorts { stock[c.region, default: [:]][c.cohort] = c.vehicles }
        return FleetRead(
            vehicle: vehicle, lifetime: lifetime.0, lifetimeSource: lifetime.1, initialStock: stock, cohorts: cohorts,
            source: source(r))
    }

    mutating func readLifetime(_ node: Yams.Node) -> (LifetimeDistribution, String)? {
        let what = "fleet.lifetime"
        let names = ScenarioFormat.lifetimeDistributions.map(\.name)
        guard case .mapping = node else {
            error(
                location(node),
                "expected \(what) as a map (distribution: normal, mean: 17, standard_deviation: 4), found \(kind(node))")
            return nil
        }
        guard let distributionNode = member(node, "distribution") else {
            error(location(node), "\(what) is missing 'distribution' (one of \(names.joined(separator: ", ")))")
            return nil
        }
        guard let name = string(Table.Cell(distributionNode, path: path), key: "distribution") else { return nil }
        guard let spec = ScenarioFormat.lifetimeDistributions.first(where: { $0.name == name }) else {
            error(
                location(distributionNode),
                "unknown lifetime distribution '\(name)'\(Suggestion.hint(for: name, among: names)); distributions are \(names.joined(separator: ", "))"
            )
            return nil
        }
        let fields = [Field("distribution", .string, "lifetime distribution")] + spec.parameters + [ScenarioFormat.source]
        guard let r = row(node, fields: fields, what: "\(what) (\(name))") else { return nil }
        var values: [String: Double] = [:]
        var fixedYears: Int? = nil
        for field in spec.parameters {
            guard let cell = required(r, field.name, what: "\(what) (\(name))") else { continue }
            if field.type == .integer {
                if let v = integer(cell, key: field.name) {
                    if v < 1 {
                        error(cell.location, "'\(field.name)' in \(what) is \(v); it must be at least 1")
                    } else {
                        fixedYears = v
                    }
                }
            } else if let v = number(cell, field: field, what: what) {
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
        for issue in issues { error(location(node), "\(what): \(issue.message)") }
        return issues.isEmpty ? (distribution, source(r)) : nil
    }

    mutating func cohortRows(_ table: Table, baseYear: Int, lifetime: LifetimeDistribution?) -> [ScenarioYears.CohortRow] {
        let what = "fleet.initial_stock row"
        let field = ScenarioFormat.initialStock.columns[2]
        var seen: [String: SourceLocation] = [:]
        var out: [ScenarioYears.CohortRow] = []
        for row in table.rows {
            let r = region(row, "region", what: what)
            let c = year(row, "cohort", what: what)
            let n = number(row, field, what: what)
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
            out.append(.init(region: r, cohort: c, vehicles: n, source: source(row), location: row.location))
        }
        return out
    }

    mutating func readMinerals(_ node: Yams.Node) -> ([MineralChain], [String]) {
        guard case .sequence(let seq) = node else {
            error(
                location(node),
                "expected minerals as a list of maps (- {name: nickel, ore: ni_ore, refined: ni_refined, collection_rate: 0.5, recovery_efficiency: 0.9}), found \(kind(node))"
            )
            return ([], [])
        }
        let fields = Dictionary(uniqueKeysWithValues: ScenarioFormat.mineralKeys.map { ($0.name, $0) })
        var seen: [String: SourceLocation] = [:]
        var chains: [MineralChain] = []
        var sources: [String] = []
        for item in seq {
            guard let r = row(item, fields: ScenarioFormat.mineralKeys, what: "a mineral") else { continue }
            let name = requiredText(r, "name", what: "mineral")
            let label = "mineral '\(name?.0 ?? "")'"
            let ore = product(r, "ore", what: label), refined = product(r, "refined", what: label)
            let collection = fields["collection_rate"].flatMap { number(r, $0, what: label) }
            let recovery = fields["recovery_efficiency"].flatMap { number(r, $0, what: label) }
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
                chains.append(MineralChain(name: n, ore: ore, refined: refined, recycling: rates))
                sources.append(source(r))
            } catch {
                for issue in error.issues { self.error(r.location, "\(label): \(issue.message)") }
            }
        }
        return (chains, sources)
    }
}
