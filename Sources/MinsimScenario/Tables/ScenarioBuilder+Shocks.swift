import MinsimEngine
import Yams

/// Reading `shocks` (docs/scenario-format-years.md, "Policy shocks"): names with "did you
/// mean", ranges and dates, each problem at its file, line and column.
extension ScenarioBuilder {
    mutating func readShocks(_ node: Yams.Node, _ t: TableSet, in yaml: YAMLFile) -> PolicyShocks {
        var shocks = PolicyShocks()
        guard case .mapping(let map) = node else {
            error(
                yaml.location(node),
                "expected shocks as a map of tables (tariffs: …, export_controls: …, demand: …, preferences: …), found \(yaml.kind(node))"
            )
            return shocks
        }
        let names = ScenarioFormat.shockTables.map(\.key)
        for (key, value) in map {
            guard case .scalar(let k) = key, let spec = ScenarioFormat.shockTables.first(where: { $0.key == k.string }) else {
                var hint = ""
                if case .scalar(let k) = key { hint = Suggestion.hint(for: k.string, among: names) }
                error(
                    yaml.location(key),
                    "unknown shock table \(yaml.kind(key)) under shocks\(hint); shock tables are \(names.joined(separator: ", "))"
                )
                continue
            }
            let qualified = TableSpec(
                key: "shocks.\(spec.key)", required: false, columns: spec.columns, description: spec.description)
            guard let table = readTable(qualified, value, in: yaml) else { continue }
            switch spec.key {
            case "tariffs": shocks.tariffs = tariffShocks(table)
            case "export_controls": shocks.exportControls = exportControls(table, t)
            case "preferences": shocks.preferences = preferences(table, t)
            default: shocks.demand = demandShocks(table)
            }
        }
        return shocks
    }

    mutating func tariffShocks(_ table: Table) -> [PolicyShocks.Tariff] {
        let what = "shocks.tariffs row"
        guard let rateField = table.spec.columns.first(where: { $0.name == "rate" }) else { return [] }
        var out: [PolicyShocks.Tariff] = []
        for row in table.rows {
            var reader = rowReader(row, what: what)
            defer { absorb(reader) }
            let p = reader.product("product")
            let importer = reader.region("importer")
            let exporter = reader.regionOrStar("exporter")
            let rate = reader.number(rateField)
            let start = reader.required("start_date").flatMap { reader.date($0, "start_date") }
            var end: Int? = nil
            var endOK = true
            if let cell = reader.optional("end_date") {
                end = reader.date(cell, "end_date")
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
            if let cell = reader.optional("except"), let text = reader.string(cell, key: "except") {
                if case .some(.some) = exporter {
                    error(
                        cell.location,
                        "'except' in \(what) applies only when exporter is * (every other region); remove it or set exporter: \"*\""
                    )
                    exceptOK = false
                }
                let codes = names.regionCodes
                for part in text.split(separator: ";", omittingEmptySubsequences: false) {
                    let code = part.trimmingCharacters(in: .whitespaces)
                    guard let i = names.regionIndex[code] else {
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
            } else if row.cells["except"] != nil, reader.optional("except") != nil {
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
            _ = reader.source()  // checked like every source; the engine keeps no provenance
            for e in exporters {
                provenance.record(
                    .tariff(Route(p, from: e, to: importer)), table: table.spec.key, .shock, .days(start, end: end),
                    at: row.location)
            }
            out.append(
                .init(
                    product: p, importer: importer, exporters: exporters, rate: rate, start: start, end: end))
        }
        return out
    }

    mutating func exportControls(_ table: Table, _ t: TableSet) -> [PolicyShocks.ExportControl] {
        let what = "shocks.export_controls row"
        guard let quotaField = table.spec.columns.first(where: { $0.name == "quota" }) else { return [] }
        let traded = tradedRoutes(t)
        var out: [PolicyShocks.ExportControl] = []
        for row in table.rows {
            var reader = rowReader(row, what: what)
            defer { absorb(reader) }
            let p = reader.product("product")
            let exporter = reader.region("exporter")
            let importer = reader.regionOrStar("importer")
            let quota = reader.number(quotaField)
            let range = reader.yearRange()
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
            _ = reader.source()  // checked like every source; the engine keeps no provenance
            for route in routes {
                provenance.record(.quota(route), table: table.spec.key, .shock, .years(start, end: end), at: row.location)
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
            var reader = rowReader(row, what: what)
            defer { absorb(reader) }
            let r = reader.regionOrEvery()
            let p = reader.product("product")
            let factor = reader.number(factorField)
            let range = reader.yearRange()
            guard let r, let p, let factor, let (start, end) = range else { continue }
            let regionsOfRow = r.map { [$0] } ?? regions.indices.map(RegionIndex.init)
            _ = reader.source()  // checked like every source; the engine keeps no provenance
            for r in regionsOfRow {
                provenance.record(
                    .finalDemand(Node(r, p)), table: table.spec.key, .shock, .years(start, end: end), at: row.location)
            }
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
            var reader = rowReader(row, what: what)
            defer { absorb(reader) }
            let p = reader.product("product")
            let exporter = reader.regionOrStar("exporter")
            let importer = reader.regionOrStar("importer")
            let factor = reader.number(factorField)
            let range = reader.yearRange()
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
            _ = reader.source()  // checked like every source; the engine keeps no provenance
            for route in routes {
                provenance.record(.preference(route), table: table.spec.key, .shock, .years(start, end: end), at: row.location)
            }
            out.append(
                .init(
                    routes: routes, factor: factor, startYear: start, endYear: end))
        }
        return out
    }
}
