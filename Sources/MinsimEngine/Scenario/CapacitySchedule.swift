/// Exogenous capacity by year: the one place a node's capacity is derived.
///
/// ```
/// K[r][q](t) = ((path[r][q](t) | K₀[r][q]) + Σ projects of (r, q) online by t) · factor[r][q](t)
/// ```
/// A node named only by projects has the sum of the projects online by t (0 before); a node
/// with neither capacity, path nor project has no capacity (nil: no limit, weight 1), and a
/// factor has no capacity to scale there. Units: product units per year; factors are
/// dimensionless (an outage of a third is 0.67). Projects add in the order given.
///
/// The calibration uses K(base year), not K₀ alone: Armington weights are proportional to K,
/// and only changes of K relative to the calibration move shares, so a node that gets its
/// first capacity from a path or project would otherwise jump by a factor of K in the base year.
public struct CapacitySchedule: Sendable {
    /// Announced capacity that comes online at the start of `onlineYear`.
    public struct Project: Sendable, Equatable {
        public var node: Node
        public var onlineYear: Int
        /// Capacity added, product units per year.
        public var capacity: Double
        public init(node: Node, onlineYear: Int, capacity: Double) {
            self.node = node
            self.onlineYear = onlineYear
            self.capacity = capacity
        }
    }

    /// K₀ of each node; nil where not given.
    public var base: NodeTable<Double?>
    /// Capacity paths, which replace K₀ of their node.
    public var paths: [Node: YearPath]
    /// Announced projects, in the order given.
    public var projects: [Project]
    /// Capacity factors (outages, ramp-ups) of nodes that have a capacity.
    public var factors: [Node: YearPath]

    public init(
        base: NodeTable<Double?>, paths: [Node: YearPath] = [:], projects: [Project] = [],
        factors: [Node: YearPath] = [:]
    ) {
        self.base = base
        self.paths = paths
        self.projects = projects
        self.factors = factors
    }

    /// K(t) of every node (see the type's equation).
    public func capacities(in t: Int) -> NodeTable<Double?> {
        var k = base
        for (node, path) in paths { k[node] = path.value(in: t) }
        for project in projects {
            let online = project.onlineYear <= t ? project.capacity : 0
            k[project.node] = (k[project.node] ?? 0) + online
        }
        for (node, factor) in factors {
            guard let value = k[node] else { continue }
            k[node] = value * factor.value(in: t)
        }
        return k
    }
}
