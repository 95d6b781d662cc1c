extension Calibration {
    /// Total requirement multipliers at the given sourcing `shares` (see
    /// `YearSolution.requirementMultipliers(of:)`): `z = (I − A(S))⁻ᵀ 1_M` by the Neumann series.
    public func requirementMultipliers(of products: Set<ProductIndex>, shares: [Double]) -> [Double] {
        let system = LeontiefSystem(calibration: self, shares: shares, tariffs: [Double](repeating: 0, count: routes.count))
        let indicator = activeNodes.map { products.contains($0.product) ? 1.0 : 0.0 }
        var z = indicator
        for _ in 0..<10_000 {
            let az = system.multiply(z, withTariffs: false, transposed: true)
            var change = 0.0, scale = 0.0
            for j in z.indices {
                let next = indicator[j] + az[j]
                change = max(change, abs(next - z[j]))
                scale = max(scale, abs(next))
                z[j] = next
            }
            if change <= 1e-15 * scale { break }
        }
        return z
    }

    /// Requirement per unit of final demand in market (product, region) at `shares`:
    /// `Σ_s S[q][s→r] · z[(s,q)]`; 0 for a market no route serves.
    public func embodied(
        _ multipliers: [Double], shares: [Double], perUnitOf product: ProductIndex,
        in region: RegionIndex
    ) -> Double {
        guard let m = marketIndex[region, product] else { return 0 }
        var total = 0.0
        for k in markets[m].routes { total += shares[k] * multipliers[supplierIndex[k]] }
        return total
    }
}

extension YearSolution {
    /// Total requirement multipliers: for every active node, the output of `products` (summed
    /// over regions) needed, directly and through every upstream stage, per unit of that node's
    /// output. This is `z = (I − A)⁻ᵀ 1_M`, the sum of the rows of the Leontief inverse that
    /// belong to the nodes of `products`.
    ///
    /// Solved by the Neumann series `z ← 1_M + Aᵀ z`, which is exact after as many sweeps as
    /// the network has stages when it is stage-ordered, and converges geometrically (rate ρ(A))
    /// with loops. It costs O(nonzeros) per sweep and needs no factorization.
    public func requirementMultipliers(of products: Set<ProductIndex>) -> [Double] {
        calibration.requirementMultipliers(of: products, shares: shares)
    }

    /// Requirement of `multipliers`' products per unit of final demand in market (product, region):
    /// `Σ_s S[q][s→r] · z[(s,q)]`; 0 for a market no route serves.
    public func embodied(_ multipliers: [Double], perUnitOf product: ProductIndex, in region: RegionIndex) -> Double {
        calibration.embodied(multipliers, shares: shares, perUnitOf: product, in: region)
    }

}
