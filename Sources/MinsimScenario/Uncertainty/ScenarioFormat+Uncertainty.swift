/// The `uncertainty` section (docs/uncertainty.md): uncertain inputs, each naming what it
/// changes, a distribution and a source. `minsim run` ignores it and runs the scenario at its
/// own values; `minsim ensemble` samples it.
extension ScenarioFormat {
    /// What an uncertain input changes, and how its sampled value acts on the scenario.
    public enum UncertaintyKind: String, CaseIterable, Sendable {
        case tradeElasticity = "trade_elasticity"
        case demandElasticity = "demand_elasticity"
        case demand
        case recipe
        case capacity
        case capacityFactor = "capacity_factor"
        case projectDelay = "project_delay"
        case lifetimeMean = "lifetime_mean"
        case lifetimeStandardDeviation = "lifetime_standard_deviation"
        case tariff
        case exportQuota = "export_quota"
        case chokePriceMultiple = "choke_price_multiple"

        /// What the sampled value v does (docs/uncertainty.md).
        public var meaning: String {
            switch self {
            case .tradeElasticity: return "σ ← v · σ of the product (blank product: every product); v ≥ 0"
            case .demandElasticity: return "ε ← v for the product's final demand; v ≤ 0"
            case .demand:
                return
                    "reference final demand D(t) ← D(t₀) + v · (D(t) − D(t₀)) in the region (blank: every region): v scales the change since the base year t₀; v ≥ 0"
            case .recipe:
                return
                    "recipe coefficient b(t) of input in product ← b(t₀) + v · (b(t) − b(t₀)) in the region (blank: every region); v ≥ 0"
            case .capacity:
                return
                    "exogenous capacity K(t) ← K(t₀) + v · (K(t) − K(t₀)) of the product in the region (blank: every region): v scales the capacity added or lost since the base year; v ≥ 0"
            case .capacityFactor:
                return
                    "exogenous capacity K(t) ← v · K(t) in the years start_year…end_year (default: every year after the base year); v ≥ 0"
            case .projectDelay:
                return
                    "online year of every capacity project of the product in the region (blank: every region) ← online year + v, v rounded to whole years"
            case .lifetimeMean: return "mean of the fleet's normal or lognormal lifetime ← v years; v > 0"
            case .lifetimeStandardDeviation:
                return "standard deviation of the fleet's normal or lognormal lifetime ← v years; v > 0"
            case .tariff:
                return "ad-valorem rate of the route (product, exporter → importer) ← rate + v from start_year on; v > −1"
            case .exportQuota:
                return "the route may carry at most v product units per year in start_year…end_year (0 = ban); v ≥ 0"
            case .chokePriceMultiple:
                return "choke-price multiple c_q ← v for the product (blank: every product); v ≥ 1"
            }
        }

        /// Values the input may take: (lowest, whether excluded, highest).
        public var allowed: (lower: Double, exclusive: Bool, upper: Double) {
            switch self {
            case .tradeElasticity, .demand, .recipe, .capacity, .capacityFactor, .exportQuota: return (0, false, .infinity)
            case .demandElasticity: return (-.infinity, false, 0)
            case .projectDelay: return (-.infinity, false, .infinity)
            case .lifetimeMean, .lifetimeStandardDeviation: return (0, true, .infinity)
            case .tariff: return (-1, true, .infinity)
            case .chokePriceMultiple: return (1, false, .infinity)
            }
        }

        /// Target keys the kind requires, and the ones it also accepts.
        public var targetKeys: (required: [String], optional: [String]) {
            switch self {
            case .tradeElasticity, .chokePriceMultiple: return ([], ["product"])
            case .demandElasticity: return (["product"], [])
            case .demand, .capacity, .projectDelay: return (["product"], ["region"])
            case .recipe: return (["product", "input"], ["region"])
            case .capacityFactor: return (["product"], ["region", "start_year", "end_year"])
            case .lifetimeMean, .lifetimeStandardDeviation: return ([], [])
            case .tariff: return (["product", "exporter", "importer"], ["start_year"])
            case .exportQuota: return (["product", "exporter", "importer"], ["start_year", "end_year"])
            }
        }
    }

    /// Keys of each entry of `uncertainty`.
    public static let uncertaintyKeys: [Field] = [
        Field("name", .string, "unique name of the input (letters, digits, _ . -): its column in samples.csv"),
        Field("changes", .string, "what the input changes: \(UncertaintyKind.allCases.map(\.rawValue).joined(separator: ", "))"),
        Field("region", .regionOrDefault, required: false, "region of the node or market changed; blank or * = every region"),
        Field("product", .product, required: false, "product changed (blank or * = every product, where the kind allows it)"),
        Field("input", .product, required: false, "recipe input changed (changes: recipe)"),
        Field("exporter", .region, required: false, "exporting region of the route (tariff, export_quota)"),
        Field(
            "importer", .regionOrDefault, required: false, "importing region of the route; * = every other region (export_quota)"),
        Field(
            "start_year", .integer, required: false,
            "first year the change applies (tariff, export_quota, capacity_factor; default the year after the base year)"),
        Field(
            "end_year", .integer, required: false,
            "last year the change applies (export_quota, capacity_factor; default the horizon)"),
        Field("distribution", .string, "the distribution of the value: a map with `type` and its parameters"),
        Field("source", .string, "where the range comes from; `assumption: <reasoning>` for assumptions"),
    ]

    /// Keys of `distribution`, by type; every type also takes `type`.
    public static let distributionParameters: [(type: String, required: [String], optional: [String])] = [
        ("uniform", ["lower", "upper"], []),
        ("triangular", ["lower", "mode", "upper"], []),
        ("normal", ["mean", "standard_deviation"], ["lower", "upper"]),
        ("lognormal", ["mean", "standard_deviation"], ["lower", "upper"]),
        ("discrete", ["values"], ["weights"]),
    ]

    /// Every key a `distribution` map may have, with its meaning.
    public static let distributionKeys: [Field] = [
        Field("type", .string, "uniform, triangular, normal, lognormal or discrete"),
        Field("lower", .number, required: false, "lowest value (uniform, triangular; truncation of normal and lognormal)"),
        Field("upper", .number, required: false, "highest value (uniform, triangular; truncation of normal and lognormal)"),
        Field("mode", .number, required: false, "most likely value (triangular)"),
        Field("mean", .number, required: false, "mean of the value before truncation (normal, lognormal)"),
        Field(
            "standard_deviation", .number, required: false, minimum: 0, exclusiveMinimum: true,
            "standard deviation of the value before truncation, > 0 (normal, lognormal)"),
        Field("values", .number, required: false, "list of the values a discrete input takes"),
        Field("weights", .number, required: false, "list of their relative probabilities, > 0 (default equal)"),
    ]
}
