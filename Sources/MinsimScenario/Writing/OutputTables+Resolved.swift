import Foundation
import MinsimEngine

extension OutputTables {
    /// The resolved input tables as text, by file name under `resolved/` (see `resolvedFiles`).
    public static func resolved(_ scenario: ResolvedScenario) -> [(name: String, text: String)] {
        resolvedFiles(scenario).map { table in
            let output = CSVOutput()
            table.write(output)
            return (table.name, String(decoding: output.data, as: UTF8.self))
        }
    }

    /// The resolved input tables, by file name under `resolved/`: defaults applied, recipes
    /// expanded to every region, enough to reproduce the run without the YAML.
    ///
    /// Each table comes with a function that writes it into an output: the large ones (recipes,
    /// trade, prices… of a 100,000-node scenario are 10–90 MB each) are built row by row into
    /// it, so a caller streaming them to files holds one chunk at a time; the small ones are
    /// built here.
    package static func resolvedFiles(_ scenario: ResolvedScenario) -> [(name: String, write: (CSVOutput) -> Void)] {
        let net = scenario.network
        let codes = Labels(net)
        func region(_ r: RegionIndex) -> String { net.region(r).code }
        func product(_ p: ProductIndex) -> String { net.product(p).name }
        let n = CSVWriter.number
        // Sources are kept in the provenance, one per row of each table, in row order.
        let origins = scenario.provenance
        func sources(_ table: Provenance.ResolvedTable) -> [String] { origins.sources(table) }
        func source(_ section: Provenance.Section) -> String { origins.origin(of: section)?.source ?? "" }

        var regions = CSVWriter(columns: ["region", "name", "source"])
        for (r, source) in zip(net.regions, sources(.regions)) { regions.appendRow([r.code, r.name, source]) }

        var products = CSVWriter(columns: [
            "product", "stage", "unit", "elasticity", "source", "demand_elasticity", "mineral", "choke_price_multiple",
        ])
        for (i, (p, source)) in zip(net.products, sources(.products)).enumerated() {
            products.appendRow([
                p.name, p.stage, p.unit, n(p.elasticity), source,
                n(scenario.years.demandElasticity[i]), p.mineral ?? "", n(scenario.years.chokePriceMultiple[i]),
            ])
        }

        func recipes(_ output: CSVOutput) {
            var csv = CSVWriter(columns: ["region", "product", "input", "quantity_per_unit", "source"], to: output)
            var sources = SourceColumn(origins, .recipes)
            for (i, row) in scenario.recipes.prefix(sources.count).enumerated() {
                csv.append(codes.regions[row.node.region.rawValue])
                csv.append(codes.products[row.node.product.rawValue])
                csv.append(codes.products[row.input.rawValue])
                csv.append(row.quantityPerUnit)
                csv.append(sources.field(row: i))
                csv.endRow()
            }
            csv.finish()
        }

        func nodeTable(
            _ rows: [ResolvedScenario.NodeValue], _ table: Provenance.ResolvedTable, _ valueColumn: String,
            _ output: CSVOutput
        ) {
            var csv = CSVWriter(columns: ["region", "product", valueColumn, "source"], to: output)
            var sources = SourceColumn(origins, table)
            for (i, row) in rows.prefix(sources.count).enumerated() {
                csv.append(codes.regions[row.node.region.rawValue])
                csv.append(codes.products[row.node.product.rawValue])
                csv.append(row.value)
                csv.append(sources.field(row: i))
                csv.endRow()
            }
            csv.finish()
        }
        func routeTable(
            _ rows: [ResolvedScenario.RouteValue], _ table: Provenance.ResolvedTable, _ valueColumn: String,
            _ output: CSVOutput
        ) {
            var csv = CSVWriter(columns: ["product", "exporter", "importer", valueColumn, "source"], to: output)
            var sources = SourceColumn(origins, table)
            for (i, row) in rows.prefix(sources.count).enumerated() {
                csv.append(codes.products[row.route.product.rawValue])
                csv.append(codes.regions[row.route.exporter.rawValue])
                csv.append(codes.regions[row.route.importer.rawValue])
                csv.append(row.value)
                csv.append(sources.field(row: i))
                csv.endRow()
            }
            csv.finish()
        }

        func newNodes(_ output: CSVOutput) {
            var csv = CSVWriter(columns: ["region", "product", "price", "reference_capacity", "source"], to: output)
            for (row, source) in zip(scenario.newNodes, sources(.newNodes)) {
                csv.appendRow([
                    region(row.node.region), product(row.node.product), n(row.price), n(row.referenceCapacity), source,
                ])
            }
            csv.finish()
        }
        func tariffs(_ output: CSVOutput) {
            var csv = CSVWriter(columns: ["product", "exporter", "importer", "base_rate", "rate", "source"], to: output)
            var sources = SourceColumn(origins, .tariffs)
            for (i, row) in scenario.tariffs.prefix(sources.count).enumerated() {
                csv.append(codes.products[row.route.product.rawValue])
                csv.append(codes.regions[row.route.exporter.rawValue])
                csv.append(codes.regions[row.route.importer.rawValue])
                csv.append(row.baseRate)
                csv.append(row.rate)
                csv.append(sources.field(row: i))
                csv.endRow()
            }
            csv.finish()
        }

        let y = scenario.years
        var settings = CSVWriter(columns: ["key", "value", "source"])
        settings.appendRow(["base_year", String(scenario.baseYear), ""])
        settings.appendRow(["horizon", String(y.horizon), ""])
        settings.appendRow(["price_ceiling_multiple", n(y.priceCeilingMultiple), ""])
        if let rule = y.expansion {
            let expansionSource = source(.expansion)
            for stage in net.stages {
                if let lead = rule.leadTime[stage] {
                    settings.appendRow(["expansion.lead_time_years.\(stage)", String(lead), expansionSource])
                }
            }
            settings.appendRow(["expansion.rent_threshold", n(rule.rentThreshold), expansionSource])
            settings.appendRow(["expansion.persistence_years", String(rule.persistence), expansionSource])
            settings.appendRow(["expansion.fraction", n(rule.fraction), expansionSource])
        }
        if let fleet = y.fleet {
            let fleetSource = source(.fleet), lifetimeSource = source(.lifetime)
            settings.appendRow(["fleet.product", product(fleet.vehicle), fleetSource])
            let lifetime: [(String, String)]
            switch fleet.lifetime {
            case .normal(let m, let sd): lifetime = [("normal", ""), ("mean", n(m)), ("standard_deviation", n(sd))]
            case .lognormal(let m, let sd): lifetime = [("lognormal", ""), ("mean", n(m)), ("standard_deviation", n(sd))]
            case .weibull(let k, let l): lifetime = [("weibull", ""), ("shape", n(k)), ("scale", n(l))]
            case .fixed(let years): lifetime = [("fixed", ""), ("years", String(years))]
            }
            settings.appendRow(["fleet.lifetime.distribution", lifetime[0].0, lifetimeSource])
            for (key, value) in lifetime.dropFirst() { settings.appendRow(["fleet.lifetime.\(key)", value, lifetimeSource]) }
        }

        // Paths as given, one tidy table: blank region = every region (index tables).
        // `chemistry` (last, so the earlier columns keep their place) is set for chemistry_mix rows.
        var paths = CSVWriter(columns: ["path", "region", "product", "input", "exporter", "year", "value", "source", "chemistry"])
        for (row, source) in zip(y.pathRows, sources(.paths)) {
            paths.appendRow([
                row.table, row.key.region.map(region) ?? "", product(row.key.product), row.key.input.map(product) ?? "",
                row.key.exporter.map(region) ?? "", String(row.year), n(row.value), source, row.key.chemistry ?? "",
            ])
        }
        var chemistries = CSVWriter(columns: ["chemistry", "product", "input", "quantity_per_unit", "source"])
        for (c, source) in zip(y.chemistries, sources(.chemistries)) {
            chemistries.appendRow([c.name, product(c.product), product(c.input), n(c.quantityPerUnit), source])
        }
        var projects = CSVWriter(columns: ["region", "product", "online_year", "capacity", "source"])
        for (p, source) in zip(y.projects, sources(.projects)) {
            projects.appendRow([region(p.node.region), product(p.node.product), String(p.onlineYear), n(p.capacity), source])
        }
        var cohorts = CSVWriter(columns: ["region", "cohort", "vehicles", "source"])
        for (c, source) in zip(y.initialStock, sources(.initialStock)) {
            cohorts.appendRow([region(c.region), String(c.cohort), n(c.vehicles), source])
        }
        var chains = CSVWriter(columns: ["name", "ore", "refined", "collection_rate", "recovery_efficiency", "source"])
        for (chain, source) in zip(y.minerals, sources(.minerals)) {
            chains.appendRow([
                chain.name, product(chain.ore), product(chain.refined), n(chain.recycling.collectionRate),
                n(chain.recycling.recoveryEfficiency), source,
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
            ("settings.csv", { $0.write(settings.data) }),
            ("paths.csv", { $0.write(paths.data) }),
            ("chemistries.csv", { $0.write(chemistries.data) }),
            ("capacity_projects.csv", { $0.write(projects.data) }),
            ("initial_stock.csv", { $0.write(cohorts.data) }),
            ("mineral_chains.csv", { $0.write(chains.data) }),
            ("shocks_tariffs.csv", { $0.write(shockTariffs.data) }),
            ("export_controls.csv", { $0.write(controls.data) }),
            ("demand_shocks.csv", { $0.write(demandShocks.data) }),
            ("preferences.csv", { $0.write(preferenceTable.data) }),
            ("regions.csv", { $0.write(regions.data) }),
            ("products.csv", { $0.write(products.data) }),
            ("recipes.csv", recipes),
            ("demand.csv", { nodeTable(scenario.finalDemand, .finalDemand, "quantity", $0) }),
            ("base_trade.csv", { routeTable(scenario.baseTrade, .baseTrade, "quantity", $0) }),
            ("base_prices.csv", { nodeTable(scenario.basePrices, .basePrices, "price", $0) }),
            ("capacities.csv", { nodeTable(scenario.capacities, .capacities, "capacity", $0) }),
            ("tariffs.csv", tariffs),
            ("routes.csv", { routeTable(scenario.openedRoutes, .openedRoutes, "affinity", $0) }),
            ("new_nodes.csv", newNodes),
        ]
    }
}
