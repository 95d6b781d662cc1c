import MinsimEngine
import Yams

/// Reading `shocks` (docs/scenario-format-years.md, "Policy shocks"): names with "did you
/// mean", ranges and dates, each problem at its file, line and column.
extension ScenarioBuilder {
    mutating func readShocks(_ node: Yams.Node, _ t: TableSet) -> PolicyShocks {
        var shocks = PolicyShocks()
        guard case .mapping(let map) = node else {
            error(
                location(node),
                "expected shocks as a map of tables (tariffs: …, export_controls: …, demand: …, preferences: …), found \(kind(node))"
            )
            return shocks
        }
        let names = ScenarioFormat.shockTables.map(\.key)
        for (key, value) in map {
            guard case .scalar(let k) = key, let spec = ScenarioFormat.shockTables.first(where: { $0.key == k.string }) else {
                var hint = ""
                if case .scalar(let k) = key { hint = Suggestion.hint(for: k.string, among: names) }
                error(
                    location(key),
                    "unknown shock table \(kind(key)) under shocks\(hint); shock tables are \(names.joined(separator: ", "))")
                continue
            }
            let qualified = TableSpec(
                key: "shocks.\(spec.key)", required: false, columns: spec.columns, description: spec.description)
            let file = path
            defer { path = file }
            guard let table = readTable(qualified, value) else { continue }
            switch spec.key {
            case "tariffs": shocks.tariffs = tariffShocks(table)
            case "export_controls": shocks.exportControls = exportControls(table, t)
            case "preferences": shocks.preferences = preferences(table, t)
            default: shocks.demand = demandShocks(table)
            }
        }
        return shocks
    }

    /// A region cell that may be `*` (every region): .some(nil) = every, nil = invalid (reported).
    mutating func regionOrStar(_ row: Table.Row, _ field: String, what: String) -> RegionIndex?? {
        if let cell = row.cells[field], case .scalar("*", _) = cell.value { return .some(nil) }
        return region(row, field, what: what).map { .some($0) } ?? .none
    }

    /// A date cell `yyyy-mm-dd` as a day number; nil after reporting why it is not a date.
    mutating func date(_ cell: Table.Cell, _ field: String, what: String) -> Int? {
        guard let text = string(cell, key: field) else { return nil }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let digits =
            parts.count == 3 && parts[0].count == 4 && parts[1].count == 2 && parts[2].count == 2
            && parts.allSatisfy { $0.allSatisfy { $0.isASCII && $0.isNumber } }
        guard digits, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else {
            error(cell.location, "'\(field)' in \(what) is '\(text)'; write a date as yyyy-mm-dd, e.g. 2026-07-01")
            return nil
        }
        guard (1...9999).contains(y), (1...12).contains(m) else {
            error(cell.location, "'\(field)' in \(what) is '\(text)', which is not a real date (month \(m) of year \(y))")
            return nil
        }
        let length =
            CivilDate.dayNumber(year: m == 12 ? y + 1 : y, month: m == 12 ? 1 : m + 1, day: 1)
            - CivilDate.dayNumber(year: y, month: m, day: 1)
        guard (1...length).contains(d) else {
            error(cell.location, "'\(field)' in \(what) is '\(text)', which is not a real date (that month has \(length) days)")
            return nil
        }
        return CivilDate.dayNumber(year: y, month: m, day: d)
    }

    /// An optional end (`end_date` / `end_year`) cell: absent or blank = open-ended.
    func optionalCell(_ row: Table.Row, _ field: String) -> Table.Cell? {
        guard let cell = row.cells[field] else { return nil }
        if case .null = cell.value { return nil }
        return cell
    }

