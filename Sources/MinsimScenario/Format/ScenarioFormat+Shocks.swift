/// The tables of `shocks` (docs/scenario-format-years.md, "Policy shocks"): dated tariff
/// measures, export controls, demand shocks and route preferences, each on top of the
/// scenario's own values.
extension ScenarioFormat {
    /// The tables allowed under `shocks`, each optional, inline or `{file: …}`.
    public static let shockTables: [TableSpec] = [
        TableSpec(
            key: "tariffs", required: false,
            columns: [
                Field("product", .product, "product"),
                Field("importer", .region, "region levying the tariff"),
                Field("exporter", .regionOrDefault, "region whose exports are taxed (not the importer); * = every other region"),
                Field(
                    "except", .string, required: false,
                    "with exporter *: regions exempted, separated by ; (e.g. free-trade partners: CA;MX)"),
                Field(
                    "rate", .number, minimum: -1, exclusiveMinimum: true,
                    "ad-valorem rate added to the route's scenario rate, > -1"),
                Field("start_date", .string, "first day in force, yyyy-mm-dd"),
                Field("end_date", .string, required: false, "last day in force (inclusive), yyyy-mm-dd; blank = open-ended"),
                source,
            ], description: "dated tariff measures added to the scenario rate, pro-rated by the days in force in each year"),
        TableSpec(
            key: "export_controls", required: false,
            columns: [
                Field("product", .product, "product"),
                Field("exporter", .region, "region restricting its exports"),
                Field("importer", .regionOrDefault, "region whose imports are restricted; * = every other region"),
                Field("quota", .number, minimum: 0, "most the route may carry per year, product units; 0 = ban"),
                Field("start_year", .integer, "first year in force"),
                Field("end_year", .integer, required: false, "last year in force (inclusive); blank = open-ended"),
                source,
            ], description: "export quotas and bans by route and year; the smallest quota applies where rows overlap"),
        TableSpec(
            key: "demand", required: false,
            columns: [
                defaultRegion,
                Field("product", .product, "product consumed"),
                Field("start_year", .integer, "first year in force"),
                Field("end_year", .integer, required: false, "last year in force (inclusive); blank = open-ended"),
                Field("factor", .number, minimum: 0, "multiplies the reference final demand (after paths and indices), ≥ 0"),
                source,
            ], description: "demand shocks: reference final demand multiplied by a factor in the given years"),
        TableSpec(
            key: "preferences", required: false,
            columns: [
                Field("product", .product, "product"),
                Field("exporter", .regionOrDefault, "region whose supply is favoured; * = every region other than the importer"),
                Field("importer", .regionOrDefault, "region whose buyers favour it; * = every region other than the exporter"),
                Field(
                    "factor", .number, minimum: 0, exclusiveMinimum: true,
                    "multiplies the route's Armington weight (1 = no change, 2 = twice the weight at equal prices), > 0"),
                Field("start_year", .integer, "first year in force"),
                Field("end_year", .integer, required: false, "last year in force (inclusive); blank = open-ended"),
                source,
            ],
            description:
                "route preferences (offtake agreements, sourcing commitments): a factor on the Armington weight of traded routes in the given years; factors of overlapping rows multiply"
        ),
    ]
}
