/// Battery chemistries and their market shares by year: the recipe of a cell (or any product
/// with chemistries) as the share-weighted sum of its chemistries' recipes.
///
/// ```
/// b[r][p][q](t) = Σ_chem share_chem[r][p](t) · quantity_per_unit(chem, p, q)
/// ```
/// over the chemistries of p, with the region's own shares, else the default shares of p; a
/// chemistry that does not list q contributes 0, and one without a share has share 0.
public struct ChemistryMix: Sendable {
    /// Units of `input` per unit of `product` for chemistry `name`.
    public struct Chemistry: Sendable, Equatable {
        public let name: String
        public let product: ProductIndex
        public let input: ProductIndex
        public let quantityPerUnit: Double
        public init(name: String, product: ProductIndex, input: ProductIndex, quantityPerUnit: Double) {
            self.name = name
            self.product = product
            self.input = input
            self.quantityPerUnit = quantityPerUnit
        }
    }

    /// Chemistry recipes, in the order given (inputs appear in order of first mention).
    public var chemistries: [Chemistry]
    /// Share paths of single nodes, by chemistry name (fractions summing to 1 in each year).
    public var shares: [Node: [String: YearPath]]
    /// Share paths of every region of a product without its own shares.
    public var defaultShares: [ProductIndex: [String: YearPath]]

    public init(
        chemistries: [Chemistry] = [], shares: [Node: [String: YearPath]] = [:],
        defaultShares: [ProductIndex: [String: YearPath]] = [:]
    ) {
        self.chemistries = chemistries
        self.shares = shares
        self.defaultShares = defaultShares
    }

    /// True when no node has a mix.
    public var isEmpty: Bool { shares.isEmpty && defaultShares.isEmpty }

    /// The coefficients the mix sets for node (r, p) in year t, by input in order of first
    /// appearance in `chemistries`; nil when the node has no mix.
    public func coefficients(_ r: RegionIndex, _ p: ProductIndex, in t: Int) -> [(input: ProductIndex, quantityPerUnit: Double)]?
    {
        guard let own = shares[Node(r, p)] ?? defaultShares[p] else { return nil }
        var inputs: [ProductIndex] = []
        var b: [ProductIndex: Double] = [:]
        for row in chemistries where row.product == p {
            if b[row.input] == nil {
                inputs.append(row.input)
                b[row.input] = 0
            }
            b[row.input, default: 0] += (own[row.name]?.value(in: t) ?? 0) * row.quantityPerUnit
        }
        return inputs.map { ($0, b[$0] ?? 0) }
    }
}
