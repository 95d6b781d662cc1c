import MinsimEngine

/// The yearly part of a resolved scenario (docs/scenario-format-years.md): how long to run,
/// what changes by year, and the dynamics that link years (expansion, fleet, recycling).
public struct ScenarioYears: Sendable {
    /// What a path row is keyed by. Unused parts are nil: `region` nil means "every region"
    /// in the index tables; for tariffs `region` is the importer and `exporter` is set; for
    /// `chemistry_mix` `chemistry` is set.
    public struct PathKey: Hashable, Sendable, Comparable {
        public let region: RegionIndex?
        public let exporter: RegionIndex?
        public let product: ProductIndex
        public let input: ProductIndex?
        public let chemistry: String?

        public init(
            region: RegionIndex?, exporter: RegionIndex? = nil, product: ProductIndex, input: ProductIndex? = nil,
            chemistry: String? = nil
        ) {
            self.region = region
            self.exporter = exporter
            self.product = product
            self.input = input
            self.chemistry = chemistry
        }

        public static func < (a: PathKey, b: PathKey) -> Bool {
            func order(_ k: PathKey) -> (Int, Int, Int, Int, String) {
                (
                    k.region?.rawValue ?? -1, k.exporter?.rawValue ?? -1, k.product.rawValue, k.input?.rawValue ?? -1,
                    k.chemistry ?? ""
                )
            }
            return order(a) < order(b)
        }
    }

    /// One row of a path table as written.
    public struct PathRow: Sendable {
        /// Name of the table under `paths`, e.g. `demand_index`.
        public let table: String
        public let key: PathKey
        public let year: Int
        public let value: Double
        public let source: String
        public let location: SourceLocation
    }

    /// One row of `chemistries`: units of `input` per unit of `product` for a battery of
    /// chemistry `name`.
    public struct ChemistryRow: Sendable {
        public let name: String
        public let product: ProductIndex
        public let input: ProductIndex
        public let quantityPerUnit: Double
        public let source: String
        public let location: SourceLocation
    }

    /// Announced capacity (`capacity_projects`).
    public struct Project: Sendable {
        public let node: Node
        public let onlineYear: Int
        public let capacity: Double
        public let source: String
        public let location: SourceLocation
    }

    /// Vehicles in use at the start of the base year (`fleet.initial_stock`).
    public struct CohortRow: Sendable {
        public let region: RegionIndex
        public let cohort: Int
        public let vehicles: Double
        public let source: String
        public let location: SourceLocation
    }

    /// Last simulated year (≥ base year).
    public let horizon: Int
    /// The scenario's `price_ceiling_multiple`: the choke-price multiple of products that do
    /// not give their own.
    public let priceCeilingMultiple: Double
    /// ε of final demand per product (≤ 0), in product order.
    public let demandElasticity: [Double]
    /// `c_q` per product, in product order: `choke_price_multiple`, or `priceCeilingMultiple`.
    public let chokePriceMultiple: [Double]
    /// Every path row, by table in `ScenarioFormat.pathTables` order, rows as written.
    public let pathRows: [PathRow]
    /// Paths by table name and key.
    public let paths: [String: [PathKey: YearPath]]
    /// The `chemistries` table, rows as written.
    public let chemistries: [ChemistryRow]
    public var projects: [Project]
    public let expansion: ExpansionRule?
    public let expansionSource: String
    public let fleet: FleetSettings?
    public let fleetSource: String
    public let lifetimeSource: String
    public let initialStock: [CohortRow]
    /// Mineral chains (also inside `fleet`, which the engine needs them in), with their sources.
    public let minerals: [MineralChain]
    public let mineralSources: [String]
    /// Dated policy shocks (`shocks`), applied on top of the paths.
    public var shocks = ScenarioShocks()

    /// The simulation settings of the engine for this scenario.
    public var settings: SimulationSettings {
        var clearing = MarketClearingSettings()
        clearing.defaultChokePriceMultiple = priceCeilingMultiple
        clearing.chokePriceMultiples = chokePriceMultiple
        return SimulationSettings(
            demandElasticity: demandElasticity, clearing: clearing, expansion: expansion, fleet: fleet,
            minerals: minerals)
    }

    func path(_ table: String, _ key: PathKey) -> YearPath? { paths[table]?[key] }

    /// The recipe coefficients that the chemistry mix sets for node (r, p) in year t, by input
    /// in order of first appearance in `chemistries`; nil when the node has no mix (neither
    /// rows of its region nor default rows):
    /// ```
    /// b[r][p][q](t) = Σ_chem share_chem(r, p, t) · quantity_per_unit(chem, p, q)
    /// ```
    /// over the chemistries of p; a chemistry that does not list q contributes 0, and one
    /// without a share in the mix has share 0.
    public func chemistryRecipe(_ r: RegionIndex, _ p: ProductIndex, in t: Int) -> [(
        input: ProductIndex, quantityPerUnit: Double
    )]? {
        guard let mix = paths["chemistry_mix"] else { return nil }
        var own = mix.filter { $0.key.region == r && $0.key.product == p }
        if own.isEmpty { own = mix.filter { $0.key.region == nil && $0.key.product == p } }
        guard !own.isEmpty else { return nil }
        var shares: [String: Double] = [:]
        for (key, path) in own { if let chem = key.chemistry { shares[chem] = path.value(in: t) } }
        var inputs: [ProductIndex] = []
        var b: [ProductIndex: Double] = [:]
        for row in chemistries where row.product == p {
            if b[row.input] == nil {
                inputs.append(row.input)
                b[row.input] = 0
            }
            b[row.input, default: 0] += (shares[row.name] ?? 0) * row.quantityPerUnit
        }
        return inputs.map { ($0, b[$0] ?? 0) }
    }