    mutating func tariffShocks(_ table: Table) -> [PolicyShocks.Tariff] {
        let what = "shocks.tariffs row"
        guard let rateField = table.spec.columns.first(where: { $0.name == "rate" }) else { return [] }
        var out: [PolicyShocks.Tariff] = []
        for row in table.rows {
            let p = product(row, "product", what: what)
            let importer = region(row, "importer", what: what)
            let exporter = regionOrStar(row, "exporter", what: what)
            let rate = number(row, rateField, what: what)
            let start = required(row, "start_date", what: what).flatMap { date($0, "start_date", what: what) }
            var end: Int? = nil
            var endOK = true
            if let cell = optionalCell(row, "end_date") {
                end = date(cell, "end_date", what: what)
                endOK = end != nil
                if let s = start, let e = end, e < s {
                    error(
                        cell.location,
                        "'end_date' in \(what) is before its start_date; a measure ends on or after the day it starts")
                    endOK = false
                }
            }
            var exempt: [RegionIndex] = []
            var exceptOK = true
            if let cell = optionalCell(row, "except"), let text = string(cell, key: "except") {
                if case .some(.some) = exporter {
                    error(
                        cell.location,
                        "'except' in \(what) applies only when exporter is * (every other region); remove it or set exporter: \"*\""
                    )
                    exceptOK = false
                }
                let codes = regions.map(\.code)
                for part in text.split(separator: ";", omittingEmptySubsequences: false) {
                    let code = part.trimmingCharacters(in: .whitespaces)
                    guard let i = regionIndex[code] else {
                        error(
                            cell.location,
                            "unknown region '\(code)' in 'except'\(Suggestion.hint(for: code, among: codes)); regions are \(codes.joined(separator: ", ")), separated by ;"
                        )
                        exceptOK = false
                        continue
                    }
                    if RegionIndex(i) == importer {
                        error(
                            cell.location,
                            "'except' in \(what) lists the importer \(code); tariffs apply to imports only, so exempt other regions"
                        )
                        exceptOK = false
                        continue
                    }
                    exempt.append(RegionIndex(i))
                }
            } else if row.cells["except"] != nil, optionalCell(row, "except") != nil {
                exceptOK = false
            }
            guard let p, let importer, let exporter, let rate, let start, endOK, exceptOK else { continue }
            let exporters: [RegionIndex]
            if let e = exporter {
                if e == importer {
                    error(
                        row.cells["exporter"]?.location ?? row.location,
                        "shocks.tariffs row on \(products[p.rawValue].product.name) has the same exporter and importer (\(regions[e.rawValue].code)); tariffs apply to imports only"
                    )
                    continue
                }
                exporters = [e]
            } else {
                exporters = regions.indices.map(RegionIndex.init).filter { $0 != importer && !exempt.contains($0) }
            }
            out.append(
                .init(
                    product: p, importer: importer, exporters: exporters, rate: rate, start: start, end: end))
        }
        return out
    }

    /// Start and end years of a row; nil after reporting a problem.
    mutating func yearRange(_ row: Table.Row, what: String) -> (Int, Int?)? {
        let start = year(row, "start_year", what: what)
        var end: Int? = nil
        if let cell = optionalCell(row, "end_year") {
            guard let e = year(row, "end_year", what: what) else { return nil }
            if let s = start, e < s {
                error(
                    cell.location,
                    "'end_year' in \(what) is \(e), before its start_year \(s); a shock ends in or after the year it starts")
                return nil
            }
            end = e
        }
        guard let start else { return nil }
        return (start, end)
    }

