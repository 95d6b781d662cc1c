import Foundation
import Testing

@testable import MinsimScenario

@Suite("JSON Schema and format documentation")
struct SchemaTests {
    static func schema() throws -> [String: Any] {
        let text = ScenarioSchema.json().rendered()
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("the schema is valid JSON, closed, and lists every top-level key")
    func topLevel() throws {
        let schema = try Self.schema()
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(schema["additionalProperties"] as? Bool == false)
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(ScenarioFormat.topLevelKeys))
        let otherwise = try #require(schema["else"] as? [String: Any])
        #expect(Set(otherwise["required"] as? [String] ?? []) == Set(ScenarioFormat.requiredTopLevelKeys))
        #expect(((schema["if"] as? [String: Any])?["required"] as? [String]) == ["extends"])
        let defs = try #require(schema["$defs"] as? [String: Any])
        for table in ScenarioFormat.tables {
            let row = try #require(defs["\(table.key)Row"] as? [String: Any])
            #expect(row["additionalProperties"] as? Bool == false)
            #expect(Set((row["properties"] as? [String: Any])?.keys.map { $0 } ?? []) == Set(table.columnNames))
            let property = try #require(properties[table.key] as? [String: Any])
            // Rows inline, {file: …}, or {merge: rows | {file: …}} (docs/scenario-format.md "extends").
            let forms = try #require(property["oneOf"] as? [[String: Any]])
            #expect(forms.count == 3)
            let merge = try #require(forms.last)
            #expect(merge["required"] as? [String] == ["merge"])
            #expect(((merge["properties"] as? [String: Any])?["merge"] as? [String: Any])?["oneOf"] != nil)
        }
    }

    @Test("every top-level key documented in docs/scenario-format.md is in the schema")
    func documentedKeysInSchema() throws {
        let doc = try String(
            contentsOf: TestSupport.repositoryRoot.appendingPathComponent("docs/scenario-format.md"), encoding: .utf8)
        let section =
            doc.components(separatedBy: "## Top-level keys").dropFirst().first?.components(separatedBy: "\n## ").first?
            .components(separatedBy: "\n### ").first ?? ""
        let documented = section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `") else { return nil }
            return line.dropFirst(3).split(separator: "`").first.map(String.init)
        }
        #expect(documented.count >= 15)
        let properties = try #require(try Self.schema()["properties"] as? [String: Any])
        for key in documented { #expect(properties[key] != nil, "documented key \(key) is missing from the schema") }
        #expect(Set(documented) == Set(ScenarioFormat.topLevelKeys))
    }

    @Test("docs/scenario-format.md documents every key and column the loader accepts")
    func documentation() throws {
        let doc = try String(
            contentsOf: TestSupport.repositoryRoot.appendingPathComponent("docs/scenario-format.md"), encoding: .utf8)
        for key in ScenarioFormat.topLevelKeys {
            #expect(doc.contains("| `\(key)` |"), "top-level key \(key) is not in the key table")
        }
        for table in ScenarioFormat.tables {
            for column in table.columnNames {
                #expect(doc.contains("`\(column)`"), "column \(column) of \(table.key) is undocumented")
            }
        }
        for field in ScenarioFormat.regionKeys + ScenarioFormat.productKeys { #expect(doc.contains("`\(field.name)`")) }
    }

    @Test("docs/outputs.md documents every output column")
    func outputDocumentation() throws {
        let doc = try String(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("docs/outputs.md"), encoding: .utf8)
        let columns =
            OutputTables.nodeColumns + OutputTables.flowColumns + OutputTables.marketColumns + OutputTables.stockColumns
            + OutputTables.mineralColumns
            + OutputTables.cohortColumns + ["recovered_<mineral>_t"]
        for column in columns {
            #expect(doc.contains("| `\(column)` |"), "\(column)")
        }
    }

    @Test("docs/scenario-format-years.md documents every yearly table column and map key")
    func yearDocumentation() throws {
        let doc = try String(
            contentsOf: TestSupport.repositoryRoot.appendingPathComponent("docs/scenario-format-years.md"), encoding: .utf8)
        for spec in ScenarioFormat.pathTables {
            #expect(doc.contains("| `\(spec.key)` |"), "path table \(spec.key)")
            for column in spec.columnNames { #expect(doc.contains("`\(column)`"), "\(spec.key).\(column)") }
        }
        let fields =
            ScenarioFormat.capacityProjects.columns + ScenarioFormat.chemistries.columns + ScenarioFormat.initialStock.columns
            + ScenarioFormat.expansionKeys
            + ScenarioFormat.fleetKeys + ScenarioFormat.mineralKeys
            + ScenarioFormat.lifetimeDistributions.flatMap(\.parameters)
        for field in fields { #expect(doc.contains("`\(field.name)`"), "\(field.name)") }
        for spec in ScenarioFormat.shockTables {
            #expect(doc.contains("| `\(spec.key)` |"), "shock table \(spec.key)")
            for column in spec.columnNames { #expect(doc.contains("`\(column)`"), "shocks.\(spec.key).\(column)") }
        }
        let shocks = try #require((try Self.schema()["properties"] as? [String: Any])?["shocks"] as? [String: Any])
        #expect(
            Set((shocks["properties"] as? [String: Any])?.keys.map { $0 } ?? []) == Set(ScenarioFormat.shockTables.map(\.key)))
        for key in ["horizon", "price_ceiling_multiple", "extends"] + ScenarioFormat.yearKeys {
            #expect(doc.contains("`\(key)`"), "\(key)")
        }
    }
}
