import MinsimEngine

extension OutputTables {
    public static let recipeColumns = ["scenario", "year", "region", "product", "input", "unit", "quantity_per_unit"]

    /// `recipes_by_year.csv`: the recipe b[r][p][q] in force in each simulated year, after the
    /// scenario's recipe paths (`recipe_index`, `recipes`, `chemistry_mix`) are applied.
    ///
    /// `resolved/recipes.csv` holds the base-year recipes only; with this table a reader can
    /// follow contained mineral through the chain of any year from the CSVs alone (intermediate
    /// use of q by node (r, p) = b[r][p][q] · x[(r, p)]), which is what `minsim report` draws
    /// its Sankey diagrams from. One row per year and recipe input actually in force, regions in
    /// scenario order (outer), then products, then inputs in scenario order; `unit` is the
    /// input's unit per unit of the product (e.g. `t/GWh`).
    public static func recipesByYear(_ scenario: ResolvedScenario, years: [YearResult]) -> String {
        let net = scenario.network
        var csv = CSVWriter(columns: recipeColumns)
        for year in years {
            let recipes = year.inputs.network
            for r in net.regionIndices {
                for p in net.productIndices {
                    for input in recipes.recipe(for: Node(r, p)) {
                        let q = net.product(input.input)
                        csv.appendRow([
                            scenario.name, String(year.year), net.region(r).code, net.product(p).name, q.name,
                            "\(q.unit)/\(net.product(p).unit)", CSVWriter.number(input.quantityPerUnit),
                        ])
                    }
                }
            }
        }
        return csv.text
    }
}
