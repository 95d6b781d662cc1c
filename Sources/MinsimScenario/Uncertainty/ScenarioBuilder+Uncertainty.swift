import Foundation
import MinsimEngine
import MinsimEnsemble
import Yams

/// Reading `uncertainty` (docs/uncertainty.md): every entry's keys, names, years and
/// distribution, and whether the distribution stays inside what the input allows, each problem
/// at its file, line and column. Runs on the resolved scenario, so that a target can be checked
/// against what the scenario has (a capacity to scale, a project to delay, a route to tax).
extension ScenarioBuilder {
    typealias Kind = ScenarioFormat.UncertaintyKind

    mutating func readUncertainty(_ node: Yams.Node, _ scenario: ResolvedScenario, in yaml: YAMLFile) -> [UncertainInput] {
        guard case .sequence(let entries) = node else {
            error(
                yaml.location(node),
                "expected uncertainty as a list of inputs (- name: …, changes: …, distribution: …), found \(yaml.kind(node))")
            return []
        }
        var inputs: [UncertainInput] = []
        var seen: [String: SourceLocation] = [:]
        for (i, entry) in entries.enumerated() {
            let errorsBefore = diagnostics.count
            guard let row = row(entry, in: yaml, fields: ScenarioFormat.uncertaintyKeys, what: "uncertainty entry \(i + 1)"),
                let (name, nameLocation) = requiredText(row, "name", what: "uncertainty entry \(i + 1)")
            else { continue }
            let what = "uncertain input '\(name)'"
            let allowedCharacters = name.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_.-".unicodeScalars.contains($0))
            }
            if name.isEmpty || !allowedCharacters {
                error(
                    nameLocation,
                    "name '\(name)' of an uncertain input must be letters, digits, _ . or - (it becomes a CSV column)")
            } else if let first = seen[name] {
                error(
                    nameLocation,
                    "uncertain input '\(name)' is defined twice (first at line \(first.line)); give each input its own name")
            }
            seen[name] = nameLocation
            guard let (kindText, kindLocation) = requiredText(row, "changes", what: what) else { continue }
            guard let kind = Kind(rawValue: kindText) else {
                let kinds = Kind.allCases.map(\.rawValue)
                error(
                    kindLocation,
                    "unknown 'changes: \(kindText)' in \(what)\(Suggestion.hint(for: kindText, among: kinds)); an input changes one of \(kinds.joined(separator: ", "))"
                )
                continue
            }
            let source = requiredText(row, "source", what: what)
            if let (text, loc) = source, text.trimmingCharacters(in: .whitespaces).isEmpty {
                error(loc, "\(what) has an empty source; say where its range comes from, or `assumption: <reasoning>`")
            }
            let target = uncertaintyTarget(row, kind: kind, what: what, scenario)
            var distribution: InputDistribution? = nil
            if case .mapping(let map) = entry, let node = map["distribution"] {
                distribution = readDistribution(node, what: what, in: yaml)
                if let d = distribution { checkSupport(d, of: kind, at: yaml.location(node), what: what) }
            } else {
                error(
                    row.location, "\(what) is missing 'distribution' (e.g. distribution: {type: uniform, lower: 0.8, upper: 1.2})"
                )
            }
            guard diagnostics.count == errorsBefore, let target, let distribution, let (text, _) = source else { continue }
            inputs.append(
                UncertainInput(
                    name: name, kind: kind, target: target, distribution: distribution, source: text,
                    location: row.location))
        }
        return inputs
    }

    /// The target of one entry: the keys its kind takes, checked against the scenario.
    mutating func uncertaintyTarget(_ row: Table.Row, kind: Kind, what: String, _ s: ResolvedScenario) -> UncertainInput.Target? {
        let (requiredKeys, optionalKeys) = kind.targetKeys
        let targetKeys = ["region", "product", "input", "exporter", "importer", "start_year", "end_year"]
        var ok = true
        for key in targetKeys where row.cells[key] != nil && !(requiredKeys + optionalKeys).contains(key) {
            let takes = requiredKeys + optionalKeys
            error(
                row.cells[key]?.location ?? row.location,
                "'\(key)' does not apply to changes: \(kind.rawValue) in \(what); it takes \(takes.isEmpty ? "no target keys" : takes.joined(separator: ", "))"
            )
            ok = false
        }
        for key in requiredKeys where row.cells[key] == nil {
            error(row.location, "\(what) (changes: \(kind.rawValue)) is missing '\(key)'")
            ok = false
        }
        guard ok else { return nil }
        let net = s.network
        func isEvery(_ key: String) -> Bool {
            guard let cell = row.cells[key] else { return true }
            if case .null = cell.value { return true }
            if case .scalar(let text, _) = cell.value { return text.isEmpty || text == "*" }
            return false
        }
        var regions: [RegionIndex]? = net.regionIndices
        if row.cells["region"] != nil, !isEvery("region") { regions = region(row, "region", what: what).map { [$0] } }
        var product: ProductIndex? = nil
        if row.cells["product"] != nil, !isEvery("product") {
            product = self.product(row, "product", what: what)
            if product == nil { return nil }
        }
        let products = product.map { [$0] } ?? net.productIndices
        var years = (s.baseYear + 1)...max(s.baseYear + 1, s.years.horizon)
        if row.cells["start_year"] != nil || row.cells["end_year"] != nil {
            let first = row.cells["start_year"].flatMap { integer($0, key: "start_year") } ?? years.lowerBound
            let last = row.cells["end_year"].flatMap { integer($0, key: "end_year") } ?? years.upperBound
            guard first <= last else {
                error(
                    row.cells["end_year"]?.location ?? row.location, "end_year \(last) is before start_year \(first) in \(what)")
                return nil
            }
            years = first...last
        }
        guard let regions else { return nil }
        let anchor = row.cells["product"]?.location ?? row.location

        switch kind {
        case .tradeElasticity: return .tradeElasticity(products: products)
        case .chokePriceMultiple: return .chokePriceMultiple(products: products)
        case .demandElasticity:
            guard let product else { return needsProduct(kind, what, anchor) }
            return .demandElasticity(product: product)
        case .lifetimeMean, .lifetimeStandardDeviation:
            switch s.years.fleet?.lifetime {
            case .normal?, .lognormal?: return kind == .lifetimeMean ? .lifetimeMean : .lifetimeStandardDeviation
            default:
                error(
                    row.location,
                    "\(what) changes the fleet lifetime's \(kind == .lifetimeMean ? "mean" : "standard deviation"), but the scenario has \(s.years.fleet == nil ? "no fleet" : "a lifetime without one (weibull or fixed)"); give fleet.lifetime a normal or lognormal distribution"
                )
                return nil
            }
        case .demand:
            guard let product else { return needsProduct(kind, what, anchor) }
            let inputs = [s.yearInput(s.baseYear), s.yearInput(s.years.horizon)]
            guard regions.contains(where: { r in inputs.contains { $0.conditions.finalDemand[r, product] > 0 } }) else {
                error(
                    anchor,
                    "\(what): \(net.product(product).name) has no final demand in \(regionNames(regions, net)); there is no demand to scale"
                )
                return nil
            }
            return .demand(regions: regions, product: product)
        case .recipe:
            guard let product, let input = self.product(row, "input", what: what) else { return needsProduct(kind, what, anchor) }
            let networks = [s.yearInput(s.baseYear).network, s.yearInput(s.years.horizon).network]
            guard
                regions.contains(where: { r in
                    networks.contains { $0.recipe(for: Node(r, product)).contains { $0.input == input } }
                })
            else {
                error(
                    row.cells["input"]?.location ?? anchor,
                    "\(what): no recipe of \(net.product(product).name) in \(regionNames(regions, net)) uses \(net.product(input).name)"
                )
                return nil
            }
            return .recipe(regions: regions, product: product, input: input)
        case .capacity, .capacityFactor:
            guard let product else { return needsProduct(kind, what, anchor) }
            let inputs = [s.yearInput(s.baseYear), s.yearInput(s.years.horizon)]
            guard regions.contains(where: { r in inputs.contains { $0.conditions.capacities[r, product] != nil } }) else {
                error(
                    anchor,
                    "\(what): \(net.product(product).name) has no capacity in \(regionNames(regions, net)); nodes without a capacity row have no limit to change"
                )
                return nil
            }
            return kind == .capacity
                ? .capacity(regions: regions, product: product)
                : .capacityFactor(regions: regions, product: product, years: years)
        case .projectDelay:
            guard let product else { return needsProduct(kind, what, anchor) }
            let projects = s.years.projects.indices.filter { i in
                let node = s.years.projects[i].node
                return node.product == product && regions.contains(node.region)
            }
            guard !projects.isEmpty else {
                error(
                    anchor,
                    "\(what): no capacity_projects of \(net.product(product).name) in \(regionNames(regions, net)) to delay")
                return nil
            }
            return .projectDelay(projects: projects)
        case .tariff, .exportQuota:
            guard let product, let exporter = region(row, "exporter", what: what) else { return nil }
            var importers: [RegionIndex] = net.regionIndices.filter { $0 != exporter }
            if kind == .tariff || !isEvery("importer") {
                guard let importer = region(row, "importer", what: what) else { return nil }
                guard importer != exporter else {
                    error(
                        row.cells["importer"]?.location ?? row.location,
                        "\(what): importer and exporter are both \(net.region(exporter).code); a \(kind == .tariff ? "tariff" : "quota") applies to trade between regions"
                    )
                    return nil
                }
                importers = [importer]
            }
            let routes = importers.map { Route(product, from: exporter, to: $0) }.filter { s.calibration.index(of: $0) != nil }
            guard !routes.isEmpty else {
                error(
                    anchor,
                    "\(what): \(net.product(product).name) from \(net.region(exporter).code) to \(regionNames(importers, net)) carries no trade (no base or opened route); there is nothing to change"
                )
                return nil
            }
            return kind == .tariff ? .tariff(routes: routes, from: years.lowerBound) : .exportQuota(routes: routes, years: years)
        }
    }

    private mutating func needsProduct(_ kind: Kind, _ what: String, _ at: SourceLocation) -> UncertainInput.Target? {
        error(at, "\(what) (changes: \(kind.rawValue)) needs one product, not every product")
        return nil
    }

    private func regionNames(_ regions: [RegionIndex], _ net: Network) -> String {
        regions.count == net.regions.count ? "any region" : regions.map { net.region($0).code }.joined(separator: ", ")
    }

    /// A `distribution` map: its type, the parameters that type takes, and their consistency.
    mutating func readDistribution(_ node: Yams.Node, what: String, in yaml: YAMLFile) -> InputDistribution? {
        let types = ScenarioFormat.distributionParameters.map(\.type)
        guard case .mapping(let map) = node else {
            error(
                yaml.location(node),
                "expected the distribution of \(what) as a map (type: uniform, lower: …, upper: …), found \(yaml.kind(node))")
            return nil
        }
        let keyNames = ScenarioFormat.distributionKeys.map(\.name)
        var cells: [String: Yams.Node] = [:]
        for (key, value) in map {
            guard let k = key.scalar?.string, keyNames.contains(k) else {
                let text = key.scalar?.string ?? ""
                error(
                    yaml.location(key),
                    "unknown key '\(text)' in the distribution of \(what)\(Suggestion.hint(for: text, among: keyNames)); valid keys are \(keyNames.joined(separator: ", "))"
                )
                continue
            }
            cells[k] = value
        }
        guard let typeNode = cells["type"] else {
            error(yaml.location(node), "the distribution of \(what) has no 'type'; give one of \(types.joined(separator: ", "))")
            return nil
        }
        guard let type = string(yaml.cell(typeNode), key: "type") else { return nil }
        guard let spec = ScenarioFormat.distributionParameters.first(where: { $0.type == type }) else {
            error(
                yaml.location(typeNode),
                "unknown distribution type '\(type)' in \(what)\(Suggestion.hint(for: type, among: types)); types are \(types.joined(separator: ", "))"
            )
            return nil
        }
        let takes = spec.required + spec.optional
        var ok = true
        for (key, value) in cells where key != "type" && !takes.contains(key) {
            error(
                yaml.location(value),
                "'\(key)' does not apply to a \(type) distribution (in \(what)); it takes \(takes.joined(separator: ", "))")
            ok = false
        }
        for key in spec.required where cells[key] == nil {
            error(yaml.location(node), "the \(type) distribution of \(what) is missing '\(key)'")
            ok = false
        }
        guard ok else { return nil }
        let fields = Dictionary(uniqueKeysWithValues: ScenarioFormat.distributionKeys.map { ($0.name, $0) })
        var numbers: [String: Double] = [:]
        for key in takes where key != "values" && key != "weights" {
            guard let value = cells[key], let field = fields[key] else { continue }
            guard let x = number(yaml.cell(value), field: field, what: "the distribution of \(what)") else {
                return nil
            }
            numbers[key] = x
        }
        let at = yaml.location(node)
        switch type {
        case "uniform", "triangular":
            guard let a = numbers["lower"], let b = numbers["upper"] else { return nil }
            guard a < b else {
                error(
                    at,
                    "the \(type) distribution of \(what) has lower \(Self.format(a)) ≥ upper \(Self.format(b)); lower must be below upper"
                )
                return nil
            }
            guard type == "triangular" else { return .uniform(lower: a, upper: b) }
            guard let c = numbers["mode"], c >= a, c <= b else {
                error(
                    at,
                    "the mode of the triangular distribution of \(what) must lie in [lower, upper] = [\(Self.format(a)), \(Self.format(b))]"
                )
                return nil
            }
            return .triangular(lower: a, mode: c, upper: b)
        case "normal", "lognormal":
            guard let m = numbers["mean"], let sd = numbers["standard_deviation"] else { return nil }
            let lo = numbers["lower"], hi = numbers["upper"]
            if let lo, let hi, !(lo < hi) {
                error(
                    at,
                    "the truncation of the \(type) distribution of \(what) has lower \(Self.format(lo)) ≥ upper \(Self.format(hi))"
                )
                return nil
            }
            if type == "lognormal" {
                guard m > 0 else {
                    error(
                        at,
                        "the lognormal distribution of \(what) has mean \(Self.format(m)); a lognormal value is positive, so its mean must be > 0"
                    )
                    return nil
                }
                if let lo, lo < 0 {
                    error(
                        at,
                        "the lognormal distribution of \(what) has lower \(Self.format(lo)); a lognormal value is positive (lower ≥ 0)"
                    )
                    return nil
                }
            }
            let d: InputDistribution =
                type == "normal"
                ? .normal(mean: m, standardDeviation: sd, lower: lo, upper: hi)
                : .lognormal(mean: m, standardDeviation: sd, lower: lo, upper: hi)
            // The quantile maps u into [F(lower), F(upper)]: that interval must hold probability.
            if lo != nil || hi != nil, !(d.quantile(0.5).isFinite) || d.quantile(0.25) == d.quantile(0.75) {
                error(
                    at,
                    "the truncation [\(lo.map(Self.format) ?? "−∞"), \(hi.map(Self.format) ?? "∞")] of the \(type) distribution of \(what) leaves (almost) no probability; move it closer to the mean"
                )
                return nil
            }
            return d
        default:
            guard let values = numberList(cells["values"], key: "values", what: what, in: yaml) else { return nil }
            var weights = Array(repeating: 1.0, count: values.count)
            if let node = cells["weights"] {
                guard let w = numberList(node, key: "weights", what: what, in: yaml) else { return nil }
                guard w.count == values.count, w.allSatisfy({ $0 > 0 }) else {
                    error(
                        yaml.location(node),
                        "weights of the discrete distribution of \(what) must be \(values.count) numbers > 0, one per value")
                    return nil
                }
                weights = w
            }
            return .discrete(values: values, weights: weights)
        }
    }

    /// A non-empty YAML list of numbers.
    private mutating func numberList(_ node: Yams.Node?, key: String, what: String, in yaml: YAMLFile) -> [Double]? {
        guard let node else { return nil }
        guard case .sequence(let items) = node, !items.isEmpty else {
            error(
                yaml.location(node),
                "expected '\(key)' in the distribution of \(what) as a non-empty list of numbers, e.g. [0, 1, 2], found \(yaml.kind(node))"
            )
            return nil
        }
        let field = ScenarioFormat.Field(key, .number, "")
        var out: [Double] = []
        for item in items {
            guard let x = number(yaml.cell(item), field: field, what: "the distribution of \(what)") else {
                return nil
            }
            out.append(x)
        }
        return out
    }

    /// The distribution's support must lie inside what the kind allows.
    private mutating func checkSupport(_ d: InputDistribution, of kind: Kind, at: SourceLocation, what: String) {
        let (lo, hi) = d.support
        let allowed = kind.allowed
        let belowLower = allowed.exclusive ? !(lo > allowed.lower) : !(lo >= allowed.lower)
        if belowLower {
            let bound = "\(allowed.exclusive ? ">" : "≥") \(Self.format(allowed.lower))"
            error(
                at,
                "the distribution of \(what) reaches \(lo.isFinite ? Self.format(lo) : "−∞"), but changes: \(kind.rawValue) takes values \(bound); narrow it or truncate it (lower: …)"
            )
        }
        if !(hi <= allowed.upper) {
            error(
                at,
                "the distribution of \(what) reaches \(hi.isFinite ? Self.format(hi) : "∞"), but changes: \(kind.rawValue) takes values ≤ \(Self.format(allowed.upper)); narrow it or truncate it (upper: …)"
            )
        }
    }
}
