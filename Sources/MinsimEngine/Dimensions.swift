/// Named dimensions of the model: regions, products, nodes and routes.
///
/// Indices are typed so that a region can never be passed where a product is expected; flat
/// storage offsets stay private to the tables that own them.

/// Position of a region in the network's region list (scenario order).
public struct RegionIndex: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "region#\(rawValue)" }
}

/// Position of a product in the network's product list (stage order, upstream first).
public struct ProductIndex: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "product#\(rawValue)" }
}

/// A node `n = (s, q)`: region `s` producing product `q`.
public struct Node: Hashable, Sendable {
    public let region: RegionIndex
    public let product: ProductIndex
    public init(_ region: RegionIndex, _ product: ProductIndex) {
        self.region = region
        self.product = product
    }

    /// One word hashed instead of two: loaders key dictionaries of millions of entries by node.
    /// Equality stays field by field, so a packing collision (indices ≥ 2³²) costs only speed.
    public func hash(into hasher: inout Hasher) { hasher.combine(packed) }

    /// What dictionaries and sets hash (Hashable's hook for it): the packed word mixed with
    /// the table's seed, without seeding a `Hasher` per node (see `mixedHash`).
    public func _rawHashValue(seed: Int) -> Int { mixedHash(packed, seed: seed) }

    private var packed: UInt64 {
        UInt64(truncatingIfNeeded: region.rawValue) << 32 ^ UInt64(truncatingIfNeeded: product.rawValue)
    }
}

/// A word mixed with a hash table's seed by MurmurHash3's 64-bit finalizer, which spreads
/// every input bit over the result (the table takes its low bits). `Node` and `Route` hash
/// through it: loading a 100,000-node scenario hashes millions of them, and seeding and
/// finalizing a SipHash `Hasher` for each was ≈ 5 % of the load. The seed still differs per
/// table and per process, as with `Hasher`.
@inline(__always)
func mixedHash(_ word: UInt64, seed: Int) -> Int {
    var h = word ^ UInt64(bitPattern: Int64(seed))
    h ^= h >> 33
    h = h &* 0xff51_afd7_ed55_8ccd
    h ^= h >> 33
    h = h &* 0xc4ce_b9fe_1a85_ec53
    h ^= h >> 33
    return Int(truncatingIfNeeded: h)
}

/// A trade route: product `q` shipped from `exporter` s to `importer` r (`s == r` is domestic supply).
///
/// Routes order by (product, importer, exporter): the routes into one market are contiguous.
public struct Route: Hashable, Comparable, Sendable {
    public let product: ProductIndex
    public let exporter: RegionIndex
    public let importer: RegionIndex
    public init(_ product: ProductIndex, from exporter: RegionIndex, to importer: RegionIndex) {
        self.product = product
        self.exporter = exporter
        self.importer = importer
    }
    /// One word hashed instead of three: loaders key dictionaries of millions of entries by
    /// route. Equality stays field by field, so a packing collision (indices ≥ 2²¹) costs only speed.
    public func hash(into hasher: inout Hasher) { hasher.combine(packed) }

    /// What dictionaries and sets hash, without a `Hasher` per route (see `mixedHash`).
    public func _rawHashValue(seed: Int) -> Int { mixedHash(packed, seed: seed) }

    private var packed: UInt64 {
        let q = UInt64(truncatingIfNeeded: product.rawValue), s = UInt64(truncatingIfNeeded: exporter.rawValue)
        return q << 42 ^ s << 21 ^ UInt64(truncatingIfNeeded: importer.rawValue)
    }
    /// The supplying node `(s, q)`.
    public var supplier: Node { Node(exporter, product) }

    public static func < (a: Route, b: Route) -> Bool {
        (a.product, a.importer, a.exporter) < (b.product, b.importer, b.exporter)
    }
}

/// A market `(q, r)`: product `q` bought in region `importer`, served by the routes into it.
///
/// Markets order by (product, importer), as the routes into them do.
public struct Market: Hashable, Comparable, Sendable {
    public let product: ProductIndex
    public let importer: RegionIndex
    public init(_ product: ProductIndex, in importer: RegionIndex) {
        self.product = product
        self.importer = importer
    }

    public static func < (a: Market, b: Market) -> Bool { (a.product, a.importer) < (b.product, b.importer) }
}

extension Route {
    /// The market this route serves, `(q, r)`.
    public var market: Market { Market(product, in: importer) }
}

/// A region of the network, e.g. `CA` (Canada).
public struct Region: Hashable, Sendable {
    public let code: String
    public let name: String
    public init(code: String, name: String? = nil) {
        self.code = code
        self.name = name ?? code
    }
}

/// A product with its stage, unit and Armington substitution elasticity σ.
public struct Product: Hashable, Sendable {
    public let name: String
    /// Stage name, e.g. `mining`; stages are ordered upstream first in `Network.stages`.
    public let stage: String
    /// Unit of quantity, e.g. `t`, `GWh`, `vehicle`.
    public let unit: String
    /// σ ≥ 0 in `w = φ·K·(P(1+τ))^(−σ)`; 0 keeps base shares fixed.
    public let elasticity: Double
    /// The mineral this product carries (e.g. `nickel` for `ni_ore` and `ni_refined`), for
    /// mineral indicators and recycling; nil for products that are not a mineral (cells, EVs).
    public let mineral: String?
    public init(name: String, stage: String, unit: String, elasticity: Double, mineral: String? = nil) {
        self.name = name
        self.stage = stage
        self.unit = unit
        self.elasticity = elasticity
        self.mineral = mineral
    }
}

/// One value per node `(region, product)`, stored densely (|R|·|P| entries).
public struct NodeTable<Value: Sendable>: Sendable {
    public let regionCount: Int
    public let productCount: Int
    private var values: [Value]

    public init(regions: Int, products: Int, repeating value: Value) {
        self.regionCount = regions
        self.productCount = products
        self.values = Array(repeating: value, count: regions * products)
    }

    public subscript(region: RegionIndex, product: ProductIndex) -> Value {
        get { values[offset(region, product)] }
        set { values[offset(region, product)] = newValue }
    }

    public subscript(node: Node) -> Value {
        get { values[offset(node.region, node.product)] }
        set { values[offset(node.region, node.product)] = newValue }
    }

    private func offset(_ r: RegionIndex, _ p: ProductIndex) -> Int {
        precondition(
            r.rawValue >= 0 && r.rawValue < regionCount && p.rawValue >= 0 && p.rawValue < productCount,
            "Node (\(r), \(p)) outside a \(regionCount)-region × \(productCount)-product table")
        return p.rawValue * regionCount + r.rawValue
    }
}

extension NodeTable: Equatable where Value: Equatable {}

extension NodeTable where Value == Double {
    /// True when every entry equals `value`.
    public func allValuesEqual(to value: Double) -> Bool { values.allSatisfy { $0 == value } }

    /// `max |self − other|` over all entries.
    public func maxAbsoluteDifference(from other: NodeTable<Double>) -> Double {
        precondition(regionCount == other.regionCount && productCount == other.productCount, "tables of different shapes")
        var m = 0.0
        for (a, b) in zip(values, other.values) { m = Swift.max(m, abs(a - b)) }
        return m
    }
}
