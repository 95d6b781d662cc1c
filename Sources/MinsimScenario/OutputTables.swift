import Foundation
import MinsimEngine

/// The CSV files of a run, as UTF-8 bytes: results per year and the resolved input tables.
///
/// Every row order is fixed by the scenario (regions and products in scenario order, routes in
/// the solver's (product, importer, exporter) order, input rows as written), and every number
/// goes through `CSVWriter.number`, so the same inputs always give byte-identical files.
public enum OutputTables {
    public static let nodeColumns = [
        "scenario", "year", "region", "product", "stage", "unit", "production",
        "capacity", "utilization", "price", "value_added", "unmet_demand", "scarcity_rent",
    ]
    public static let flowColumns = [
        "scenario", "year", "product", "unit", "exporter", "importer", "quantity",
        "share", "tariff_rate", "delivered_price", "tariff_revenue",
    ]
    /// Columns of `stocks.csv` before the one `recovered_<mineral>_t` column per mineral.
    public static let stockColumns = ["scenario", "year", "region", "inflow", "stock", "retirements"]
    public static let mineralColumns = [
        "scenario", "year", "region", "mineral", "primary_demand", "clean_tech_demand", "secondary_supply",
        "unmet_demand", "import_reliance", "supplier_hhi",
    ]
    public static let cohortColumns = ["scenario", "year", "region", "cohort", "stock", "retirements"]
    public static let marketColumns = [
        "scenario", "year", "region", "product", "unit", "reference_demand", "desired_demand", "served", "unmet",
        "unserved_share", "delivered_price", "base_delivered_price", "choke_price",
    ]

    /// `nodes.csv`: one row per year and (region, product), regions outer, products inner.
    /// Inactive nodes have production 0 and empty price, value added and scarcity rent;
    /// utilization is empty when there is no (or a zero) capacity. Capacity is the capacity in
    /// force (exogenous and endogenous); unmet demand is final demand of the node's region and
    /// product not served because its delivered price reached the choke price (`markets.csv`).
    public static func nodes(_ scenario: ResolvedScenario, years: [YearResult]) -> Data {
        let net = scenario.network
        let labels = Labels(net)
        var csv = CSVWriter(columns: nodeColumns)
        for year in years {
            let solution = year.solution
            let cleared = year.simulated.cleared
            let yearText = String(year.year)
            for r in net.regionIndices {
                for p in net.productIndices {
                    let node = Node(r, p)
                    let x = solution.output(of: node)
                    let capacity = year.capacities[node]
                    let utilization = capacity.flatMap { $0 > 0 ? x / $0 : nil }
                    let j = solution.calibration.systemIndex[node]
                    let valueAdded: Double? = j >= 0 ? solution.valueAdded[j] : nil
                    let rent: Double? = j >= 0 && j < cleared.scarcityRent.count ? cleared.scarcityRent[j] : nil
                    for text in [scenario.name, yearText, labels.regions[r.rawValue]] { csv.append(text) }
                    for text in [labels.products[p.rawValue], labels.stages[p.rawValue], labels.units[p.rawValue]] {
                        csv.append(text)
                    }
                    for value in [x, capacity, utilization, solution.price(of: node), valueAdded] { csv.append(value) }
                    csv.append(cleared.unmetDemand[node])
                    csv.append(rent)
                    csv.endRow()
                }
            }
        }
        return csv.data
    }

    /// `markets.csv`: one row per year and final-demand market (reference demand > 0), in
    /// product order, then region order. `delivered_price` is empty where no supplier can
    /// deliver at all (every route closed); such a market is unserved in full.
    public static func markets(_ scenario: ResolvedScenario, years: [YearResult]) -> Data {
        let net = scenario.network
        var csv = CSVWriter(columns: marketColumns)
        for year in years {
            for m in year.simulated.cleared.markets {
                let product = net.product(m.product)
                csv.appendRow([
                    scenario.name, String(year.year), net.region(m.region).code, product.name, product.unit,
                    CSVWriter.number(m.referenceDemand), CSVWriter.number(m.desiredDemand), CSVWriter.number(m.served),
                    CSVWriter.number(m.unmet), CSVWriter.number(m.unservedShare), CSVWriter.number(m.deliveredPrice),
                    CSVWriter.number(m.baseDeliveredPrice), CSVWriter.number(m.chokePrice),
                ])
            }
        }
        return csv.data
    }

