/// The keys of the yearly simulation (docs/scenario-format-years.md): paths, announced
/// capacity, endogenous expansion, the EV fleet and mineral chains.
///
/// Kept beside `ScenarioFormat` rather than in it so that the one-year format reads on its
/// own; the loader, the schema and the documentation tests use both.
extension ScenarioFormat {
    static let year = Field("year", .integer, "the year the value applies to; values in between are interpolated linearly")
    static let defaultRegion = Field(
        "region", .regionOrDefault, required: false, "region the row applies to; blank or * = every region")

    /// Top-level keys of the yearly format that are maps, lists or tables (scalars such as
    /// `horizon` are in `scalarKeys`).
    public static let yearKeys: [String] = [
        "paths", "chemistries", "capacity_projects", "expansion", "fleet", "minerals", "shocks",
    ]

    /// The tables allowed under `paths`, each a yearly path by key (docs/scenario-format-years.md).
    public static let pathTables: [TableSpec] = [
        TableSpec(
            key: "final_demand", required: false,
            columns: [
                Field("region", .region, "consuming region"),
                Field("product", .product, "product consumed"),
                year,
                Field("quantity", .number, minimum: 0, "reference final demand before the price response, product units"),
                source,
            ], description: "reference final demand by year (replaces the base final demand of the key)"),
        TableSpec(
            key: "demand_index", required: false,
            columns: [
                defaultRegion,
                Field("product", .product, "product consumed"),
                year,
                Field("index", .number, minimum: 0, "multiplies the base final demand; 1 = base year"),
                source,
            ], description: "index of final demand by year; used where final_demand has no path for the key"),
        TableSpec(
            key: "recipes", required: false,
            columns: [
                defaultRegion,
                Field("product", .product, "the product made"),
                Field("input", .product, "the product used as input"),
                year,
                Field("quantity_per_unit", .number, minimum: 0, "units of input per unit of output"),
                source,
            ], description: "recipe coefficient by year (e.g. kWh per vehicle; a chemistry mix is better given by chemistry_mix)"),
        TableSpec(
            key: "recipe_index", required: false,
            columns: [
                defaultRegion,
                Field("product", .product, "the product made"),
                Field("input", .product, "the product used as input"),
                year,
                Field("index", .number, minimum: 0, "multiplies the base coefficient; 1 = base year"),
                source,
            ], description: "index of a recipe coefficient by year; used where recipes has no path for the key"),
        TableSpec(
            key: "chemistry_mix", required: false,
            columns: [
                defaultRegion,
                Field("product", .product, "the battery product, e.g. cells"),
                Field("chemistry", .string, "a chemistry defined for the product under chemistries"),
                year,
                Field(
                    "share", .number, minimum: 0, maximum: 1,
                    "share of the chemistry in the product, in [0, 1]; the shares of a region, product and year sum to 1"),
                source,
            ],
            description: "chemistry shares by year; the weighted chemistry intensities set the product's recipe for their inputs"),
        TableSpec(
            key: "tariffs", required: false,
            columns: [
                Field("product", .product, "product"),
                Field("importer", .region, "region levying the tariff"),
                Field("exporter", .region, "region whose exports are taxed (not the importer)"),
                year,
                Field("rate", .number, minimum: -1, exclusiveMinimum: true, "ad-valorem rate in force, > -1"),
                source,
            ], description: "tariff rate by year (replaces the scenario rate of the route)"),
        TableSpec(
            key: "capacities", required: false,
            columns: [
                Field("region", .region, "producing region"),
                Field("product", .product, "product"),
                year,
                Field("capacity", .number, minimum: 0, "exogenous capacity, product units per year"),
                source,
            ], description: "exogenous capacity by year (replaces the base capacity of the node)"),
        TableSpec(
            key: "capacity_factors", required: false,
            columns: [
                Field("region", .region, "producing region"),
                Field("product", .product, "product"),
                year,
                Field("factor", .number, minimum: 0, maximum: 1, "share of capacity available, in [0, 1] (outages)"),
                source,
            ], description: "capacity multiplied by a factor by year (outages)"),
    ]

