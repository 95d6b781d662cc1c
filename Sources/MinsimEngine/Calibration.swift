import Foundation

/// A problem in the base-year data that prevents calibration. Each names the node, route or
/// product involved so the scenario layer can point at the offending line.
public enum CalibrationIssue: Sendable, Equatable {
    /// A node supplies something (base trade or an opened route) but has no observed base price.
    case missingBasePrice(Node)
    /// A base price that is zero, negative or not finite.
    case invalidBasePrice(Node, Double)
    /// `v = P₀ − Σ inputs at delivered base prices` is negative: the observed price does not
    /// cover the observed cost of inputs.
    case negativeValueAdded(Node, valueAdded: Double, price: Double, inputCost: Double)
    /// A region uses a product (final demand or a recipe input of one of its active nodes) but
    /// no region supplies it there: no base trade and no opened route.
    case noSupplier(product: ProductIndex, region: RegionIndex)
    /// A base trade quantity that is negative or not finite.
    case invalidTradeQuantity(Route, Double)
    /// A tariff that is not finite or not greater than −1 (a −100 % tariff would make goods free).
    case invalidTariff(Route, Double)
    /// A node trades in the base year but its base capacity is zero.
    case zeroCapacitySupplier(Node)
    /// A capacity that is negative or not finite.
    case invalidCapacity(Node, Double)
    /// A final demand that is negative or not finite.
    case invalidFinalDemand(Node, Double)
    /// An opened route's reference share outside (0, 1), or a route that already has base trade.
    case invalidOpenedRoute(Route, Double)
    /// An Armington elasticity that is negative or not finite.
    case invalidElasticity(ProductIndex, Double)
    /// A new node's reference capacity that is not finite and positive, or given for a node
    /// that already supplies base trade (its base capacity calibrates it).
    case invalidReferenceCapacity(Node, Double)

    /// A sentence a user can act on, using the network's names.
    public func message(in network: Network) -> String {
        switch self {
        case .missingBasePrice(let n):
            return "node \(network.name(of: n)) supplies in the base year but has no base price; add a base price for it"
        case .invalidBasePrice(let n, let p):
            return "base price of \(network.name(of: n)) is \(p); prices must be positive and finite"
        case .negativeValueAdded(let n, let v, let p, let c):
            return
                "value added of \(network.name(of: n)) comes out negative (\(v)): its base price \(p) is below the delivered cost of its inputs \(c); raise the price or check the recipe and input prices"
        case .noSupplier(let q, let r):
            return
                "\(network.regions[r.rawValue].code) uses \(network.products[q.rawValue].name) but no region supplies it there; add base trade into \(network.regions[r.rawValue].code) (domestic supply counts) or open a route"
        case .invalidTradeQuantity(let route, let v):
            return "base trade \(network.name(of: route)) is \(v); quantities must be finite and ≥ 0"
        case .invalidTariff(let route, let v):
            return "tariff on \(network.name(of: route)) is \(v); rates are fractions greater than −1 (0.25 = 25 %)"
        case .zeroCapacitySupplier(let n):
            return
                "node \(network.name(of: n)) trades in the base year but its capacity is 0; give it a positive capacity or remove its trade"
        case .invalidCapacity(let n, let v):
            return "capacity of \(network.name(of: n)) is \(v); capacities must be finite and ≥ 0"
        case .invalidFinalDemand(let n, let v):
            return "final demand for \(network.name(of: n)) is \(v); demand must be finite and ≥ 0"
        case .invalidOpenedRoute(let route, let s):
            return
                "opened route \(network.name(of: route)) has reference share \(s); it must lie strictly between 0 and 1 and the route must have no base trade"
        case .invalidElasticity(let q, let s):
            return "elasticity of \(network.products[q.rawValue].name) is \(s); it must be finite and ≥ 0"
        case .invalidReferenceCapacity(let n, let k):
            return
                "new node \(network.name(of: n)) has reference capacity \(k); it must be finite and > 0, and only nodes without base trade take one"
        }
    }
}

/// Calibration failed; `issues` lists every problem found, not only the first.
public struct CalibrationError: Error, Sendable {
    public let issues: [CalibrationIssue]
}

/// The calibrated model: the base year turned into the parameters the solver needs.
///
/// - Route affinities (MODEL.md §4), so that base shares are reproduced exactly:
///   ```
///   φ[q][s→r] = S₀[q][s→r] / (K₀[(s,q)] · (P₀[(s,q)] · (1 + τ₀[q][s→r]))^(−σ_q))
///   ```
///   stored as log φ so that large σ cannot overflow.
/// - Value added per unit (MODEL.md §3), the residual of observed prices:
///   ```
///   v = (I − Ã₀)ᵀ P₀,   Ã₀[(s,q),(r,p)] = S₀[q][s→r] · b[r][p][q] · (1 + τ₀[q][s→r])
///   ```
///
/// A node is *active* when it supplies something (base trade or an opened route). Only active
/// nodes enter the linear systems; an inactive node produces nothing and has no price.
public struct Calibration: Sendable {
    public private(set) var network: Network
    public let base: BaseYear

