import Foundation
import MinsimEngine
import Yams

/// Decoders of the one-year tables: recipes, final demand, base prices, capacities, new nodes,
/// base trade, routes and tariffs.
extension ScenarioBuilder {
    // MARK: - Interpretation

    /// Rows of every table after interpretation.
    struct TableSet {
        /// Tables that produced any diagnostic; checks that depend on them are skipped.
        var unclean: Set<String> = []
        var defaultRecipes: [Int: [RecipeEntry]] = [:]
        var regionRecipes: [Node: [RecipeEntry]] = [:]
        var finalDemand: [Sourced<ResolvedScenario.NodeValue>] = []
        var baseTrade: [Sourced<ResolvedScenario.RouteValue>] = []
        var basePrices: [Sourced<ResolvedScenario.NodeValue>] = []
        var capacities: [Sourced<ResolvedScenario.NodeValue>] = []
        var tariffs: [Sourced<ResolvedScenario.TariffRow>] = []
        var routes: [Sourced<ResolvedScenario.RouteValue>] = []
        var newNodes: [Sourced<ResolvedScenario.NewNodeRow>] = []
        /// Markets (importer, product) that some route supplies: base trade > 0 or opened.
        var served = NodeSet()
        /// Nodes that supply some market: base trade > 0 or an opened route.
        var supplying = NodeSet()

        /// Fills `served` and `supplying` (once, after every table is read).
        mutating func indexTrade(regions: Int, products: Int) {
            served = NodeSet(regions: regions, products: products)
            supplying = NodeSet(regions: regions, products: products)
            for row in baseTrade where row.value > 0 {
                served.insert(Node(row.route.importer, row.route.product))
                supplying.insert(row.route.supplier)
            }
            for row in routes {
                served.insert(Node(row.route.importer, row.route.product))
                supplying.insert(row.route.supplier)
            }
        }
    }

    /// A recipe entry's identity: region (−1 for the default recipe), product and input.
    struct RecipeKey: Hashable {
        let region: Int
        let product: Int
        let input: Int

        /// One word hashed instead of three (equality stays field by field).
        func hash(into hasher: inout Hasher) {
            let r = UInt64(truncatingIfNeeded: region), p = UInt64(truncatingIfNeeded: product)
            hasher.combine(r << 42 ^ p << 21 ^ UInt64(truncatingIfNeeded: input))
        }
    }

    /// Decodes one table of the one-year keys into `set` (one decoder per table).
    mutating func interpret(_ table: Table, into set: inout TableSet) {
        switch table.spec.key {
        case ScenarioFormat.recipes.key: decodeRecipes(table, into: &set)
        case ScenarioFormat.finalDemand.key, ScenarioFormat.basePrices.key, ScenarioFormat.capacities.key:
            decodeNodeValues(table, into: &set)
        case ScenarioFormat.newNodes.key: decodeNewNodes(table, into: &set)
        case ScenarioFormat.baseTrade.key, ScenarioFormat.routes.key, ScenarioFormat.tariffs.key:
            decodeRoutes(table, into: &set)
        default: break
        }
    }

    /// `recipes`: a region's rows, or (region blank or `*`) the product's default rows.
    mutating func decodeRecipes(_ table: Table, into set: inout TableSet) {
        let spec = table.spec
        let what = "\(spec.key) row"
        let quantityField = spec.columns.first { $0.name == "quantity_per_unit" }
        // The row where each key was first given, for duplicate reports.
        var seen: [RecipeKey: Int] = [:]
        seen.reserveCapacity(table.rows.count)
        /// False, after reporting the duplicate, when an earlier row gave the same key.
        func firstTime(_ r: RegionIndex?, _ p: ProductIndex, _ q: ProductIndex, row i: Int) -> Bool {
            let key = RecipeKey(region: r?.rawValue ?? -1, product: p.rawValue, input: q.rawValue)
            if let first = seen[key] {
                let scope = r.map { "region \(regions[$0.rawValue].code)" } ?? "the default recipe"
                error(
                    table.rows[i].location,
                    "duplicate recipe row: \(products[p.rawValue].product.name) already has input \(products[q.rawValue].product.name) in \(scope) (first given at \(table.rows[first].location)); give each input once"
                )
                return false
            }
            seen[key] = i
            return true
        }
        func store(_ r: RegionIndex?, _ p: ProductIndex, _ entry: RecipeEntry) {
            if let r {
                set.regionRecipes[Node(r, p), default: []].append(entry)
            } else {
                set.defaultRecipes[p.rawValue, default: []].append(entry)
            }
        }
        let fast = CSVRowFields(["region", "product", "input", "quantity_per_unit", "source"], names: names)
        for (i, row) in table.rows.enumerated() {
            if fast.read(row), let p = fast.product(1, row), let q = fast.product(2, row),
                let b = fast.number(3, row, quantityField)
            {
                // Blank, `*` or absent = the default recipe; otherwise a known region.
                let code = fast.text(0, row) ?? ""
                let every = code.isEmpty || code == "*"
                let r = every ? nil : fast.region(0, row)
                if every || r != nil {
                    if firstTime(r, p, q, row: i) {
                        store(r, p, (q, b, provenance.origin(source: fast.source(4, row), at: row.location)))
                    }
                    continue
                }
            }
            var reader = rowReader(row, what: what)
            defer { absorb(reader) }
            let region = reader.regionOrEvery()  // .some(nil) = default row
            let p = reader.product("product")
            let q = reader.product("input")
            let b = quantityField.flatMap { reader.number($0) }
            guard let r = region, let p, let q, let b else { continue }
            guard firstTime(r, p, q, row: i) else { continue }
            store(r, p, (q, b, provenance.origin(source: reader.source(), at: row.location)))
        }
    }

