import MinsimEngine

/// A set of nodes as one bit per (region, product): insert and lookup in O(1) without hashing,
/// and R·P/8 bytes in all (12.5 kB for a 100,000-node network). The loader's cross-table
/// checks ask millions of membership questions of sets this dense.
struct NodeSet {
    private let products: Int
    private var bits: [UInt64]

    /// An empty set over `regions` × `products` nodes.
    init(regions: Int = 0, products: Int = 0) {
        self.products = products
        bits = [UInt64](repeating: 0, count: (regions * products + 63) / 64)
    }

    /// The nodes of `nodes`.
    init<S: Sequence>(_ nodes: S, regions: Int, products: Int) where S.Element == Node {
        self.init(regions: regions, products: products)
        for node in nodes { insert(node) }
    }

    /// Bit position of `node`; nil outside the network (never a member).
    private func slot(_ node: Node) -> Int? {
        let p = node.product.rawValue, k = node.region.rawValue * products + p
        guard p >= 0, p < products, k >= 0, k < bits.count * 64 else { return nil }
        return k
    }

    func contains(_ node: Node) -> Bool {
        guard let k = slot(node) else { return false }
        return bits[k >> 6] & (1 << UInt64(k & 63)) != 0
    }

    /// Adds `node` (a node outside the network is a programmer error).
    mutating func insert(_ node: Node) {
        guard let k = slot(node) else { preconditionFailure("node \(node) outside the \(products)-product network") }
        bits[k >> 6] |= 1 << UInt64(k & 63)
    }
}
