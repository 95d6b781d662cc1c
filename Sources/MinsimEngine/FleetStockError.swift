/// One problem with the inputs of a fleet stock model or its material accounting.
public enum FleetStockIssue: Sendable, Hashable {
    /// A lifetime parameter (mean, standard deviation, shape or scale) is not finite and > 0.
    case invalidLifetimeParameter(name: String, value: Double)
    /// A fixed lifetime is below 1 year.
    case invalidFixedLifetime(years: Int)
    /// The inflow series does not have one value per model year.
    case inflowCountMismatch(years: ClosedRange<Int>, count: Int)
    /// An inflow is not finite and ≥ 0.
    case invalidInflow(year: Int, value: Double)
    /// An initial-stock cohort is not older than the first model year.
    case initialCohortNotBeforeFirstYear(cohort: Int, firstYear: Int)
    /// An initial-stock count is not finite and ≥ 0.
    case invalidInitialStock(cohort: Int, value: Double)
    /// Units of this cohort are said to be in use at the start of the first year, but the
    /// lifetime distribution gives them zero survival by then: `S(firstYear − 1 − c + 0.5) = 0`,
    /// so their conditional survival is undefined.
    case initialCohortCannotSurvive(cohort: Int, firstYear: Int)
    /// No material content was given for a cohort of the model.
    case missingContent(cohort: Int)
    /// A material content is not finite and ≥ 0.
    case invalidContent(cohort: Int, value: Double)
    /// A collection rate or recovery efficiency is not in [0, 1].
    case invalidRate(name: String, value: Double)

    /// A sentence a user can act on.
    public var message: String {
        switch self {
        case .invalidLifetimeParameter(let name, let v):
            return
                "\(name) is \(v); lifetime parameters are in years (shape is dimensionless) and must be finite and > 0 — for a deterministic lifetime use a fixed lifetime instead of a zero standard deviation"
        case .invalidFixedLifetime(let years):
            return "fixed lifetime is \(years) years; it must be at least 1 year"
        case .inflowCountMismatch(let years, let count):
            return
                "inflow has \(count) values for the \(years.count) years \(years.lowerBound)–\(years.upperBound); give one value per year"
        case .invalidInflow(let year, let v):
            return "inflow in \(year) is \(v); inflows must be finite and ≥ 0"
        case .initialCohortNotBeforeFirstYear(let c, let first):
            return
                "initial stock has cohort \(c), but initial cohorts must be sold before the first model year \(first); put sales from \(first) on in the inflow"
        case .invalidInitialStock(let c, let v):
            return "initial stock of cohort \(c) is \(v); counts must be finite and ≥ 0"
        case .initialCohortCannotSurvive(let c, let first):
            return
                "initial stock of cohort \(c) is positive, but under this lifetime distribution no unit sold in \(c) is still in use at the start of \(first); lengthen the lifetime or drop that cohort"
        case .missingContent(let c):
            return
                "no material content given for cohort \(c); give a content for every cohort (initial-stock cohorts and every model year)"
        case .invalidContent(let c, let v):
            return "material content of cohort \(c) is \(v); contents must be finite and ≥ 0"
        case .invalidRate(let name, let v):
            return "\(name) is \(v); it must be a fraction in [0, 1]"
        }
    }
}

/// The inputs of a fleet stock model or its material accounting are invalid; `issues` lists
/// every problem found, not only the first.
public struct FleetStockError: Error, Sendable, Hashable {
    public let issues: [FleetStockIssue]
    public init(issues: [FleetStockIssue]) { self.issues = issues }
}
