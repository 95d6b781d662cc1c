/// Route tables in the calibration's route order: sorting, lookup by binary search.
extension Calibration {
    /// Sorts `traded` by route: a counting pass places each route in its market (q, r), and
    /// the few routes of each market are then ordered by exporter. At hundreds of thousands
    /// of routes a comparison sort was a visible share of loading. The routes are distinct
    /// (the keys of `BaseYear.trade`), so the order is the one any sort gives.
    static func sortByRoute(_ traded: inout [(route: Route, quantity: Double)], network: Network) {
        let regions = network.regions.count, markets = network.products.count * regions
        func market(_ route: Route) -> Int { route.product.rawValue * regions + route.importer.rawValue }
        let indexed = traded.allSatisfy {
            $0.route.product.rawValue >= 0 && $0.route.product.rawValue < network.products.count
                && $0.route.importer.rawValue >= 0 && $0.route.importer.rawValue < regions
        }
        guard indexed, traded.count > 64 else {
            traded.sort { $0.route < $1.route }
            return
        }
        var start = [Int](repeating: 0, count: markets + 1)
        for entry in traded { start[market(entry.route) + 1] += 1 }
        for m in 0..<markets { start[m + 1] += start[m] }
        var next = start
        var sorted = traded
        for entry in traded {
            let m = market(entry.route)
            sorted[next[m]] = entry
            next[m] += 1
        }
        for m in 0..<markets where start[m + 1] - start[m] > 1 {
            // Insertion sort by exporter: a market has a handful of suppliers.
            for k in (start[m] + 1)..<start[m + 1] {
                let entry = sorted[k]
                var j = k
                while j > start[m] && entry.route.exporter < sorted[j - 1].route.exporter {
                    sorted[j] = sorted[j - 1]
                    j -= 1
                }
                sorted[j] = entry
            }
        }
        traded = sorted
    }

    /// Position of `route` in `routes`, by binary search; nil when the route carries no trade.
    public func index(of route: Route) -> Int? { Self.position(of: route, in: routes) }

    /// Position of `route` in the sorted `routes`, by binary search; nil when it is not there.
    static func position(of route: Route, in routes: [Route]) -> Int? {
        var lo = 0, hi = routes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if routes[mid] < route { lo = mid + 1 } else { hi = mid }
        }
        return lo < routes.count && routes[lo] == route ? lo : nil
    }
}
