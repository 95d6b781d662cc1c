/// One chart's data for one run: panels of values per year by region, before any styling.
struct IndicatorPanel: Sendable {
    let title: String
    let unit: String
    let per: String
    /// Region code (or `World`) → year → value.
    var series: [(key: String, values: [Int: Double])]
}

/// A report section of time series: what it shows and its panels.
struct IndicatorSection: Sendable {
    /// File stem of the figure and HTML anchor, e.g. `production`.
    let id: String
    let title: String
    /// Two or three sentences for a reader who has not seen the model.
    let explanation: String
    let panels: [IndicatorPanel]
}

/// The time series of a result folder, by section.
///
/// Every value comes straight from one CSV column (or a ratio of two, stated in the
/// explanation); `World` appears only where the quantity is additive or a ratio of sums.
enum Indicators {
    static let world = "World"

    static func sections(_ r: ResultFolder) -> [IndicatorSection] {
        let currency = r.manifest.currency.isEmpty ? "currency" : r.manifest.currency
        var out: [IndicatorSection] = []
        out.append(
            IndicatorSection(
                id: "production", title: "Production by stage and region",
                explanation:
                    "Gross output of every product in each region (nodes.csv, production), in the product's own unit per year. Products are ordered upstream first: mining, refining, cell making, vehicle assembly.",
                panels: r.products.map { p in
                    panel(r, "\(p.name) (\(p.stage))", unit: p.unit, per: "per year", r.nodes.filter { $0.product == p.name }) {
                        $0.production
                    }
                }))
        out.append(
            IndicatorSection(
                id: "prices", title: "Producer prices",
                explanation:
                    "Price of each product where it is made (nodes.csv, price), in \(currency) per unit, scarcity rents included. A region that makes none of a product has no price there.",
                panels: r.products.compactMap { p in
                    let rows = r.nodes.filter { $0.product == p.name }
                    guard rows.contains(where: { $0.price != nil }) else { return nil }
                    return panel(r, "\(p.name) (\(p.stage))", unit: "\(currency)/\(p.unit)", per: "", rows) { $0.price }
                }))
        let rentPanels = r.products.compactMap { p -> IndicatorPanel? in
            let rows = r.nodes.filter { $0.product == p.name }
            guard rows.contains(where: { ($0.scarcityRent ?? 0) > 0 }) else { return nil }
            return panel(r, "\(p.name) (\(p.stage))", unit: "\(currency)/\(p.unit)", per: "", rows) { $0.scarcityRent }
        }
        if !rentPanels.isEmpty {
            out.append(
                IndicatorSection(
                    id: "scarcity-rents", title: "Scarcity rents",
                    explanation:
                        "The part of a price that a binding capacity adds (nodes.csv, scarcity_rent), in \(currency) per unit: zero where capacity does not bind. Products without a rent in any year and region are left out.",
                    panels: rentPanels))
        }
        let minerals = mineralNames(r)
        if !r.minerals.isEmpty {
            out.append(
                IndicatorSection(
                    id: "unmet-demand-minerals", title: "Unmet demand by mineral",
                    explanation:
                        "Refined mineral embodied in final demand (vehicles, cells, other uses) that could not be served, in tonnes of contained mineral per year (minerals.csv, unmet_demand). World is the sum of the regions.",
                    panels: minerals.map { m in
                        panel(r, m, unit: "t", per: "per year", r.minerals.filter { $0.mineral == m }, world: .sum) {
                            $0.unmetDemand
                        }
                    }))
        }
        let unmetProducts = r.products.compactMap { p -> IndicatorPanel? in
            let rows = r.nodes.filter { $0.product == p.name }
            guard rows.contains(where: { $0.unmetDemand > 0 }) else { return nil }
            return panel(r, "\(p.name) (\(p.stage))", unit: p.unit, per: "per year", rows, world: .sum) { $0.unmetDemand }
        }
        if !unmetProducts.isEmpty {
            out.append(
                IndicatorSection(
                    id: "unmet-demand-products", title: "Unmet demand by product",
                    explanation:
                        "Final demand of each region for each product that went unmet (nodes.csv, unmet_demand), in the product's unit per year. Products with no unmet demand are left out. World is the sum of the regions.",
                    panels: unmetProducts))
        }
        if let markets = r.markets, !markets.isEmpty {
            let products = r.products.map(\.name).filter { p in markets.contains { $0.product == p && $0.desiredDemand > 0 } }
            out.append(
                IndicatorSection(
                    id: "unserved-share", title: "Share of demand not served",
                    explanation:
                        "Unmet over desired demand of each final-demand market (markets.csv, unmet / desired_demand): the share of what buyers wanted at the going price that was not delivered because its delivered price reached the choke price. World is the ratio of the sums.",
                    panels: products.map { p in
                        ratioPanel(
                            r, p, unit: "%", per: "", markets.filter { $0.product == p }, numerator: { $0.unmet },
                            denominator: { $0.desiredDemand })
                    }))
        }
        if !r.minerals.isEmpty {
            /// A section with one panel per mineral of one minerals.csv column, by region.
            func perMineral(
                _ id: String, _ title: String, _ explanation: String, unit: String, _ value: (ResultFolder.MineralRow) -> Double?
            )
                -> IndicatorSection
            {
                IndicatorSection(
                    id: id, title: title, explanation: explanation,
                    panels: minerals.map { m in
                        panel(r, m, unit: unit, per: "", r.minerals.filter { $0.mineral == m }, value: value)
                    })
            }
            out.append(
                perMineral(
                    "import-reliance", "Import reliance of refined minerals",
                    "(Imports − exports) / use of the refined mineral in each region (minerals.csv, import_reliance): 100 % means every tonne used is imported, a negative value a net exporter. Empty where a region uses none.",
                    unit: "%", \.importReliance))
            out.append(
                perMineral(
                    "supplier-concentration", "Supplier concentration (HHI) of refined minerals",
                    "Herfindahl–Hirschman index of each region's suppliers of the refined mineral, Σ share² (minerals.csv, supplier_hhi): 1 means a single supplier, 0.2 five equal ones.",
                    unit: "", \.supplierHHI))
            out.append(
                IndicatorSection(
                    id: "secondary-share", title: "Secondary share of refinery feed",
                    explanation:
                        "Recycled mineral over all refinery feed, secondary / (primary + secondary) (minerals.csv, secondary_supply and primary_demand). Recycling returns minerals from retired vehicles the year after they retire, so it grows with the fleet's age. World is the ratio of the sums.",
                    panels: minerals.map { m in
                        ratioPanel(
                            r, m, unit: "%", per: "", r.minerals.filter { $0.mineral == m }, numerator: { $0.secondarySupply },
                            denominator: { $0.primaryDemand + $0.secondarySupply })
                    }))
        }
        if !r.stocks.isEmpty {
            let unit = r.fleetProduct.flatMap { r.product($0)?.unit } ?? "vehicle"
            out.append(
                IndicatorSection(
                    id: "fleet", title: "Vehicle fleet: stock, sales and retirements",
                    explanation:
                        "The fleet model (stocks.csv): vehicles in use at the end of each year, vehicles sold (the fleet product's final demand served) and vehicles retired. World is the sum of the regions.",
                    panels: [
                        panel(r, "Stock in use", unit: unit, per: "", r.stocks, world: .sum) { $0.stock },
                        panel(r, "Sales", unit: unit, per: "per year", r.stocks, world: .sum) { $0.inflow },
                        panel(r, "Retirements", unit: unit, per: "per year", r.stocks, world: .sum) { $0.retirements },
                    ]))
        }
        return out
    }

