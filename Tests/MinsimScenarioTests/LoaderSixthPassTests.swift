import Foundation
import MinsimEngine
import Testing

@testable import MinsimScenario

/// The loader's sixth pass: region recipes grouped in one array, decoded rows kept beside
/// their origins, the base tariff rows listed in route order — each against the dictionary
/// or array of arrays it replaces, on seeded random input (the seed is the test's argument).
@Suite struct LoaderSixthPassTests {
    typealias Mix = RandomInputTests.SplitMix64

    static func origin(_ k: Int) -> Provenance.RowOrigin {
        Provenance.RowOrigin(line: k + 2, column: 1, file: 0, source: UInt32(k % 3))
    }

    @Test("region recipes grouped by node equal a dictionary of arrays filled in row order", arguments: 0..<20)
    func regionRecipes(_ seed: Int) {
        var mix = Mix(state: UInt64(seed) &+ 1)
        let regions = Int.random(in: 1...7, using: &mix), products = Int.random(in: 1...6, using: &mix)
        var table = RegionRecipes(regions: regions, products: products)
        var reference: [Node: [ScenarioBuilder.RecipeEntry]] = [:]
        // Rows by node (as generated tables give them) for even seeds, in any order for odd ones.
        var nodes: [Node] = (0..<Int.random(in: 0...60, using: &mix)).map { _ in
            Node(RegionIndex(Int.random(in: 0..<regions, using: &mix)), ProductIndex(Int.random(in: 0..<products, using: &mix)))
        }
        if seed % 2 == 0 { nodes.sort { ($0.region.rawValue, $0.product.rawValue) < ($1.region.rawValue, $1.product.rawValue) } }
        for (k, node) in nodes.enumerated() {
            let entry: ScenarioBuilder.RecipeEntry = (ProductIndex(k % products), Double(k) / 7, Self.origin(k))
            table.append(entry, for: node)
            reference[node, default: []].append(entry)
        }
        #expect(table[Node(RegionIndex(0), ProductIndex(0))] == nil)  // (answers once grouped)
        table.group()
        #expect(table.count == nodes.count)
        for r in 0..<regions {
            for p in 0..<products {
                let node = Node(RegionIndex(r), ProductIndex(p))
                let got = table[node].map { $0.map { "\($0.input) \($0.quantity) \($0.origin.line)" } }
                let want = reference[node].map { $0.map { "\($0.input) \($0.quantity) \($0.origin.line)" } }
                #expect(got == want, "seed \(seed), node \(node)")
            }
        }
        let byRegion = reference.keys.sorted {
            ($0.region.rawValue, $0.product.rawValue) < ($1.region.rawValue, $1.product.rawValue)
        }
        #expect(table.byNode.map { $0.key } == byRegion)
    }

    @Test("an empty region recipe table answers nil before and after grouping")
    func emptyRecipes() {
        var table = RegionRecipes()
        #expect(table[Node(RegionIndex(0), ProductIndex(0))] == nil)
        table = RegionRecipes(regions: 2, products: 2)
        table.group()
        #expect(table[Node(RegionIndex(1), ProductIndex(1))] == nil)
        #expect(table.byNode.isEmpty)
    }

    @Test("decoded rows beside their origins read and split as an array of sourced rows", arguments: 0..<5)
    func sourcedRows(_ seed: Int) {
        var mix = Mix(state: UInt64(seed) &+ 11)
        var rows = SourcedRows<Double>()
        var array: [Sourced<Double>] = []
        for k in 0..<Int.random(in: 0...50, using: &mix) {
            let row = Sourced(Double.random(in: -1...1, using: &mix), origin: Self.origin(k))
            rows.append(row)
            array.append(row)
        }
        #expect(rows.count == array.count)
        #expect(rows.map(\.row) == array.map(\.row))
        #expect(rows.map(\.origin.line) == array.map(\.origin.line))
        let (values, origins) = rows.split()
        #expect(values == array.map(\.row))
        #expect(origins.map(\.source) == array.map(\.origin.source))
        let literal: SourcedRows<Double> = [Sourced(1, origin: Self.origin(0))]
        #expect(literal.rows == [1])
    }

    @Test("base tariff rows in route order or not: the first row of each route, as a dictionary keeps it", arguments: 0..<20)
    func baseTariffRows(_ seed: Int) {
        var mix = Mix(state: UInt64(seed) &+ 101)
        let regions = 4, products = 3
        var routes: [Route] = []
        for p in 0..<products {
            for i in 0..<regions {
                for e in 0..<regions where e != i && Bool.random(using: &mix) {
                    routes.append(Route(ProductIndex(p), from: RegionIndex(e), to: RegionIndex(i)))
                }
            }
        }
        routes.sort()
        // Seeds 0–4 keep route order; the others repeat some routes and shuffle.
        if seed >= 5 {
            routes += routes.filter { _ in Int.random(in: 0..<4, using: &mix) == 0 }
            routes.shuffle(using: &mix)
        }
        var base = Provenance.BaseRows()
        var reference: [Route: Int] = [:]
        for (row, route) in routes.enumerated() {
            base.record(.tariff(route), row: row, nodes: regions * products, products: products)
            if reference[route] == nil { reference[route] = row }
        }
        for p in 0..<products {
            for i in 0..<regions {
                for e in 0..<regions where e != i {
                    let route = Route(ProductIndex(p), from: RegionIndex(e), to: RegionIndex(i))
                    #expect(base.row(setting: .tariff(route))?.row == reference[route], "seed \(seed), \(route)")
                }
            }
        }
    }
}
