import Foundation

/// A seeded generator of synthetic but consistent networks, for tests, benchmarks and
/// `minsim generate`.
///
/// Layout: `stages × productsPerStage` products; every product of stage t > 0 uses one to
/// three products of stage t − 1 (and, with `feedback > 0`, a little of a product of its own
/// stage, which makes the network cyclic, as production scrap does). Each region sources every
/// product from itself and `suppliersPerMarket − 1` other regions (the nearest ones on a ring,
/// so trade is sparse), with random base shares.
///
/// Consistency by construction:
/// - every node's recipe coefficients sum to at most 0.9, so column sums of A are < 1 and the
///   network is productive (ρ(A) ≤ max column sum < 1);
/// - value added is drawn positive and base prices are the solution of `(I − Ã₀)ᵀ P₀ = v`,
///   found by the fixed-point iteration `P ← Ã₀ᵀ P + v` (a Neumann series, convergent because
///   ρ(Ã₀) < 1), so calibration recovers exactly this v ≥ 0.
public struct SyntheticNetwork: Sendable {
    public struct Parameters: Sendable, Equatable {
        public var regions: Int = 10
        public var stages: Int = 4
        public var productsPerStage: Int = 3
        /// Suppliers per market (importer, product), domestic supply included; ≥ 1, ≤ regions.
        public var suppliersPerMarket: Int = 4
        /// Coefficient of own-stage (cyclic) inputs; 0 gives a stage-ordered, acyclic network.
        public var feedback: Double = 0
        /// Fraction of import routes that carry a base-year tariff.
        public var tariffedRouteFraction: Double = 0.2
        /// Armington elasticity range [low, high].
        public var elasticityRange: ClosedRange<Double> = 0.5...4
        public var seed: UInt64 = 1

        public init() {}

        /// Nodes in the network: regions × products.
        public var nodeCount: Int { regions * stages * productsPerStage }
    }

    public let parameters: Parameters
    public let network: Network
    public let base: BaseYear

