import Foundation
import MinsimEngine
import Testing

@testable import MinsimScenario

/// The loader's index-space helpers give the same answers as the dictionaries and sets they
/// replace, and the byte-level CSV path reads exactly what the `String` path reads.
@Suite("Loader indexes and the byte-level CSV path")
struct LoaderIndexTests {
    @Test("an ASCII file parsed from its bytes gives the records and problems of the String path")
    func asciiPathMatchesStringPath() throws {
        // Quoted fields with commas, quotes and line breaks, CRLF, a blank line, a comment line,
        // a stray quote and an unterminated quote at the end: every branch of the parser.
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\n# note\n1,2\"3,4\n5,,6\n7,8,\"open"
        let data = Data(text.utf8)
        var fromBytes: [CSVReader.Record] = []
        let bytesProblems = try #require(CSVReader.parseIfASCII(data, path: "t.csv") { fromBytes.append($0) })
        let (fromString, stringProblems) = CSVReader.parse(text, path: "t.csv")
        #expect(fromBytes.map(\.line) == fromString.map(\.line))
        #expect(fromBytes.map { $0.fields.map(\.text) } == fromString.map { $0.fields.map(\.text) })
        #expect(fromBytes.map { $0.fields.map(\.column) } == fromString.map { $0.fields.map(\.column) })
        #expect(bytesProblems.map(\.description) == stringProblems.map(\.description))
        #expect(!bytesProblems.isEmpty)
    }

    @Test("a file with any non-ASCII byte (UTF-8 text, a byte-order mark) is left to the String path")
    func nonASCIIIsDeclined() {
        for text in ["a,b\n1,Qualität\n", "\u{FEFF}a,b\n1,2\n"] {
            #expect(CSVReader.parseIfASCII(Data(text.utf8), path: "t.csv") { _ in } == nil, "\(text)")
        }
        // The high bit in the last, partial word is found too (17 bytes: two words and one byte).
        #expect(CSVReader.parseIfASCII(Data([UInt8](repeating: 0x61, count: 16) + [0xC3]), path: "t.csv") { _ in } == nil)
    }

    @Test("route duplicate checks find the first row whether or not the rows are in route order")
    func firstRouteRows() {
        let a = Route(ProductIndex(0), from: RegionIndex(1), to: RegionIndex(0))
        let b = Route(ProductIndex(0), from: RegionIndex(0), to: RegionIndex(1))
        let c = Route(ProductIndex(1), from: RegionIndex(0), to: RegionIndex(0))
        #expect(a < b && b < c)
        // In order, then a repeat of the middle one, then a repeat of the last one.
        var seen = ScenarioBuilder.FirstKeyRows<Route>(rows: 6)
        var found: [Int?] = []
        for (row, route) in [a, b, c, b, c, a].enumerated() {
            let first = seen.firstRow(of: route)
            found.append(first)
            if first == nil { seen.insert(route, row: row) }
        }
        #expect(found == [nil, nil, nil, 1, 2, 0])
        // A repeat straight after the first row (not after a larger route).
        var adjacent = ScenarioBuilder.FirstKeyRows<Route>(rows: 6)
        #expect(adjacent.firstRow(of: a) == nil)
        adjacent.insert(a, row: 0)
        #expect(adjacent.firstRow(of: a) == 0)
        // Recipe keys, ordered by region (−1: the default recipe), product and input.
        let keys = [(-1, 2, 0), (0, 1, 3), (0, 2, 0), (0, 2, 1), (1, 0, 0), (0, 2, 0), (-1, 2, 0)].map {
            ScenarioBuilder.RecipeKey(region: $0.0, product: $0.1, input: $0.2)
        }
        var recipes = ScenarioBuilder.FirstKeyRows<ScenarioBuilder.RecipeKey>(rows: keys.count)
        var firsts: [Int?] = []
        for (row, key) in keys.enumerated() {
            let first = recipes.firstRow(of: key)
            firsts.append(first)
            if first == nil { recipes.insert(key, row: row) }
        }
        #expect(firsts == [nil, nil, nil, nil, nil, 2, 0])
    }

    @Test("a node set answers as Set<Node> does, and nothing outside the network is a member")
    func nodeSet() {
        let regions = 3, products = 5
        let members = [
            Node(RegionIndex(0), ProductIndex(0)), Node(RegionIndex(2), ProductIndex(4)), Node(RegionIndex(1), ProductIndex(3)),
        ]
        let set = NodeSet(members, regions: regions, products: products)
        for r in 0..<regions {
            for p in 0..<products {
                let node = Node(RegionIndex(r), ProductIndex(p))
                #expect(set.contains(node) == members.contains(node), "\(node)")
            }
        }
        #expect(!set.contains(Node(RegionIndex(3), ProductIndex(0))))
        #expect(!set.contains(Node(RegionIndex(0), ProductIndex(5))))
        #expect(!set.contains(Node(RegionIndex(-1), ProductIndex(0))))
        #expect(!NodeSet().contains(Node(RegionIndex(0), ProductIndex(0))))
    }
}
