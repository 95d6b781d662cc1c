import MinsimEngine
import MinsimEnsemble

extension ResolvedScenario {
    /// The scenario with its `uncertainty` section set.
    func withUncertainty(_ inputs: [UncertainInput]) -> ResolvedScenario {
        var copy = self
        copy.uncertainty = inputs
        return copy
    }

    /// Values of the uncertain inputs at unit-hypercube point `u` (their quantiles).
    public func uncertainValues(at u: [Double]) -> [Double] {
        precondition(u.count == uncertainty.count, "\(u.count) coordinates for \(uncertainty.count) uncertain inputs")
        return zip(uncertainty, u).map { $0.distribution.quantile($1) }
    }
}

/// What one ensemble sample runs: the scenario with its uncertain inputs set to sampled values,
/// as engine values (calibration, year inputs, settings). Perturbations act on these typed
/// values, never on YAML text.
public struct ScenarioSample: Sendable {
    public let calibration: Calibration
    public let years: [YearInputs]
    public let settings: SimulationSettings

    /// Why a sample could not be set up or run (`failed.csv`).
    public struct Failure: Error, Sendable, Equatable {
        public let year: Int?
        public let reason: String
    }

    /// Applies `values` (one per uncertain input, in scenario order) to the scenario.
    ///
    /// Growth multipliers (`demand`, `capacity`, `recipe`) scale the change since the base
    /// year, so the base year — the calibration — stays as observed. Several inputs on one
    /// value compose in scenario order.
    ///
    /// - Parameter baseYears: `scenario.yearInputs()`, computed once per ensemble.
    /// - Throws: `Failure` when a value leaves the model's domain (a negative recipe
    ///   coefficient or capacity after scaling a decline, a calibration that fails with the
    ///   sampled elasticities).
    public init(_ scenario: ResolvedScenario, values: [Double], baseYears: [YearInputs]) throws(Failure) {
        precondition(
            values.count == scenario.uncertainty.count, "\(values.count) values for \(scenario.uncertainty.count) inputs")
        let net = scenario.network
        let baseYear = scenario.baseYear
        var settings = scenario.timeline.settings
        var products = net.products
        var shifted = scenario
        var shiftsProjects = false
        for (input, v) in zip(scenario.uncertainty, values) {
            switch input.target {
            case .tradeElasticity(let qs):
                for q in qs {
                    let p = products[q.rawValue]
                    products[q.rawValue] = Product(
                        name: p.name, stage: p.stage, unit: p.unit, elasticity: p.elasticity * v, mineral: p.mineral)
                }
            case .demandElasticity(let q):
                settings.demandElasticity[q.rawValue] = v
            case .chokePriceMultiple(let qs):
                var c = net.productIndices.map { settings.clearing.chokePriceMultiple(of: $0) }
                for q in qs { c[q.rawValue] = v }
                settings.clearing.chokePriceMultiples = c
            case .lifetimeMean, .lifetimeStandardDeviation:
                guard let fleet = settings.fleet else { continue }
                let lifetime: LifetimeDistribution
                switch (fleet.lifetime, input.target == .lifetimeMean) {
                case (.normal(let m, let s), let isMean):
                    lifetime = .normal(mean: isMean ? v : m, standardDeviation: isMean ? s : v)
                case (.lognormal(let m, let s), let isMean):
                    lifetime = .lognormal(mean: isMean ? v : m, standardDeviation: isMean ? s : v)
                default: continue
                }
                settings.fleet = FleetSettings(
                    vehicle: fleet.vehicle, lifetime: lifetime, initialStock: fleet.initialStock, minerals: fleet.minerals)
            case .projectDelay(let indices):
                for i in indices { shifted.timeline.capacity.projects[i].onlineYear += Int(v.rounded()) }
                shiftsProjects = true
            default: continue
            }
        }
        var years = shiftsProjects ? shifted.yearInputs() : baseYears
        guard let first = years.first, first.year == baseYear else {
            throw Failure(year: nil, reason: "the scenario has no base year to simulate")
        }
        let base = first
        for (input, v) in zip(scenario.uncertainty, values) {
            for i in years.indices where years[i].year > baseYear {
                let t = years[i].year
                switch input.target {
                case .demand(let regions, let q):
                    for r in regions {
                        let d0 = base.conditions.finalDemand[r, q]
                        years[i].conditions.finalDemand[r, q] = d0 + v * (years[i].conditions.finalDemand[r, q] - d0)
                    }
                case .capacity(let regions, let q):
                    for r in regions {
                        guard let k = years[i].conditions.capacities[r, q] else { continue }
                        let k0 = base.conditions.capacities[r, q] ?? 0
                        let scaled = k0 + v * (k - k0)
                        guard scaled >= 0 else {
                            throw Failure(
                                year: t,
                                reason:
                                    "\(input.name) = \(v) scales the capacity change of \(net.name(of: Node(r, q))) to \(scaled) < 0"
                            )
                        }
                        years[i].conditions.capacities[r, q] = scaled
                    }
                case .capacityFactor(let regions, let q, let range) where range.contains(t):
                    for r in regions {
                        years[i].conditions.capacities[r, q] = years[i].conditions.capacities[r, q].map { $0 * v }
                    }
                case .tariff(let routes, let from) where t >= from:
                    for route in routes { years[i].conditions.tariffs[route, default: 0] += v }
                case .exportQuota(let routes, let range) where range.contains(t):
                    for route in routes {
                        years[i].conditions.routeQuotas[route] = min(years[i].conditions.routeQuotas[route] ?? .infinity, v)
                    }
                case .recipe(let regions, let q, let recipeInput):
                    years[i].network = try Self.scaling(
                        years[i].network, base: base.network, regions: regions, product: q,
                        input: recipeInput, by: v, year: t)
                default: continue
                }
            }
        }
        let calibration: Calibration
        if products != net.products {
            let network = Self.network(net, products: products)
            do {
                calibration = try Calibration(network: network, base: scenario.base)
            } catch {
                throw Failure(
                    year: baseYear,
                    reason: "calibration with the sampled elasticities: "
                        + error.issues.map { $0.message(in: network) }.joined(separator: "; "))
            }
            for i in years.indices { years[i].network = Self.network(years[i].network, products: products) }
        } else {
            calibration = scenario.calibration
        }
        self.calibration = calibration
        self.years = years
        self.settings = settings
    }

