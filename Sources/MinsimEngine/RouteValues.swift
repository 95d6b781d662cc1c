/// Values by route, held as two arrays in route order — (product, importer, exporter), the
/// order of `Calibration.routes` — with each route once.
///
/// `BaseYear`'s route tables were dictionaries: at hundreds of thousands of routes, hashing
/// every row into them, walking them in hash order and sorting what came out for the
/// calibration was ≈ 11 % of `minsim validate` (docs/performance.md). Here rows that are
/// already in route order (as `minsim generate` and most hand-written tables give them) cost
/// one pass, and the calibration reads the tables by walking them beside its routes.
public struct RouteValues: Sendable, Equatable {
    /// The routes, strictly increasing.
    public private(set) var routes: [Route]
    /// `values[k]` belongs to `routes[k]`.
    public private(set) var values: [Double]

    /// An empty table.
    public init() {
        routes = []
        values = []
    }

    /// The entries of `table` in route order.
    public init(_ table: [Route: Double]) {
        var routes: [Route] = [], values: [Double] = []
        routes.reserveCapacity(table.count)
        values.reserveCapacity(table.count)
        for (route, value) in table {
            routes.append(route)
            values.append(value)
        }
        self.init(routes: routes, values: values)
    }

    /// `values[k]` for `routes[k]`, in any order; where a route is given more than once, its
    /// first value is kept (as a dictionary filled with "insert if absent" would).
    ///
    /// - Complexity: O(n) when the routes are in order; otherwise O(n + products · regions)
    ///   when that table of markets is no larger than a few entries per route (a counting sort
    ///   by market, then the few routes of each market by exporter), O(n log n) beyond.
    public init(routes: [Route], values: [Double]) {
        precondition(routes.count == values.count, "\(routes.count) routes but \(values.count) values")
        var increasing = true
        for k in routes.indices.dropFirst() where !(routes[k - 1] < routes[k]) {
            increasing = false
            break
        }
        if increasing {
            self.routes = routes
            self.values = values
            return
        }
        let order = Self.stableOrder(routes)
        var sortedRoutes: [Route] = [], sortedValues: [Double] = []
        sortedRoutes.reserveCapacity(routes.count)
        sortedValues.reserveCapacity(routes.count)
        for k in order where sortedRoutes.last != routes[k] {
            // Equal routes are adjacent, the first given first: later ones are dropped.
            sortedRoutes.append(routes[k])
            sortedValues.append(values[k])
        }
        self.routes = sortedRoutes
        self.values = sortedValues
    }

    /// Positions of `routes` in route order, equal routes in the order given.
    static func stableOrder(_ routes: [Route]) -> [Int] {
        var products = 0, regions = 0, indexed = true
        for route in routes {
            let q = route.product.rawValue, r = route.importer.rawValue
            if q < 0 || r < 0 {
                indexed = false
                break
            }
            products = max(products, q + 1)
            regions = max(regions, r + 1)
        }
        let markets = products.multipliedReportingOverflow(by: regions)
        guard indexed, !markets.overflow, markets.partialValue <= 4 * routes.count + 1024 else {
            return routes.indices.sorted { (routes[$0], $0) < (routes[$1], $1) }
        }
        func market(_ route: Route) -> Int { route.product.rawValue * regions + route.importer.rawValue }
        var start = [Int](repeating: 0, count: markets.partialValue + 1)
        for route in routes { start[market(route) + 1] += 1 }
        for m in 0..<markets.partialValue { start[m + 1] += start[m] }
        var next = start
        var order = [Int](repeating: 0, count: routes.count)
        for (k, route) in routes.enumerated() {
            let m = market(route)
            order[next[m]] = k
            next[m] += 1
        }
        for m in 0..<markets.partialValue where start[m + 1] - start[m] > 1 {
            // Insertion sort by exporter (a market has a handful of suppliers); strict
            // comparison keeps equal routes in the order given.
            for k in (start[m] + 1)..<start[m + 1] {
                let entry = order[k], exporter = routes[entry].exporter
                var j = k
                while j > start[m] && exporter < routes[order[j - 1]].exporter {
                    order[j] = order[j - 1]
                    j -= 1
                }
                order[j] = entry
            }
        }
        return order
    }

    public var count: Int { routes.count }
    public var isEmpty: Bool { routes.isEmpty }

    /// The value of `route`, nil when absent (binary search). Setting inserts, replaces or,
    /// with nil, removes the entry (O(n): for small edits, not for building a table).
    public subscript(route: Route) -> Double? {
        get {
            let k = Self.insertionPoint(of: route, in: routes)
            return k < routes.count && routes[k] == route ? values[k] : nil
        }
        set {
            let k = Self.insertionPoint(of: route, in: routes)
            let present = k < routes.count && routes[k] == route
            switch (present, newValue) {
            case (true, .some(let v)): values[k] = v
            case (true, .none):
                routes.remove(at: k)
                values.remove(at: k)
            case (false, .some(let v)):
                routes.insert(route, at: k)
                values.insert(v, at: k)
            case (false, .none): break
            }
        }
    }

    /// The entries as a dictionary.
    public var dictionary: [Route: Double] {
        Dictionary(uniqueKeysWithValues: zip(routes, values))
    }

    /// The values at `targets` (strictly increasing, e.g. `Calibration.routes`), 0 where a
    /// target has no entry; entries at routes not among the targets are ignored. One walk of
    /// both lists: O(targets + entries).
    public func values(at targets: [Route]) -> [Double] {
        var out = [Double](repeating: 0, count: targets.count)
        var k = 0
        for (i, target) in targets.enumerated() {
            while k < routes.count && routes[k] < target { k += 1 }
            if k < routes.count && routes[k] == target { out[i] = values[k] }
        }
        return out
    }

    /// First position whose route is not below `route`.
    static func insertionPoint(of route: Route, in routes: [Route]) -> Int {
        var lo = 0, hi = routes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if routes[mid] < route { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

extension RouteValues: ExpressibleByDictionaryLiteral {
    /// A table written as a literal, `[route: value, …]`; a route written twice keeps its first value.
    public init(dictionaryLiteral elements: (Route, Double)...) {
        self.init(routes: elements.map(\.0), values: elements.map(\.1))
    }
}
