import MinsimEngine
import MinsimEnsemble

/// One entry of a scenario's `uncertainty` section, resolved: what it changes (as engine
/// indices), its distribution, and where it was written.
public struct UncertainInput: Sendable {
    /// What the sampled value acts on (`ScenarioFormat.UncertaintyKind.meaning`).
    public enum Target: Sendable, Equatable {
        case tradeElasticity(products: [ProductIndex])
        case demandElasticity(product: ProductIndex)
        case demand(regions: [RegionIndex], product: ProductIndex)
        case recipe(regions: [RegionIndex], product: ProductIndex, input: ProductIndex)
        case capacity(regions: [RegionIndex], product: ProductIndex)
        case capacityFactor(regions: [RegionIndex], product: ProductIndex, years: ClosedRange<Int>)
        /// Indices into `Scenario.capacity.projects` (the order of `ScenarioYears.projects`).
        case projectDelay(projects: [Int])
        case lifetimeMean
        case lifetimeStandardDeviation
        case tariff(routes: [Route], from: Int)
        case exportQuota(routes: [Route], years: ClosedRange<Int>)
        case chokePriceMultiple(products: [ProductIndex])
    }

    public let name: String
    public let kind: ScenarioFormat.UncertaintyKind
    public let target: Target
    public let distribution: InputDistribution
    public let source: String
    public let location: SourceLocation

    public init(
        name: String, kind: ScenarioFormat.UncertaintyKind, target: Target, distribution: InputDistribution,
        source: String, location: SourceLocation
    ) {
        self.name = name
        self.kind = kind
        self.target = target
        self.distribution = distribution
        self.source = source
        self.location = location
    }
}
