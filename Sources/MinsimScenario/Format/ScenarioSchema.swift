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
            properties[table.key] = tableSchema(table, "\(table.key)Row", mergeable: true, defs: &defs)
        }
        addYearKeys(properties: &properties, defs: &defs)
        addUncertainty(properties: &properties, defs: &defs)
        return .object([
            "$schema": .string("https://json-schema.org/draft/2020-12/schema"),
            "$id": .string("https://minsim.invalid/schema/scenario-format-\(ToolVersion.scenarioFormat).json"),
            "title": .string("minsim scenario (format version \(ToolVersion.scenarioFormat))"),
            "description": .string("A critical-minerals supply-chain scenario; see docs/scenario-format.md."),
            "type": .string("object"),
            "additionalProperties": .bool(false),
            // A scenario that `extends` another may leave any key to its parent.
            "if": .object(["required": .array([.string("extends")])]),
            "then": .object([:]),
            "else": .object(["required": .array(ScenarioFormat.requiredTopLevelKeys.map(JSONValue.string))]),
            "properties": .object(properties),
            "$defs": .object(defs),
        ])
    }

    /// A table: rows inline or `{file: …}`; a mergeable one may also be `{merge: rows | {file: …}}`
    /// (rows laid over the parent's table, docs/scenario-format.md "extends").
    private static func tableSchema(
        _ spec: ScenarioFormat.TableSpec, _ rowName: String, mergeable: Bool, defs: inout [String: JSONValue]
    ) -> JSONValue {
        defs[rowName] = object(spec.columns, description: "one row of \(spec.key)")
        let rows: [JSONValue] = [.object(["type": .string("array"), "items": ref(rowName)]), ref("fileReference")]
        let merge: JSONValue = .object([
            "type": .string("object"), "additionalProperties": .bool(false), "required": .array([.string("merge")]),
            "properties": .object(["merge": .object(["oneOf": .array(rows)])]),
        ])
        return .object([
            "description": .string(
                spec.description + "; an inline list of rows or {file: path.csv}"
                    + (mergeable ? ", or {merge: …} to add rows to the parent's table" : "")),
            "oneOf": .array(mergeable ? rows + [merge] : rows),
        ])
    }

    /// The yearly keys (docs/scenario-format-years.md).
    private static func addYearKeys(properties: inout [String: JSONValue], defs: inout [String: JSONValue]) {
        func table(_ spec: ScenarioFormat.TableSpec, _ rowName: String, mergeable: Bool = true) -> JSONValue {
            tableSchema(spec, rowName, mergeable: mergeable, defs: &defs)
        }
        var pathTables: [String: JSONValue] = [:]
        for spec in ScenarioFormat.pathTables { pathTables[spec.key] = table(spec, "path_\(spec.key)Row") }
        properties["paths"] = .object([
            "type": .string("object"), "additionalProperties": .bool(false), "properties": .object(pathTables),
            "description": .string("parameters that change by year, interpolated linearly and held flat outside the given years"),
        ])
        var shockTables: [String: JSONValue] = [:]
        for spec in ScenarioFormat.shockTables { shockTables[spec.key] = table(spec, "shock_\(spec.key)Row", mergeable: false) }
        properties["shocks"] = .object([
            "type": .string("object"), "additionalProperties": .bool(false), "properties": .object(shockTables),
            "description": .string(
                "dated policy shocks: tariff measures, export controls, demand shocks and route preferences (docs/scenario-format-years.md)"
            ),
        ])
        properties["chemistries"] = table(ScenarioFormat.chemistries, "chemistriesRow")
        properties["capacity_projects"] = table(ScenarioFormat.capacityProjects, "capacity_projectsRow")
        var expansion: [String: JSONValue] = [:]
        for field in ScenarioFormat.expansionKeys { expansion[field.name] = property(field) }
        expansion["lead_time_years"] = .object([
            "type": .string("object"), "additionalProperties": .object(["type": .string("integer"), "minimum": .int(1)]),
            "description": .string(ScenarioFormat.expansionKeys[0].description),
        ])
        properties["expansion"] = .object([
            "type": .string("object"), "additionalProperties": .bool(false), "required": .array([.string("lead_time_years")]),
            "properties": .object(expansion),
            "description": .string("endogenous capacity expansion when scarcity rents persist"),
        ])
        let lifetimes: [JSONValue] = ScenarioFormat.lifetimeDistributions.map { d in
            var p: [String: JSONValue] = ["distribution": .object(["const": .string(d.name)])]
            for field in d.parameters { p[field.name] = property(field) }
            p["source"] = property(ScenarioFormat.source)
            return .object([
                "type": .string("object"), "additionalProperties": .bool(false),
                "required": .array([.string("distribution")] + d.parameters.map { .string($0.name) }),
                "properties": .object(p),
            ])
        }
        properties["fleet"] = .object([
            "type": .string("object"), "additionalProperties": .bool(false),
            "required": .array([.string("product"), .string("lifetime")]),
            "properties": .object([
                "product": property(ScenarioFormat.fleetKeys[0]),
                "lifetime": .object(["oneOf": .array(lifetimes), "description": .string("lifetime distribution of vehicles")]),
                "initial_stock": table(ScenarioFormat.initialStock, "initial_stockRow"),
                "source": property(ScenarioFormat.source),
            ]),
            "description": .string("EV fleet stock and retirements (dynamic stock model)"),
        ])
        defs["mineral"] = object(ScenarioFormat.mineralKeys, description: "a mineral chain")
        properties["minerals"] = .object([
            "type": .string("array"), "items": ref("mineral"),
            "description": .string("mineral chains: indicators and recycling"),
        ])
    }

    static func ref(_ name: String) -> JSONValue { .object(["$ref": .string("#/$defs/\(name)")]) }

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

    static func property(_ field: ScenarioFormat.Field) -> JSONValue {
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
            if let hi = field.maximum { p["maximum"] = .number(hi) }
        }
        if field.name == "source" { p["type"] = .array([.string("string"), .string("null")]) }
        return .object(p)
    }
}
