/// One year of a result folder, indexed for lookups by region and product.
struct YearView {
    let year: Int
    /// x[(r, p)] from nodes.csv.
    private var production: [String: [String: Double]] = [:]
    /// Flows of each product, in flows.csv order.
    private(set) var flows: [String: [ResultFolder.FlowRow]] = [:]
    /// b[r][p][q]: recipes[region][product] = [(input, coefficient)].
    private var recipes: [String: [String: [(input: String, quantity: Double)]]] = [:]
    /// minerals.csv rows by region and mineral.
    private var minerals: [String: [String: ResultFolder.MineralRow]] = [:]

    init(_ result: ResultFolder, year: Int) {
        self.year = year
        for row in result.nodes where row.year == year { production[row.region, default: [:]][row.product] = row.production }
        for row in result.flows where row.year == year { flows[row.product, default: []].append(row) }
        for row in result.recipes ?? [] where row.year == year {
            recipes[row.region, default: [:]][row.product, default: []].append((row.input, row.quantityPerUnit))
        }
        for row in result.minerals where row.year == year { minerals[row.region, default: [:]][row.mineral] = row }
    }

    func production(_ region: String, _ product: String) -> Double { production[region]?[product] ?? 0 }

    func flows(of product: String) -> [ResultFolder.FlowRow] { flows[product] ?? [] }

    /// b[r][p][q], 0 when node (r, p) does not use q.
    func recipe(_ region: String, _ product: String, input: String) -> Double {
        recipes[region]?[product]?.first { $0.input == input }?.quantity ?? 0
    }

    /// Products whose recipe uses `input` in any region.
    func users(of input: String) -> Set<String> {
        var out: Set<String> = []
        for (_, byProduct) in recipes {
            for (product, inputs) in byProduct where inputs.contains(where: { $0.input == input && $0.quantity > 0 }) {
                out.insert(product)
            }
        }
        return out
    }

    func mineral(_ region: String, _ mineral: String) -> ResultFolder.MineralRow? { minerals[region]?[mineral] }
}
