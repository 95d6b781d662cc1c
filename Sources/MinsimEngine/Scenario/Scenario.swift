/// A scenario as the engine sees it: the base network and a schedule for everything that
/// changes by year, with no files, sources or locations.
///
/// ```
/// inputs(t) = (network with b(t),  τ(t) + Δτ_shocks(t),  K(t),  D(t) · Π demand shocks,
///              quotas(t),  preferences(t))
/// ```
/// with b(t) from `RecipeSchedule`, τ(t) from `TariffSchedule`, K(t) from `CapacitySchedule`,
/// D(t) from `DemandSchedule` and the shocks from `PolicyShocks`. Years are linked (capacity
/// orders, the fleet stock, recycling) by `Simulation`, with the dynamics in `settings`.
/// Evaluating one year costs O(nodes + routes + schedule entries); nothing is cached, so a
/// perturbed copy (an ensemble sample) is as cheap to evaluate as the original.
public struct Scenario: Sendable {
    /// The base-year network: regions, products, stages and base recipes b₀.
    public var network: Network
    public var baseYear: Int
    /// Last simulated year (≥ base year).
    public var horizon: Int
    public var demand: DemandSchedule
    public var recipes: RecipeSchedule
    public var capacity: CapacitySchedule
    public var tariffs: TariffSchedule
    public var shocks: PolicyShocks
    /// Demand elasticities, clearing settings, capacity expansion, fleet and minerals.
    public var settings: SimulationSettings

    public init(
        network: Network, baseYear: Int, horizon: Int, demand: DemandSchedule, recipes: RecipeSchedule = RecipeSchedule(),
        capacity: CapacitySchedule, tariffs: TariffSchedule, shocks: PolicyShocks = PolicyShocks(),
        settings: SimulationSettings
    ) {
        precondition(horizon >= baseYear, "horizon \(horizon) is before the base year \(baseYear)")
        self.network = network
        self.baseYear = baseYear
        self.horizon = horizon
        self.demand = demand
        self.recipes = recipes
        self.capacity = capacity
        self.tariffs = tariffs
        self.shocks = shocks
        self.settings = settings
    }

    /// The years simulated, base year to horizon.
    public var years: ClosedRange<Int> { baseYear...horizon }

    /// The scenario's own conditions without the yearly changes: the scenario's tariff rates,
    /// K(base year) and D₀.
    public var baseConditions: YearConditions {
        YearConditions(tariffs: tariffs.rates, capacities: capacity.capacities(in: baseYear), finalDemand: demand.base)
    }

    /// The network and conditions of year t (see the type's equation). A new node with
    /// K(t) = 0 is not built yet; the solve closes its routes.
    public func inputs(in t: Int) -> YearInputs {
        // Without a recipe schedule b(t) = b₀: the base network itself (same arrays, which
        // `Calibration.updating` recognises), not a rebuilt copy (≈ 0.1 s at 100,000 nodes).
        let yearNetwork =
            recipes.isEmpty
            ? network
            : Network(
                regions: network.regions, products: network.products, stages: network.stages,
                recipes: recipes.recipes(in: t, base: network))
        var conditions = YearConditions(
            tariffs: tariffs.tariffs(in: t), capacities: capacity.capacities(in: t), finalDemand: demand.finalDemand(in: t))
        shocks.apply(to: &conditions, in: t)
        return YearInputs(year: t, network: yearNetwork, conditions: conditions)
    }

    /// The inputs of every simulated year, base year to horizon, in order.
    public func yearInputs() -> [YearInputs] { years.map { inputs(in: $0) } }
}

extension Simulation {
    /// Runs every year of `scenario` with its own settings (solver options from `self`).
    public func run(
        _ calibration: Calibration, scenario: Scenario, progress: ((Int, Int) -> Void)? = nil
    ) throws(SimulationError) -> [SimulatedYear] {
        try run(calibration, years: scenario.yearInputs(), progress: progress)
    }
}
