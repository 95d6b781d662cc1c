/// Recipe coefficients by year.
///
/// ```
/// b[r][p][q](t) = mix[r][p][q](t)              an input the chemistry mix of (r, p) defines
///               | path[r][p][q](t)             else a recipes path (the region's, else the default)
///               | b₀[r][p][q] · index[r][p][q](t)  else a recipe index (the region's, else the default)
///               | b₀[r][p][q]                  else the base recipe
/// ```
/// where mix is `ChemistryMix.coefficients`. A recipes path may add an input the base recipe
/// lacks (for every region it covers); the mix may add the inputs its chemistries define.
/// Units: units of input per unit of output.
public struct RecipeSchedule: Sendable {
    /// What a recipe path or index applies to: one region's input, or (region nil) the input
    /// of every region without its own row.
    public struct Key: Hashable, Sendable, Comparable {
        public let region: RegionIndex?
        public let product: ProductIndex
        public let input: ProductIndex
        public init(region: RegionIndex?, product: ProductIndex, input: ProductIndex) {
            self.region = region
            self.product = product
            self.input = input
        }
        /// Default rows (region nil) first, then by region, product, input.
        public static func < (a: Key, b: Key) -> Bool {
            (a.region?.rawValue ?? -1, a.product.rawValue, a.input.rawValue)
                < (b.region?.rawValue ?? -1, b.product.rawValue, b.input.rawValue)
        }
    }

    /// Coefficient paths: b(t) directly.
    public var paths: [Key: YearPath]
    /// Recipe indices: multipliers of b₀.
    public var indices: [Key: YearPath]
    public var chemistryMix: ChemistryMix

    public init(paths: [Key: YearPath] = [:], indices: [Key: YearPath] = [:], chemistryMix: ChemistryMix = ChemistryMix()) {
        self.paths = paths
        self.indices = indices
        self.chemistryMix = chemistryMix
    }

    /// No paths, indices or chemistry mix: every year has the base recipes.
    public var isEmpty: Bool { paths.isEmpty && indices.isEmpty && chemistryMix.isEmpty }

    /// The region's own entry, else the default one.
    private func regional(_ table: [Key: YearPath], _ r: RegionIndex, _ p: ProductIndex, _ q: ProductIndex) -> YearPath? {
        table[Key(region: r, product: p, input: q)] ?? table[Key(region: nil, product: p, input: q)]
    }

    /// The recipes of year t (see the type's equation), from the base recipes b₀ of `network`.
    public func recipes(in t: Int, base network: Network) -> [Node: [RecipeInput]] {
        var recipes: [Node: [RecipeInput]] = [:]
        for r in network.regionIndices {
            for p in network.productIndices {
                let node = Node(r, p)
                for input in network.recipe(for: node) {
                    let q = input.input
                    let b: Double
                    if let path = regional(paths, r, p, q) {
                        b = path.value(in: t)
                    } else if let index = regional(indices, r, p, q) {
                        b = input.quantityPerUnit * index.value(in: t)
                    } else {
                        b = input.quantityPerUnit
                    }
                    recipes[node, default: []].append(RecipeInput(q, b))
                }
            }
        }
        // Inputs that only a recipes path gives.
        for key in paths.keys.sorted() {
            for r in key.region.map({ [$0] }) ?? network.regionIndices {
                let node = Node(r, key.product)
                guard !(recipes[node] ?? []).contains(where: { $0.input == key.input }),
                    let path = regional(paths, r, key.product, key.input)
                else { continue }
                recipes[node, default: []].append(RecipeInput(key.input, path.value(in: t)))
            }
        }
        guard !chemistryMix.isEmpty else { return recipes }
        for r in network.regionIndices {
            for p in network.productIndices {
                guard let mixed = chemistryMix.coefficients(r, p, in: t) else { continue }
                let node = Node(r, p)
                var list = recipes[node] ?? []
                for (q, b) in mixed {
                    if let k = list.firstIndex(where: { $0.input == q }) {
                        list[k] = RecipeInput(q, b)
                    } else {
                        list.append(RecipeInput(q, b))
                    }
                }
                recipes[node] = list
            }
        }
        return recipes
    }
}
