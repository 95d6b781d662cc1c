/// Route tables in the calibration's route order: merging, lookup by binary search.
extension Calibration {
    /// The traded and the opened routes (each strictly increasing, no route in both) as one
    /// list in route order, with each route's base quantity (0 for an opened route) and opened
    /// share (nil for a traded one). One merge: O(traded + opened).
    static func merge(
        traded: [Route], quantities: [Double], opened: [Route], shares: [Double]
    ) -> (routes: [Route], quantities: [Double], openedShares: [Double?]) {
        let n = traded.count + opened.count
        var routes: [Route] = [], quantity: [Double] = [], share: [Double?] = []
        routes.reserveCapacity(n)
        quantity.reserveCapacity(n)
        share.reserveCapacity(n)
        var i = 0, j = 0
        while i < traded.count || j < opened.count {
            if j == opened.count || (i < traded.count && traded[i] < opened[j]) {
                routes.append(traded[i])
                quantity.append(quantities[i])
                share.append(nil)
                i += 1
            } else {
                routes.append(opened[j])
                quantity.append(0)
                share.append(shares[j])
                j += 1
            }
        }
        return (routes, quantity, share)
    }

    /// Values of a route table in the order of `routes`; absent routes are 0, entries for
    /// routes that carry no trade are ignored. One walk of both sorted lists.
    public func routeVector(_ table: RouteValues) -> [Double] { table.values(at: routes) }

    /// Position of `route` in `routes`, by binary search; nil when the route carries no trade.
    public func index(of route: Route) -> Int? { Self.position(of: route, in: routes) }

    /// Position of `route` in the sorted `routes`, by binary search; nil when it is not there.
    static func position(of route: Route, in routes: [Route]) -> Int? {
        let k = RouteValues.insertionPoint(of: route, in: routes)
        return k < routes.count && routes[k] == route ? k : nil
    }
}
