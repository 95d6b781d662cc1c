import MinsimEngine

/// The CSV files of a run, as text: results per year and the resolved input tables.
///
/// Every row order is fixed by the scenario (regions and products in scenario order, routes in
/// the solver's (product, importer, exporter) order, input rows as written), and every number
/// goes through `CSVWriter.number`, so the same inputs always give byte-identical files.
public enum OutputTables {
    public static let nodeColumns = [
        "scenario", "year", "region", "product", "stage", "unit", "production",
        "capacity", "utilization", "price", "value_added", "unmet_demand",
    ]
    public static let flowColumns = [
        "scenario", "year", "product", "unit", "exporter", "importer", "quantity",
        "share", "tariff_rate", "delivered_price", "tariff_revenue",
    ]

    /// `nodes.csv`: one row per year and (region, product), regions outer, products inner.
    /// Inactive nodes have production 0 and empty price and value added; utilization is empty
    /// when there is no (or a zero) capacity.
    public static func nodes(_ scenario: ResolvedScenario, years: [YearResult]) -> String {
        let net = scenario.network
        var csv = CSVWriter(columns: nodeColumns)
        for year in years {
            let solution = year.solution
            for r in net.regionIndices {
                for p in net.productIndices {
                    let node = Node(r, p)
                    let product = net.product(p)
                    let x = solution.output(of: node)
                    let capacity = year.conditions.capacities[node]
                    let utilization = capacity.flatMap { $0 > 0 ? x / $0 : nil }
                    let j = solution.calibration.systemIndex[node]
                    let valueAdded: Double? = j >= 0 ? solution.valueAdded[j] : nil
                    csv.appendRow([
                        scenario.name, String(year.year), net.region(r).code, product.name, product.stage, product.unit,
                        CSVWriter.number(x), CSVWriter.number(capacity), CSVWriter.number(utilization),
                        CSVWriter.number(solution.price(of: node)), CSVWriter.number(valueAdded), CSVWriter.number(0),
                    ])
                }
            }
        }
        return csv.text
    }

    /// `flows.csv`: one row per year and route, in `solution.routes` order.
    public static func flows(_ scenario: ResolvedScenario, years: [YearResult]) -> String {
        let net = scenario.network
        var csv = CSVWriter(columns: flowColumns)
        for year in years {
            let s = year.solution
            let delivered = s.deliveredPrices, revenue = s.tariffRevenue
            for (k, route) in s.routes.enumerated() {
                let product = net.product(route.product)
                csv.appendRow([
                    scenario.name, String(year.year), product.name, product.unit,
                    net.region(route.exporter).code, net.region(route.importer).code,
                    CSVWriter.number(s.flows[k]), CSVWriter.number(s.shares[k]), CSVWriter.number(s.tariffs[k]),
                    CSVWriter.number(delivered[k]), CSVWriter.number(revenue[k]),
                ])
            }
        }
        return csv.text
    }

    /// The resolved input tables, by file name under `resolved/`: defaults applied, recipes
    /// expanded to every region, enough to reproduce the run without the YAML.
    public static func resolved(_ scenario: ResolvedScenario) -> [(name: String, text: String)] {
        let net = scenario.network
        func region(_ r: RegionIndex) -> String { net.region(r).code }
        func product(_ p: ProductIndex) -> String { net.product(p).name }
        let n = CSVWriter.number

        var regions = CSVWriter(columns: ["region", "name", "source"])
        for (i, r) in net.regions.enumerated() { regions.appendRow([r.code, r.name, scenario.regionSources[i]]) }

        var products = CSVWriter(columns: ["product", "stage", "unit", "elasticity", "source"])
        for (i, p) in net.products.enumerated() {
            products.appendRow([p.name, p.stage, p.unit, n(p.elasticity), scenario.productSources[i]])
        }

        var recipes = CSVWriter(columns: ["region", "product", "input", "quantity_per_unit", "source"])
        for row in scenario.recipes {
            recipes.appendRow([
                region(row.node.region), product(row.node.product), product(row.input), n(row.quantityPerUnit), row.source,
            ])
        }

        func nodeTable(_ rows: [ResolvedScenario.NodeValue], _ valueColumn: String) -> String {
            var csv = CSVWriter(columns: ["region", "product", valueColumn, "source"])
            for row in rows { csv.appendRow([region(row.node.region), product(row.node.product), n(row.value), row.source]) }
            return csv.text
        }
        func routeTable(_ rows: [ResolvedScenario.RouteValue], _ valueColumn: String) -> String {
            var csv = CSVWriter(columns: ["product", "exporter", "importer", valueColumn, "source"])
            for row in rows {
                csv.appendRow([
                    product(row.route.product), region(row.route.exporter), region(row.route.importer), n(row.value), row.source,
                ])
            }
            return csv.text
        }

        var tariffs = CSVWriter(columns: ["product", "exporter", "importer", "base_rate", "rate", "source"])
        for row in scenario.tariffs {
            tariffs.appendRow([
                product(row.route.product), region(row.route.exporter), region(row.route.importer),
                n(row.baseRate), n(row.rate), row.source,
            ])
        }

        return [
            ("regions.csv", regions.text),
            ("products.csv", products.text),
            ("recipes.csv", recipes.text),
            ("demand.csv", nodeTable(scenario.finalDemand, "quantity")),
            ("base_trade.csv", routeTable(scenario.baseTrade, "quantity")),
            ("base_prices.csv", nodeTable(scenario.basePrices, "price")),
            ("capacities.csv", nodeTable(scenario.capacities, "capacity")),
            ("tariffs.csv", tariffs.text),
            ("routes.csv", routeTable(scenario.openedRoutes, "affinity")),
        ]
    }
}
