import Foundation
import Testing

@testable import MinsimEngine

/// `RouteValues` (the base year's route tables): routes in any order, repeated or not, come
/// out as a dictionary filled "first row kept" and then sorted by route would give them; reads
/// and edits agree with that dictionary; the calibration's merge of traded and opened routes
/// is the sorted union.
@Suite("RouteValues: route tables in route order")
struct RouteValuesTests {
    /// A fixed linear congruential generator (the tests' own, so they never depend on a seed
    /// chosen elsewhere).
    struct LCG {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }

        /// The distinct routes among `draws` drawn ones, sorted.
        mutating func distinctRoutes(draws: Int, products: Int, regions: Int) -> [Route] {
            var routes = Set<Route>()
            for _ in 0..<draws {
                routes.insert(
                    Route(ProductIndex(next(products)), from: RegionIndex(next(regions)), to: RegionIndex(next(regions))))
            }
            return routes.sorted()
        }
    }

    /// `count` entries over `products` × `regions`², about a fifth of them repeating an earlier
    /// route (with another value), in generator order; values are the entry's position.
    static func entries(count: Int, products: Int, regions: Int, seed: UInt64) -> [(Route, Double)] {
        var rng = LCG(state: seed)
        var out: [(Route, Double)] = []
        for k in 0..<count {
            if !out.isEmpty && rng.next(5) == 0 {
                out.append((out[rng.next(out.count)].0, Double(k)))
            } else {
                let route = Route(
                    ProductIndex(rng.next(products)), from: RegionIndex(rng.next(regions)), to: RegionIndex(rng.next(regions)))
                out.append((route, Double(k)))
            }
        }
        return out
    }

    /// What `ScenarioBuilder` built before: a dictionary keeping each route's first value, sorted.
    static func reference(_ entries: [(Route, Double)]) -> [(Route, Double)] {
        var table: [Route: Double] = [:]
        for (route, value) in entries where table[route] == nil { table[route] = value }
        return table.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    // 7 × 40² = 11,200 markets… sorted by counting (markets ≤ 4·n + 1024) for the larger counts;
    // 3 × 100,000 importers is beyond that bound for every count here: the comparison sort.
    @Test(
        "entries in any order, with repeats, come out sorted with each route's first value",
        arguments: [(0, 40), (1, 40), (5, 40), (64, 40), (65, 40), (3000, 40), (20_000, 40), (3000, 100_000)])
    func sortedFirstKept(count: Int, regions: Int) {
        let products = regions > 1000 ? 3 : 7
        let given = Self.entries(count: count, products: products, regions: regions, seed: UInt64(count + regions))
        let table = RouteValues(routes: given.map(\.0), values: given.map(\.1))
        let expected = Self.reference(given)
        #expect(table.routes == expected.map(\.0))
        #expect(table.values == expected.map(\.1))
        #expect(table.count == expected.count)
        #expect(table == RouteValues(Dictionary(expected, uniquingKeysWith: { a, _ in a })))
    }

    @Test("rows already in route order are kept as given")
    func sortedInput() {
        let routes = (0..<50).map { Route(ProductIndex($0 / 10), from: RegionIndex($0 % 3), to: RegionIndex($0 % 10)) }.sorted()
        let values = routes.indices.map { Double($0) * 0.5 }
        let table = RouteValues(routes: routes, values: values)
        #expect(table.routes == routes)
        #expect(table.values == values)
        // A route repeated right after itself: the first value stays.
        let repeated = RouteValues(routes: [routes[0], routes[0], routes[1]], values: [1, 2, 3])
        #expect(repeated.routes == [routes[0], routes[1]])
        #expect(repeated.values == [1, 3])
    }

    @Test("reading, setting and removing agree with a dictionary")
    func subscripts() {
        var rng = LCG(state: 11)
        var table: RouteValues = [:]
        var dictionary: [Route: Double] = [:]
        for k in 0..<2000 {
            let route = Route(ProductIndex(rng.next(4)), from: RegionIndex(rng.next(6)), to: RegionIndex(rng.next(6)))
            let value: Double? = rng.next(4) == 0 ? nil : Double(k)
            table[route] = value
            dictionary[route] = value
            let probe = Route(ProductIndex(rng.next(4)), from: RegionIndex(rng.next(6)), to: RegionIndex(rng.next(6)))
            #expect(table[probe] == dictionary[probe])
        }
        #expect(table == RouteValues(dictionary))
        #expect(table.dictionary == dictionary)
        #expect(table.routes == table.routes.sorted() && Set(table.routes).count == table.count)
    }

    @Test("a dictionary literal keeps the first value of a route written twice")
    func literal() {
        let a = Route(ProductIndex(0), from: RegionIndex(1), to: RegionIndex(0))
        let b = Route(ProductIndex(0), from: RegionIndex(0), to: RegionIndex(0))
        let table: RouteValues = [a: 1, b: 2, a: 3]
        #expect(table.routes == [b, a])
        #expect(table.values == [2, 1])
    }

    @Test("values at sorted targets: the entry where present, 0 elsewhere, other entries ignored")
    func valuesAtTargets() {
        let given = Self.entries(count: 3000, products: 5, regions: 30, seed: 3)
        let table = RouteValues(routes: given.map(\.0), values: given.map(\.1))
        var rng = LCG(state: 5)
        let targets = rng.distinctRoutes(draws: 1500, products: 6, regions: 31)
        let dictionary = table.dictionary
        #expect(table.values(at: targets) == targets.map { dictionary[$0] ?? 0 })
        #expect(table.values(at: []) == [])
        #expect(RouteValues().values(at: targets) == [Double](repeating: 0, count: targets.count))
    }

    @Test("the calibration's merge of traded and opened routes is their sorted union")
    func merge() {
        var rng = LCG(state: 9)
        let all = rng.distinctRoutes(draws: 400, products: 3, regions: 8)
        // Every third route opened, the rest traded; the quantity and share are the route's position.
        let opened = all.enumerated().filter { $0.offset % 3 == 0 }
        let traded = all.enumerated().filter { $0.offset % 3 != 0 }
        let merged = Calibration.merge(
            traded: traded.map(\.element), quantities: traded.map { Double($0.offset) },
            opened: opened.map(\.element), shares: opened.map { Double($0.offset) })
        #expect(merged.routes == all)
        #expect(merged.quantities == all.indices.map { $0 % 3 == 0 ? 0 : Double($0) })
        #expect(merged.openedShares == all.indices.map { $0 % 3 == 0 ? Double($0) : nil })
    }
}

