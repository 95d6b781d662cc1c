/// Writing one entry of a table of the value types the scenario builder fills.
///
/// `NodeTable`'s subscript is generic and not inlinable, so called from another module it runs
/// unspecialised: every write looks up the type metadata of the `[Value]` storage (≈ 480
/// instructions; `ScenarioBuilder.resolve` writes ≈ 250,000 base prices, capacities and final
/// demands at 100,000 nodes, 3 % of `minsim validate`'s instructions). These are compiled here
/// for the concrete type: a bounds check and a store.
extension NodeTable where Value == Double {
    /// `self[node] = value`.
    public mutating func set(_ value: Double, at node: Node) { self[node] = value }
}

extension NodeTable where Value == Double? {
    /// `self[node] = value`.
    public mutating func set(_ value: Double?, at node: Node) { self[node] = value }
}
