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
        var regionRecipes = RegionRecipes()
        var finalDemand: SourcedRows<ResolvedScenario.NodeValue> = []
        var baseTrade: SourcedRows<ResolvedScenario.RouteValue> = []
        var basePrices: SourcedRows<ResolvedScenario.NodeValue> = []
        var capacities: SourcedRows<ResolvedScenario.NodeValue> = []
        var tariffs: SourcedRows<ResolvedScenario.TariffRow> = []
        var routes: SourcedRows<ResolvedScenario.RouteValue> = []
        var newNodes: SourcedRows<ResolvedScenario.NewNodeRow> = []
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

    /// A recipe entry's identity: region (−1 for the default recipe), product and input,
    /// ordered by the three in turn.
    struct RecipeKey: Hashable, Comparable {
        let region: Int
        let product: Int
        let input: Int

        static func < (a: RecipeKey, b: RecipeKey) -> Bool { (a.region, a.product, a.input) < (b.region, b.product, b.input) }

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
        let decoded = table.decoded ?? .general(table)
        // The row where each key was first given, for duplicate reports.
        var seen = FirstKeyRows<RecipeKey>(rows: decoded.rows.count)
        set.regionRecipes = RegionRecipes(regions: regions.count, products: products.count)
        defer { set.regionRecipes.group() }
        /// False, after reporting the duplicate, when an earlier row gave the same key.
        func firstTime(_ r: RegionIndex?, _ p: ProductIndex, _ q: ProductIndex, row i: Int) -> Bool {
            let key = RecipeKey(region: r?.rawValue ?? -1, product: p.rawValue, input: q.rawValue)
            if let first = seen.firstRow(of: key) {
                let scope = r.map { "region \(regions[$0.rawValue].code)" } ?? "the default recipe"
                error(
                    decoded.location(i, general: table.rows),
                    "duplicate recipe row: \(products[p.rawValue].product.name) already has input \(products[q.rawValue].product.name) in \(scope) (first given at \(decoded.location(first, general: table.rows))); give each input once"
                )
                return false
            }
            seen.insert(key, row: i)
            return true
        }
        func store(_ r: RegionIndex?, _ p: ProductIndex, _ entry: RecipeEntry) {
            if let r {
                set.regionRecipes.append(entry, for: Node(r, p))
            } else {
                set.defaultRecipes[p.rawValue, default: []].append(entry)
            }
        }
        for (i, d) in decoded.rows.enumerated() {
            if d.isDecoded {
                // Region −1: blank, `*` or absent, the default recipe.
                let r = d.values.a < 0 ? nil : RegionIndex(Int(d.values.a))
                let p = ProductIndex(Int(d.values.b)), q = ProductIndex(Int(d.values.c))
                if firstTime(r, p, q, row: i) { store(r, p, (q, d.values.value, decoded.origin(d))) }
                continue
            }
            let row = table.rows[d.line]
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
        let decoded = table.decoded ?? .general(table)
        var seen = FirstRows(regions: regions.count, products: products.count)
        // Which table, found once (not a comparison of key texts per row).
        enum Target { case finalDemand, basePrices, capacities }
        let target: Target =
            spec.key == ScenarioFormat.finalDemand.key
            ? .finalDemand : spec.key == ScenarioFormat.basePrices.key ? .basePrices : .capacities
        // Room for every row at once: no doubling copies of a large table's decoded rows.
        switch target {
        case .finalDemand: set.finalDemand.reserveCapacity(set.finalDemand.count + decoded.rows.count)
        case .basePrices: set.basePrices.reserveCapacity(set.basePrices.count + decoded.rows.count)
        case .capacities: set.capacities.reserveCapacity(set.capacities.count + decoded.rows.count)
        }
        func store(_ node: Node, _ v: Double, _ origin: Provenance.RowOrigin) {
            let value = Sourced(ResolvedScenario.NodeValue(node: node, value: v), origin: origin)
            switch target {
            case .finalDemand:
                set.finalDemand.append(value)
                provenance.recordBase(
                    .finalDemand(node), row: set.finalDemand.count - 1, regions: regions.count, products: products.count)
            case .basePrices: set.basePrices.append(value)
            case .capacities:
                set.capacities.append(value)
                provenance.recordBase(
                    .capacity(node), row: set.capacities.count - 1, regions: regions.count, products: products.count)
            }
        }
        let location = { (i: Int) in decoded.location(i, general: table.rows) }
        for (i, d) in decoded.rows.enumerated() {
            if d.isDecoded {
                let node = Node(RegionIndex(Int(d.values.a)), ProductIndex(Int(d.values.b)))
                if isFirstRow(of: node, in: spec, row: i, seen: &seen, at: location) {
                    store(node, d.values.value, decoded.origin(d))
                }
                continue
            }
            let row = table.rows[d.line]
            var reader = rowReader(row, what: what)
            defer { absorb(reader) }
            let r = reader.region("region")
            let p = reader.product("product")
            let v = valueField.flatMap { reader.number($0) }
            guard let r, let p, let v else { continue }
            let node = Node(r, p)
            guard isFirstRow(of: node, in: spec, row: i, seen: &seen, at: location) else { continue }
            store(node, v, provenance.origin(source: reader.source(), at: row.location))
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
            guard isFirstRow(of: node, in: spec, row: i, seen: &seen, at: { table.rows[$0].location }) else { continue }
            set.newNodes.append(
                sourced(.init(node: node, price: price, referenceCapacity: capacity), source: reader.source(), at: row.location))
        }
    }

    /// `base_trade`, `routes`, `tariffs`: one value per route (tariffs: base rate and rate).
    mutating func decodeRoutes(_ table: Table, into set: inout TableSet) {
        let spec = table.spec
        let what = "\(spec.key) row"
        // The value: the one numeric column (quantity, affinity), or a tariff's base rate.
        let valueField = spec.columns.first { $0.name == "base_rate" } ?? spec.columns.first { $0.type == .number }
        let rateField = spec.key == ScenarioFormat.tariffs.key ? spec.columns.first { $0.name == "rate" } : nil
        let decoded = table.decoded ?? .general(table)
        var seen = FirstKeyRows<Route>(rows: decoded.rows.count)
        // Which table, found once (not a comparison of key texts per row).
        enum Target { case baseTrade, routes, tariffs }
        let target: Target =
            spec.key == ScenarioFormat.baseTrade.key ? .baseTrade : spec.key == ScenarioFormat.routes.key ? .routes : .tariffs
        // Room for every row at once: no doubling copies of a large table's decoded rows.
        switch target {
        case .baseTrade: set.baseTrade.reserveCapacity(set.baseTrade.count + decoded.rows.count)
        case .routes: set.routes.reserveCapacity(set.routes.count + decoded.rows.count)
        case .tariffs: set.tariffs.reserveCapacity(set.tariffs.count + decoded.rows.count)
        }
        /// False, after reporting the duplicate, when an earlier row gave the same route.
        func firstTime(_ route: Route, row i: Int) -> Bool {
            if let first = seen.firstRow(of: route) {
                error(
                    decoded.location(i, general: table.rows),
                    "duplicate \(spec.key) row for \(routeName(route)) (first given at \(decoded.location(first, general: table.rows))); give each product, exporter and importer once"
                )
                return false
            }
            seen.insert(route, row: i)
            return true
        }
        func store(_ route: Route, _ v: Double, rate: Double?, _ origin: Provenance.RowOrigin) {
            switch target {
            case .baseTrade: set.baseTrade.append(Sourced(.init(route: route, value: v), origin: origin))
            case .routes: set.routes.append(Sourced(.init(route: route, value: v), origin: origin))
            case .tariffs:
                if route.exporter == route.importer {
                    error(
                        location(origin),
                        "tariff on \(routeName(route)) has the same exporter and importer; tariffs apply to imports only")
                    return
                }
                set.tariffs.append(Sourced(.init(route: route, baseRate: v, rate: rate ?? v), origin: origin))
                provenance.recordBase(
                    .tariff(route), row: set.tariffs.count - 1, regions: regions.count, products: products.count)
            }
        }
        for (i, d) in decoded.rows.enumerated() {
            if d.isDecoded {
                let v = d.values
                let route = Route(ProductIndex(Int(v.a)), from: RegionIndex(Int(v.b)), to: RegionIndex(Int(v.c)))
                if firstTime(route, row: i) { store(route, v.value, rate: v.rate.isNaN ? nil : v.rate, decoded.origin(d)) }
                continue
            }
            let row = table.rows[d.line]
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
            store(route, v, rate: rate, provenance.origin(source: reader.source(), at: row.location))
        }
    }

    /// The row where each key (a route, a recipe entry) of a table was first given, for
    /// duplicate reports. Rows written in key order (as `minsim generate` and `resolved/` write
    /// them) cannot repeat an earlier key, so until a row breaks the order the keys are only
    /// listed; the dictionary is built when one does.
    struct FirstKeyRows<Key: Hashable & Comparable> {
        private var inOrder: [(key: Key, row: Int)] = []
        private var byKey: [Key: Int]? = nil

        /// Room for `rows` keys in order.
        init(rows: Int) { inOrder.reserveCapacity(rows) }

        /// The row where `key` was given before; nil when it was not.
        mutating func firstRow(of key: Key) -> Int? {
            if byKey == nil {
                guard let last = inOrder.last, !(last.key < key) else { return nil }
                var all: [Key: Int] = [:]
                all.reserveCapacity(inOrder.count * 2)
                for entry in inOrder { all[entry.key] = entry.row }
                byKey = all
                inOrder = []
            }
            return byKey?[key]
        }

        /// Records the first row of `key` (after `firstRow(of:)` returned nil for it).
        mutating func insert(_ key: Key, row: Int) {
            if byKey != nil { byKey?[key] = row } else { inOrder.append((key, row)) }
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
    /// for a later one (rows located by `location`).
    mutating func isFirstRow(
        of node: Node, in spec: ScenarioFormat.TableSpec, row: Int, seen: inout FirstRows, at location: (Int) -> SourceLocation
    ) -> Bool {
        let slot = node.region.rawValue * seen.products + node.product.rawValue
        if seen.rows[slot] > 0 {
            let first = location(seen.rows[slot] - 1)
            error(
                location(row),
                "duplicate \(spec.key) row for \(nodeName(node)) (first given at \(first)); give each region and product once"
            )
            return false
        }
        seen.rows[slot] = row + 1
        return true
    }
}
