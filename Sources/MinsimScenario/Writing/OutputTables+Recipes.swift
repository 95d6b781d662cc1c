import Foundation
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
    package static func recipesByYear(_ scenario: ResolvedScenario, years: [YearResult], to output: CSVOutput) {
        let net = scenario.network
        let labels = OutputTables.Labels(net)
        var perUnit: [Int: CSVWriter.Field] = [:]  // "input unit/product unit" by q · products + p, made once each
        let name = CSVWriter.Field(scenario.name)
        var csv = CSVWriter(columns: recipeColumns, to: output)
        for year in years {
            let recipes = year.inputs.network
            let yearText = CSVWriter.Field(String(year.year))
            for r in net.regionIndices {
                for p in net.productIndices {
                    for input in recipes.recipe(for: Node(r, p)) {
                        let q = input.input.rawValue
                        csv.append(name)
                        csv.append(yearText)
                        csv.append(labels.regions[r.rawValue])
                        csv.append(labels.products[p.rawValue])
                        csv.append(labels.products[q])
                        let key = q * net.products.count + p.rawValue
                        let unit =
                            perUnit[key] ?? CSVWriter.Field("\(net.products[q].unit)/\(net.products[p.rawValue].unit)")
                        perUnit[key] = unit
                        csv.append(unit)
                        csv.append(input.quantityPerUnit)
                        csv.endRow()
                    }
                }
            }
        }
        csv.finish()
    }
}