    /// `final_demand`, `base_prices`, `capacities`: one value per node.
    mutating func decodeNodeValues(_ table: Table, into set: inout TableSet) {
        let spec = table.spec
        let what = "\(spec.key) row"
        // The one numeric column (quantity, price, capacity, affinity).
        let valueField = spec.columns.first { $0.type == .number }
        var seen = FirstRows(regions: regions.count, products: products.count)
        // Room for every row at once: no doubling copies of a large table's decoded rows.
        switch spec.key {
        case ScenarioFormat.finalDemand.key: set.finalDemand.reserveCapacity(set.finalDemand.count + table.rows.count)
        case ScenarioFormat.basePrices.key: set.basePrices.reserveCapacity(set.basePrices.count + table.rows.count)
        default: set.capacities.reserveCapacity(set.capacities.count + table.rows.count)
        }
        func store(_ node: Node, _ v: Double, _ source: String, _ row: Table.Row) {
            let value = sourced(ResolvedScenario.NodeValue(node: node, value: v), source: source, at: row.location)
            switch spec.key {
            case ScenarioFormat.finalDemand.key:
                set.finalDemand.append(value)
                provenance.recordBase(
                    .finalDemand(node), row: set.finalDemand.count - 1, regions: regions.count, products: products.count)
            case ScenarioFormat.basePrices.key: set.basePrices.append(value)
            default:
                set.capacities.append(value)
                provenance.recordBase(
                    .capacity(node), row: set.capacities.count - 1, regions: regions.count, products: products.count)
            }
        }
        let fast = CSVRowFields(["region", "product", valueField?.name ?? "", "source"], names: names)
        for (i, row) in table.rows.enumerated() {
            if fast.read(row), let r = fast.region(0, row), let p = fast.product(1, row),
                let v = fast.number(2, row, valueField)
            {
                let node = Node(r, p)
                if isFirstRow(of: node, in: table, row: i, seen: &seen) { store(node, v, fast.source(3, row), row) }
                continue
            }
            var reader = rowReader(row, what: what)
            defer { absorb(reader) }
            let r = reader.region("region")
            let p = reader.product("product")
            let v = valueField.flatMap { reader.number($0) }
            guard let r, let p, let v else { continue }
            let node = Node(r, p)
            guard isFirstRow(of: node, in: table, row: i, seen: &seen) else { continue }
            store(node, v, reader.source(), row)
        }
    }

    /// `new_nodes`: a reference price and capacity per node.
    mutating func decodeNewNodes(_ table: Table, into set: inout TableSet) {
        let spec = table.spec
        let what = "\(spec.key) row"
        let fields = Dictionary(uniqueKeysWithValues: spec.columns.map { ($0.name, $0) })
        var seen = FirstRows(regions: regions.count, products: products.count)
        for (i, row) in table.rows.enumerated() {
            var reader = rowReader(row, what: what)
            defer { absorb(reader) }
            let r = reader.region("region")
            let p = reader.product("product")
            let price = fields["price_usd_per_unit"].flatMap { reader.number($0) }
            let capacity = fields["reference_capacity"].flatMap { reader.number($0) }
            guard let r, let p, let price, let capacity else { continue }
            let node = Node(r, p)
            guard isFirstRow(of: node, in: table, row: i, seen: &seen) else { continue }
            set.newNodes.append(
                sourced(.init(node: node, price: price, referenceCapacity: capacity), source: reader.source(), at: row.location))
        }
    }