    /// `stocks.csv`: the fleet per year and region, with the mineral recovered from the year's
    /// retirements (available to refiners the following year). Header only without a fleet.
    public static func stocks(_ scenario: ResolvedScenario, years: [YearResult]) -> Data {
        let net = scenario.network
        let minerals = scenario.years.fleet?.minerals ?? []
        var csv = CSVWriter(columns: stockColumns + minerals.map { "recovered_\($0.name)_t" })
        for year in years {
            for row in year.simulated.fleet {
                csv.appendRow(
                    [
                        scenario.name, String(year.year), net.region(row.region).code, CSVWriter.number(row.inflow),
                        CSVWriter.number(row.stock), CSVWriter.number(row.retirements),
                    ] + row.recovered.map { CSVWriter.number($0) })
            }
        }
        return csv.data
    }

    /// `minerals.csv`: indicators per year, region and mineral, tonnes of contained mineral;
    /// import reliance and HHI are empty where the region uses none of the refined product.
    public static func minerals(_ scenario: ResolvedScenario, years: [YearResult]) -> Data {
        let net = scenario.network
        var csv = CSVWriter(columns: mineralColumns)
        for year in years {
            for m in year.simulated.minerals {
                csv.appendRow([
                    scenario.name, String(year.year), net.region(m.region).code, m.mineral,
                    CSVWriter.number(m.primaryDemand), CSVWriter.number(m.cleanTechDemand),
                    CSVWriter.number(m.secondarySupply), CSVWriter.number(m.unmetDemand),
                    CSVWriter.number(m.importReliance), CSVWriter.number(m.supplierHHI),
                ])
            }
        }
        return csv.data
    }

    /// `stocks_by_cohort.csv` (`--cohorts`): vehicles in use at the end of each year and
    /// retired during it, by sale year, from the last year's fleet model (which holds the
    /// whole history); cohorts sold after the year are left out.
    public static func stocksByCohort(_ scenario: ResolvedScenario, years: [YearResult]) -> Data {
        let net = scenario.network
        var csv = CSVWriter(columns: cohortColumns)
        let models = years.last?.simulated.fleetModels ?? [:]
        for year in years {
            for r in net.regionIndices {
                guard let model = models[r] else { continue }
                let stock = model.stockByCohort(inYear: year.year)
                let retired = model.outflowByCohort(inYear: year.year)
                for (k, cohort) in model.cohorts.enumerated() where cohort <= year.year {
                    csv.appendRow([
                        scenario.name, String(year.year), net.region(r).code, String(cohort),
                        CSVWriter.number(stock[k]), CSVWriter.number(retired[k]),
                    ])
                }
            }
        }
        return csv.data
    }

    /// `flows.csv`: one row per year and route, in `solution.routes` order.
    public static func flows(_ scenario: ResolvedScenario, years: [YearResult]) -> Data {
        let net = scenario.network
        let labels = Labels(net)
        var csv = CSVWriter(columns: flowColumns)
        for year in years {
            let s = year.solution
            let delivered = s.deliveredPrices, revenue = s.tariffRevenue
            let yearText = String(year.year)
            for (k, route) in s.routes.enumerated() {
                let p = route.product.rawValue
                csv.append(scenario.name)
                csv.append(yearText)
                csv.append(labels.products[p])
                csv.append(labels.units[p])
                csv.append(labels.regions[route.exporter.rawValue])
                csv.append(labels.regions[route.importer.rawValue])
                csv.append(s.flows[k])
                csv.append(s.shares[k])
                csv.append(s.tariffs[k])
                csv.append(delivered[k])
                csv.append(revenue[k])
                csv.endRow()
            }
        }
        return csv.data
    }

