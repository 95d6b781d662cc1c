/// The decoded rows of one large table and their origins, in two arrays side by side: what
/// the decoders append to and the checks read as `Sourced` rows, and what resolution hands on
/// as they are — the rows to `ResolvedScenario`, the origins to its `Provenance` — where an
/// array of `Sourced` rows had to be copied into the two (`Array.split`: at 100,000 nodes
/// 56 bytes a row of fresh memory for 500,000 base-trade rows, ≈ 10 % of `minsim validate`'s
/// page faults and a pass over the rows).
struct SourcedRows<Row>: RandomAccessCollection, ExpressibleByArrayLiteral {
    /// The rows, in the order they were appended.
    private(set) var rows: [Row] = []
    /// `origins[i]` is where `rows[i]` was written.
    private(set) var origins: [Provenance.RowOrigin] = []

    init() {}

    init(arrayLiteral elements: Sourced<Row>...) {
        for element in elements { append(element) }
    }

    var startIndex: Int { 0 }
    var endIndex: Int { rows.count }
    subscript(i: Int) -> Sourced<Row> { Sourced(rows[i], origin: origins[i]) }

    mutating func append(_ row: Sourced<Row>) {
        rows.append(row.row)
        origins.append(row.origin)
    }

    mutating func reserveCapacity(_ n: Int) {
        rows.reserveCapacity(n)
        origins.reserveCapacity(n)
    }

    /// The rows and their origins, as `Array.split` gives them for an array of `Sourced` rows.
    func split() -> (rows: [Row], origins: [Provenance.RowOrigin]) { (rows, origins) }
}
