import MinsimEngine

extension ResolvedScenario {
    /// Bad input in what the scenario resolves to, found before any year is solved, as
    /// diagnostics at the scenario file: the run's demand elasticities and choke prices; every
    /// year's conditions (tariffs, quotas, preferences, demand, capacities, secondary supply) and
    /// recipes (an input with no route into the region that uses it); and the fleet's lifetime
    /// and initial stock. An issue that recurs in several years is reported once, with its years.
    func inputDiagnostics(_ inputs: [YearInputs], settings: SimulationSettings) -> [Diagnostic] {
        var found: [(year: Int?, messages: [String])] = [(nil, settings.issues(in: network).map { $0.message(in: network) })]
        for input in inputs {
            var messages = input.conditions.issues(in: calibration).map { $0.message(in: network) }
            do { _ = try calibration.updating(recipes: input.network) } catch {
                messages += error.issues.map { $0.message(in: network) }
            }
            found.append((input.year, messages))
        }
        if let fleet = settings.fleet, let first = inputs.first?.year {
            for r in network.regionIndices {
                do {
                    _ = try FleetStockModel(
                        years: first...first, inflow: [0], lifetime: fleet.lifetime, initialStock: fleet.initialStock[r] ?? [:])
                } catch {
                    found.append((nil, error.issues.map { "fleet stock model: " + $0.message }))
                }
            }
        }
        return diagnostics(found)
    }

    /// `issues` of one year (nil: the run as a whole) as diagnostics at the scenario file.
    func diagnostics(year: Int?, _ issues: [InputIssue]) -> [Diagnostic] {
        diagnostics([(year, issues.map { $0.message(in: network) })])
    }

    /// Messages by year (nil: the run as a whole) as diagnostics at the scenario file, one per
    /// distinct message, naming the years it occurs in.
    private func diagnostics(_ found: [(year: Int?, messages: [String])]) -> [Diagnostic] {
        var messages: [String] = []
        var years: [String: [Int]] = [:]
        for (year, list) in found {
            for message in list {
                if years[message] == nil { messages.append(message) }
                years[message, default: []] += year.map { [$0] } ?? []
            }
        }
        return messages.map { message in
            let list = years[message] ?? []
            let when: String
            if let first = list.first, let last = list.last, list.count > 1, last - first == list.count - 1 {
                when = "in \(first)–\(last): "
            } else {
                when = list.isEmpty ? "" : "in \(list.map(String.init).joined(separator: ", ")): "
            }
            return Diagnostic(at: .start(of: path), when + message)
        }
    }
}
