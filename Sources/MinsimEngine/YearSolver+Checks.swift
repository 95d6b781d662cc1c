// The checks of a year's answer: productivity, markets with no open route, mass balance.
extension YearSolver {
    /// True when a test solution `(I − A)⁻¹·1` exists and is ≥ 1 everywhere (0.5 with margin).
    func isProductive(_ y: [Double]?) -> Bool {
        guard let y else { return false }
        return y.allSatisfy { $0.isFinite && $0 >= 0.5 }
    }

    /// Throws `.nonProductive` naming nodes where `(I − A)⁻¹·1` (or its transpose) is below 1.
    func checkProductive(test y: [Double], calibration c: Calibration, withTariffs: Bool) throws(SolveError) {
        // Exact arithmetic gives y ≥ 1 for a productive network; 0.5 leaves a wide margin for rounding.
        guard !isProductive(y) else { return }
        let bad = zip(c.activeNodes, y).filter { !($0.1.isFinite && $0.1 >= 0.5) }.map(\.0)
        if !bad.isEmpty { throw .nonProductive(nodes: bad, withTariffs: withTariffs) }
    }

    /// A market with every route closed (all suppliers banned, shut or unable to produce) may
    /// have no use: no final demand, and — once quantities are known (`output`) — no
    /// intermediate use by a node that produces. Before quantities, intermediate use is judged
    /// by the recipe alone only when `output` is nil and the consumer could produce.
    func checkMarketsServed(_ system: LeontiefSystem, demand: NodeTable<Double>, output: [Double]?) throws(SolveError) {
        let c = system.calibration
        for (m, market) in c.markets.enumerated() {
            let total = market.routes.reduce(0.0) { $0 + system.shares[$1] }
            guard total == 0 else { continue }
            if demand[market.importer, market.product] > 0 {
                throw .noAvailableSupplier(product: market.product, region: market.importer)
            }
            guard let x = output else { continue }
            if c.consumption.contains(where: { $0.market == m && x[$0.column] > 0 }) {
                throw .noAvailableSupplier(product: market.product, region: market.importer)
            }
        }
    }

    /// Mass balance per node: `x_n = Σ_r F[n→r]`, relative to the node's throughput
    /// `max(x_n, Σ_r F)`, with a floor of 1e-12 of the largest output of the same product so that
    /// nodes with near-zero output are not judged on rounding alone.
    func checkMassBalance(_ c: Calibration, output x: [Double], flows: [Double], stats: inout SolverStatistics) -> Bool {
        var shipped = [Double](repeating: 0, count: x.count)
        for k in c.routes.indices { shipped[c.supplierIndex[k]] += flows[k] }
        var productScale = [Double](repeating: 0, count: c.network.products.count)
        for (j, node) in c.activeNodes.enumerated() {
            productScale[node.product.rawValue] = max(productScale[node.product.rawValue], x[j], shipped[j])
        }
        var worst = 0.0
        var worstNode: Node? = nil
        for (j, node) in c.activeNodes.enumerated() {
            let scale = max(x[j], shipped[j], 1e-12 * productScale[node.product.rawValue], .leastNormalMagnitude)
            let rel = abs(x[j] - shipped[j]) / scale
            if rel > worst || worstNode == nil { worst = max(rel, worst); worstNode = node }
        }
        stats.massBalanceResidual = worst
        stats.massBalanceTolerance = options.massBalanceTolerance
        stats.worstMassBalanceNode = worstNode
        return worst <= options.massBalanceTolerance
    }
}
