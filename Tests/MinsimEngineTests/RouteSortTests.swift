import Foundation
import Testing

@testable import MinsimEngine

/// `Calibration.sortByRoute` (a counting pass by market, then the exporters of each market)
/// gives the order of a comparison sort by route.
@Suite("Calibration: routes sorted by market")
struct RouteSortTests {
    @Test("distinct routes in any order come out as a comparison sort orders them", arguments: [0, 5, 64, 65, 3000])
    func sortedLikeComparisonSort(count: Int) {
        let regions = 40, products = 7
        let network = Network(
            regions: (0..<regions).map { Region(code: "R\($0)") },
            products: (0..<products).map { Product(name: "p\($0)", stage: "s\($0 % 3)", unit: "t", elasticity: 1) },
            recipes: [:])
        // Distinct routes (as the keys of a dictionary are), drawn from a fixed generator and
        // then shuffled by it: a route per (product, importer, exporter) step of a stride
        // coprime to the number of routes, so no route repeats.
        let all = products * regions * regions
        var state: UInt64 = 7
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        let stride = 7_919, offset = next() % all
        var traded: [(route: Route, quantity: Double)] = (0..<count).map { k in
            let i = (offset + k * stride) % all
            let q = i / (regions * regions), s = (i / regions) % regions, r = i % regions
            return (Route(ProductIndex(q), from: RegionIndex(s), to: RegionIndex(r)), Double(i))
        }
        for k in traded.indices.reversed() where k > 0 { traded.swapAt(k, next() % (k + 1)) }
        var sorted = traded
        Calibration.sortByRoute(&sorted, network: network)
        let expected = traded.sorted { $0.route < $1.route }
        #expect(sorted.map(\.route) == expected.map(\.route))
        #expect(sorted.map(\.quantity) == expected.map(\.quantity))
    }
}
