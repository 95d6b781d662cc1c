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
    package static func nodes(_ scenario: ResolvedScenario, years: [YearResult], to output: CSVOutput) {
        let net = scenario.network
        let labels = Labels(net)
        let name = CSVWriter.Field(scenario.name)
        var csv = CSVWriter(columns: nodeColumns, to: output)
        for year in years {
            let solution = year.solution
            let cleared = year.simulated.cleared
            let yearText = CSVWriter.Field(String(year.year))
            for r in net.regionIndices {
                for p in net.productIndices {
                    let node = Node(r, p)
                    let x = solution.output(of: node)
                    let capacity = year.capacities[node]
                    let utilization = capacity.flatMap { $0 > 0 ? x / $0 : nil }
                    csv.append(name)
                    csv.append(yearText)
                    csv.append(labels.regions[r.rawValue])
                    csv.append(labels.products[p.rawValue])
                    csv.append(labels.stages[p.rawValue])
                    csv.append(labels.units[p.rawValue])
                    for value in [x, capacity, utilization, solution.price(of: node), solution.valueAdded(of: node)] {
                        csv.append(value)
                    }
                    csv.append(cleared.unmetDemand[node])
                    csv.append(cleared.scarcityRent(of: node))
                    csv.endRow()
                }
            }
        }
        csv.finish()
    }

    /// `markets.csv`: one row per year and final-demand market (reference demand > 0), in
    /// product order, then region order. `delivered_price` is empty where no supplier can
    /// deliver at all (every route closed); such a market is unserved in full.
    package static func markets(_ scenario: ResolvedScenario, years: [YearResult], to output: CSVOutput) {
        let net = scenario.network
        var csv = CSVWriter(columns: marketColumns, to: output)
        let labels = Labels(net)
        let name = CSVWriter.Field(scenario.name)
        for year in years {
            let yearText = CSVWriter.Field(String(year.year))
            for m in year.simulated.cleared.markets {
                let p = m.product.rawValue
                csv.append(name)
                csv.append(yearText)
                csv.append(labels.regions[m.region.rawValue])
                csv.append(labels.products[p])
                csv.append(labels.units[p])
                for value in [m.referenceDemand, m.desiredDemand, m.served, m.unmet, m.unservedShare] { csv.append(value) }
                for value in [m.deliveredPrice, m.baseDeliveredPrice, m.chokePrice] { csv.append(value) }
                csv.endRow()
            }
        }
        csv.finish()
    }

    /// `stocks.csv`: the fleet per year and region, with the mineral recovered from the year's
    /// retirements (available to refiners the following year). Header only without a fleet.
    package static func stocks(_ scenario: ResolvedScenario, years: [YearResult], to output: CSVOutput) {
        let net = scenario.network
        let minerals = scenario.years.fleet?.minerals ?? []
        var csv = CSVWriter(columns: stockColumns + minerals.map { "recovered_\($0.name)_t" }, to: output)
        for year in years {
            for row in year.simulated.fleet {
                csv.appendRow(
                    [
                        scenario.name, String(year.year), net.region(row.region).code, CSVWriter.number(row.inflow),
                        CSVWriter.number(row.stock), CSVWriter.number(row.retirements),
                    ] + row.recovered.map { CSVWriter.number($0) })
            }
        }
        csv.finish()
    }

    /// `minerals.csv`: indicators per year, region and mineral, tonnes of contained mineral;
    /// import reliance and HHI are empty where the region uses none of the refined product.
    package static func minerals(_ scenario: ResolvedScenario, years: [YearResult], to output: CSVOutput) {
        let net = scenario.network
        var csv = CSVWriter(columns: mineralColumns, to: output)
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
        csv.finish()
    }

    /// `stocks_by_cohort.csv` (`--cohorts`): vehicles in use at the end of each year and
    /// retired during it, by sale year, from the last year's fleet model (which holds the
    /// whole history); cohorts sold after the year are left out.
    package static func stocksByCohort(_ scenario: ResolvedScenario, years: [YearResult], to output: CSVOutput) {
        let net = scenario.network
        var csv = CSVWriter(columns: cohortColumns, to: output)
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
        csv.finish()
    }

    /// `flows.csv`: one row per year and route, in `solution.routes` order.
    package static func flows(_ scenario: ResolvedScenario, years: [YearResult], to output: CSVOutput) {
        let net = scenario.network
        let labels = Labels(net)
        let name = CSVWriter.Field(scenario.name)
        var csv = CSVWriter(columns: flowColumns, to: output)
        for year in years {
            let yearText = CSVWriter.Field(String(year.year))
            for r in year.solution.routeResults {
                let route = r.route, p = route.product.rawValue
                csv.append(name)
                csv.append(yearText)
                csv.append(labels.products[p])
                csv.append(labels.units[p])
                csv.append(labels.regions[route.exporter.rawValue])
                csv.append(labels.regions[route.importer.rawValue])
                csv.append(r.flow)
                csv.append(r.share)
                csv.append(r.tariff)
                csv.append(r.deliveredPrice)
                csv.append(r.tariffRevenue)
                csv.endRow()
            }
        }
        csv.finish()
    }

    /// Region codes and product names, units and stages by index, read and escaped once per
    /// table (the rows of a large run would otherwise copy a `Region` or `Product` value and
    /// scan the text per field).
    struct Labels {
        let regions: [CSVWriter.Field]
        let products: [CSVWriter.Field]
        let units: [CSVWriter.Field]
        let stages: [CSVWriter.Field]

        init(_ net: Network) {
            regions = net.regions.map { CSVWriter.Field($0.code) }
            products = net.products.map { CSVWriter.Field($0.name) }
            units = net.products.map { CSVWriter.Field($0.unit) }
            stages = net.products.map { CSVWriter.Field($0.stage) }
        }
    }
}
