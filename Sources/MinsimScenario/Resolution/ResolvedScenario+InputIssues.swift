import MinsimEngine

extension ResolvedScenario {
    /// One problem found, before it is merged with the same problem in other years.
    private struct Found {
        let year: Int?
        let message: String
        let location: SourceLocation
    }

    /// Bad input in what the scenario resolves to, found before any year is solved, as
    /// diagnostics at the rows that set the offending values (`provenance`): the run's demand
    /// elasticities and choke prices; every year's conditions (tariffs, quotas, preferences,
    /// demand, capacities, secondary supply) and recipes (an input with no route into the region
    /// that uses it); and the fleet's lifetime and initial stock. An issue that recurs in several
    /// years at the same rows is reported once, with its years.
    func inputDiagnostics(_ inputs: [YearInputs], settings: SimulationSettings) -> [Diagnostic] {
        var found = settings.issues(in: network).map { located($0, year: nil) }
        for input in inputs {
            found += input.conditions.issues(in: calibration).map { located($0, year: input.year) }
            do { _ = try calibration.updating(recipes: input.network) } catch {
                found += error.issues.map { located($0, year: input.year) }
            }
        }
        if let fleet = settings.fleet, let first = inputs.first?.year {
            for r in network.regionIndices {
                do {
                    _ = try FleetStockModel(
                        years: first...first, inflow: [0], lifetime: fleet.lifetime, initialStock: fleet.initialStock[r] ?? [:])
                } catch {
                    found += error.issues.map { issue in
                        let (at, note) = place(fleetKeys(issue, region: r), year: nil, tables: ["fleet"])
                        return Found(year: nil, message: "fleet stock model: " + issue.message + note, location: at)
                    }
                }
            }
        }
        return diagnostics(found)
    }

    /// `issues` of one year (nil: the run as a whole) as diagnostics at the rows that set them.
    func diagnostics(year: Int?, _ issues: [InputIssue]) -> [Diagnostic] {
        diagnostics(issues.map { located($0, year: year) })
    }

    /// An input issue at the row(s) that set the offending value in `year`.
    private func located(_ issue: InputIssue, year: Int?) -> Found {
        let keys: [Provenance.Key]
        let tables: [String]
        switch issue {
        case .invalidTariff(let route, _):
            (keys, tables) = ([.tariff(route)], ["shocks.tariffs", "paths.tariffs", "tariffs"])
        case .invalidQuota(let route, _): (keys, tables) = ([.quota(route)], ["shocks.export_controls"])
        case .invalidPreference(let route, _): (keys, tables) = ([.preference(route)], ["shocks.preferences"])
        case .invalidFinalDemand(let node, _):
            (keys, tables) = (
                [.finalDemand(node)], ["shocks.demand", "paths.demand_index", "paths.final_demand", "final_demand"]
            )
        case .invalidCapacity(let node, _):
            (keys, tables) = (
                [.capacity(node)], ["paths.capacity_factors", "paths.capacities", "capacity_projects", "capacities"]
            )
        case .invalidSecondarySupply(let node, _): (keys, tables) = ([.recycling(node.product)], ["minerals", "fleet"])
        case .noSupplier(let q, let r): (keys, tables) = ([.finalDemand(Node(r, q))], ["paths.final_demand", "final_demand"])
        case .invalidDemandElasticity(let q, _), .invalidChokePriceMultiple(let q, _):
            (keys, tables) = ([.product(q)], ["products"])
        }
        let (at, note) = place(keys, year: year, tables: tables)
        return Found(year: year, message: issue.message(in: network) + note, location: at)
    }

    /// The rows a fleet stock issue of region `r` comes from: the lifetime distribution, or
    /// the initial-stock row of the cohort; none for the parts the scenario does not write
    /// (inflows come from the EV market, contents from the recipes).
    private func fleetKeys(_ issue: FleetStockIssue, region r: RegionIndex) -> [Provenance.Key] {
        switch issue {
        case .invalidLifetimeParameter, .invalidFixedLifetime: return [.lifetime]
        case .initialCohortNotBeforeFirstYear(let c, _), .invalidInitialStock(let c, _):
            return [.initialStock(r, cohort: c)]
        case .initialCohortCannotSurvive(let c, _): return [.initialStock(r, cohort: c), .lifetime]
        case .inflowCountMismatch, .invalidInflow, .missingContent, .invalidContent, .invalidRate: return []
        }
    }

    /// A recipe issue of `year` (a new input with no route into the region that uses it) at the
    /// recipe path rows that add that input there.
    private func located(_ issue: CalibrationIssue, year: Int?) -> Found {
        var keys: [Provenance.Key] = []
        if case .noSupplier(let q, let r) = issue {
            keys = network.productIndices.map { .recipeInput(Node(r, $0), q) }
        }
        let tables = ["paths.recipes", "paths.recipe_index", "paths.chemistry_mix", "recipes"]
        let (at, note) = place(keys, year: year, tables: tables)
        return Found(year: year, message: issue.message(in: network) + note, location: at)
    }

    /// Where to report a value set under `keys` in `year`: the first row that sets it (naming
    /// any other rows that do in `note`); when no row does, the first of `tables` the scenario
    /// has (or the scenario file), saying so in `note`.
    private func place(_ keys: [Provenance.Key], year: Int?, tables: [String]) -> (SourceLocation, note: String) {
        for key in keys {
            let rows = provenance.rows(setting: key, in: year)
            guard let first = rows.first else { continue }
            let others = rows.dropFirst().map { "the \($0.table) row at \($0.location)" }
            return (first.location, others.isEmpty ? "" : " (together with \(others.joined(separator: ", ")))")
        }
        for table in tables {
            if let at = provenance.location(ofTable: table) {
                return (at, " (no single row sets this value; reported at the start of \(table))")
            }
        }
        return (.start(of: path), " (no single row sets this value)")
    }

    /// Problems as diagnostics, one per distinct message and location, naming the years it
    /// occurs in.
    private func diagnostics(_ found: [Found]) -> [Diagnostic] {
        var order: [Found] = []
        var years: [String: [Int]] = [:]
        for item in found {
            let id = "\(item.location)|\(item.message)"
            if years[id] == nil { order.append(item) }
            years[id, default: []] += item.year.map { [$0] } ?? []
        }
        return order.map { item in
            let list = years["\(item.location)|\(item.message)"] ?? []
            let when: String
            if let first = list.first, let last = list.last, list.count > 1, last - first == list.count - 1 {
                when = "in \(first)–\(last): "
            } else {
                when = list.isEmpty ? "" : "in \(list.map(String.init).joined(separator: ", ")): "
            }
            return Diagnostic(at: item.location, when + item.message)
        }
    }
}