    mutating func exportControls(_ table: Table, _ t: TableSet) -> [PolicyShocks.ExportControl] {
        let what = "shocks.export_controls row"
        guard let quotaField = table.spec.columns.first(where: { $0.name == "quota" }) else { return [] }
        let traded = tradedRoutes(t)
        var out: [PolicyShocks.ExportControl] = []
        for row in table.rows {
            let p = product(row, "product", what: what)
            let exporter = region(row, "exporter", what: what)
            let importer = regionOrStar(row, "importer", what: what)
            let quota = number(row, quotaField, what: what)
            let range = yearRange(row, what: what)
            guard let p, let exporter, let importer, let quota, let (start, end) = range else { continue }
            let importers: [RegionIndex]
            if let i = importer {
                if i == exporter {
                    error(
                        row.cells["importer"]?.location ?? row.location,
                        "shocks.export_controls row on \(products[p.rawValue].product.name) has the same exporter and importer (\(regions[i.rawValue].code)); export controls apply to exports only"
                    )
                    continue
                }
                importers = [i]
            } else {
                importers = regions.indices.map(RegionIndex.init).filter { $0 != exporter }
            }
            let routes = importers.map { Route(p, from: exporter, to: $0) }.filter { traded.contains($0) }
            if routes.isEmpty {
                let to = importer.map { regions[$0.rawValue].code } ?? "any region"
                warning(
                    row.location,
                    "shocks.export_controls row: \(products[p.rawValue].product.name) \(regions[exporter.rawValue].code)→\(to) has no trade (no base trade or opened route), so the quota has no effect"
                )
            }
            out.append(
                .init(routes: routes, quota: quota, startYear: start, endYear: end))
        }
        return out
    }

    mutating func demandShocks(_ table: Table) -> [PolicyShocks.Demand] {
        let what = "shocks.demand row"
        guard let factorField = table.spec.columns.first(where: { $0.name == "factor" }) else { return [] }
        var out: [PolicyShocks.Demand] = []
        for row in table.rows {
            let r = regionOrEvery(row, what: what)
            let p = product(row, "product", what: what)
            let factor = number(row, factorField, what: what)
            let range = yearRange(row, what: what)
            guard let r, let p, let factor, let (start, end) = range else { continue }
            let regionsOfRow = r.map { [$0] } ?? regions.indices.map(RegionIndex.init)
            out.append(
                .init(
                    regions: regionsOfRow, product: p, startYear: start, endYear: end, factor: factor))
        }
        return out
    }

    /// Routes that carry trade: positive base trade (domestic supply included) or opened.
    func tradedRoutes(_ t: TableSet) -> Set<Route> {
        var traded = Set<Route>()
        for row in t.baseTrade where row.value > 0 { traded.insert(row.route) }
        for row in t.routes { traded.insert(row.route) }
        return traded
    }

    /// `shocks.preferences`: exporter and importer may each be `*` (every region other than the
    /// other side), as in `tariffs` and `export_controls`. An explicit exporter equal to the
    /// importer names the domestic-supply route (a home-bias preference). Routes without trade
    /// have no Armington weight to scale: a row covering none is accepted with a warning.
    mutating func preferences(_ table: Table, _ t: TableSet) -> [PolicyShocks.Preference] {
        let what = "shocks.preferences row"
        guard let factorField = table.spec.columns.first(where: { $0.name == "factor" }) else { return [] }
        let traded = tradedRoutes(t)
        let all = regions.indices.map(RegionIndex.init)
        var out: [PolicyShocks.Preference] = []
        for row in table.rows {
            let p = product(row, "product", what: what)
            let exporter = regionOrStar(row, "exporter", what: what)
            let importer = regionOrStar(row, "importer", what: what)
            let factor = number(row, factorField, what: what)
            let range = yearRange(row, what: what)
            guard let p, let exporter, let importer, let factor, let (start, end) = range else { continue }
            var covered: [Route] = []
            for i in importer.map({ [$0] }) ?? all {
                for e in exporter.map({ [$0] }) ?? all {
                    // `*` on either side means the other regions: never the domestic route.
                    if (exporter == nil || importer == nil) && e == i { continue }
                    covered.append(Route(p, from: e, to: i))
                }
            }
            let routes = covered.filter { traded.contains($0) }.sorted()
            if routes.isEmpty {
                let from = exporter.map { regions[$0.rawValue].code } ?? "any region"
                let to = importer.map { regions[$0.rawValue].code } ?? "any region"
                warning(
                    row.location,
                    "shocks.preferences row: \(products[p.rawValue].product.name) \(from)→\(to) has no trade (no base trade or opened route), so the preference has no effect"
                )
            }
            out.append(
                .init(
                    routes: routes, factor: factor, startYear: start, endYear: end))
        }
        return out
    }
}
