import MinsimEngine

/// The outputs an ensemble collects from every sample, in a fixed layout: one number per
/// indicator, region, mineral or product, and year (docs/uncertainty.md, "Indicators").
///
/// Mineral indicators (per region and mineral, from `minerals.csv`): unmet demand, import
/// reliance, supplier HHI. Node indicators (per active node, from `nodes.csv`): production,
/// price, scarcity rent. A value that is undefined in a sample (import reliance of a region
/// that uses none of the mineral) is NaN here and left out of that indicator's statistics.
public struct EnsembleIndicators: Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case unmetDemand = "unmet_demand"
        case importReliance = "import_reliance"
        case supplierHHI = "supplier_hhi"
        case production
        case price
        case scarcityRent = "scarcity_rent"

        /// Whether the indicator is per (region, mineral) rather than per node.
        public var isMineral: Bool { self == .unmetDemand || self == .importReliance || self == .supplierHHI }
    }

    /// One slot of the layout.
    public struct Slot: Sendable, Equatable {
        public let kind: Kind
        public let region: RegionIndex
        /// Mineral name (mineral indicators, and node indicators of a mineral product).
        public let mineral: String?
        /// The node's product (node indicators).
        public let product: ProductIndex?
        public let year: Int
    }

    public let slots: [Slot]
    let years: [Int]
    let minerals: [String]
    let nodes: [Node]
    let regions: [RegionIndex]

    /// Slots ordered by indicator, region, mineral or product, year — the row order of
    /// `summary.csv`.
    public init(_ scenario: ResolvedScenario) {
        let net = scenario.network
        years = Array(scenario.simulatedYears)
        regions = net.regionIndices
        minerals = scenario.years.minerals.map(\.name)
        nodes = scenario.calibration.activeNodes.sorted { ($0.region, $0.product) < ($1.region, $1.product) }
        var slots: [Slot] = []
        for kind in Kind.allCases {
            for r in net.regionIndices {
                if kind.isMineral {
                    for m in minerals {
                        for t in years { slots.append(Slot(kind: kind, region: r, mineral: m, product: nil, year: t)) }
                    }
                } else {
                    for node in nodes where node.region == r {
                        for t in years {
                            slots.append(
                                Slot(
                                    kind: kind, region: r, mineral: net.product(node.product).mineral, product: node.product,
                                    year: t))
                        }
                    }
                }
            }
        }
        self.slots = slots
    }

    public var count: Int { slots.count }

    /// The indicator values of one simulated run, in slot order.
    public func values(of run: [SimulatedYear]) -> [Double] {
        precondition(run.map(\.year) == years, "the run's years \(run.first?.year ?? 0)… do not match the layout's")
        var out: [Double] = []
        out.reserveCapacity(count)
        // Gather by slot order directly: kind → region → item → year.
        for kind in Kind.allCases {
            if kind.isMineral {
                var table: [RegionIndex: [String: [Double]]] = [:]
                for year in run {
                    for row in year.minerals {
                        let v: Double
                        switch kind {
                        case .unmetDemand: v = row.unmetDemand
                        case .importReliance: v = row.importReliance ?? .nan
                        default: v = row.supplierHHI ?? .nan
                        }
                        table[row.region, default: [:]][row.mineral, default: []].append(v)
                    }
                }
                for r in regions {
                    for m in minerals {
                        let column = table[r]?[m] ?? []
                        for i in years.indices { out.append(i < column.count ? column[i] : .nan) }
                    }
                }
            } else {
                for n in nodes {
                    for year in run {
                        let solution = year.cleared.solution
                        switch kind {
                        case .production: out.append(solution.output(of: n))
                        case .price: out.append(solution.price(of: n) ?? .nan)
                        default: out.append(year.cleared.scarcityRent(of: n) ?? .nan)
                        }
                    }
                }
            }
        }
        precondition(out.count == count, "indicator layout has \(count) slots, a run gave \(out.count)")
        return out
    }
}
