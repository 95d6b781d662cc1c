/// A JSON Schema (draft 2020-12) of the scenario format, for editors and other tools.
///
/// Generated from `ScenarioFormat`, the same description the loader checks against, so the
/// schema lists exactly the keys the loader accepts. Cross-references (a region code that must
/// be defined under `regions`) cannot be expressed in JSON Schema and are checked by
/// `minsim validate` only.
public enum ScenarioSchema {
    public static func json() -> JSONValue {
        var defs: [String: JSONValue] = [
            "fileReference": .object([
                "type": .string("object"),
                "description": .string(
                    "a table kept in a CSV file with the same column names, path relative to the scenario file"),
                "additionalProperties": .bool(false),
                "required": .array([.string("file")]),
                "properties": .object([
                    "file": .object([
                        "type": .string("string"), "minLength": .int(1),
                        "description": .string(ScenarioFormat.fileReferenceKeys[0].description),
                    ])
                ]),
            ]),
            "region": object(ScenarioFormat.regionKeys, description: "a region"),
            "product": object(ScenarioFormat.productKeys, description: "a product"),
        ]
        var properties: [String: JSONValue] = [:]
        for field in ScenarioFormat.scalarKeys { properties[field.name] = property(field) }
        properties["format_version"] = .object([
            "type": .string("integer"), "const": .int(ToolVersion.scenarioFormat),
            "default": .int(ToolVersion.scenarioFormat),
            "description": .string("version of this format"),
        ])
        properties["base_year"] = .object([
            "type": .string("integer"), "minimum": .int(1), "maximum": .int(9999), "default": .int(2024),
            "description": .string("year of the observed base data (calibration year)"),
        ])
        properties["currency"] = .object([
            "type": .string("string"), "default": .string("USD"),
            "description": .string("currency of all prices"),
        ])
        properties["regions"] = .object([
            "type": .string("array"), "minItems": .int(1), "items": ref("region"),
            "description": .string("regions, in output order"),
        ])
        properties["products"] = .object([
            "type": .string("array"), "minItems": .int(1), "items": ref("product"),
            "description": .string("products, each with a stage, a unit and an Armington elasticity"),
        ])
        properties["stages"] = .object([
            "type": .string("array"), "uniqueItems": .bool(true), "items": .object(["type": .string("string")]),
            "description": .string("stage order, upstream first (default: order of first appearance in products)"),
        ])
        for table in ScenarioFormat.tables {
            let rowName = "\(table.key)Row"
            defs[rowName] = object(table.columns, description: "one row of \(table.key)")
            properties[table.key] = .object([
                "description": .string(table.description + "; an inline list of rows or {file: path.csv}"),
                "oneOf": .array([
                    .object(["type": .string("array"), "items": ref(rowName)]),
                    ref("fileReference"),
                ]),
            ])
        }
        return .object([
            "$schema": .string("https://json-schema.org/draft/2020-12/schema"),
            "$id": .string("https://minsim.invalid/schema/scenario-format-\(ToolVersion.scenarioFormat).json"),
            "title": .string("minsim scenario (format version \(ToolVersion.scenarioFormat))"),
            "description": .string("A critical-minerals supply-chain scenario; see docs/scenario-format.md."),
            "type": .string("object"),
            "additionalProperties": .bool(false),
            "required": .array(ScenarioFormat.requiredTopLevelKeys.map(JSONValue.string)),
            "properties": .object(properties),
            "$defs": .object(defs),
        ])
    }

    private static func ref(_ name: String) -> JSONValue { .object(["$ref": .string("#/$defs/\(name)")]) }

    private static func object(_ fields: [ScenarioFormat.Field], description: String) -> JSONValue {
        var properties: [String: JSONValue] = [:]
        for field in fields { properties[field.name] = property(field) }
        return .object([
            "type": .string("object"),
            "description": .string(description),
            "additionalProperties": .bool(false),
            "required": .array(fields.filter(\.required).map { .string($0.name) }),
            "properties": .object(properties),
        ])
    }

    private static func property(_ field: ScenarioFormat.Field) -> JSONValue {
        var p: [String: JSONValue] = ["description": .string(field.description)]
        switch field.type {
        case .string, .region, .product, .stage:
            p["type"] = .string("string")
        case .regionOrDefault:
            p["type"] = .array([.string("string"), .string("null")])
        case .integer:
            p["type"] = .string("integer")
        case .number:
            p["type"] = .string("number")
            if let lo = field.minimum { p[field.exclusiveMinimum ? "exclusiveMinimum" : "minimum"] = .number(lo) }
            if let hi = field.exclusiveMaximum { p["exclusiveMaximum"] = .number(hi) }
        }
        if field.name == "source" { p["type"] = .array([.string("string"), .string("null")]) }
        return .object(p)
    }
}