    /// Material intensity of each battery chemistry (docs/scenario-format-years.md); the
    /// `chemistry_mix` path weights them into the product's recipe.
    public static let chemistries = TableSpec(
        key: "chemistries", required: false,
        columns: [
            Field("chemistry", .string, "chemistry name, e.g. lfp or nmc811"),
            Field("product", .product, "the battery product of that chemistry, e.g. cells"),
            Field("input", .product, "the product used as input"),
            Field(
                "quantity_per_unit", .number, minimum: 0,
                "units of input per unit of product for a battery of this chemistry (e.g. t of refined nickel per GWh)"),
            source,
        ], description: "input intensity per unit of product for each battery chemistry")

    public static let capacityProjects = TableSpec(
        key: "capacity_projects", required: false,
        columns: [
            Field("region", .region, "region of the plant"),
            Field("product", .product, "product made"),
            Field("online_year", .integer, "first year the capacity is available"),
            Field("capacity", .number, minimum: 0, "capacity added, product units per year"),
            source,
        ], description: "announced capacity added from online_year on")

    public static let initialStock = TableSpec(
        key: "initial_stock", required: false,
        columns: [
            Field("region", .region, "region of the fleet"),
            Field("cohort", .integer, "sale year, before base_year"),
            Field("vehicles", .number, minimum: 0, "vehicles of the cohort in use at the start of base_year"),
            source,
        ], description: "vehicles in use at the start of the base year, by sale year")

    /// Keys of `expansion`.
    public static let expansionKeys: [Field] = [
        Field("lead_time_years", .integer, "map stage → years from order to capacity online, each ≥ 1"),
        Field(
            "rent_threshold", .number, required: false, minimum: 0,
            "a year is scarce for a node when its scarcity rent exceeds this fraction of its price (default 0.05)"),
        Field("persistence_years", .integer, required: false, "consecutive scarce years that trigger an order, ≥ 1 (default 2)"),
        Field(
            "fraction", .number, required: false, minimum: 0, exclusiveMinimum: true,
            "size of an order as a fraction of the node's capacity, > 0 (default 0.2)"),
        source,
    ]

    /// Keys of `fleet`.
    public static let fleetKeys: [Field] = [
        Field("product", .product, "the product whose final demand enters the fleet (EVs sold)"),
        Field("lifetime", .string, "map: distribution and its parameters"),
        Field("initial_stock", .string, required: false, "table of vehicles in use at the start of base_year"),
        source,
    ]

    /// Distributions of `fleet.lifetime` and their parameters (each required).
    public static let lifetimeDistributions: [(name: String, parameters: [Field])] = [
        (
            "normal",
            [
                Field("mean", .number, minimum: 0, exclusiveMinimum: true, "mean lifetime, years, > 0"),
                Field("standard_deviation", .number, minimum: 0, exclusiveMinimum: true, "years, > 0"),
            ]
        ),
        (
            "lognormal",
            [
                Field("mean", .number, minimum: 0, exclusiveMinimum: true, "mean of the lifetime itself, years, > 0"),
                Field(
                    "standard_deviation", .number, minimum: 0, exclusiveMinimum: true,
                    "standard deviation of the lifetime itself, years, > 0"),
            ]
        ),
        (
            "weibull",
            [
                Field("shape", .number, minimum: 0, exclusiveMinimum: true, "shape k, > 0"),
                Field("scale", .number, minimum: 0, exclusiveMinimum: true, "scale λ, years, > 0"),
            ]
        ),
        ("fixed", [Field("years", .integer, "every vehicle is used for exactly this many years, ≥ 1")]),
    ]

    /// Keys of each entry of `minerals`.
    public static let mineralKeys: [Field] = [
        Field("name", .string, "mineral name, e.g. nickel"),
        Field("ore", .product, "mined product carrying the mineral"),
        Field("refined", .product, "refined product carrying the mineral"),
        Field("collection_rate", .number, minimum: 0, maximum: 1, "share of retired batteries collected, in [0, 1]"),
        Field("recovery_efficiency", .number, minimum: 0, maximum: 1, "share of collected mineral recovered, in [0, 1]"),
        source,
    ]

    /// Default horizon when a scenario gives none (MODEL.md §6: the base year to 2040).
    public static let defaultHorizon = 2040
    /// Default price ceiling (docs/scenario-format-years.md).
    public static let defaultPriceCeilingMultiple = 10.0
}