    /// `network` with other products (same names and order; new elasticities).
    static func network(_ network: Network, products: [Product]) -> Network {
        Network(regions: network.regions, products: products, stages: network.stages, recipes: recipes(of: network))
    }

    static func recipes(of network: Network) -> [Node: [RecipeInput]] {
        var recipes: [Node: [RecipeInput]] = [:]
        for r in network.regionIndices {
            for p in network.productIndices {
                let inputs = network.recipe(for: Node(r, p))
                if !inputs.isEmpty { recipes[Node(r, p)] = inputs }
            }
        }
        return recipes
    }

    /// `b(t) ← b(t₀) + v (b(t) − b(t₀))` for input q of product p in `regions`.
    static func scaling(
        _ network: Network, base: Network, regions: [RegionIndex], product p: ProductIndex, input q: ProductIndex,
        by v: Double, year: Int
    ) throws(Failure) -> Network {
        var recipes = recipes(of: network)
        for r in regions {
            let node = Node(r, p)
            guard var list = recipes[node], let k = list.firstIndex(where: { $0.input == q }) else { continue }
            let b0 = base.recipe(for: node).first { $0.input == q }?.quantityPerUnit ?? 0
            let b = b0 + v * (list[k].quantityPerUnit - b0)
            guard b >= 0 else {
                throw Failure(
                    year: year,
                    reason:
                        "scaling the recipe change of \(network.product(q).name) in \(network.name(of: node)) by \(v) gives a coefficient \(b) < 0"
                )
            }
            list[k] = RecipeInput(q, b)
            recipes[node] = list
        }
        return Network(regions: network.regions, products: network.products, stages: network.stages, recipes: recipes)
    }

    /// Runs the sample: every year a certified equilibrium, or the reason it is not.
    /// `maxDenseUnknowns`: the dense fallback's limit in place of the scenario's
    /// (`ComplementaritySettings.maxDenseUnknowns`; `minsim ensemble --max-dense-unknowns`).
    public func simulate(maxDenseUnknowns: Int? = nil) throws(Failure) -> [SimulatedYear] {
        var settings = settings
        if let limit = maxDenseUnknowns { settings.clearing.solver.maxDenseUnknowns = limit }
        do {
            return try Simulation(settings: settings).run(calibration, years: years)
        } catch {
            // A sample whose drawn inputs are invalid (e.g. a negative demand) fails with its reasons.
            if case .invalidInput(let year, let issues) = error {
                throw Failure(year: year, reason: issues.map { $0.message(in: calibration.network) }.joined(separator: "; "))
            }
            guard
                case .solveFailed(let year, let message) = ScenarioRunner.failure(
                    error, network: calibration.network, denseLimit: settings.clearing.solver.maxDenseUnknowns)
            else {
                throw Failure(year: nil, reason: "\(error)")
            }
            let reason =
                message.hasSuffix("; no output was written") ? String(message.dropLast("; no output was written".count)) : message
            throw Failure(year: year, reason: reason)
        }
    }
}