    // Routes, sorted by (product, importer, exporter) and grouped by market (product, importer).
    /// All routes that can carry trade: base trade > 0 or opened.
    public let routes: [Route]
    /// log φ per route.
    let logAffinity: [Double]
    /// S₀ per route: observed shares; 0 for opened routes into a market with base trade, and
    /// the normalised reference shares s/Σs in a market that has only opened routes.
    public let baseShares: [Double]
    /// Markets (q, r) with at least one route, each a contiguous range of `routes`.
    let markets: [MarketRoutes]
    /// Position in `markets` per (importer, product); nil where no route serves it.
    let marketIndex: NodeTable<Int?>
    /// Position in `markets` of each route's market.
    let routeMarket: [Int]

    /// Active nodes in system order: by product (stage order), then region.
    public let activeNodes: [Node]
    /// Position of each node in `activeNodes`; nil when inactive (see `systemIndex(of:)`).
    let systemPositions: NodeTable<Int?>
    /// System index of each route's supplier.
    let supplierIndex: [Int]
    /// Intermediate use: column j consumes `coefficient` per unit from market `market`.
    private(set) var consumption: [Consumption]
    /// v per active node, currency per unit.
    public let valueAdded: [Double]
    /// P₀ per active node.
    public let basePrices: [Double]
    /// Base-year delivered composite price `P̄_m,0 = Σ_k S_k,0 P₀_s(k) (1 + τ_k,0)` of each
    /// market (0 where none): a base-year constant the clearing reads every year (choke prices,
    /// demand response), so it is computed once here rather than per year.
    public private(set) var baseCompositePrices: NodeTable<Double>

    /// The routes into one market, a contiguous range of `routes`.
    struct MarketRoutes: Sendable {
        let product: ProductIndex
        let importer: RegionIndex
        let routes: Range<Int>
    }

    struct Consumption: Sendable {
        let column: Int
        let market: Int
        let coefficient: Double
    }

