import Foundation
import Testing
import Yams

@testable import MinsimScenario

/// `YAMLFile.compose` (Yams with the rule-less resolver where that gives the same answer)
/// against `Yams.compose(yaml:)` with its default resolver: the same tree — every scalar's
/// text, style and position, every map's pairs in order, every list — or the same error.
@Suite struct YAMLComposeTests {
    typealias Mix = RandomInputTests.SplitMix64

    /// The tree as the loader reads it (texts, styles, positions; no tags), or the error.
    static func describe(_ text: String, _ compose: (String) throws -> Yams.Node?) -> String {
        func render(_ node: Yams.Node, _ out: inout String) {
            let at = node.mark.map { "@\($0.line):\($0.column)" } ?? "@-"
            switch node {
            case .scalar(let s): out += "S\(at)[\(s.style.rawValue)]\(s.string.debugDescription) "
            case .mapping(let m):
                out += "M\(at){ "
                for (k, v) in m {
                    render(k, &out)
                    out += ": "
                    render(v, &out)
                    out += ", "
                }
                out += "} "
            case .sequence(let q):
                out += "Q\(at)[ "
                for v in q { render(v, &out) }
                out += "] "
            case .alias: out += "A\(at) "
            }
        }
        do {
            guard let root = try compose(text) else { return "empty" }
            var out = ""
            render(root, &out)
            return out
        } catch {
            return "error: \(error)"
        }
    }

    static func check(_ text: String, _ label: String) {
        let fast = describe(text) { try YAMLFile.compose($0) }
        let reference = describe(text) { try Yams.compose(yaml: $0) }
        #expect(fast == reference, "\(label):\n\(text)")
    }

    /// Keys told apart only by their tags, merge keys, nulls, aliases, explicit tags, syntax
    /// errors: every case where the resolvers could differ.
    static let cases: [String] = [
        "1: a\n\"1\": b\n",  // int and str keys: not repeated for Yams
        "1: a\n1: b\n",  // repeated
        "'1': a\n\"1\": b\n",  // both str: repeated
        "yes: a\n'yes': b\n", "null: a\n'null': b\n", "~: a\n'~': b\n", "2024-01-01: a\n'2024-01-01': b\n",
        "1.5: a\n'1.5': b\n", "0x1F: a\n'0x1F': b\n", ".inf: a\n'.inf': b\n", "=: a\n'=': b\n",
        "<<: {a: 1}\n'<<': b\n", "base: &b {x: 1}\nderived: {<<: *b, y: 2}\n",
        "!!int 1: a\n1: b\n",  // the same int key, one tagged: repeated for Yams
        "!!str 1: a\n1: b\n", "!!str 1: a\n'1': b\n", "!!int 1: a\n'1': b\n",
        "!custom a: 1\na: 2\n", "%TAG !e! tag:example.com,2000:\n---\n!e!x a: 1\na: 2\n",
        "a: !!float 1\nb: 2\n", "text: 'it''s ! here'\nkey: 1\nkey: 2\n",
        "? [1, 2]\n: a\n? [1, 2]\n: b\n", "? [1, 2]\n: a\n? ['1', 2]\n: b\n", "? {a: 1}\n: x\n? {a: '1'}\n: y\n",
        "a: &x 1\nb: *x\n*x : c\n", "a: *missing\n", "a: [1, 2\n", "a: b: c\n", "- a\nb: c\n", "",
        "# only a comment\n", "---\na: 1\n---\nb: 2\n", "a: 1\n\ta: 2\n", "key: value\nkey: other\n",
        "a:\n  - {code: R1, code: R2}\n", "a:\n  - {code: R1}\n  - {code: R1}\n", "\"\u{00e9}\": 1\n\u{00e9}: 2\n",
        "a: 1\n'a': 2\n", "true: 1\nTrue: 2\n", "on: 1\n'on': 2\n", "?\n: a\n? ''\n: b\n", ": a\n",
    ]

    @Test("hand-written cases: the same tree or error as Yams's default resolver")
    func handWritten() {
        for (i, text) in Self.cases.enumerated() { Self.check(text, "case \(i)") }
    }

    /// Every scenario file shipped or used by the tests, as it is and with random edits of
    /// the kinds that touch tags and repeated keys, seeded (the seed is in the label).
    @Test("scenario files and random edits of them: the same tree or error", arguments: 0..<8)
    func files(_ seed: Int) {
        let folders = [
            TestSupport.repositoryRoot.appendingPathComponent("Scenarios"), TestSupport.fixtures,
        ]
        var paths: [String] = []
        for folder in folders {
            let walker = FileManager.default.enumerator(atPath: folder.path)
            while let name = walker?.nextObject() as? String {
                if name.hasSuffix(".yaml") { paths.append(folder.appendingPathComponent(name).path) }
            }
        }
        paths.sort()
        #expect(paths.count > 50)
        var mix = Mix(state: UInt64(seed))
        let edits = [
            "1", "'1'", "!!int 1", "!!str a", "yes", "'yes'", "~", "<<", "null", "'name'", "name", "2024",
            "\"2024\"", "1.0", "!x y", "&a k", "*a",
        ]
        for path in paths {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }  // not UTF-8: never composed
            if seed == 0 { Self.check(text, path) }
            var lines = text.components(separatedBy: "\n")
            guard lines.count > 1 else { continue }
            for _ in 0..<Int.random(in: 1...3, using: &mix) {
                let i = Int.random(in: 0..<lines.count, using: &mix)
                switch Int.random(in: 0..<4, using: &mix) {
                case 0: lines.insert(lines[i], at: i)  // a repeated key (or row)
                case 1:  // a key replaced by one that resolves to another tag, quoted or tagged
                    if let colon = lines[i].firstIndex(of: ":") {
                        let indent = lines[i].prefix { $0 == " " || $0 == "-" }
                        lines[i] = String(indent) + edits.randomElement(using: &mix)! + String(lines[i][colon...])
                    }
                case 2:  // a key of the line above, with another spelling of the same text
                    if let colon = lines[i].firstIndex(of: ":"), i > 0 {
                        let key = lines[i][..<colon].trimmingCharacters(in: .whitespaces)
                        let indent = lines[i].prefix { $0 == " " }
                        lines.insert(String(indent) + "'\(key)'" + String(lines[i][colon...]), at: i)
                    }
                default:  // a value replaced
                    if let colon = lines[i].firstIndex(of: ":") {
                        lines[i] = String(lines[i][...colon]) + " " + edits.randomElement(using: &mix)!
                    }
                }
            }
            Self.check(lines.joined(separator: "\n"), "\(path) seed \(seed)")
        }
    }
}
