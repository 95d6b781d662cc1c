/// One mineral followed through the chain: its ore and refined products and the recycling
/// rates that turn retired EV batteries back into refinery feed.
public struct MineralChain: Sendable, Equatable {
    public let name: String
    public let ore: ProductIndex
    public let refined: ProductIndex
    public let recycling: RecyclingRates
    public init(name: String, ore: ProductIndex, refined: ProductIndex, recycling: RecyclingRates) {
        self.name = name
        self.ore = ore
        self.refined = refined
        self.recycling = recycling
    }
}

/// The EV fleet: which product enters the stock, how long it lasts, what was already on the road.
public struct FleetSettings: Sendable {
    /// The product whose final demand enters the fleet (EVs sold).
    public let vehicle: ProductIndex
    public let lifetime: LifetimeDistribution
    /// Vehicles in use at the start of the first simulated year, by region and sale year.
    public let initialStock: [RegionIndex: [Int: Double]]
    public let minerals: [MineralChain]
    public init(
        vehicle: ProductIndex, lifetime: LifetimeDistribution, initialStock: [RegionIndex: [Int: Double]] = [:],
        minerals: [MineralChain]
    ) {
        self.vehicle = vehicle
        self.lifetime = lifetime
        self.initialStock = initialStock
        self.minerals = minerals
    }
}

/// Endogenous capacity expansion: when a node's scarcity rent persists, new capacity is ordered
/// and comes online after its stage's lead time (MODEL.md §6).
public struct ExpansionRule: Sendable, Equatable {
    /// Years from decision to capacity online, by stage name (mines a decade or more,
    /// refineries 3–5 years, cell plants 2–3). A stage not listed never expands endogenously.
    public var leadTime: [String: Int]
    /// A year counts as scarce for a node when `μ / P` exceeds this.
    public var rentThreshold: Double
    /// Consecutive scarce years that trigger an order.
    public var persistence: Int
    /// Size of an order as a fraction of the node's capacity when it is placed.
    public var fraction: Double
    public init(leadTime: [String: Int], rentThreshold: Double = 0.05, persistence: Int = 2, fraction: Double = 0.2) {
        self.leadTime = leadTime
        self.rentThreshold = rentThreshold
        self.persistence = persistence
        self.fraction = fraction
    }
}

/// What the scenario gives for one year, after its paths are evaluated.
public struct YearInputs: Sendable {
    public var year: Int
    /// The year's recipes (same regions, products and routes as the base).
    public var network: Network
    /// Tariffs, exogenous capacities (base + announced projects, times outage factors), and
    /// reference final demand before the price response. Secondary supply here is added to
    /// what the fleet returns.
    public var conditions: YearConditions
    public init(year: Int, network: Network, conditions: YearConditions) {
        self.year = year
        self.network = network
        self.conditions = conditions
    }
}

/// Settings of a multi-year run.
public struct SimulationSettings: Sendable {
    /// ε per product (≤ 0), in product order.
    public var demandElasticity: [Double]
    public var clearing: MarketClearingSettings
    public var expansion: ExpansionRule?
    public var fleet: FleetSettings?
    /// Minerals to report indicators for; when empty, the fleet's recycling chains are used.
    public var minerals: [MineralChain]
    /// Options of every year's linear solves (solver choice, tolerances).
    public var solver: SolverOptions
    public init(
        demandElasticity: [Double], clearing: MarketClearingSettings = MarketClearingSettings(),
        expansion: ExpansionRule? = nil, fleet: FleetSettings? = nil,
        minerals: [MineralChain] = [], solver: SolverOptions = SolverOptions()
    ) {
        self.demandElasticity = demandElasticity
        self.clearing = clearing
        self.expansion = expansion
        self.fleet = fleet
        self.minerals = minerals
        self.solver = solver
    }
}

/// The fleet of one region in one year.
public struct FleetYear: Sendable, Equatable {
    public let region: RegionIndex
    public let inflow: Double
    public let stock: Double
    public let retirements: Double
    /// Mineral recovered from this year's retirements (available to refiners next year), in
    /// `minerals` order, tonnes.
    public let recovered: [Double]
}

/// Indicators for one region and mineral in one year (tonnes of contained mineral).
public struct MineralYear: Sendable, Equatable {
    public let region: RegionIndex
    public let mineral: String
    /// Mined material bought by the region's refineries (ore purchases, net of secondary feed).
    public let primaryDemand: Double
    /// Refined mineral embodied in the region's reference final demand (the scenario's demand,
    /// before the price response and rationing) for products downstream of refining (cells,
    /// EVs), at the year's recipes and the base-year sourcing shares: the clean-technology
    /// demand the scenario asks for, independent of where this year's supply ends up (the
    /// realised content under this year's sourcing shows in primary demand and recycling).
    public let cleanTechDemand: Double
    /// Recycled material used as refinery feed this year.
    public let secondarySupply: Double
    /// Refined mineral embodied in final demand that went unmet.
    public let unmetDemand: Double
    /// Net import reliance of refined supply, `(imports − exports) / use`; nil when use is 0.
    public let importReliance: Double?
    /// Herfindahl–Hirschman index of the region's refined-mineral sourcing, `Σ_s S²` ∈ (0, 1].
    public let supplierHHI: Double?
}