@Suite("Network: recipes from a function of the node")
struct NetworkInputsTests {
    @Test("the same recipes, in the same order, as from a dictionary of them")
    func sameAsDictionary() {
        var rng = RouteValuesTests.LCG(state: 21)
        let regions = (0..<7).map { Region(code: "R\($0)") }
        let products = (0..<9).map { Product(name: "p\($0)", stage: "s\($0 / 3)", unit: "t", elasticity: 1) }
        var table: [Node: [RecipeInput]] = [:]
        for r in 0..<7 {
            for p in 3..<9 where rng.next(4) != 0 {
                // Inputs given out of order (and one product twice), so the sort is exercised.
                let count = 1 + rng.next(4)
                table[Node(RegionIndex(r), ProductIndex(p))] = (0..<count).map { _ in
                    RecipeInput(ProductIndex(rng.next(p)), Double(rng.next(100)) / 64)
                }
            }
        }
        let fromDictionary = Network(regions: regions, products: products, recipes: table)
        var asked: [Node] = []
        let fromFunction = Network(regions: regions, products: products) { node in
            asked.append(node)
            return table[node] ?? []
        }
        #expect(asked.count == 7 * 9 && Set(asked).count == 7 * 9)
        for r in 0..<7 {
            for p in 0..<9 {
                let node = Node(RegionIndex(r), ProductIndex(p))
                #expect(fromFunction.recipe(for: node) == fromDictionary.recipe(for: node))
                #expect(fromFunction.recipe(for: node).map(\.input) == fromFunction.recipe(for: node).map(\.input).sorted())
            }
        }
        #expect(fromFunction.stages == fromDictionary.stages)
    }
}
