import MinsimEngine

extension ScenarioYears {
    /// The engine's schedules from the rows as written: each path row becomes a point of the
    /// `YearPath` of its key, grouped by table into the typed schedules (one dictionary
    /// insertion per row, so linear in the rows).
    ///
    /// - Parameters:
    ///   - network: the base network (base recipes b₀).
    ///   - capacities: the `capacities` table, K₀.
    ///   - finalDemand: D₀, base-year final demand.
    ///   - tariffRates: the scenario rate τ of each tariffed route.
    func timeline(
        network: Network, baseYear: Int, capacities: NodeTable<Double?>, finalDemand: NodeTable<Double>,
        tariffRates: [Route: Double]
    ) -> Scenario {
        var points: [PathTable: [PathKey: [(year: Int, value: Double)]]] = [:]
        for row in pathRows { points[row.kind, default: [:]][row.key, default: []].append((row.year, row.value)) }
        func paths(_ table: PathTable) -> [(key: PathKey, path: YearPath)] {
            (points[table] ?? [:]).map { ($0.key, YearPath($0.value)) }
        }
        // Keys of node tables always name a region (the format requires it).
        func byNode(_ table: PathTable) -> [Node: YearPath] {
            var out: [Node: YearPath] = [:]
            for (key, path) in paths(table) { if let r = key.region { out[Node(r, key.product)] = path } }
            return out
        }
        func byRecipeKey(_ table: PathTable) -> [RecipeSchedule.Key: YearPath] {
            var out: [RecipeSchedule.Key: YearPath] = [:]
            for (key, path) in paths(table) {
                if let q = key.input { out[.init(region: key.region, product: key.product, input: q)] = path }
            }
            return out
        }

        var demand = DemandSchedule(base: finalDemand, paths: byNode(.finalDemand))
        for (key, path) in paths(.demandIndex) {
            if let r = key.region {
                demand.indices[Node(r, key.product)] = path
            } else {
                demand.defaultIndices[key.product] = path
            }
        }
        var mix = ChemistryMix(
            chemistries: chemistries.map {
                .init(name: $0.name, product: $0.product, input: $0.input, quantityPerUnit: $0.quantityPerUnit)
            })
        for (key, path) in paths(.chemistryMix) {
            guard let chemistry = key.chemistry else { continue }
            if let r = key.region {
                mix.shares[Node(r, key.product), default: [:]][chemistry] = path
            } else {
                mix.defaultShares[key.product, default: [:]][chemistry] = path
            }
        }
        var tariffPaths: [Route: YearPath] = [:]
        for (key, path) in paths(.tariffs) {
            guard let importer = key.region, let exporter = key.exporter else { continue }
            tariffPaths[Route(key.product, from: exporter, to: importer)] = path
        }
        let capacity = CapacitySchedule(
            base: capacities, paths: byNode(.capacities),
            projects: projects.map { .init(node: $0.node, onlineYear: $0.onlineYear, capacity: $0.capacity) },
            factors: byNode(.capacityFactors))
        return Scenario(
            network: network, baseYear: baseYear, horizon: horizon, demand: demand,
            recipes: RecipeSchedule(paths: byRecipeKey(.recipes), indices: byRecipeKey(.recipeIndex), chemistryMix: mix),
            capacity: capacity, tariffs: TariffSchedule(rates: tariffRates, paths: tariffPaths), shocks: shocks,
            settings: settings)
    }
}