/// One simulated year.
public struct SimulatedYear: Sendable {
    public let year: Int
    public let cleared: ClearedYear
    /// Capacities in force (exogenous + endogenous additions online).
    public let capacities: NodeTable<Double?>
    /// Endogenous capacity online this year, cumulative.
    public let endogenousCapacity: NodeTable<Double>
    public let fleet: [FleetYear]
    public let minerals: [MineralYear]
    /// Full fleet model as of this year (for cohort output); nil without fleet settings.
    public let fleetModels: [RegionIndex: FleetStockResult]
}

/// Why a run stopped: bad input (`invalidInput`, `calibration`, `fleet`) or a numerical
/// outcome of a year (`solve`, `notCertified`).
public enum SimulationError: Error, Sendable {
    /// The settings (`year` nil) or a year's conditions are invalid; every problem found is
    /// listed. Checked before the year is solved.
    case invalidInput(year: Int?, [InputIssue])
    case calibration(year: Int, CalibrationError)
    /// The year has no usable solution (non-productive, singular, not converged, …).
    case solve(year: Int, SolveError)
    /// The clearing ended without an equilibrium that meets the certificate's tolerance.
    case notCertified(year: Int, EquilibriumCertificate, ClearingStatistics)
    case fleet(year: Int, FleetStockError)
}

/// Runs the years in order (MODEL.md §6): each year is a certified market equilibrium
/// (`MarketClearing`, warm-started from the year before); years are linked by capacity orders
/// in the pipeline, the fleet stock, and recycled material from last year's retirements.
public struct Simulation: Sendable {
    public var settings: SimulationSettings
    public init(settings: SimulationSettings) { self.settings = settings }

    /// - Parameters:
    ///   - years: the inputs of each year, in increasing order.
    ///   - progress: called after each year with (years done, total).
    /// - Throws: `SimulationError`: `.invalidInput` before any solve for invalid settings, or
    ///   before a year's solve for its invalid conditions; the others as that year fails.
    public func run(
        _ calibration: Calibration, years: [YearInputs],
        progress: ((Int, Int) -> Void)? = nil
    ) throws(SimulationError) -> [SimulatedYear] {
        let net = calibration.network
        let settingsIssues = settings.issues(in: net)
        guard settingsIssues.isEmpty else { throw .invalidInput(year: nil, settingsIssues) }
        let clearing = MarketClearing(settings: settings.clearing, solver: YearSolver(options: settings.solver))
        var warmStart: ClearingWarmStart? = nil
        var endogenous = net.nodeTable(repeating: 0.0)
        var streak = net.nodeTable(repeating: 0)
        var orders: [(node: Node, year: Int, amount: Double)] = []
        var inflows: [RegionIndex: [Double]] = [:]
        var content: [[RegionIndex: [Int: Double]]] = Array(repeating: [:], count: settings.fleet?.minerals.count ?? 0)
        var recycled = net.nodeTable(repeating: 0.0)
        var out: [SimulatedYear] = []

        for (i, input) in years.enumerated() {
            let year = input.year
            let cal: Calibration
            do { cal = try calibration.updating(recipes: input.network) } catch { throw .calibration(year: year, error) }

            // Capacity in force: exogenous + endogenous orders that have arrived.
            for order in orders where order.year == year { endogenous[order.node] += order.amount }
            var cond = input.conditions
            for r in net.regionIndices {
                for q in net.productIndices {
                    if let k = cond.capacities[r, q] { cond.capacities[r, q] = k + endogenous[r, q] }
                }
            }
            var secondary = cond.secondarySupply ?? net.nodeTable(repeating: 0.0)
            for r in net.regionIndices { for q in net.productIndices { secondary[r, q] += recycled[r, q] } }
            cond.secondarySupply = secondary
            // The scenario layer checks its inputs before a run; this also covers callers that
            // build years in code, and what capacity orders and recycling added to them.
            let issues = cond.issues(in: cal)
            guard issues.isEmpty else { throw .invalidInput(year: year, issues) }

            var cleared: ClearedYear
            do {
                cleared = try clearing.solve(
                    checked: cal, conditions: cond, demandElasticity: settings.demandElasticity,
                    warmStart: warmStart)
            } catch { throw .solve(year: year, error) }
            guard cleared.certificate.certified else {
                throw .notCertified(year: year, cleared.certificate, cleared.statistics)
            }
            warmStart = cleared.warmStart
            // The next year needs the matrix-free products; the year kept in the output does not.
            cleared.warmStart.products = nil
            let sol = cleared.solution

            if let rule = settings.expansion {
                for (j, node) in cal.activeNodes.enumerated() {
                    guard let k = cond.capacities[node], let lead = rule.leadTime[net.product(node.product).stage] else {
                        continue
                    }
                    streak[node] = cleared.scarcityRent[j] / sol.prices[j] > rule.rentThreshold ? streak[node] + 1 : 0
                    let pending = orders.contains { $0.node == node && $0.year > year }
                    if streak[node] >= rule.persistence && !pending {
                        orders.append((node: node, year: year + max(lead, 1), amount: rule.fraction * k))
                        streak[node] = 0
                    }
                }
            }

            // Fleet, recycling and mineral indicators.
            var fleetRows: [FleetYear] = []
            var models: [RegionIndex: FleetStockResult] = [:]
            var nextRecycled = net.nodeTable(repeating: 0.0)
            let recyclingChains = settings.fleet?.minerals ?? []
            let chains = settings.minerals.isEmpty ? recyclingChains : settings.minerals
            let multipliers = chains.map { sol.requirementMultipliers(of: [$0.refined]) }
            // Each a Neumann solve over the whole network: computed once per year, not per region.
            let recyclingMultipliers = recyclingChains.map { chain in
                chains.firstIndex(of: chain).map { multipliers[$0] } ?? sol.requirementMultipliers(of: [chain.refined])
            }
            if let fleet = settings.fleet {
                let first = years[0].year
                for r in net.regionIndices {
                    let sold = cleared.servedDemand[r, fleet.vehicle]
                    inflows[r, default: []].append(max(sold, 0))
                    var recovered: [Double] = []
                    let model: FleetStockResult
                    do {
                        model = try FleetStockModel(
                            years: first...year, inflow: inflows[r] ?? [], lifetime: fleet.lifetime,
                            initialStock: fleet.initialStock[r] ?? [:]
                        ).compute()
                        for (m, chain) in recyclingChains.enumerated() {
                            let perVehicle = sol.embodied(recyclingMultipliers[m], perUnitOf: fleet.vehicle, in: r)
                            content[m][r, default: [:]][year] = perVehicle
                            // Vehicles on the road before the first year are given the first
                            // year's content: the base data has no earlier chemistry mix.
                            var byCohort = content[m][r] ?? [:]
                            for c in model.cohorts where byCohort[c] == nil { byCohort[c] = byCohort[first] ?? perVehicle }
                            let supply = try model.secondarySupply(contentByCohort: byCohort, rates: chain.recycling)
                            let amount = supply.recovered.last ?? 0
                            recovered.append(amount)
                            nextRecycled[r, chain.ore] += amount
                        }
                    } catch { throw .fleet(year: year, error) }
                    models[r] = model
                    fleetRows.append(
                        FleetYear(
                            region: r, inflow: model.inflow(inYear: year), stock: model.stock(inYear: year),
                            retirements: model.outflow(inYear: year), recovered: recovered))
                }
            }
            recycled = nextRecycled
            let minerals = indicators(
                chains: chains, multipliers: multipliers, cleared: cleared,
                reference: cond.finalDemand, secondary: sol.secondaryUsed)
            out.append(
                SimulatedYear(
                    year: year, cleared: cleared, capacities: cond.capacities,
                    endogenousCapacity: endogenous, fleet: fleetRows, minerals: minerals, fleetModels: models))
            progress?(i + 1, years.count)
        }
        return out
    }