    public init(_ parameters: Parameters) {
        precondition(
            parameters.regions >= 1 && parameters.stages >= 1 && parameters.productsPerStage >= 1,
            "a synthetic network needs at least one region, stage and product")
        precondition(
            parameters.suppliersPerMarket >= 1 && parameters.suppliersPerMarket <= parameters.regions,
            "suppliersPerMarket must lie in 1...regions")
        self.parameters = parameters
        var rng = SeededGenerator(seed: parameters.seed)
        let R = parameters.regions, T = parameters.stages, M = parameters.productsPerStage
        let P = T * M

        let regions = (0..<R).map { Region(code: "R\($0)", name: "Region \($0)") }
        let stageNames = (0..<T).map { "stage\($0)" }
        var products: [Product] = []
        for t in 0..<T {
            for m in 0..<M {
                let sigma =
                    parameters.elasticityRange.lowerBound
                    + rng.uniform() * (parameters.elasticityRange.upperBound - parameters.elasticityRange.lowerBound)
                products.append(Product(name: "p\(t)_\(m)", stage: stageNames[t], unit: "t", elasticity: sigma))
            }
        }

        // Recipes: stage t uses 1–3 products of stage t−1 (+ own stage with feedback); Σ b ≤ 0.9.
        var recipes: [Node: [RecipeInput]] = [:]
        for t in 1..<max(T, 1) {
            for m in 0..<M {
                let p = ProductIndex(t * M + m)
                let count = 1 + Int(rng.next() % UInt64(min(3, M)))
                var inputs = Set<Int>()
                while inputs.count < count { inputs.insert((t - 1) * M + Int(rng.next() % UInt64(M))) }
                if parameters.feedback > 0 { inputs.insert(t * M + Int(rng.next() % UInt64(M))) }
                for r in 0..<R {
                    var raw = inputs.sorted().map { q -> (Int, Double) in
                        (q, q / M == t ? parameters.feedback : 0.2 + rng.uniform())
                    }
                    let upstream = raw.filter { $0.0 / M != t }.reduce(0) { $0 + $1.1 }
                    let budget = 0.9 - raw.filter { $0.0 / M == t }.reduce(0) { $0 + $1.1 }
                    let scale = upstream > 0 ? max(budget, 0.05) * (0.5 + 0.5 * rng.uniform()) / upstream : 1
                    raw = raw.map { $0.0 / M == t ? $0 : ($0.0, $0.1 * scale) }
                    recipes[Node(RegionIndex(r), p)] = raw.map { RecipeInput(ProductIndex($0.0), $0.1) }
                }
            }
        }
        let network = Network(regions: regions, products: products, stages: stageNames, recipes: recipes)

        // Trade: each market (q, r) sourced from r itself and its nearest neighbours on a ring.
        var trade: [Route: Double] = [:]
        var tariffs: [Route: Double] = [:]
        let rates = [0.05, 0.1, 0.25]
        for q in 0..<P {
            for r in 0..<R {
                for step in 0..<parameters.suppliersPerMarket {
                    // Neighbours alternate sides: r, r+1, r−1, r+2, …
                    let offset = (step + 1) / 2 * (step % 2 == 1 ? 1 : -1)
                    let s = ((r + offset) % R + R) % R
                    let route = Route(ProductIndex(q), from: RegionIndex(s), to: RegionIndex(r))
                    trade[route, default: 0] += 100 + 900 * rng.uniform()
                    if s != r && rng.uniform() < parameters.tariffedRouteFraction {
                        tariffs[route] = rates[Int(rng.next() % UInt64(rates.count))]
                    }
                }
            }
        }

        // Demand: final products everywhere, some intermediate demand too.
        var demand = network.nodeTable(repeating: 0.0)
        var capacities = network.nodeTable(repeating: Double?.none)
        for r in 0..<R {
            for q in 0..<P {
                let isFinal = q / M == T - 1
                if isFinal || rng.uniform() < 0.3 { demand[RegionIndex(r), ProductIndex(q)] = 10 + 90 * rng.uniform() }
                capacities[RegionIndex(r), ProductIndex(q)] = 1_000 + 9_000 * rng.uniform()
            }
        }

        // Base prices from positive value added: P₀ = Ã₀ᵀ P₀ + v, by fixed-point iteration.
        var valueAdded = network.nodeTable(repeating: 0.0)
        for r in 0..<R { for q in 0..<P { valueAdded[RegionIndex(r), ProductIndex(q)] = 1 + 9 * rng.uniform() } }
        // Sorted so that sums, and hence every bit of the generated prices, never depend on
        // the process's hash seed.
        let sortedTrade = trade.sorted { $0.key < $1.key }
        var sourcedTotal = network.nodeTable(repeating: 0.0)
        for (route, t) in sortedTrade { sourcedTotal[route.importer, route.product] += t }
        // Each sweep reads every route and recipe input; hashing a route or a node per read made
        // generation the slowest part of a 100,000-node benchmark. So the loop-invariant parts are
        // laid out once as flat arrays (node index = q·R + r). The products are still evaluated as
        // `(t / total · P) · (1 + τ)`, in the same order, so every bit of the prices is unchanged.
        let routeMarket = sortedTrade.map { $0.key.product.rawValue * R + $0.key.importer.rawValue }
        let routeSupplier = sortedTrade.map { $0.key.product.rawValue * R + $0.key.exporter.rawValue }
        let routeShare = sortedTrade.map { $0.value / sourcedTotal[$0.key.importer, $0.key.product] }
        let routeMarkup = sortedTrade.map { 1 + (tariffs[$0.key] ?? 0) }
        var recipeStart = [0], recipeMarket: [Int] = [], recipeCoefficient: [Double] = []
        for q in 0..<P {
            for r in 0..<R {
                for input in network.recipe(for: Node(RegionIndex(r), ProductIndex(q))) {
                    recipeMarket.append(input.input.rawValue * R + r)
                    recipeCoefficient.append(input.quantityPerUnit)
                }
                recipeStart.append(recipeMarket.count)
            }
        }
        var v = [Double](repeating: 0, count: R * P)
        for q in 0..<P { for r in 0..<R { v[q * R + r] = valueAdded[RegionIndex(r), ProductIndex(q)] } }
        var price = v
        var composite = [Double](repeating: 0, count: R * P)
        for _ in 0..<10_000 {
            // Delivered composite price of each market (q, r) at current prices.
            for m in composite.indices { composite[m] = 0 }
            for k in routeMarket.indices {
                composite[routeMarket[k]] += routeShare[k] * price[routeSupplier[k]] * routeMarkup[k]
            }
            var change = 0.0
            var next = v
            for j in 0..<(R * P) {
                for e in recipeStart[j]..<recipeStart[j + 1] {
                    next[j] += recipeCoefficient[e] * composite[recipeMarket[e]]
                }
                change = max(change, abs(next[j] - price[j]) / next[j])
            }
            price = next
            // Exact after `stages` sweeps when acyclic; geometric with feedback loops.
            if change <= 1e-15 { break }
        }
        var prices = valueAdded
        for q in 0..<P { for r in 0..<R { prices[RegionIndex(r), ProductIndex(q)] = price[q * R + r] } }
        var basePrices = network.nodeTable(repeating: Double?.none)
        for r in 0..<R {
            for q in 0..<P { basePrices[RegionIndex(r), ProductIndex(q)] = prices[RegionIndex(r), ProductIndex(q)] }
        }

        self.network = network
        self.base = BaseYear(
            trade: RouteValues(trade), prices: basePrices, tariffs: RouteValues(tariffs),
            capacities: capacities, finalDemand: demand)
    }
}

/// SplitMix64: a small, fast, seedable generator. The same seed gives the same network on
/// every platform, unlike `SystemRandomNumberGenerator`.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