    /// The resolved input tables as text, by file name under `resolved/` (see `resolvedFiles`).
    public static func resolved(_ scenario: ResolvedScenario) -> [(name: String, text: String)] {
        resolvedFiles(scenario).map { ($0.name, String(decoding: $0.make(), as: UTF8.self)) }
    }

    /// The resolved input tables, by file name under `resolved/`: defaults applied, recipes
    /// expanded to every region, enough to reproduce the run without the YAML.
    ///
    /// Each table comes with a function that builds it, so that a caller writing them one by
    /// one holds one large table at a time (recipes, trade, prices… of a 100,000-node scenario
    /// are 10–90 MB each).
    public static func resolvedFiles(_ scenario: ResolvedScenario) -> [(name: String, make: () -> Data)] {
        let net = scenario.network
        let codes = Labels(net)
        func region(_ r: RegionIndex) -> String { codes.regions[r.rawValue] }
        func product(_ p: ProductIndex) -> String { codes.products[p.rawValue] }
        let n = CSVWriter.number

        var regions = CSVWriter(columns: ["region", "name", "source"])
        for (i, r) in net.regions.enumerated() { regions.appendRow([r.code, r.name, scenario.regionSources[i]]) }

        var products = CSVWriter(columns: [
            "product", "stage", "unit", "elasticity", "source", "demand_elasticity", "mineral", "choke_price_multiple",
        ])
        for (i, p) in net.products.enumerated() {
            products.appendRow([
                p.name, p.stage, p.unit, n(p.elasticity), scenario.productSources[i],
                n(scenario.years.demandElasticity[i]), p.mineral ?? "", n(scenario.years.chokePriceMultiple[i]),
            ])
        }

        func recipes() -> Data {
            var csv = CSVWriter(columns: ["region", "product", "input", "quantity_per_unit", "source"])
            for row in scenario.recipes {
                for text in [region(row.node.region), product(row.node.product), product(row.input)] { csv.append(text) }
                csv.append(row.quantityPerUnit)
                csv.append(row.source)
                csv.endRow()
            }
            return csv.data
        }

        func nodeTable(_ rows: [ResolvedScenario.NodeValue], _ valueColumn: String) -> Data {
            var csv = CSVWriter(columns: ["region", "product", valueColumn, "source"])
            for row in rows {
                csv.append(region(row.node.region))
                csv.append(product(row.node.product))
                csv.append(row.value)
                csv.append(row.source)
                csv.endRow()
            }
            return csv.data
        }
        func routeTable(_ rows: [ResolvedScenario.RouteValue], _ valueColumn: String) -> Data {
            var csv = CSVWriter(columns: ["product", "exporter", "importer", valueColumn, "source"])
            for row in rows {
                csv.append(product(row.route.product))
                csv.append(region(row.route.exporter))
                csv.append(region(row.route.importer))
                csv.append(row.value)
                csv.append(row.source)
                csv.endRow()
            }
            return csv.data
        }

        func newNodes() -> Data {
            var csv = CSVWriter(columns: ["region", "product", "price", "reference_capacity", "source"])
            for row in scenario.newNodes {
                csv.appendRow([
                    region(row.node.region), product(row.node.product), n(row.price), n(row.referenceCapacity), row.source,
                ])
            }
            return csv.data
        }
        func tariffs() -> Data {
            var csv = CSVWriter(columns: ["product", "exporter", "importer", "base_rate", "rate", "source"])
            for row in scenario.tariffs {
                for text in [product(row.route.product), region(row.route.exporter), region(row.route.importer)] {
                    csv.append(text)
                }
                csv.append(row.baseRate)
                csv.append(row.rate)
                csv.append(row.source)
                csv.endRow()
            }
            return csv.data
        }

        let y = scenario.years
        var settings = CSVWriter(columns: ["key", "value", "source"])
        settings.appendRow(["base_year", String(scenario.baseYear), ""])
        settings.appendRow(["horizon", String(y.horizon), ""])
        settings.appendRow(["price_ceiling_multiple", n(y.priceCeilingMultiple), ""])
        if let rule = y.expansion {
            for stage in net.stages {
                if let lead = rule.leadTime[stage] {
                    settings.appendRow(["expansion.lead_time_years.\(stage)", String(lead), y.expansionSource])
                }
            }
            settings.appendRow(["expansion.rent_threshold", n(rule.rentThreshold), y.expansionSource])
            settings.appendRow(["expansion.persistence_years", String(rule.persistence), y.expansionSource])
            settings.appendRow(["expansion.fraction", n(rule.fraction), y.expansionSource])
        }
        if let fleet = y.fleet {
            settings.appendRow(["fleet.product", product(fleet.vehicle), y.fleetSource])
            let lifetime: [(String, String)]
            switch fleet.lifetime {
            case .normal(let m, let sd): lifetime = [("normal", ""), ("mean", n(m)), ("standard_deviation", n(sd))]
            case .lognormal(let m, let sd): lifetime = [("lognormal", ""), ("mean", n(m)), ("standard_deviation", n(sd))]
            case .weibull(let k, let l): lifetime = [("weibull", ""), ("shape", n(k)), ("scale", n(l))]
            case .fixed(let years): lifetime = [("fixed", ""), ("years", String(years))]
            }
            settings.appendRow(["fleet.lifetime.distribution", lifetime[0].0, y.lifetimeSource])
            for (key, value) in lifetime.dropFirst() { settings.appendRow(["fleet.lifetime.\(key)", value, y.lifetimeSource]) }
        }

        // Paths as given, one tidy table: blank region = every region (index tables).
        // `chemistry` (last, so the earlier columns keep their place) is set for chemistry_mix rows.
        var paths = CSVWriter(columns: ["path", "region", "product", "input", "exporter", "year", "value", "source", "chemistry"])
        for row in y.pathRows {
            paths.appendRow([
                row.table, row.key.region.map(region) ?? "", product(row.key.product), row.key.input.map(product) ?? "",
                row.key.exporter.map(region) ?? "", String(row.year), n(row.value), row.source, row.key.chemistry ?? "",
            ])
        }
        var chemistries = CSVWriter(columns: ["chemistry", "product", "input", "quantity_per_unit", "source"])
        for c in y.chemistries {
            chemistries.appendRow([c.name, product(c.product), product(c.input), n(c.quantityPerUnit), c.source])
        }
        var projects = CSVWriter(columns: ["region", "product", "online_year", "capacity", "source"])
        for p in y.projects {
            projects.appendRow([region(p.node.region), product(p.node.product), String(p.onlineYear), n(p.capacity), p.source])
        }
        var cohorts = CSVWriter(columns: ["region", "cohort", "vehicles", "source"])
        for c in y.initialStock { cohorts.appendRow([region(c.region), String(c.cohort), n(c.vehicles), c.source]) }
        var chains = CSVWriter(columns: ["name", "ore", "refined", "collection_rate", "recovery_efficiency", "source"])
        for (m, chain) in y.minerals.enumerated() {
            chains.appendRow([
                chain.name, product(chain.ore), product(chain.refined), n(chain.recycling.collectionRate),
                n(chain.recycling.recoveryEfficiency), y.mineralSources[m],
            ])
        }

        // Shocks: the effective value of every covered route or node in every simulated year.
        var shockTariffs = CSVWriter(columns: ["product", "importer", "exporter", "year", "rate_added"])
        var controls = CSVWriter(columns: ["product", "exporter", "importer", "year", "quota"])
        var demandShocks = CSVWriter(columns: ["region", "product", "year", "factor"])
        var preferenceTable = CSVWriter(columns: ["product", "exporter", "importer", "year", "factor"])
        var preferences: [Route: [(Int, Double)]] = [:]
        var added: [Route: [(Int, Double)]] = [:], quotas: [Route: [(Int, Double)]] = [:]
        var factors: [Node: [(Int, Double)]] = [:]
        for t in scenario.simulatedYears {
            for (route, v) in y.shocks.tariffsAdded(in: t) { added[route, default: []].append((t, v)) }
            for (route, v) in y.shocks.quotas(in: t) { quotas[route, default: []].append((t, v)) }
            for (node, v) in y.shocks.demandFactors(in: t) { factors[node, default: []].append((t, v)) }
            for (route, v) in y.shocks.preferenceFactors(in: t) { preferences[route, default: []].append((t, v)) }
        }
        func byImporter(_ a: Route, _ b: Route) -> Bool {
            (a.product.rawValue, a.importer.rawValue, a.exporter.rawValue) < (
                b.product.rawValue, b.importer.rawValue, b.exporter.rawValue
            )
        }
        for route in added.keys.sorted(by: byImporter) {
            for (t, v) in added[route] ?? [] {
                shockTariffs.appendRow([product(route.product), region(route.importer), region(route.exporter), String(t), n(v)])
            }
        }
        func byExporter(_ a: Route, _ b: Route) -> Bool {
            (a.product.rawValue, a.exporter.rawValue, a.importer.rawValue) < (
                b.product.rawValue, b.exporter.rawValue, b.importer.rawValue
            )
        }
        for route in quotas.keys.sorted(by: byExporter) {
            for (t, v) in quotas[route] ?? [] {
                controls.appendRow([product(route.product), region(route.exporter), region(route.importer), String(t), n(v)])
            }
        }
        for node in factors.keys.sorted(by: {
            ($0.region.rawValue, $0.product.rawValue) < ($1.region.rawValue, $1.product.rawValue)
        }) {
            for (t, v) in factors[node] ?? [] {
                demandShocks.appendRow([region(node.region), product(node.product), String(t), n(v)])
            }
        }
        // Route preferences: the product of the factors in force, per traded route and year.
        for route in preferences.keys.sorted(by: byExporter) {
            for (t, v) in preferences[route] ?? [] {
                preferenceTable.appendRow([
                    product(route.product), region(route.exporter), region(route.importer), String(t), n(v),
                ])
            }
        }

        return [
            ("settings.csv", { settings.data }),
            ("paths.csv", { paths.data }),
            ("chemistries.csv", { chemistries.data }),
            ("capacity_projects.csv", { projects.data }),
            ("initial_stock.csv", { cohorts.data }),
            ("mineral_chains.csv", { chains.data }),
            ("shocks_tariffs.csv", { shockTariffs.data }),
            ("export_controls.csv", { controls.data }),
            ("demand_shocks.csv", { demandShocks.data }),
            ("preferences.csv", { preferenceTable.data }),
            ("regions.csv", { regions.data }),
            ("products.csv", { products.data }),
            ("recipes.csv", recipes),
            ("demand.csv", { nodeTable(scenario.finalDemand, "quantity") }),
            ("base_trade.csv", { routeTable(scenario.baseTrade, "quantity") }),
            ("base_prices.csv", { nodeTable(scenario.basePrices, "price") }),
            ("capacities.csv", { nodeTable(scenario.capacities, "capacity") }),
            ("tariffs.csv", tariffs),
            ("routes.csv", { routeTable(scenario.openedRoutes, "affinity") }),
            ("new_nodes.csv", newNodes),
        ]
    }

    /// Region codes and product names, units and stages by index, read once per table (the
    /// rows of a large run would otherwise copy a `Region` or `Product` value per field).
    struct Labels {
        let regions: [String]
        let products: [String]
        let units: [String]
        let stages: [String]

        init(_ net: Network) {
            regions = net.regions.map(\.code)
            products = net.products.map(\.name)
            units = net.products.map(\.unit)
            stages = net.products.map(\.stage)
        }
    }
}
