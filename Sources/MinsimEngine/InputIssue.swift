/// A problem with the inputs of a year or of a run's settings: bad input, found before any
/// solve (`YearConditions.issues(in:)`, `SimulationSettings.issues(in:)`), never a `SolveError`.
/// Each names the node, route or product involved and says what would be valid.
public enum InputIssue: Sendable, Equatable {
    /// A tariff that is not finite or not greater than −1 (a −100 % tariff would make goods free).
    case invalidTariff(Route, Double)
    /// A quota that is negative or not finite.
    case invalidQuota(Route, Double)
    /// A route preference factor that is not finite and > 0.
    case invalidPreference(Route, Double)
    /// A final demand that is negative or not finite.
    case invalidFinalDemand(Node, Double)
    /// A capacity that is negative or not finite.
    case invalidCapacity(Node, Double)
    /// A secondary supply that is negative or not finite.
    case invalidSecondarySupply(Node, Double)
    /// Final demand is given for a market (product, region) that no route serves.
    case noSupplier(product: ProductIndex, region: RegionIndex)
    /// A demand elasticity ε that is not finite and ≤ 0.
    case invalidDemandElasticity(ProductIndex, Double)
    /// A choke price multiple that is not finite and > 0.
    case invalidChokePriceMultiple(ProductIndex, Double)

    /// A sentence a user can act on, using the network's names.
    public func message(in network: Network) -> String {
        switch self {
        case .invalidTariff(let route, let t):
            return "tariff on \(network.name(of: route)) is \(t); rates must be finite and greater than −1"
        case .invalidQuota(let route, let q):
            return "quota on \(network.name(of: route)) is \(q); quotas must be finite and ≥ 0"
        case .invalidPreference(let route, let f):
            return "preference factor on \(network.name(of: route)) is \(f); factors must be finite and > 0"
        case .invalidFinalDemand(let node, let d):
            return "final demand for \(network.name(of: node)) is \(d); it must be finite and ≥ 0"
        case .invalidCapacity(let node, let k):
            return "capacity of \(network.name(of: node)) is \(k); it must be finite and ≥ 0"
        case .invalidSecondarySupply(let node, let s):
            return "secondary supply of \(network.name(of: node)) is \(s); it must be finite and ≥ 0"
        case .noSupplier(let q, let r):
            return
                "final demand for \(network.product(q).name) in \(network.regions[r.rawValue].code) has no supplier; add base trade into that market or open a route"
        case .invalidDemandElasticity(let q, let e):
            return "demand elasticity of \(network.product(q).name) is \(e); it must be finite and ≤ 0"
        case .invalidChokePriceMultiple(let q, let m):
            return "choke price multiple of \(network.product(q).name) is \(m); it must be finite and > 0"
        }
    }
}

extension YearConditions {
    /// Every problem with these conditions for `calibration`'s network, in a fixed order (routes
    /// sorted, then nodes by region and product); empty when the year can be solved.
    ///
    /// - Complexity: O(|R|·|P| + routes with tariffs, quotas or preferences).
    public func issues(in calibration: Calibration) -> [InputIssue] {
        var routeIssues: [(Route, InputIssue)] = []
        for (route, t) in tariffs where !(t.isFinite && t > -1) { routeIssues.append((route, .invalidTariff(route, t))) }
        for (route, q) in routeQuotas where !(q.isFinite && q >= 0) { routeIssues.append((route, .invalidQuota(route, q))) }
        for (route, f) in routePreferences where !(f.isFinite && f > 0) {
            routeIssues.append((route, .invalidPreference(route, f)))
        }
        // Sorted only when there is something to report: at millions of routes a sort per year
        // would be a visible cost.
        var out = routeIssues.sorted { $0.0 < $1.0 }.map(\.1)
        let net = calibration.network
        for r in net.regionIndices {
            for q in net.productIndices {
                let node = Node(r, q)
                let d = finalDemand[r, q]
                if !(d.isFinite && d >= 0) { out.append(.invalidFinalDemand(node, d)) }
                if let k = capacities[r, q], !(k.isFinite && k >= 0) { out.append(.invalidCapacity(node, k)) }
                if d > 0 && !calibration.serves(Market(q, in: r)) { out.append(.noSupplier(product: q, region: r)) }
                if let s = secondarySupply?[r, q], !(s.isFinite && s >= 0) { out.append(.invalidSecondarySupply(node, s)) }
            }
        }
        return out
    }
}

extension SimulationSettings {
    /// Every problem with the run's demand elasticities and choke price multiples, in product
    /// order; empty when they are valid.
    public func issues(in network: Network) -> [InputIssue] {
        precondition(demandElasticity.count == network.products.count, "one demand elasticity per product")
        var out: [InputIssue] = []
        for q in network.productIndices {
            let e = demandElasticity[q.rawValue]
            if !(e.isFinite && e <= 0) { out.append(.invalidDemandElasticity(q, e)) }
            let multiple = clearing.chokePriceMultiple(of: q)
            if !(multiple.isFinite && multiple > 0) { out.append(.invalidChokePriceMultiple(q, multiple)) }
        }
        return out
    }
}
