import MinsimEngine

/// The region recipes of a scenario (`recipes` rows with a region): each node's entries in the
/// order their rows were given, all in one array grouped by node.
///
/// A dictionary of an array per node cost, at 100,000 nodes, 75,000 arrays: a hash, an
/// allocation and a regrowth per entry beyond the first while decoding, a hash per lookup and
/// a free per array at the end (≈ 4 % of `minsim validate`'s instructions). Here the entries
/// are appended to one list with their node numbers and grouped once (`group()`), by a stable
/// counting sort — no sort at all when the rows come by node, as generated and `resolved/`
/// tables do — after which node k's entries are the slice `entries[start[k]..<start[k + 1]]`.
struct RegionRecipes {
    typealias Entry = ScenarioBuilder.RecipeEntry

    private var products = 0
    private var nodeCount = 0
    /// Until grouped: the entries in file order and each one's node number r · products + p.
    private var entries: [Entry] = []
    private var nodes: [Int32] = []
    /// After grouping: where each node's entries start in `entries`, and the end (nodes + 1
    /// values); empty before.
    private var start: [Int32] = []

    /// An empty table for `regions` × `products` nodes.
    init(regions: Int = 0, products: Int = 0) {
        self.products = products
        nodeCount = regions * products
    }

    /// Appends an entry of `node` (before `group()`).
    mutating func append(_ entry: Entry, for node: Node) {
        precondition(start.isEmpty, "recipe entries appended after grouping")
        entries.append(entry)
        nodes.append(Int32(node.region.rawValue * products + node.product.rawValue))
    }

    /// Groups the entries by node, keeping each node's entries in the order they came.
    mutating func group() {
        guard start.isEmpty else { return }
        var count = [Int32](repeating: 0, count: nodeCount + 1)
        var ordered = true
        for k in nodes.indices {
            count[Int(nodes[k]) + 1] += 1
            if k > 0 && nodes[k] < nodes[k - 1] { ordered = false }
        }
        for k in 0..<nodeCount { count[k + 1] += count[k] }
        if !ordered {
            var next = count
            var grouped = [Entry]()
            grouped.reserveCapacity(entries.count)
            // Placed by position: every slot is written once, in node order.
            var slots = [Int](repeating: 0, count: entries.count)
            for k in entries.indices {
                let n = Int(nodes[k])
                slots[Int(next[n])] = k
                next[n] += 1
            }
            for k in slots { grouped.append(entries[k]) }
            entries = grouped
        }
        start = count
        nodes = []
    }

    /// The entries of `node` in the order given; nil when it has none (it uses the product's
    /// default recipe, if any).
    subscript(node: Node) -> ArraySlice<Entry>? {
        guard !start.isEmpty else { return nil }
        let k = node.region.rawValue * products + node.product.rawValue
        let lower = Int(start[k]), upper = Int(start[k + 1])
        return lower < upper ? entries[lower..<upper] : nil
    }

    /// The number of entries of all nodes.
    var count: Int { entries.count }

    /// Every node with entries and its entries, by region, then product.
    var byNode: [(key: Node, value: ArraySlice<Entry>)] {
        guard !start.isEmpty, products > 0 else { return [] }
        return (0..<nodeCount).compactMap { k in
            let node = Node(RegionIndex(k / products), ProductIndex(k % products))
            return self[node].map { (node, $0) }
        }
    }
}
