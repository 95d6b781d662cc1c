import MinsimEngine

extension ResolvedScenario {
    /// Bad input in what the scenario resolves to, found before any year is solved: the run's
    /// demand elasticities and choke prices, and every year's conditions (tariffs, quotas,
    /// preferences, demand, capacities, secondary supply), as diagnostics at the scenario file.
    /// An issue that recurs in several years is reported once, with its years.
    func inputDiagnostics(_ inputs: [YearInputs], settings: SimulationSettings) -> [Diagnostic] {
        var found: [(year: Int?, issues: [InputIssue])] = [(nil, settings.issues(in: network))]
        for input in inputs { found.append((input.year, input.conditions.issues(in: calibration))) }
        return diagnostics(found)
    }

    /// `issues` by year (nil: the run's settings) as diagnostics at the scenario file, one per
    /// distinct message, naming the years it occurs in.
    func diagnostics(_ found: [(year: Int?, issues: [InputIssue])]) -> [Diagnostic] {
        var messages: [String] = []
        var years: [String: [Int]] = [:]
        for (year, issues) in found {
            for message in issues.map({ $0.message(in: network) }) {
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
