import Foundation
import MinsimEngine
import Yams

/// Checks that need several tables (a supplier without a base price, a product nobody supplies).
extension ScenarioBuilder {
    // MARK: - Cross-table checks

    /// Where each node first supplies (base trade > 0, or an opened route), one slot per node.
    struct SupplyRows {
        let products: Int
        /// Per node `r · products + p`: the first row where it supplies; nil when it does not.
        private(set) var first: [Provenance.RowOrigin?]
        /// The texts of the origins.
        private let texts: Provenance.OriginTexts

        init(_ t: TableSet, regions: Int, products: Int, texts: Provenance.OriginTexts) {
            self.products = products
            self.texts = texts
            first = [Provenance.RowOrigin?](repeating: nil, count: regions * products)
            for row in t.baseTrade where row.value > 0 { note(row.route.supplier, row.origin) }
            for row in t.routes { note(row.route.supplier, row.origin) }
        }

        private mutating func note(_ node: Node, _ origin: Provenance.RowOrigin) {
            let k = node.region.rawValue * products + node.product.rawValue
            if first[k] == nil { first[k] = origin }
        }

        /// The supplying nodes and their first rows, by (region, product).
        var nodes: [(node: Node, location: SourceLocation)] {
            first.indices.compactMap { k in
                first[k].map { (Node(RegionIndex(k / products), ProductIndex(k % products)), texts.location($0)) }
            }
        }

        /// The same as a dictionary (for the calibration-failure report).
        var byNode: [Node: SourceLocation] { Dictionary(uniqueKeysWithValues: nodes.map { ($0.node, $0.location) }) }
    }

    func supplyLocations(_ t: TableSet) -> SupplyRows {
        SupplyRows(t, regions: regions.count, products: products.count, texts: provenance.texts)
    }

    /// Recipe of a node after defaults: the region's own rows, or the product's default rows.
    func recipe(_ t: TableSet, _ node: Node) -> ArraySlice<RecipeEntry> {
        t.regionRecipes[node] ?? t.defaultRecipes[node.product.rawValue]?[...] ?? []
    }

    mutating func crossCheck(_ t: TableSet) {
        let tradeReady = !t.unclean.contains("base_trade") && !t.unclean.contains("routes")
        let supply = supplyLocations(t).nodes
        if tradeReady && !t.unclean.contains("base_prices") {
            let priced = NodeSet(
                t.basePrices.rows.map { $0.node } + t.newNodes.rows.map { $0.node }, regions: regions.count,
                products: products.count)
            let unpriced = supply.filter { !priced.contains($0.node) }.sorted { $0.location < $1.location }
            for (node, loc) in unpriced {
                error(
                    loc,
                    "\(nodeName(node)) supplies in the base year but has no base price; add a base_prices row for region \(regions[node.region.rawValue].code), product \(products[node.product.rawValue].product.name)"
                )
            }
        }
        if tradeReady && !t.unclean.contains("new_nodes") && !t.unclean.contains("base_prices") {
            checkNewNodes(t)
        }
        if tradeReady && !t.routes.isEmpty {
            let traded = Dictionary(t.baseTrade.map { ($0.route, $0.value) }, uniquingKeysWith: { a, _ in a })
            for row in t.routes where (traded[row.route] ?? 0) > 0 {
                error(
                    location(row),
                    "route \(routeName(row.route)) already has base trade; 'routes' opens only routes without base trade")
            }
        }
        if tradeReady && !t.unclean.contains("final_demand") && !t.unclean.contains("recipes") {
            let served = t.served
            var reported = NodeSet(regions: regions.count, products: products.count)
            for row in t.finalDemand where row.value > 0 && !served.contains(row.node) && !reported.contains(row.node) {
                reported.insert(row.node)
                let r = regions[row.node.region.rawValue].code, q = products[row.node.product.rawValue].product.name
                error(
                    location(row),
                    "\(r) has final demand for \(q) but no region supplies \(q) there (product used but never supplied); add base_trade into \(r) (domestic supply counts) or open a route"
                )
            }
            for (node, _) in supply {
                for input in recipe(t, node) where input.quantity > 0 {
                    let market = Node(node.region, input.input)
                    guard !served.contains(market), !reported.contains(market) else { continue }
                    reported.insert(market)
                    let r = regions[node.region.rawValue].code, q = products[input.input.rawValue].product.name
                    error(
                        location(input.origin),
                        "\(nodeName(node)) uses \(q) but no region supplies \(q) to \(r) (product used but never supplied); add base_trade into \(r) (domestic supply counts) or open a route"
                    )
                }
            }
        }
    }

    /// `new_nodes` are for nodes without base output: each must not trade or be priced in the
    /// base data already, and must sell through at least one opened route (else it would stay
    /// inactive and its row would have no effect).
    mutating func checkNewNodes(_ t: TableSet) {
        guard !t.newNodes.isEmpty else { return }
        let trading = Dictionary(
            t.baseTrade.filter { $0.value > 0 }.map { ($0.route.supplier, location($0)) }, uniquingKeysWith: { a, _ in a })
        let priced = Dictionary(t.basePrices.map { ($0.node, location($0)) }, uniquingKeysWith: { a, _ in a })
        let selling = Set(t.routes.rows.map { $0.route.supplier })
        for row in t.newNodes {
            let name = nodeName(row.node)
            if let at = trading[row.node] {
                error(
                    location(row),
                    "\(name) already supplies in base_trade (\(at)); new_nodes is for nodes with no base output — give an existing node's price in base_prices"
                )
            } else if let at = priced[row.node] {
                error(
                    location(row),
                    "\(name) already has a base price (\(at)); give the price in one place: base_prices for observed nodes, new_nodes for new plants"
                )
            } else if !selling.contains(row.node) {
                let code = regions[row.node.region.rawValue].code
                let product = products[row.node.product.rawValue].product.name
                error(
                    location(row),
                    "new node \(name) sells nothing: open at least one route from it in 'routes' (product \(product), exporter \(code), importer \(code) for its home market)"
                )
            }
        }
    }

    func nodeName(_ n: Node) -> String {
        "\(regions[n.region.rawValue].code)/\(products[n.product.rawValue].product.name)"
    }
    func routeName(_ r: Route) -> String {
        "\(products[r.product.rawValue].product.name) \(regions[r.exporter.rawValue].code)→\(regions[r.importer.rawValue].code)"
    }
}
