/// The `uncertainty` section in the JSON Schema (docs/uncertainty.md).
extension ScenarioSchema {
    static func addUncertainty(properties: inout [String: JSONValue], defs: inout [String: JSONValue]) {
        let distributionFields = Dictionary(uniqueKeysWithValues: ScenarioFormat.distributionKeys.map { ($0.name, $0) })
        let numberList: JSONValue = .object([
            "type": .string("array"), "minItems": .int(1), "items": .object(["type": .string("number")]),
        ])
        let distributions: [JSONValue] = ScenarioFormat.distributionParameters.map { spec in
            var p: [String: JSONValue] = ["type": .object(["const": .string(spec.type)])]
            for key in spec.required + spec.optional {
                if key == "values" || key == "weights" {
                    p[key] = numberList
                } else if let field = distributionFields[key] {
                    p[key] = property(field)
                }
            }
            return .object([
                "type": .string("object"), "additionalProperties": .bool(false),
                "required": .array(([String]() + ["type"] + spec.required).map { .string($0) }),
                "properties": .object(p),
            ])
        }
        var entry: [String: JSONValue] = [:]
        for field in ScenarioFormat.uncertaintyKeys { entry[field.name] = property(field) }
        entry["changes"] = .object([
            "enum": .array(ScenarioFormat.UncertaintyKind.allCases.map { .string($0.rawValue) }),
            "description": .string(ScenarioFormat.uncertaintyKeys[1].description),
        ])
        entry["product"] = .object([
            "type": .array([.string("string"), .string("null")]),
            "description": .string(ScenarioFormat.uncertaintyKeys[3].description),
        ])
        entry["source"] = .object([
            "type": .string("string"), "minLength": .int(1),
            "description": .string(ScenarioFormat.uncertaintyKeys[10].description),
        ])
        entry["distribution"] = .object([
            "oneOf": .array(distributions), "description": .string("distribution of the sampled value"),
        ])
        defs["uncertainInput"] = .object([
            "type": .string("object"), "additionalProperties": .bool(false),
            "required": .array(ScenarioFormat.uncertaintyKeys.filter(\.required).map { .string($0.name) }),
            "properties": .object(entry),
            "description": .string("an uncertain input: what it changes, its distribution and its source"),
        ])
        properties["uncertainty"] = .object([
            "type": .string("array"), "items": ref("uncertainInput"),
            "description": .string(
                "uncertain inputs sampled by `minsim ensemble` (ignored by `minsim run`; docs/uncertainty.md)"),
        ])
    }
}
