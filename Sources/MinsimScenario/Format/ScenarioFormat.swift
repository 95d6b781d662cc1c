/// The scenario format as data: every key and column with its type, whether it is required,
/// and what it means.
///
/// One description serves the loader (unknown and missing keys), `minsim schema` (the JSON
/// Schema) and the tests that check docs/scenario-format.md, so the three cannot drift apart.
public enum ScenarioFormat {
    /// The type of a value, as the loader checks it and the schema declares it.
    public enum ValueType: String, Sendable {
        case string
        case integer
        case number
        /// A region code from `regions`.
        case region
        /// A region code, or blank / `*` for "every region" (recipe defaults).
        case regionOrDefault
        /// A product name from `products`.
        case product
        /// A stage name (free text unless `stages` is given).
        case stage
    }

    /// A key of a map, or a column of a table.
    public struct Field: Sendable {
        public let name: String
        public let type: ValueType
        public let required: Bool
        /// Smallest allowed value for numbers, and whether it is excluded.
        public let minimum: Double?
        public let exclusiveMinimum: Bool
        /// Largest allowed value for numbers (always excluded; used for opened-route shares).
        public let exclusiveMaximum: Double?
        /// Largest allowed value for numbers, included (rates in [0, 1], elasticities ≤ 0).
        public let maximum: Double?
        public let description: String

        init(
            _ name: String, _ type: ValueType, required: Bool = true, minimum: Double? = nil,
            exclusiveMinimum: Bool = false, exclusiveMaximum: Double? = nil, maximum: Double? = nil,
            _ description: String
        ) {
            self.name = name
            self.type = type
            self.required = required
            self.minimum = minimum
            self.exclusiveMinimum = exclusiveMinimum
            self.exclusiveMaximum = exclusiveMaximum
            self.maximum = maximum
            self.description = description
        }
    }

    /// A table: inline list of row maps, or `{file: path.csv}`.
    public struct TableSpec: Sendable {
        public let key: String
        public let required: Bool
        public let columns: [Field]
        public let description: String

        public var columnNames: [String] { columns.map(\.name) }
        /// The key of a row when rows are merged over an inherited table: the text of every
        /// column that is not a number or `source` (region and product; exporter and importer;
        /// input; year). Nil for `capacity_projects`, whose rows always add up: two plants may
        /// come online at one node in one year.
        var mergeKey: ((Table.Row) -> [String])? {
            guard key != "capacity_projects" else { return nil }
            let keyColumns = columns.filter { $0.type != .number && $0.name != "source" }
            return { row in
                keyColumns.map { column in
                    guard case .scalar(let text, _)? = row.cells[column.name]?.value else {
                        return column.type == .regionOrDefault ? "*" : ""
                    }
                    return column.type == .regionOrDefault && text.isEmpty ? "*" : text
                }
            }
        }
    }

    static let source = Field(
        "source", .string, required: false,
        "where the number comes from; `assumption: <reasoning>` for assumptions")

    /// Keys of each entry of `regions`.
    public static let regionKeys: [Field] = [
        Field("code", .string, "unique region code, e.g. CA"),
        Field("name", .string, required: false, "display name (defaults to the code)"),
        source,
    ]

    /// Keys of each entry of `products`.
    public static let productKeys: [Field] = [
        Field("name", .string, "unique product identifier, e.g. ni_refined"),
        Field("stage", .stage, "stage name, e.g. mining, refining, battery, ev"),
        Field("unit", .string, "unit of quantity, e.g. t, GWh, vehicle"),
        Field("elasticity", .number, minimum: 0, "Armington substitution elasticity σ ≥ 0 between suppliers (0 = fixed shares)"),
        Field(
            "demand_elasticity", .number, required: false, maximum: 0,
            "price elasticity ε ≤ 0 of final demand, D = D_ref·(P̄/P̄₀)^ε (default 0: no price response)"),
        Field("mineral", .string, required: false, "the mineral the product carries, e.g. nickel for ni_ore and ni_refined"),
        Field(
            "choke_price_multiple", .number, required: false, minimum: 1,
            "choke price B = multiple × base delivered price of each market of the product: buyers give up rather than pay more, and only there is demand left unmet (default: the scenario's price_ceiling_multiple)"
        ),
        source,
    ]

    /// Keys of `{file: …}` table references.
    public static let fileReferenceKeys: [Field] = [
        Field("file", .string, "path of a CSV file, relative to the scenario file")
    ]

    public static let recipes = TableSpec(
        key: "recipes", required: true,
        columns: [
            Field(
                "region", .regionOrDefault, required: false,
                "region whose recipe this row sets; blank or * = default for every region"),
            Field("product", .product, "the product made"),
            Field("input", .product, "the product used as input"),
            Field("quantity_per_unit", .number, minimum: 0, "units of input per unit of output"),
            source,
        ], description: "inputs per unit of output; region rows replace the product's default recipe in that region")

    public static let finalDemand = TableSpec(
        key: "final_demand", required: true,
        columns: [
            Field("region", .region, "consuming region"),
            Field("product", .product, "product consumed"),
            Field("quantity", .number, minimum: 0, "final demand in the product's unit"),
            source,
        ], description: "final demand by region and product")

