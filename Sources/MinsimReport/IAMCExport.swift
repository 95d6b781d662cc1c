import Foundation
import MinsimScenario

/// Result folders in the IAMC format: the wide layout that pyam, the IIASA scenario explorer
/// and most integrated-assessment models exchange.
///
/// ```
/// Model,Scenario,Region,Variable,Unit,2024,2025,…
/// minsim 0.1.0,iea-nze,World,Production|Refining|Nickel,t/yr,3483700.0,…
/// ```
///
/// The variable tree, units and the rule for `World` are documented in docs/iamc.md. Units are
/// strings that iam-units (pyam's unit registry) parses: `t/yr`, `GWh/yr`, `vehicle/yr`,
/// `vehicle`, `%`, `dimensionless`, and `<currency>_<base year>/<unit>` for prices (`USD_2024/t`:
/// prices are in base-year money). `World` is written only for additive quantities, as the sum
/// of the regions; prices, shares and indices have none.
public enum IAMCExport {
    /// One row of the export.
    public struct Row: Sendable, Equatable {
        public let model: String
        public let scenario: String
        public let region: String
        public let variable: String
        public let unit: String
        public let values: [Int: Double]
        /// Whether `World` of this variable is the sum of its regions.
        public let additive: Bool
    }

    /// The rows of one result folder, variables in tree order, `World` first in each.
    ///
    /// - Throws: `ReportFailure.badInput` when a region is called `World`.
    public static func rows(_ r: ResultFolder) throws(ReportFailure) -> [Row] {
        if let clash = r.regions.first(where: { $0.name == Indicators.world || $0.code == Indicators.world }) {
            throw .badInput("region '\(clash.code)' is named World, which the IAMC export reserves for the sum of all regions")
        }
        let model = "minsim \(r.manifest.toolVersion)"
        let money = "\(r.manifest.currency.isEmpty ? "USD" : r.manifest.currency)_\(r.manifest.baseYear ?? r.years.first ?? 0)"
        var out: [Row] = []
        /// Adds one variable: values by region code and year; `World` as their sum when additive.
        func add(_ variable: String, _ unit: String, additive: Bool, _ byRegion: [String: [Int: Double]]) {
            guard byRegion.values.contains(where: { !$0.isEmpty }) else { return }
            if additive {
                var world: [Int: Double] = [:]
                for values in byRegion.values { for (y, v) in values { world[y, default: 0] += v } }
                out.append(
                    Row(
                        model: model, scenario: r.scenarioName, region: Indicators.world, variable: variable, unit: unit,
                        values: world, additive: true))
            }
            for region in r.regions {
                guard let values = byRegion[region.code], !values.isEmpty else { continue }
                out.append(
                    Row(
                        model: model, scenario: r.scenarioName, region: region.name, variable: variable, unit: unit,
                        values: values, additive: additive))
            }
        }
        func collect<Row: RegionYearRow>(_ rows: [Row], _ value: (Row) -> Double?) -> [String: [Int: Double]] {
            var out: [String: [Int: Double]] = [:]
            for row in rows { if let v = value(row), v.isFinite { out[row.region, default: [:]][row.year] = v } }
            return out
        }

        let names = Naming(r)
        for p in r.products {
            let rows = r.nodes.filter { $0.product == p.name }
            add("Production|\(names.process(p))", "\(p.unit)/yr", additive: true, collect(rows) { $0.production })
        }
        for p in r.products {
            let rows = r.nodes.filter { $0.product == p.name }
            add("Capacity|\(names.process(p))", "\(p.unit)/yr", additive: false, collect(rows) { $0.capacity })
        }
        for p in r.products {
            let rows = r.nodes.filter { $0.product == p.name }
            add("Price|\(names.commodity(p))", "\(money)/\(p.unit)", additive: false, collect(rows) { $0.price })
        }
        for p in r.products {
            let rows = r.nodes.filter { $0.product == p.name }
            guard rows.contains(where: { ($0.scarcityRent ?? 0) != 0 }) else { continue }
            add("Scarcity Rent|\(names.commodity(p))", "\(money)/\(p.unit)", additive: false, collect(rows) { $0.scarcityRent })
        }
        for p in r.products {
            var imports: [String: [Int: Double]] = [:], exports: [String: [Int: Double]] = [:]
            for f in r.flows where f.product == p.name {
                imports[f.importer, default: [:]][f.year, default: 0] += f.exporter == f.importer ? 0 : f.quantity
                exports[f.exporter, default: [:]][f.year, default: 0] += f.exporter == f.importer ? 0 : f.quantity
            }
            add("Trade|Imports|\(names.commodity(p))", "\(p.unit)/yr", additive: true, imports)
            add("Trade|Exports|\(names.commodity(p))", "\(p.unit)/yr", additive: true, exports)
        }
        var revenue: [String: [Int: Double]] = [:]
        for f in r.flows { revenue[f.importer, default: [:]][f.year, default: 0] += f.tariffRevenue }
        add("Trade|Tariff Revenue", "\(money)/yr", additive: true, revenue)

        let minerals = Indicators.mineralNames(r)
        for m in minerals {
            add(
                "Unmet Demand|\(Naming.title(m))", "t/yr", additive: true,
                collect(r.minerals.filter { $0.mineral == m }) { $0.unmetDemand })
        }
        for p in r.products {
            let rows = r.nodes.filter { $0.product == p.name }
            guard rows.contains(where: { $0.unmetDemand != 0 }) else { continue }
            add("Unmet Demand|\(names.commodity(p))", "\(p.unit)/yr", additive: true, collect(rows) { $0.unmetDemand })
        }
        if let markets = r.markets {
            for p in r.products {
                let rows = markets.filter { $0.product == p.name }
                guard !rows.isEmpty else { continue }
                add(
                    "Final Demand|Desired|\(names.commodity(p))", "\(p.unit)/yr", additive: true,
                    collect(rows) { $0.desiredDemand })
                add("Final Demand|Served|\(names.commodity(p))", "\(p.unit)/yr", additive: true, collect(rows) { $0.served })
            }
        }
        for m in minerals {
            let rows = r.minerals.filter { $0.mineral == m }
            let title = Naming.title(m)
            add("Demand|Clean Technologies|\(title)", "t/yr", additive: true, collect(rows) { $0.cleanTechDemand })
            add("Refinery Feed|Primary|\(title)", "t/yr", additive: true, collect(rows) { $0.primaryDemand })
            add("Refinery Feed|Secondary|\(title)", "t/yr", additive: true, collect(rows) { $0.secondarySupply })
            add(
                "Secondary Share|\(title)", "%", additive: false,
                collect(rows) { row in
                    let feed = row.primaryDemand + row.secondarySupply
                    return feed > 0 ? 100 * row.secondarySupply / feed : nil
                })
            add("Import Reliance|\(title)", "%", additive: false, collect(rows) { $0.importReliance.map { 100 * $0 } })
            add("Supplier Concentration|\(title)", "dimensionless", additive: false, collect(rows) { $0.supplierHHI })
        }
        if !r.stocks.isEmpty {
            let fleet = r.fleetProduct.flatMap(r.product)
            let vehicles = fleet.map { names.commodity($0) } ?? "Vehicles"
            let unit = fleet?.unit ?? "vehicle"
            add("Stock|\(vehicles)", unit, additive: true, collect(r.stocks) { $0.stock })
            add("Sales|\(vehicles)", "\(unit)/yr", additive: true, collect(r.stocks) { $0.inflow })
            add("Retirements|\(vehicles)", "\(unit)/yr", additive: true, collect(r.stocks) { $0.retirements })
            for m in minerals {
                add("Recycling|Recovered|\(Naming.title(m))", "t/yr", additive: true, collect(r.stocks) { $0.recovered[m] })
            }
        }
        return out
    }