    /// Calibrates `network` to the observed base year.
    ///
    /// - Throws: `CalibrationError` listing every issue found.
    /// - Complexity: O(routes + recipe entries · suppliers per market).
    public init(network: Network, base: BaseYear) throws(CalibrationError) {
        self.network = network
        self.base = base
        var issues: [CalibrationIssue] = []

        for q in network.productIndices {
            let s = network.product(q).elasticity
            if !(s.isFinite && s >= 0) { issues.append(.invalidElasticity(q, s)) }
        }
        for r in network.regionIndices {
            for q in network.productIndices {
                let d = base.finalDemand[r, q]
                if !(d.isFinite && d >= 0) { issues.append(.invalidFinalDemand(Node(r, q), d)) }
                if let k = base.capacities[r, q], !(k.isFinite && k >= 0) { issues.append(.invalidCapacity(Node(r, q), k)) }
            }
        }
        // The route tables are in route order (`RouteValues`), so problems come in the same
        // order every run and the routes need no sorting or hashing here.
        let tariffs = base.tariffs
        for k in 0..<tariffs.count where !(tariffs.values[k].isFinite && tariffs.values[k] > -1) {
            issues.append(.invalidTariff(tariffs.routes[k], tariffs.values[k]))
        }

        // Routes that carry trade in the base year (quantity > 0), in route order.
        let trade = base.trade
        var tradedRoutes: [Route] = [], tradedQuantity: [Double] = []
        tradedRoutes.reserveCapacity(trade.count)
        tradedQuantity.reserveCapacity(trade.count)
        for k in 0..<trade.count {
            let quantity = trade.values[k]
            if !(quantity.isFinite && quantity >= 0) {
                issues.append(.invalidTradeQuantity(trade.routes[k], quantity))
            } else if quantity > 0 {
                tradedRoutes.append(trade.routes[k])
                tradedQuantity.append(quantity)
            }
        }
        func isTraded(_ route: Route) -> Bool { Self.position(of: route, in: tradedRoutes) != nil }
        // Only scanned when there are new nodes: at millions of routes the set is a visible cost.
        let trading = base.referenceCapacities.isEmpty ? [] : Set(tradedRoutes.map(\.supplier))
        for (node, k) in base.referenceCapacities.sorted(by: {
            ($0.key.product.rawValue, $0.key.region.rawValue) < ($1.key.product.rawValue, $1.key.region.rawValue)
        })
        where !(k.isFinite && k > 0) || trading.contains(node) {
            issues.append(.invalidReferenceCapacity(node, k))
        }
        // Opened routes with a valid share and no base trade join the traded ones, merged in
        // route order (both lists are sorted and share no route); `openedShare` is nil for
        // traded routes.
        var openedRoutes: [Route] = [], openedShares: [Double] = []
        for (route, share) in zip(base.openedRoutes.routes, base.openedRoutes.values) {
            if !(share > 0 && share < 1) || isTraded(route) {
                issues.append(.invalidOpenedRoute(route, share))
            } else {
                openedRoutes.append(route)
                openedShares.append(share)
            }
        }
        let allRoutes: [Route], baseQuantity: [Double], openedShare: [Double?]
        if openedRoutes.isEmpty {
            (allRoutes, baseQuantity, openedShare) = (tradedRoutes, tradedQuantity, [])
        } else {
            (allRoutes, baseQuantity, openedShare) = Self.merge(
                traded: tradedRoutes, quantities: tradedQuantity, opened: openedRoutes, shares: openedShares)
        }
        let baseTau = tariffs.values(at: allRoutes)
        // Looked up per route only when there are new nodes.
        let referenceCapacities = base.referenceCapacities.isEmpty ? nil : base.referenceCapacities

        // Active nodes, in system order (product-major so stages form blocks).
        var isActive = network.nodeTable(repeating: false)
        for route in allRoutes { isActive[route.supplier] = true }
        var active: [Node] = []
        var sysIndex = network.nodeTable(repeating: Int?.none)
        var supplierIdx: [Int] = []
        for q in network.productIndices {
            for r in network.regionIndices where isActive[r, q] {
                sysIndex[r, q] = active.count
                active.append(Node(r, q))
            }
        }

        // Base prices of active nodes.
        var p0 = [Double](repeating: 1, count: active.count)
        for (j, node) in active.enumerated() {
            guard let p = base.prices[node] else { issues.append(.missingBasePrice(node)); continue }
            if !(p.isFinite && p > 0) { issues.append(.invalidBasePrice(node, p)); continue }
            p0[j] = p
        }
        for (k, route) in allRoutes.enumerated() where baseQuantity[k] > 0 && base.capacities[route.supplier] == 0 {
            issues.append(.zeroCapacitySupplier(route.supplier))
        }

        // Markets and base shares.
        // Every route's supplier is active (marked above), so its position exists.
        for route in allRoutes { supplierIdx.append(sysIndex[route.supplier] ?? 0) }
        var markets: [MarketRoutes] = []
        var marketIdx = network.nodeTable(repeating: Int?.none)
        var routeMarket = [Int](repeating: 0, count: allRoutes.count)
        var shares = [Double](repeating: 0, count: allRoutes.count)
        var logPhi = [Double](repeating: 0, count: allRoutes.count)
        // log K and log P₀ per active node, taken once: a node supplies several routes (five
        // per market in a generated network). Where a route has no tariff, P₀(1 + τ) is P₀
        // exactly, so its logarithm is the node's; the values are those taken per route.
        var logK = [Double](repeating: 0, count: active.count)
        var logP = [Double](repeating: 0, count: active.count)
        for (j, node) in active.enumerated() {
            logK[j] = Self.logWeight(capacity: referenceCapacities?[node] ?? base.capacities[node])
            logP[j] = Foundation.log(p0[j])
        }
        var start = 0
        while start < allRoutes.count {
            let q = allRoutes[start].product, r = allRoutes[start].importer
            var end = start
            while end < allRoutes.count && allRoutes[end].product == q && allRoutes[end].importer == r { end += 1 }
            marketIdx[r, q] = markets.count
            for k in start..<end { routeMarket[k] = markets.count }
            markets.append(MarketRoutes(product: q, importer: r, routes: start..<end))
            let sigma = network.product(q).elasticity
            let total = (start..<end).reduce(0.0) { $0 + baseQuantity[$1] }
            for k in start..<end {
                let tau = baseTau[k]
                let j = supplierIdx[k]
                let weight: Double
                if baseQuantity[k] > 0 {
                    shares[k] = baseQuantity[k] / total
                    weight = shares[k]
                } else {
                    // Opened route: weight s/(1−s) relative to the existing suppliers' total
                    // weight of 1, so that alone it takes share s at base conditions.
                    let s = (k < openedShare.count ? openedShare[k] : nil) ?? 0.5
                    weight = total > 0 ? s / (1 - s) : s
                }
                let logDelivered = tau == 0 ? logP[j] : Foundation.log(p0[j] * (1 + tau))
                logPhi[k] = Foundation.log(weight) - logK[j] + sigma * logDelivered
                if total == 0 { shares[k] = weight }
            }
            // A market with no base trade (every route opened, e.g. an input of a new plant)
            // sources at base conditions in proportion to the reference shares, S₀ = s/Σs: the
            // Armington shares at base prices and reference capacities, which is what the new
            // user's value added and the base composite price are computed with.
            if total == 0 {
                let sum = (start..<end).reduce(0.0) { $0 + shares[$1] }
                for k in start..<end { shares[k] /= sum }
            }
            start = end
        }

        // Intermediate use and the value-added residual.
        var consumption: [Consumption] = []
        var va = p0
        var inputCost = [Double](repeating: 0, count: active.count)
        for (j, node) in active.enumerated() {
            for input in network.recipe(for: node) where input.quantityPerUnit > 0 {
                guard let m = marketIdx[node.region, input.input] else {
                    issues.append(.noSupplier(product: input.input, region: node.region))
                    continue
                }
                consumption.append(Consumption(column: j, market: m, coefficient: input.quantityPerUnit))
                for k in markets[m].routes {
                    inputCost[j] +=
                        input.quantityPerUnit * shares[k] * p0[supplierIdx[k]] * (1 + baseTau[k])
                }
            }
            va[j] = p0[j] - inputCost[j]
            // A residual below −1e-9·P₀ is a data error; smaller ones are rounding in P₀ − cost.
            if va[j] < -1e-9 * p0[j] {
                issues.append(.negativeValueAdded(node, valueAdded: va[j], price: p0[j], inputCost: inputCost[j]))
            }
        }
        for r in network.regionIndices {
            for q in network.productIndices where base.finalDemand[r, q] > 0 && marketIdx[r, q] == nil {
                issues.append(.noSupplier(product: q, region: r))
            }
        }

        guard issues.isEmpty else { throw CalibrationError(issues: Self.unique(issues)) }
        self.routes = allRoutes
        self.logAffinity = logPhi
        self.baseShares = shares
        self.markets = markets
        self.marketIndex = marketIdx
        self.routeMarket = routeMarket
        self.activeNodes = active
        self.systemPositions = sysIndex
        self.supplierIndex = supplierIdx
        self.consumption = consumption
        self.valueAdded = va
        self.basePrices = p0
        self.baseCompositePrices = network.nodeTable(repeating: 0.0)
        self.baseCompositePrices = compositePrices(prices: p0, shares: shares, markup: baseTau)
    }

