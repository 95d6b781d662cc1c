extension ClearedYear {
    /// Scarcity rent μ of a node, currency per unit (0 where its capacity does not bind); nil
    /// for an inactive node, which has no price and so no rent.
    public func scarcityRent(of node: Node) -> Double? {
        guard let j = solution.calibration.systemIndex(of: node), j < scarcityRent.count else { return nil }
        return scarcityRent[j]
    }
}
