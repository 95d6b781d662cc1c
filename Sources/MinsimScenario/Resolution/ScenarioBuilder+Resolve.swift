import Foundation
import MinsimEngine
import Yams

/// Turning the decoded tables into engine values: network, base year, calibration and timeline.
extension ScenarioBuilder {
    // MARK: - Resolution

    mutating func resolve(
        _ t: TableSet, formatVersion: Int, name: String, description: String,
        baseYear: Int, currency: String, stages: [String]?, years: ScenarioYears
    ) {
        let engineRegions = regions.map { Region(code: $0.code, name: $0.name) }
        let engineProducts = products.map(\.product)
        var recipeRows = SourcedRows<ResolvedScenario.RecipeRow>()
        recipeRows.reserveCapacity(
            t.regionRecipes.count + engineRegions.count * t.defaultRecipes.values.reduce(0) { $0 + $1.count })
        // Each node's inputs by node number r · products + p (no dictionary of 100,000 nodes).
        var recipeTable = [[RecipeInput]](repeating: [], count: engineRegions.count * engineProducts.count)
        for r in engineRegions.indices {
            for p in engineProducts.indices {
                let node = Node(RegionIndex(r), ProductIndex(p))
                let rows = recipe(t, node)
                guard !rows.isEmpty else { continue }
                recipeTable[r * engineProducts.count + p] = rows.map { RecipeInput($0.input, $0.quantity) }
                for row in rows {
                    recipeRows.append(
                        Sourced(.init(node: node, input: row.input, quantityPerUnit: row.quantity), origin: row.origin))
                }
            }
        }
        let network = Network(regions: engineRegions, products: engineProducts, stages: stages) {
            recipeTable[$0.region.rawValue * engineProducts.count + $0.product.rawValue]
        }
        // (`set(_:at:)`, not the generic subscript: see `NodeTable+Entries.swift`.)
        var prices: NodeTable<Double?> = network.nodeTable(repeating: nil)
        for row in t.basePrices.rows { prices.set(row.value, at: row.node) }
        for row in t.newNodes.rows { prices.set(row.price, at: row.node) }
        var capacityTable: NodeTable<Double?> = network.nodeTable(repeating: nil)
        for row in t.capacities.rows { capacityTable.set(row.value, at: row.node) }
        var demand = network.nodeTable(repeating: 0.0)
        for row in t.finalDemand.rows { demand.set(row.value, at: row.node) }
        /// The rows' values by key, the first row of a key kept; reserved once, and read in
        /// place (no copy of a row with its origin, no key path: base trade has a row per route).
        func byKey<Row, Key: Hashable>(_ rows: SourcedRows<Row>, _ entry: (Row) -> (Key, Double)) -> [Key: Double] {
            var out: [Key: Double] = [:]
            out.reserveCapacity(rows.count)
            for row in rows.rows {
                let (key, value) = entry(row)
                if out.index(forKey: key) == nil { out[key] = value }
            }
            return out
        }
        /// The rows' values by route in route order, the first row of a route kept: one pass
        /// when the rows are in route order (as generated tables are), no hashing.
        func byRoute<Row>(_ rows: SourcedRows<Row>, _ entry: (Row) -> (Route, Double)) -> RouteValues {
            var routes: [Route] = [], values: [Double] = []
            routes.reserveCapacity(rows.count)
            values.reserveCapacity(rows.count)
            for row in rows.rows {
                let (route, value) = entry(row)
                routes.append(route)
                values.append(value)
            }
            return RouteValues(routes: routes, values: values)
        }
        let timeline = years.timeline(
            network: network, baseYear: baseYear, capacities: capacityTable, finalDemand: demand,
            tariffRates: byKey(t.tariffs) { ($0.route, $0.rate) })
        let base = BaseYear(
            trade: byRoute(t.baseTrade) { ($0.route, $0.value) }, prices: prices,
            tariffs: byRoute(t.tariffs) { ($0.route, $0.baseRate) },
            capacities: timeline.capacity.capacities(in: baseYear), finalDemand: demand,
            openedRoutes: byRoute(t.routes) { ($0.route, $0.value) },
            referenceCapacities: byKey(t.newNodes) { ($0.node, $0.referenceCapacity) })
        for (q, row) in products.enumerated() {
            provenance.record(.product(ProductIndex(q)), table: "products", .base, at: row.location)
        }
        let calibration: Calibration
        do {
            calibration = try Calibration(network: network, base: base)
        } catch {
            let rows = IssueRows(t, supply: supplyLocations(t).byNode, texts: provenance.texts)
            for issue in error.issues {
                self.error(location(of: issue, t, rows), issue.message(in: network))
            }
            return
        }
        // Values to the resolved scenario, sources and locations to its provenance.
        provenance.record(.regions, origins: regions.map { Provenance.Origin(source: $0.source, location: $0.location) })
        provenance.record(.products, origins: products.map { Provenance.Origin(source: $0.source, location: $0.location) })
        /// The rows to the resolved scenario and their origins to its provenance, as they are.
        func values<Row>(_ rows: SourcedRows<Row>, _ table: Provenance.ResolvedTable) -> [Row] {
            let (values, origins) = rows.split()
            provenance.record(table, origins)
            return values
        }
        scenario = ResolvedScenario(
            path: scenarioPath, formatVersion: formatVersion, name: name, description: description, baseYear: baseYear,
            currency: currency, recipes: values(recipeRows, .recipes), finalDemand: values(t.finalDemand, .finalDemand),
            baseTrade: values(t.baseTrade, .baseTrade), basePrices: values(t.basePrices, .basePrices),
            capacities: values(t.capacities, .capacities), tariffs: values(t.tariffs, .tariffs),
            openedRoutes: values(t.routes, .openedRoutes), newNodes: values(t.newNodes, .newNodes),
            referencedFiles: referencedFiles,
            fileDigests: fileDigests,
            network: network, base: base, calibration: calibration, timeline: timeline, years: years,
            provenance: provenance)
    }

