/// One input of a recipe: `quantityPerUnit` units of `input` per unit of output (b[r][p][q]).
public struct RecipeInput: Hashable, Sendable {
    public let input: ProductIndex
    public let quantityPerUnit: Double
    public init(_ input: ProductIndex, _ quantityPerUnit: Double) {
        self.input = input
        self.quantityPerUnit = quantityPerUnit
    }
}

/// The structure of the supply chain: regions, products and region-specific recipes.
///
/// Minerals, products, stages and regions are data: a network may have any number of each.
/// Recipes are sparse: node `(r, p)` lists only the inputs it uses.
public struct Network: Sendable {
    public let regions: [Region]
    public let products: [Product]
    /// Stage names in order, upstream first.
    public let stages: [String]
    /// recipes[product][region] — the inputs of node (region, product).
    private let recipes: [[[RecipeInput]]]

    /// Creates a network.
    ///
    /// - Parameters:
    ///   - recipes: inputs per node; a node absent from the dictionary uses no inputs
    ///     (a mine, for example). Coefficients must be finite and ≥ 0.
    public init(
        regions: [Region], products: [Product], stages: [String]? = nil,
        recipes: [Node: [RecipeInput]]
    ) {
        self.init(regions: regions, products: products, stages: stages) { recipes[$0] ?? [] }
    }

    /// Creates a network whose node `(r, p)` uses `inputs(Node(r, p))`, asked once per node:
    /// no dictionary of recipes to hash (a 100,000-node scenario has 100,000 of them).
    /// Coefficients must be finite and ≥ 0.
    public init(
        regions: [Region], products: [Product], stages: [String]? = nil, inputs: (Node) -> [RecipeInput]
    ) {
        self.regions = regions
        self.products = products
        var stageOrder: [String] = stages ?? []
        for p in products where !stageOrder.contains(p.stage) { stageOrder.append(p.stage) }
        self.stages = stageOrder
        self.recipes = products.indices.map { p in
            regions.indices.map { r in
                let node = Node(RegionIndex(r), ProductIndex(p))
                let given = inputs(node)
                precondition(
                    given.allSatisfy { $0.quantityPerUnit.isFinite && $0.quantityPerUnit >= 0 },
                    "Recipe coefficients must be finite and non-negative (node \(node))")
                // Sorted so that assembly order, and hence rounding, never depends on hashing.
                // Inputs already in strictly increasing order (as generated and resolved tables
                // give them) are that order: kept without a sorted copy.
                var ordered = true
                for k in given.indices.dropFirst() where !(given[k - 1].input < given[k].input) {
                    ordered = false
                    break
                }
                return ordered ? given : given.sorted { $0.input < $1.input }
            }
        }
    }

    public var regionIndices: [RegionIndex] { regions.indices.map(RegionIndex.init) }
    public var productIndices: [ProductIndex] { products.indices.map(ProductIndex.init) }

    /// Inputs of node `(region, product)`: b[r][p][·].
    public func recipe(for node: Node) -> [RecipeInput] {
        recipes[node.product.rawValue][node.region.rawValue]
    }

    public func region(_ i: RegionIndex) -> Region { regions[i.rawValue] }
    public func product(_ i: ProductIndex) -> Product { products[i.rawValue] }

    /// "CA/ni_refined" — how nodes are named in messages.
    public func name(of node: Node) -> String {
        "\(regions[node.region.rawValue].code)/\(products[node.product.rawValue].name)"
    }

    /// "ni_refined CA→KR" — how routes are named in messages.
    public func name(of route: Route) -> String {
        "\(products[route.product.rawValue].name) \(regions[route.exporter.rawValue].code)→\(regions[route.importer.rawValue].code)"
    }

    /// A node table sized for this network.
    public func nodeTable<V>(repeating value: V) -> NodeTable<V> {
        NodeTable(regions: regions.count, products: products.count, repeating: value)
    }
}