    /// Mineral indicators per region (see `MineralYear`).
    private func indicators(
        chains: [MineralChain], multipliers: [[Double]], cleared: ClearedYear,
        reference: NodeTable<Double>, secondary: NodeTable<Double>
    ) -> [MineralYear] {
        let sol = cleared.solution
        let c = sol.calibration
        let net = c.network
        let refiningIndex = net.stages.firstIndex(of: "refining")
        let referenceMultipliers = chains.map { c.requirementMultipliers(of: [$0.refined], shares: c.baseShares) }
        var rows: [MineralYear] = []
        for r in net.regionIndices {
            for (m, chain) in chains.enumerated() {
                var primary = 0.0, imports = 0.0, exports = 0.0, use = 0.0, hhi = 0.0
                // The solver's route-order vectors directly: this runs per region and mineral.
                for (k, route) in c.routes.enumerated() {
                    if route.product == chain.ore && route.importer == r { primary += sol.flows[k] }
                    guard route.product == chain.refined else { continue }
                    if route.importer == r {
                        use += sol.flows[k]
                        hhi += sol.shares[k] * sol.shares[k]
                        if route.exporter != r { imports += sol.flows[k] }
                    } else if route.exporter == r {
                        exports += sol.flows[k]
                    }
                }
                var cleanTech = 0.0, unmet = 0.0
                for q in net.productIndices {
                    let stage = net.stages.firstIndex(of: net.product(q).stage) ?? 0
                    if let refining = refiningIndex, stage > refining {
                        cleanTech +=
                            reference[r, q]
                            * c.embodied(referenceMultipliers[m], shares: c.baseShares, perUnitOf: q, in: r)
                    }
                    unmet += cleared.unmetDemand[r, q] * sol.embodied(multipliers[m], perUnitOf: q, in: r)
                }
                rows.append(
                    MineralYear(
                        region: r, mineral: chain.name, primaryDemand: primary, cleanTechDemand: cleanTech,
                        secondarySupply: secondary[r, chain.ore], unmetDemand: unmet,
                        importReliance: use > 0 ? (imports - exports) / use : nil,
                        supplierHHI: use > 0 ? hhi : nil))
            }
        }
        return rows
    }
}