    /// Minerals in the order of the chains, else of minerals.csv.
    static func mineralNames(_ r: ResultFolder) -> [String] {
        var names = r.chains.map(\.name)
        for row in r.minerals where !names.contains(row.mineral) { names.append(row.mineral) }
        return names
    }

    enum WorldRule {
        case none
        case sum
    }

    /// A panel of `rows` (each with a year and a region), one line per region in scenario order.
    private static func panel<Row: RegionYearRow>(
        _ r: ResultFolder, _ title: String, unit: String, per: String, _ rows: [Row], world: WorldRule = .none,
        value: (Row) -> Double?
    ) -> IndicatorPanel {
        var byRegion: [String: [Int: Double]] = [:]
        var total: [Int: Double] = [:]
        for row in rows {
            guard let v = value(row) else { continue }
            byRegion[row.region, default: [:]][row.year] = v
            total[row.year, default: 0] += v
        }
        var series = r.regions.compactMap { region in byRegion[region.code].map { (key: region.code, values: $0) } }
        if case .sum = world, !total.isEmpty { series.append((Self.world, total)) }
        return IndicatorPanel(title: title, unit: unit, per: per, series: series)
    }

    /// A panel of ratios numerator / denominator per region, with `World` the ratio of sums.
    private static func ratioPanel<Row: RegionYearRow>(
        _ r: ResultFolder, _ title: String, unit: String, per: String, _ rows: [Row], numerator: (Row) -> Double,
        denominator: (Row) -> Double
    ) -> IndicatorPanel {
        var byRegion: [String: [Int: Double]] = [:]
        var top: [Int: Double] = [:], bottom: [Int: Double] = [:]
        for row in rows {
            let n = numerator(row), d = denominator(row)
            top[row.year, default: 0] += n
            bottom[row.year, default: 0] += d
            if d > 0 { byRegion[row.region, default: [:]][row.year] = n / d }
        }
        var series = r.regions.compactMap { region in byRegion[region.code].map { (key: region.code, values: $0) } }
        var world: [Int: Double] = [:]
        for (year, d) in bottom where d > 0 { world[year] = (top[year] ?? 0) / d }
        if !world.isEmpty { series.append((Self.world, world)) }
        return IndicatorPanel(title: title, unit: unit, per: per, series: series)
    }
}

/// A result row that belongs to one region and year.
protocol RegionYearRow {
    var year: Int { get }
    var region: String { get }
}

extension ResultFolder.NodeRow: RegionYearRow {}
extension ResultFolder.MineralRow: RegionYearRow {}
extension ResultFolder.StockRow: RegionYearRow {}
extension ResultFolder.MarketRow: RegionYearRow {}