    /// Where the rows a calibration issue can point at are, indexed once when calibration fails,
    /// so that reporting many issues stays linear in the rows.
    struct IssueRows {
        let supply: [Node: SourceLocation]
        /// Suppliers of each region, by product.
        let suppliers: [RegionIndex: [Node]]
        let prices: [Node: SourceLocation]
        let capacities: [Node: SourceLocation]
        let finalDemand: [Node: SourceLocation]
        let positiveDemand: [Node: SourceLocation]
        let baseTrade: [Route: SourceLocation]
        let tariffs: [Route: SourceLocation]
        let openedRoutes: [Route: SourceLocation]

        init(_ t: TableSet, supply: [Node: SourceLocation], texts: Provenance.OriginTexts) {
            func first<K: Hashable>(_ pairs: [(K, Provenance.RowOrigin)]) -> [K: SourceLocation] {
                Dictionary(pairs.map { ($0.0, texts.location($0.1)) }, uniquingKeysWith: { a, _ in a })
            }
            self.supply = supply
            suppliers = Dictionary(grouping: supply.keys.sorted { $0.product < $1.product }, by: \.region)
            // A new node's row holds its price; base_prices otherwise.
            prices = first(t.newNodes.map { ($0.node, $0.origin) } + t.basePrices.map { ($0.node, $0.origin) })
            capacities = first(t.capacities.map { ($0.node, $0.origin) })
            finalDemand = first(t.finalDemand.map { ($0.node, $0.origin) })
            positiveDemand = first(t.finalDemand.filter { $0.value > 0 }.map { ($0.node, $0.origin) })
            baseTrade = first(t.baseTrade.map { ($0.route, $0.origin) })
            tariffs = first(t.tariffs.map { ($0.route, $0.origin) })
            openedRoutes = first(t.routes.map { ($0.route, $0.origin) })
        }
    }

    /// The line a calibration issue comes from: the row holding the offending value, or the
    /// definition of the product or region when no row exists.
    ///
    /// Written as `if case` tests rather than a `switch` so that an issue the engine adds later
    /// still gets reported (at the scenario's start) instead of breaking the build.
    func location(of issue: CalibrationIssue, _ t: TableSet, _ rows: IssueRows) -> SourceLocation {
        func productLoc(_ q: ProductIndex) -> SourceLocation { products[q.rawValue].location }
        func nodeRow(_ rows: [Node: SourceLocation], _ n: Node) -> SourceLocation { rows[n] ?? productLoc(n.product) }
        func routeRow(_ rows: [Route: SourceLocation], _ route: Route) -> SourceLocation {
            rows[route] ?? productLoc(route.product)
        }
        if case .missingBasePrice(let n) = issue { return rows.supply[n] ?? productLoc(n.product) }
        if case .invalidBasePrice(let n, _) = issue { return nodeRow(rows.prices, n) }
        if case .negativeValueAdded(let n, _, _, _) = issue { return nodeRow(rows.prices, n) }
        if case .invalidReferenceCapacity(let n, _) = issue { return nodeRow(rows.prices, n) }
        if case .noSupplier(let q, let r) = issue {
            if let at = rows.positiveDemand[Node(r, q)] { return at }
            for node in rows.suppliers[r] ?? [] {
                if let input = recipe(t, node).first(where: { $0.input == q }) { return self.location(input.origin) }
            }
            return regions[r.rawValue].location
        }
        if case .invalidTradeQuantity(let route, _) = issue { return routeRow(rows.baseTrade, route) }
        if case .invalidTariff(let route, _) = issue { return routeRow(rows.tariffs, route) }
        if case .zeroCapacitySupplier(let n) = issue { return nodeRow(rows.capacities, n) }
        if case .invalidCapacity(let n, _) = issue { return nodeRow(rows.capacities, n) }
        if case .invalidFinalDemand(let n, _) = issue { return nodeRow(rows.finalDemand, n) }
        if case .invalidOpenedRoute(let route, _) = issue { return routeRow(rows.openedRoutes, route) }
        if case .invalidElasticity(let q, _) = issue { return productLoc(q) }
        return .start(of: scenarioPath)
    }
}