    /// The wide IAMC CSV of one or more result folders: one column per year of any of them.
    ///
    /// - Throws: `ReportFailure.badInput` when two folders have the same scenario name (their
    ///   rows could not be told apart) or a region is called `World`.
    public static func csv(_ results: [ResultFolder]) throws(ReportFailure) -> String {
        var seen: [String: String] = [:]
        for r in results {
            if let other = seen[r.scenarioName] {
                throw .badInput(
                    "'\(other)' and '\(r.path)' are both scenario '\(r.scenarioName)'; IAMC rows are keyed by scenario name, so export them to separate files"
                )
            }
            seen[r.scenarioName] = r.path
        }
        var rows: [Row] = []
        for r in results { rows += try self.rows(r) }
        let years = Set(results.flatMap(\.years)).sorted()
        var csv = CSVWriter(columns: ["Model", "Scenario", "Region", "Variable", "Unit"] + years.map(String.init))
        for row in rows {
            csv.appendRow(
                [row.model, row.scenario, row.region, row.variable, row.unit] + years.map { CSVWriter.number(row.values[$0]) })
        }
        return csv.text
    }

    /// Names of the variable tree.
    struct Naming {
        let chains: [ResultFolder.Chain]

        /// Product names that are abbreviations, written out.
        static let expansions = ["ev": "Electric Vehicles"]

        init(_ r: ResultFolder) { chains = r.chains }

        /// The process making p: `Mining|Nickel`, `Refining|Nickel`, `Cells`, `Electric Vehicles`.
        func process(_ p: ResultFolder.Product) -> String {
            if let chain = chains.first(where: { $0.ore == p.name || $0.refined == p.name }) {
                return "\(Self.title(p.stage))|\(Self.title(chain.name))"
            }
            return commodity(p)
        }

        /// The commodity p: `Ore|Nickel`, `Refined|Nickel`, `Cells`, `Electric Vehicles`.
        func commodity(_ p: ResultFolder.Product) -> String {
            if let chain = chains.first(where: { $0.ore == p.name }) { return "Ore|\(Self.title(chain.name))" }
            if let chain = chains.first(where: { $0.refined == p.name }) { return "Refined|\(Self.title(chain.name))" }
            return Self.expansions[p.name.lowercased()] ?? Self.title(p.name)
        }

        /// `graphite_anode` → `Graphite Anode`; `|` (the tree's separator) becomes `/`.
        static func title(_ s: String) -> String {
            s.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "|", with: "/").split(separator: " ").map {
                $0.prefix(1).uppercased() + $0.dropFirst()
            }.joined(separator: " ")
        }
    }
}
