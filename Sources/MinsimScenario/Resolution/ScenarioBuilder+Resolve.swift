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
        var recipeRows: [ResolvedScenario.RecipeRow] = []
        var recipeTable: [Node: [RecipeInput]] = [:]
        for r in engineRegions.indices {
            for p in engineProducts.indices {
                let node = Node(RegionIndex(r), ProductIndex(p))
                let rows = recipe(t, node)
                guard !rows.isEmpty else { continue }
                recipeTable[node] = rows.map { RecipeInput($0.input, $0.quantity) }
                recipeRows += rows.map {
                    .init(node: node, input: $0.input, quantityPerUnit: $0.quantity, source: $0.source, location: $0.location)
                }
            }
        }
        let network = Network(regions: engineRegions, products: engineProducts, stages: stages, recipes: recipeTable)
        var prices: NodeTable<Double?> = network.nodeTable(repeating: nil)
        for row in t.basePrices { prices[row.node] = row.value }
        for row in t.newNodes { prices[row.node] = row.price }
        var capacityTable: NodeTable<Double?> = network.nodeTable(repeating: nil)
        for row in t.capacities { capacityTable[row.node] = row.value }
        var demand = network.nodeTable(repeating: 0.0)
        for row in t.finalDemand { demand[row.node] = row.value }
        let timeline = years.timeline(
            network: network, baseYear: baseYear, capacities: capacityTable, finalDemand: demand,
            tariffRates: Dictionary(t.tariffs.map { ($0.route, $0.rate) }, uniquingKeysWith: { a, _ in a }))
        let base = BaseYear(
            trade: Dictionary(t.baseTrade.map { ($0.route, $0.value) }, uniquingKeysWith: { a, _ in a }),
            prices: prices,
            tariffs: Dictionary(t.tariffs.map { ($0.route, $0.baseRate) }, uniquingKeysWith: { a, _ in a }),
            capacities: timeline.capacity.capacities(in: baseYear), finalDemand: demand,
            openedRoutes: Dictionary(t.routes.map { ($0.route, $0.value) }, uniquingKeysWith: { a, _ in a }),
            referenceCapacities: Dictionary(t.newNodes.map { ($0.node, $0.referenceCapacity) }, uniquingKeysWith: { a, _ in a }))
        let calibration: Calibration
        do {
            calibration = try Calibration(network: network, base: base)
        } catch {
            for issue in error.issues {
                self.error(location(of: issue, t), issue.message(in: network))
            }
            return
        }
        scenario = ResolvedScenario(
            path: scenarioPath, formatVersion: formatVersion, name: name, description: description, baseYear: baseYear,
            currency: currency, regionSources: regions.map(\.source), productSources: products.map(\.source),
            recipes: recipeRows, finalDemand: t.finalDemand, baseTrade: t.baseTrade, basePrices: t.basePrices,
            capacities: t.capacities, tariffs: t.tariffs, openedRoutes: t.routes, newNodes: t.newNodes,
            referencedFiles: referencedFiles,
            fileDigests: fileDigests,
            network: network, base: base, calibration: calibration, timeline: timeline, years: years)
    }

    /// The line a calibration issue comes from: the row holding the offending value, or the
    /// definition of the product or region when no row exists.
    ///
    /// Written as `if case` tests rather than a `switch` so that an issue the engine adds later
    /// still gets reported (at the scenario's start) instead of breaking the build.
    func location(of issue: CalibrationIssue, _ t: TableSet) -> SourceLocation {
        func productLoc(_ q: ProductIndex) -> SourceLocation { products[q.rawValue].location }
        func nodeRow(_ rows: [ResolvedScenario.NodeValue], _ n: Node) -> SourceLocation {
            rows.first { $0.node == n }?.location ?? productLoc(n.product)
        }
        func routeRow(_ rows: [ResolvedScenario.RouteValue], _ route: Route) -> SourceLocation {
            rows.first { $0.route == route }?.location ?? productLoc(route.product)
        }
        if case .missingBasePrice(let n) = issue { return supplyLocations(t)[n] ?? productLoc(n.product) }
        func priceRow(_ n: Node) -> SourceLocation {
            t.newNodes.first { $0.node == n }?.location ?? nodeRow(t.basePrices, n)
        }
        if case .invalidBasePrice(let n, _) = issue { return priceRow(n) }
        if case .negativeValueAdded(let n, _, _, _) = issue { return priceRow(n) }
        if case .invalidReferenceCapacity(let n, _) = issue { return priceRow(n) }
        if case .noSupplier(let q, let r) = issue {
            if let row = t.finalDemand.first(where: { $0.node == Node(r, q) && $0.value > 0 }) { return row.location }
            for node in supplyLocations(t).keys.sorted(by: { $0.product < $1.product }) where node.region == r {
                if let input = recipe(t, node).first(where: { $0.input == q }) { return input.location }
            }
            return regions[r.rawValue].location
        }
        if case .invalidTradeQuantity(let route, _) = issue { return routeRow(t.baseTrade, route) }
        if case .invalidTariff(let route, _) = issue {
            return t.tariffs.first { $0.route == route }?.location ?? productLoc(route.product)
        }
        if case .zeroCapacitySupplier(let n) = issue { return nodeRow(t.capacities, n) }
        if case .invalidCapacity(let n, _) = issue { return nodeRow(t.capacities, n) }
        if case .invalidFinalDemand(let n, _) = issue { return nodeRow(t.finalDemand, n) }
        if case .invalidOpenedRoute(let route, _) = issue { return routeRow(t.routes, route) }
        if case .invalidElasticity(let q, _) = issue { return productLoc(q) }
        return .start(of: scenarioPath)
    }
}