    /// The same calibration with the recipes of `network` (e.g. next year's chemistry mix).
    ///
    /// Affinities φ, base shares, value added v and base prices stay as calibrated in the base
    /// year: a recipe change moves unit costs through `(I − Ã)ᵀP = v + μ`, and hence prices and
    /// shares, rather than being absorbed into v. Regions, products and active nodes must be
    /// unchanged.
    ///
    /// - Throws: `CalibrationError` with `.noSupplier` when a new input has no route into the
    ///   region that uses it.
    public func updating(recipes network: Network) throws(CalibrationError) -> Calibration {
        precondition(
            network.regions == self.network.regions && network.products == self.network.products,
            "recipe updates keep regions and products")
        var copy = self
        copy.network = network
        // A year without recipe changes (the usual case) has the base recipes, often the very
        // same arrays (`Scenario.inputs`): then the consumption is this one.
        if activeNodes.allSatisfy({ network.recipe(for: $0) == self.network.recipe(for: $0) }) { return copy }
        var issues: [CalibrationIssue] = []
        var consumption: [Consumption] = []
        for (j, node) in activeNodes.enumerated() {
            for input in network.recipe(for: node) where input.quantityPerUnit > 0 {
                if let m = marketIndex[node.region, input.input] {
                    consumption.append(Consumption(column: j, market: m, coefficient: input.quantityPerUnit))
                } else {
                    issues.append(.noSupplier(product: input.input, region: node.region))
                }
            }
        }
        guard issues.isEmpty else { throw CalibrationError(issues: Self.unique(issues)) }
        copy.consumption = consumption
        return copy
    }

    /// Position of `node` in `activeNodes` (the order of the linear systems and of the
    /// per-node vectors of a solution); nil when the node is inactive.
    public func systemIndex(of node: Node) -> Int? { systemPositions[node] }

    /// True when at least one route (base trade or opened) serves `market`.
    public func serves(_ market: Market) -> Bool { marketIndex[market.importer, market.product] != nil }

    /// log K for the Armington weight; a node without a capacity is weighted by 1.
    static func logWeight(capacity: Double?) -> Double {
        guard let k = capacity else { return 0 }
        return k > 0 ? Foundation.log(k) : -Double.infinity
    }

    private static func unique(_ issues: [CalibrationIssue]) -> [CalibrationIssue] {
        var out: [CalibrationIssue] = []
        for i in issues where !out.contains(i) { out.append(i) }
        return out
    }

    /// Number of active nodes N (the order of the linear systems).
    public var dimension: Int { activeNodes.count }
}
