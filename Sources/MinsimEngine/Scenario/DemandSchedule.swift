/// Reference final demand by year, before the price response and policy shocks.
///
/// ```
/// D[r][q](t) = path[r][q](t)                  a final_demand path of the node
///            | D₀[r][q] · index[r][q](t)      else the node's own demand index
///            | D₀[r][q] · index[*][q](t)      else the product's default index
///            | D₀[r][q]                       else the base year's demand
/// ```
/// Units: product units per year. Cost O(regions · products) per year.
public struct DemandSchedule: Sendable {
    /// Base-year final demand D₀.
    public var base: NodeTable<Double>
    /// Final-demand paths: D(t) directly, in product units.
    public var paths: [Node: YearPath]
    /// Demand indices of single nodes (dimensionless multipliers of D₀).
    public var indices: [Node: YearPath]
    /// Demand indices that apply to every region of a product without its own index.
    public var defaultIndices: [ProductIndex: YearPath]

    public init(
        base: NodeTable<Double>, paths: [Node: YearPath] = [:], indices: [Node: YearPath] = [:],
        defaultIndices: [ProductIndex: YearPath] = [:]
    ) {
        self.base = base
        self.paths = paths
        self.indices = indices
        self.defaultIndices = defaultIndices
    }

    /// D(t) of every node (see the type's equation).
    public func finalDemand(in t: Int) -> NodeTable<Double> {
        var d = base
        guard !(paths.isEmpty && indices.isEmpty && defaultIndices.isEmpty) else { return d }
        for r in 0..<base.regionCount {
            for q in 0..<base.productCount {
                let node = Node(RegionIndex(r), ProductIndex(q))
                if let path = paths[node] {
                    d[node] = path.value(in: t)
                } else if let index = indices[node] ?? defaultIndices[node.product] {
                    d[node] = base[node] * index.value(in: t)
                }
            }
        }
        return d
    }
}
