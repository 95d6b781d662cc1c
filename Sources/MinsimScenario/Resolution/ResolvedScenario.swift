import MinsimEngine

/// A scenario after loading, checking and applying defaults: the engine values to solve, and
/// every resolved row so the run can write tables that reproduce it independently of the
/// YAML. The rows hold values only; their sources and locations are in `provenance`
/// (row `i` of `finalDemand` has `provenance.origin(.finalDemand, row: i)`).
public struct ResolvedScenario: Sendable {
    /// A value attached to one node (demand, base price, capacity).
    public struct NodeValue: Sendable {
        public let node: Node
        public let value: Double
    }

    /// A value attached to one route (base trade, opened-route share).
    public struct RouteValue: Sendable {
        public let route: Route
        public let value: Double
    }

    /// One input of one node's recipe after defaults are expanded to every region.
    public struct RecipeRow: Sendable {
        public let node: Node
        public let input: ProductIndex
        public let quantityPerUnit: Double
    }

    /// A tariff with its base-year rate τ₀ and scenario rate τ.
    public struct TariffRow: Sendable {
        public let route: Route
        public let baseRate: Double
        public let rate: Double
    }

    /// A node the scenario activates (`new_nodes`): its reference price and the capacity at
    /// which its opened routes' reference shares apply.
    public struct NewNodeRow: Sendable {
        public let node: Node
        public let price: Double
        public let referenceCapacity: Double
    }

    /// Path of the scenario file, as given.
    public let path: String
    public let formatVersion: Int
    public let name: String
    public let description: String
    public let baseYear: Int
    public let currency: String
    /// Fully expanded recipes, ordered by region, product, then input as written.
    public let recipes: [RecipeRow]
    public let finalDemand: [NodeValue]
    public let baseTrade: [RouteValue]
    public let basePrices: [NodeValue]
    public let capacities: [NodeValue]
    public let tariffs: [TariffRow]
    public let openedRoutes: [RouteValue]
    public let newNodes: [NewNodeRow]
    /// CSV files the scenario references, resolved relative to the scenario file, in the
    /// order the tables appear.
    public let referencedFiles: [String]
    /// SHA-256 (lowercase hex) of the exact bytes read, for the scenario file and every
    /// referenced CSV, keyed by path.
    public let fileDigests: [String: String]

    /// The engine's view: network, observed base year and calibration.
    public let network: Network
    public let base: BaseYear
    public let calibration: Calibration
    /// The engine's timeline: every schedule that turns the scenario into one year's inputs.
    /// (A `var` so that an ensemble sample can shift its capacity projects, docs/uncertainty.md.)
    public var timeline: Scenario
    /// The yearly keys as written (for `resolved/`).
    public let years: ScenarioYears
    /// The `uncertainty` section: what `minsim ensemble` samples (`minsim run` ignores it).
    public var uncertainty: [UncertainInput] = []
    /// Where every row was written and its source (for `resolved/` and diagnostics; the
    /// engine keeps none).
    public var provenance = Provenance()

    /// The years simulated, base year to horizon.
    public var simulatedYears: ClosedRange<Int> { baseYear...years.horizon }

    /// The scenario's conditions without the yearly changes: tariffs at their scenario
    /// `rate`, K(base year) and the base final demand.
    public var conditions: YearConditions { timeline.baseConditions }
}