    /// Exogenous capacity in year t from the `capacities` table `base`:
    /// ```
    /// K(t) = ((capacities path | base) + Σ projects online by t) × capacity factor
    /// ```
    /// A node named only by projects has the sum of those online by t (0 before).
    ///
    /// The calibration uses K(base year), not the `capacities` table alone: Armington weights
    /// are proportional to K, and only changes of K relative to the calibration move shares,
    /// so a node that gets its first capacity from a path or project would otherwise jump by
    /// a factor of K in the base year.
    public func capacities(in t: Int, base: NodeTable<Double?>) -> NodeTable<Double?> {
        var k = base
        for (key, path) in paths["capacities"] ?? [:] {
            guard let r = key.region else { continue }
            k[r, key.product] = path.value(in: t)
        }
        for project in projects {
            let online = project.onlineYear <= t ? project.capacity : 0
            k[project.node] = (k[project.node] ?? 0) + online
        }
        for (key, path) in paths["capacity_factors"] ?? [:] {
            guard let r = key.region, let value = k[r, key.product] else { continue }
            k[r, key.product] = value * path.value(in: t)
        }
        return k
    }
}

extension ResolvedScenario {
    /// The engine inputs of every simulated year, base year to horizon, in order.
    public func yearInputs() -> [YearInputs] {
        simulatedYears.map { yearInput($0) }
    }

    /// The network and conditions of year `t`:
    /// ```
    /// b[r][p][q](t) = Σ_chem share_chem(r, p, t) · quantity_per_unit(chem, p, q)  (chemistry mix,
    ///                   region rows, else default rows; for the inputs the chemistries of p define)
    ///               | recipes path (region row, else default row)
    ///               | b₀ · recipe_index (region row, else default row) | b₀
    /// D_ref[r][q](t) = final_demand path | D₀ · demand_index (region, else default) | D₀
    /// τ(t)           = (tariffs path | scenario rate) + Σ shocks.tariffs rate · days in force / days in t
    /// D(t)          ×= Π shocks.demand factor in force;  quota(t) = min shocks.export_controls quota in force
    /// f(t)           = Π shocks.preferences factor in force (per route; multiplies its Armington weight)
    /// K(t)           = (capacities path | base capacity) + Σ projects online by t, × capacity factor
    /// ```
    /// A node named only by projects has the sum of the projects online by t (0 before); a new
    /// node (`new_nodes`) with K(t) = 0 is not built yet and its routes are closed in the solve.
    public func yearInput(_ t: Int) -> YearInputs {
        let y = years
        let net = network
        func regional(_ table: String, _ r: RegionIndex, _ p: ProductIndex, _ q: ProductIndex? = nil) -> YearPath? {
            y.path(table, .init(region: r, product: p, input: q)) ?? y.path(table, .init(region: nil, product: p, input: q))
        }

        // Recipes: base rows, then rows that only a recipes path adds.
        var recipes: [Node: [RecipeInput]] = [:]
        for row in self.recipes {
            let r = row.node.region, p = row.node.product
            let b: Double
            if let path = regional("recipes", r, p, row.input) {
                b = path.value(in: t)
            } else if let index = regional("recipe_index", r, p, row.input) {
                b = row.quantityPerUnit * index.value(in: t)
            } else {
                b = row.quantityPerUnit
            }
            recipes[row.node, default: []].append(RecipeInput(row.input, b))
        }
        for key in (y.paths["recipes"] ?? [:]).keys.sorted() {
            guard let input = key.input else { continue }
            let regionsOfKey = key.region.map { [$0] } ?? net.regionIndices
            for r in regionsOfKey {
                let node = Node(r, key.product)
                guard !(recipes[node] ?? []).contains(where: { $0.input == input }),
                    let path = regional("recipes", r, key.product, input)
                else { continue }
                recipes[node, default: []].append(RecipeInput(input, path.value(in: t)))
            }
        }
        // Chemistry mix: replaces the coefficients of the inputs its chemistries define, and
        // adds those the recipe lacks.
        if y.paths["chemistry_mix"] != nil {
            for r in net.regionIndices {
                for p in net.productIndices {
                    guard let mixed = y.chemistryRecipe(r, p, in: t) else { continue }
                    let node = Node(r, p)
                    var list = recipes[node] ?? []
                    for (q, b) in mixed {
                        if let k = list.firstIndex(where: { $0.input == q }) {
                            list[k] = RecipeInput(q, b)
                        } else {
                            list.append(RecipeInput(q, b))
                        }
                    }
                    recipes[node] = list
                }
            }
        }
        let yearNetwork = Network(regions: net.regions, products: net.products, stages: net.stages, recipes: recipes)

        var conditions = self.conditions
        for r in net.regionIndices {
            for p in net.productIndices {
                if let path = y.path("final_demand", .init(region: r, product: p)) {
                    conditions.finalDemand[r, p] = path.value(in: t)
                } else if let index = regional("demand_index", r, p) {
                    conditions.finalDemand[r, p] = base.finalDemand[r, p] * index.value(in: t)
                }
            }
        }
        for (key, path) in y.paths["tariffs"] ?? [:] {
            guard let importer = key.region, let exporter = key.exporter else { continue }
            conditions.tariffs[Route(key.product, from: exporter, to: importer)] = path.value(in: t)
        }
        var table: NodeTable<Double?> = net.nodeTable(repeating: nil)
        for row in capacities { table[row.node] = row.value }
        conditions.capacities = y.capacities(in: t, base: table)
        y.shocks.apply(to: &conditions, in: t)
        return YearInputs(year: t, network: yearNetwork, conditions: conditions)
    }
}
