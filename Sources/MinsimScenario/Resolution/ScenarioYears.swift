import MinsimEngine

/// The yearly keys of a resolved scenario as written (docs/scenario-format-years.md): what
/// `resolved/` reproduces (the rows' sources and locations are in `ResolvedScenario.provenance`). The engine's view of the
/// same keys is `ResolvedScenario.timeline`, built from these rows once.
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
        public let kind: PathTable
        public let key: PathKey
        public let year: Int
        public let value: Double
        /// Name of the table under `paths`, e.g. `demand_index`.
        public var table: String { kind.rawValue }
    }

    /// One row of `chemistries`: units of `input` per unit of `product` for a battery of
    /// chemistry `name`.
    public struct ChemistryRow: Sendable {
        public let name: String
        public let product: ProductIndex
        public let input: ProductIndex
        public let quantityPerUnit: Double
    }

    /// Announced capacity (`capacity_projects`).
    public struct Project: Sendable {
        public let node: Node
        public let onlineYear: Int
        public let capacity: Double
    }

    /// Vehicles in use at the start of the base year (`fleet.initial_stock`).
    public struct CohortRow: Sendable {
        public let region: RegionIndex
        public let cohort: Int
        public let vehicles: Double
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
    /// The `chemistries` table, rows as written.
    public let chemistries: [ChemistryRow]
    /// Announced capacity as written (the engine's copy, which an ensemble sample may shift,
    /// is `Scenario.capacity.projects`).
    public let projects: [Project]
    public let expansion: ExpansionRule?
    public let fleet: FleetSettings?
    public let initialStock: [CohortRow]
    /// Mineral chains (also inside `fleet`, which the engine needs them in).
    public let minerals: [MineralChain]
    /// Dated policy shocks (`shocks`), applied on top of the paths.
    public var shocks = PolicyShocks()

    /// The simulation settings of the engine for this scenario.
    public var settings: SimulationSettings {
        var clearing = MarketClearingSettings()
        clearing.defaultChokePriceMultiple = priceCeilingMultiple
        clearing.chokePriceMultiples = chokePriceMultiple
        return SimulationSettings(
            demandElasticity: demandElasticity, clearing: clearing, expansion: expansion, fleet: fleet,
            minerals: minerals)
    }
}

extension ResolvedScenario {
    /// The engine inputs of every simulated year, base year to horizon, in order
    /// (`Scenario.yearInputs`).
    public func yearInputs() -> [YearInputs] { timeline.yearInputs() }

    /// The network and conditions of year `t` (`Scenario.inputs(in:)`).
    public func yearInput(_ t: Int) -> YearInputs { timeline.inputs(in: t) }
}

/// The tables under `paths` (docs/scenario-format-years.md).
public enum PathTable: String, Sendable, CaseIterable {
    case finalDemand = "final_demand"
    case demandIndex = "demand_index"
    case recipes
    case recipeIndex = "recipe_index"
    case chemistryMix = "chemistry_mix"
    case capacities
    case capacityFactors = "capacity_factors"
    case tariffs
}