    public static let baseTrade = TableSpec(
        key: "base_trade", required: true,
        columns: [
            Field("product", .product, "product traded"),
            Field("exporter", .region, "supplying region"),
            Field("importer", .region, "using region (= exporter for domestic supply)"),
            Field("quantity", .number, minimum: 0, "base-year quantity in the product's unit"),
            source,
        ], description: "observed base-year sourcing, domestic supply included (exporter = importer)")

    public static let basePrices = TableSpec(
        key: "base_prices", required: true,
        columns: [
            Field("region", .region, "producing region"),
            Field("product", .product, "product"),
            Field(
                "price_usd_per_unit", .number, minimum: 0, exclusiveMinimum: true,
                "observed base-year producer price, currency per unit of product, > 0"),
            source,
        ], description: "observed base-year producer prices")

    public static let capacities = TableSpec(
        key: "capacities", required: false,
        columns: [
            Field("region", .region, "producing region"),
            Field("product", .product, "product"),
            Field("capacity", .number, minimum: 0, "production capacity per year in the product's unit"),
            source,
        ], description: "production capacity per node; nodes without a row have no limit")

    public static let tariffs = TableSpec(
        key: "tariffs", required: false,
        columns: [
            Field("product", .product, "product"),
            Field("importer", .region, "region levying the tariff"),
            Field("exporter", .region, "region whose exports are taxed (not the importer)"),
            Field(
                "base_rate", .number, minimum: -1, exclusiveMinimum: true,
                "ad-valorem rate in force in the base year (0.25 = 25 %), > -1"),
            Field(
                "rate", .number, required: false, minimum: -1, exclusiveMinimum: true,
                "ad-valorem rate in the scenario (default = base_rate), > -1"),
            source,
        ], description: "ad-valorem tariffs: base-year rate and scenario rate")

    public static let routes = TableSpec(
        key: "routes", required: false,
        columns: [
            Field("product", .product, "product"),
            Field("exporter", .region, "supplying region"),
            Field("importer", .region, "using region"),
            Field(
                "affinity", .number, minimum: 0, exclusiveMinimum: true, exclusiveMaximum: 1,
                "reference share, strictly between 0 and 1, that the route would take of the importer's use at base-year prices and capacities"
            ),
            source,
        ],
        description:
            "routes with no base trade opened by the scenario (exporter = importer opens domestic supply, e.g. from a new plant)")

    public static let newNodes = TableSpec(
        key: "new_nodes", required: false,
        columns: [
            Field("region", .region, "region of the new plant"),
            Field("product", .product, "product it makes"),
            Field(
                "price_usd_per_unit", .number, minimum: 0, exclusiveMinimum: true,
                "reference price: what the node would sell at under base-year conditions (its unit cost), currency per unit, > 0"),
            Field(
                "reference_capacity", .number, minimum: 0, exclusiveMinimum: true,
                "capacity at which the reference shares (`affinity`) of the routes opened from it apply, product units per year, > 0"
            ),
            source,
        ], description: "nodes with no base output that the scenario activates (new plants); open their outlets in `routes`")

    /// Every table, in document order.
    public static let tables: [TableSpec] = [recipes, finalDemand, baseTrade, basePrices, capacities, tariffs, newNodes, routes]

    /// Top-level keys that are not tables, lists of maps or `stages`.
    public static let scalarKeys: [Field] = [
        Field("format_version", .integer, required: false, "version of this format (1)"),
        Field("name", .string, "scenario name, written in the scenario column of every CSV"),
        Field("description", .string, required: false, "free text: the question the scenario answers"),
        Field("base_year", .integer, required: false, "year of the observed base data (default 2024)"),
        Field("currency", .string, required: false, "currency of all prices (default USD)"),
        Field(
            "extends", .string, required: false,
            "a parent scenario file (relative to this one) loaded first; this file's top-level keys replace the parent's, and each table under `paths` replaces the parent's table of the same name"
        ),
        Field("horizon", .integer, required: false, "last simulated year, ≥ base_year (default 2040)"),
        Field(
            "price_ceiling_multiple", .number, required: false, minimum: 1,
            "a node's price may rise to this multiple of its base price through scarcity rents; demand capacity cannot serve there is unmet (default 10)"
        ),
    ]

    /// Every top-level key, in document order.
    public static let topLevelKeys: [String] =
        [
            "format_version", "extends", "name", "description", "base_year", "currency", "horizon", "price_ceiling_multiple",
            "regions", "products", "stages",
        ]
        + tables.map(\.key) + yearKeys + ["uncertainty"]

    /// Top-level keys whose table a child scenario may write as `{merge: …}` to add rows to the
    /// parent's table instead of replacing it (every table under `paths` may too).
    public static let mergeableKeys: Set<String> =
        Set(tables.map(\.key) + [chemistries.key, capacityProjects.key])

    /// Top-level keys a scenario must have.
    public static let requiredTopLevelKeys: [String] =
        ["name", "regions", "products"] + tables.filter(\.required).map(\.key)
}