    /// `base_trade`, `routes`, `tariffs`: one value per route (tariffs: base rate and rate).
    mutating func decodeRoutes(_ table: Table, into set: inout TableSet) {
        let spec = table.spec
        let what = "\(spec.key) row"
        let isTariffs = spec.key == ScenarioFormat.tariffs.key
        // The value: the one numeric column (quantity, affinity), or a tariff's base rate and rate.
        let valueField = spec.columns.first { $0.name == "base_rate" } ?? spec.columns.first { $0.type == .number }
        let rateField = isTariffs ? spec.columns.first { $0.name == "rate" } : nil
        var seen = FirstRouteRows()
        // Room for every row at once: no doubling copies of a large table's decoded rows.
        switch spec.key {
        case ScenarioFormat.baseTrade.key: set.baseTrade.reserveCapacity(set.baseTrade.count + table.rows.count)
        case ScenarioFormat.routes.key: set.routes.reserveCapacity(set.routes.count + table.rows.count)
        default: set.tariffs.reserveCapacity(set.tariffs.count + table.rows.count)
        }
        /// False, after reporting the duplicate, when an earlier row gave the same route.
        func firstTime(_ route: Route, row i: Int) -> Bool {
            if let first = seen.firstRow(of: route) {
                error(
                    table.rows[i].location,
                    "duplicate \(spec.key) row for \(routeName(route)) (first given at \(table.rows[first].location)); give each product, exporter and importer once"
                )
                return false
            }
            seen.insert(route, row: i)
            return true
        }
        func store(_ route: Route, _ v: Double, rate: Double?, _ src: String, _ row: Table.Row) {
            switch spec.key {
            case ScenarioFormat.baseTrade.key:
                set.baseTrade.append(sourced(.init(route: route, value: v), source: src, at: row.location))
            case ScenarioFormat.routes.key:
                set.routes.append(sourced(.init(route: route, value: v), source: src, at: row.location))
            default:
                if route.exporter == route.importer {
                    error(
                        row.location,
                        "tariff on \(routeName(route)) has the same exporter and importer; tariffs apply to imports only")
                    return
                }
                set.tariffs.append(sourced(.init(route: route, baseRate: v, rate: rate ?? v), source: src, at: row.location))
                provenance.recordBase(
                    .tariff(route), row: set.tariffs.count - 1, regions: regions.count, products: products.count)
            }
        }
        let fast = CSVRowFields(
            ["product", "exporter", "importer", valueField?.name ?? "", rateField?.name ?? "", "source"], names: names)
        for (i, row) in table.rows.enumerated() {
            if fast.read(row), let p = fast.product(0, row), let s = fast.region(1, row), let r = fast.region(2, row),
                let v = fast.number(3, row, valueField)
            {
                // A tariff's rate: absent or blank = the base rate; otherwise a valid number.
                let rateText = rateField == nil ? "" : fast.text(4, row) ?? ""
                let rate = rateText.isEmpty ? nil : fast.number(4, row, rateField)
                if rateText.isEmpty || rate != nil {
                    let route = Route(p, from: s, to: r)
                    if firstTime(route, row: i) { store(route, v, rate: rate, fast.source(5, row), row) }
                    continue
                }
            }
            var reader = rowReader(row, what: what)
            defer { absorb(reader) }
            let p = reader.product("product")
            let s = reader.region("exporter")
            let r = reader.region("importer")
            var v: Double? = nil, rate: Double? = nil
            var rateOK = true
            v = valueField.flatMap { reader.number($0) }
            if let cell = row.cells["rate"], let rateField {
                if case .null = cell.value {
                } else {
                    rate = reader.number(cell, field: rateField)
                    rateOK = rate != nil
                }
            }
            guard let p, let s, let r, let v, rateOK else { continue }
            let route = Route(p, from: s, to: r)
            guard firstTime(route, row: i) else { continue }
            store(route, v, rate: rate, reader.source(), row)
        }
    }

    /// The row where each route of a route table was first given, for duplicate reports. Rows
    /// written in route order (as `minsim generate` and `resolved/` write them) cannot repeat
    /// an earlier route, so until a row breaks the order the routes are only listed; the
    /// dictionary is built when one does.
    struct FirstRouteRows {
        private var inOrder: [(route: Route, row: Int)] = []
        private var byRoute: [Route: Int]? = nil

        /// The row where `route` was given before; nil when it was not.
        mutating func firstRow(of route: Route) -> Int? {
            if byRoute == nil {
                guard let last = inOrder.last, !(last.route < route) else { return nil }
                var all: [Route: Int] = [:]
                all.reserveCapacity(inOrder.count * 2)
                for entry in inOrder { all[entry.route] = entry.row }
                byRoute = all
                inOrder = []
            }
            return byRoute?[route]
        }

        /// Records the first row of `route` (after `firstRow(of:)` returned nil for it).
        mutating func insert(_ route: Route, row: Int) {
            if byRoute != nil { byRoute?[route] = row } else { inOrder.append((route, row)) }
        }
    }

    /// The row where each node of a node table was first given (dense: one slot per node).
    struct FirstRows {
        let products: Int
        /// Row index + 1 per node `r · products + p`; 0 = not given yet.
        var rows: [Int]
        init(regions: Int, products: Int) {
            self.products = products
            rows = [Int](repeating: 0, count: regions * products)
        }
    }

    /// True for the first row of `node` in a node table; false, after reporting the duplicate,
    /// for a later one.
    mutating func isFirstRow(of node: Node, in table: Table, row: Int, seen: inout FirstRows) -> Bool {
        let slot = node.region.rawValue * seen.products + node.product.rawValue
        if seen.rows[slot] > 0 {
            let first = table.rows[seen.rows[slot] - 1].location
            error(
                table.rows[row].location,
                "duplicate \(table.spec.key) row for \(nodeName(node)) (first given at \(first)); give each region and product once"
            )
            return false
        }
        seen.rows[slot] = row + 1
        return true
    }
}
