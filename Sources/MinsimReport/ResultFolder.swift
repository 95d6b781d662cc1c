import Foundation

/// A result folder written by `minsim run`, read back from its files.
///
/// The report and the IAMC export read CSV and JSON, never the engine's values, so they work on
/// any result folder, including folders written by older versions. Tables that an older folder
/// may lack (`markets.csv`, `recipes_by_year.csv`, the solver certificate) are optional: what
/// is missing is listed in `notes`, and the report says so where it matters instead of failing.
/// Required: `nodes.csv`, `flows.csv` and `manifest.json`; `stocks.csv` and `minerals.csv` are
/// read when present.
public struct ResultFolder: Sendable {
    public struct Region: Sendable, Equatable {
        public let code: String
        public let name: String
    }

    public struct Product: Sendable, Equatable {
        public let name: String
        public let stage: String
        public let unit: String
        /// The mineral the product carries (`resolved/products.csv`), nil when none.
        public let mineral: String?
    }

    /// A mineral followed through the chain (`resolved/mineral_chains.csv`).
    public struct Chain: Sendable, Equatable {
        public let name: String
        public let ore: String
        public let refined: String
    }

    /// One row of `nodes.csv`.
    public struct NodeRow: Sendable {
        public let year: Int
        public let region: String
        public let product: String
        public let production: Double
        public let capacity: Double?
        public let price: Double?
        public let unmetDemand: Double
        public let scarcityRent: Double?
    }

    /// One row of `flows.csv`.
    public struct FlowRow: Sendable {
        public let year: Int
        public let product: String
        public let exporter: String
        public let importer: String
        public let quantity: Double
        public let share: Double
        public let tariffRevenue: Double
    }

    /// One row of `stocks.csv`.
    public struct StockRow: Sendable {
        public let year: Int
        public let region: String
        public let inflow: Double
        public let stock: Double
        public let retirements: Double
        /// `recovered_<mineral>_t` by mineral name.
        public let recovered: [String: Double]
    }

    /// One row of `minerals.csv`, tonnes of contained mineral.
    public struct MineralRow: Sendable {
        public let year: Int
        public let region: String
        public let mineral: String
        public let primaryDemand: Double
        public let cleanTechDemand: Double
        public let secondarySupply: Double
        public let unmetDemand: Double
        public let importReliance: Double?
        public let supplierHHI: Double?
    }

    /// One row of `markets.csv`: one final-demand market in one year.
    public struct MarketRow: Sendable {
        public let year: Int
        public let region: String
        public let product: String
        public let referenceDemand: Double
        public let desiredDemand: Double
        public let served: Double
        public let unmet: Double
        public let deliveredPrice: Double?
        public let chokePrice: Double?
    }

    /// One recipe coefficient b[r][p][q] in force in one year.
    public struct RecipeRow: Sendable {
        public let year: Int
        public let region: String
        public let product: String
        public let input: String
        public let quantityPerUnit: Double
    }

    /// Where the recipes come from.
    public enum RecipeSource: Sendable, Equatable {
        /// `recipes_by_year.csv`: the recipes in force each year.
        case byYear
        /// `resolved/recipes.csv`, valid in every year because the scenario has no recipe paths.
        case baseYearOnly
    }

    /// The source texts of one resolved input table, for the report's sources summary.
    public struct SourceSummary: Sendable {
        public let table: String
        public let rows: Int
        /// Distinct source texts with the number of rows citing each, most cited first.
        public let sources: [(text: String, rows: Int)]
    }

    public let path: String
    public let manifest: ManifestInfo
    public let regions: [Region]
    public let products: [Product]
    public let chains: [Chain]
    /// The fleet's vehicle product (`resolved/settings.csv`, `fleet.product`), nil without a fleet.
    public let fleetProduct: String?
    public let years: [Int]
    public let nodes: [NodeRow]
    public let flows: [FlowRow]
    public let stocks: [StockRow]
    public let minerals: [MineralRow]
    /// nil when the folder has no `markets.csv`.
    public let markets: [MarketRow]?
    /// nil when the recipes of the simulated years cannot be known from the folder.
    public let recipes: [RecipeRow]?
    public let recipeSource: RecipeSource?
    public let sources: [SourceSummary]
    /// What this folder lacks and what the report does instead, in plain words.
    public let notes: [String]

    /// The scenario's name (manifest, else the `scenario` column of nodes.csv).
    public var scenarioName: String { manifest.scenarioName }

    public func product(_ name: String) -> Product? { products.first { $0.name == name } }
    public func regionName(_ code: String) -> String { regions.first { $0.code == code }?.name ?? code }

    // MARK: - Reading

    /// Reads the result folder at `path`.
    ///
    /// - Throws: `ReportFailure.badInput` when the folder is not a result folder or a table is
    ///   malformed (with file, line and column).
    public static func read(_ path: String) throws(ReportFailure) -> ResultFolder {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .badInput("'\(path)' does not exist; give a result folder written by `minsim run`")
        }
        guard isFolder.boolValue else {
            throw .badInput(
                "'\(path)' is a file; give a result folder written by `minsim run` (it holds nodes.csv and manifest.json)")
        }
        func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
        var notes: [String] = []

        let nodeTable = try CSVTable.read(
            file("nodes.csv"), required: ["year", "region", "product", "stage", "unit", "production"])
        let flowTable = try CSVTable.read(file("flows.csv"), required: ["year", "product", "exporter", "importer", "quantity"])
        let manifest = try ManifestInfo.read(
            file("manifest.json"), fallbackName: nodeTable.rowCount > 0 ? nodeTable.text(0, "scenario") : "")

        // Dimensions: the resolved tables when present, else first appearance in nodes.csv.
        let regionTable = try CSVTable.readIfPresent(file("resolved/regions.csv"), required: ["region"])
        let productTable = try CSVTable.readIfPresent(file("resolved/products.csv"), required: ["product", "stage", "unit"])
        let chainTable = try CSVTable.readIfPresent(file("resolved/mineral_chains.csv"), required: ["name", "ore", "refined"])
        let settingsTable = try CSVTable.readIfPresent(file("resolved/settings.csv"), required: ["key", "value"])

        var regions: [Region] = []
        if let t = regionTable {
            for i in 0..<t.rowCount {
                let code = t.text(i, "region"), name = t.text(i, "name")
                regions.append(Region(code: code, name: name.isEmpty ? code : name))
            }
        }
        var products: [Product] = []
        if let t = productTable {
            for i in 0..<t.rowCount {
                let mineral = t.text(i, "mineral")
                products.append(
                    Product(
                        name: t.text(i, "product"), stage: t.text(i, "stage"), unit: t.text(i, "unit"),
                        mineral: mineral.isEmpty ? nil : mineral))
            }
        }
        for i in 0..<nodeTable.rowCount {
            let code = nodeTable.text(i, "region"), name = nodeTable.text(i, "product")
            if !regions.contains(where: { $0.code == code }) { regions.append(Region(code: code, name: code)) }
            if !products.contains(where: { $0.name == name }) {
                products.append(
                    Product(name: name, stage: nodeTable.text(i, "stage"), unit: nodeTable.text(i, "unit"), mineral: nil))
            }
        }
        var chains: [Chain] = []
        if let t = chainTable {
            for i in 0..<t.rowCount {
                chains.append(Chain(name: t.text(i, "name"), ore: t.text(i, "ore"), refined: t.text(i, "refined")))
            }
        }
        var fleetProduct: String? = nil
        if let t = settingsTable {
            for i in 0..<t.rowCount where t.text(i, "key") == "fleet.product" { fleetProduct = t.text(i, "value") }
        }

        let nodes = try readNodes(nodeTable)
        let flows = try readFlows(flowTable)
        let stocks = try readStocks(
            CSVTable.readIfPresent(file("stocks.csv"), required: ["year", "region", "inflow", "stock", "retirements"]))
        let minerals = try readMinerals(
            CSVTable.readIfPresent(
                file("minerals.csv"),
                required: ["year", "region", "mineral", "primary_demand", "secondary_supply", "unmet_demand"]))

        let marketTable = try CSVTable.readIfPresent(
            file("markets.csv"), required: ["year", "region", "product", "reference_demand", "desired_demand", "served", "unmet"])
        let markets = try marketTable.map(readMarkets)
        if markets == nil {
            notes.append(
                "This folder has no markets.csv (written by minsim versions with the complementarity clearing): demand served and unmet per market and the choke prices are not shown; unmet demand comes from nodes.csv and minerals.csv."
            )
        }

        var recipes: [RecipeRow]? = nil
        var recipeSource: RecipeSource? = nil
        if let t = try CSVTable.readIfPresent(
            file("recipes_by_year.csv"), required: ["year", "region", "product", "input", "quantity_per_unit"])
        {
            recipes = try readRecipes(t, year: nil)
            recipeSource = .byYear
        } else if let base = try CSVTable.readIfPresent(
            file("resolved/recipes.csv"), required: ["region", "product", "input", "quantity_per_unit"]),
            let paths = try CSVTable.readIfPresent(file("resolved/paths.csv"), required: ["path"]),
            !(0..<paths.rowCount).contains(where: {
                ["recipes", "recipe_index", "chemistry_mix"].contains(paths.text($0, "path"))
            })
        {
            // No recipe paths: the base recipes hold in every year.
            var all: [RecipeRow] = []
            for y in Set(nodes.map(\.year)).sorted() { all += try readRecipes(base, year: y) }
            recipes = all
            recipeSource = .baseYearOnly
        } else {
            notes.append(
                "This folder has no recipes_by_year.csv and its scenario changes recipes over the years, so the contained mineral of each link cannot be known: the Sankey diagrams are left out. Run the scenario again with this version of minsim to get them."
            )
        }

        var sources: [SourceSummary] = []
        let resolved = file("resolved")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: resolved)) ?? []).filter { $0.hasSuffix(".csv") }
            .sorted()
        for name in names {
            guard let t = try CSVTable.readIfPresent((resolved as NSString).appendingPathComponent(name), required: []),
                t.has("source")
            else { continue }
            var counts: [String: Int] = [:]
            var order: [String] = []
            for i in 0..<t.rowCount {
                let text = t.text(i, "source")
                if counts[text] == nil { order.append(text) }
                counts[text, default: 0] += 1
            }
            let ranked = order.enumerated().sorted {
                (counts[$0.element] ?? 0, -$0.offset) > (counts[$1.element] ?? 0, -$1.offset)
            }.map { (text: $0.element, rows: counts[$0.element] ?? 0) }
            sources.append(SourceSummary(table: name, rows: t.rowCount, sources: ranked))
        }

        if manifest.years.contains(where: { $0.certificate == nil }) {
            notes.append(
                "manifest.json has no solver certificate for \(manifest.years.allSatisfy { $0.certificate == nil } ? "any year" : "some years") (folders written before the complementarity clearing): the report shows the older clearing statistics instead."
            )
        }

        return ResultFolder(
            path: path, manifest: manifest, regions: regions, products: products, chains: chains, fleetProduct: fleetProduct,
            years: Set(nodes.map(\.year)).sorted(), nodes: nodes, flows: flows, stocks: stocks, minerals: minerals,
            markets: markets,
            recipes: recipes, recipeSource: recipeSource, sources: sources, notes: notes)
    }

    /// Every row of `t`, made by `row` from its index.
    private static func rows<Row>(_ t: CSVTable, _ row: (Int) throws(ReportFailure) -> Row) throws(ReportFailure) -> [Row] {
        var out: [Row] = []
        out.reserveCapacity(t.rowCount)
        for i in 0..<t.rowCount { out.append(try row(i)) }
        return out
    }

    private static func readNodes(_ t: CSVTable) throws(ReportFailure) -> [NodeRow] {
        try rows(t) { i throws(ReportFailure) in
            NodeRow(
                year: try t.year(i), region: t.text(i, "region"), product: t.text(i, "product"),
                production: try t.requiredNumber(i, "production"), capacity: try t.number(i, "capacity"),
                price: try t.number(i, "price"), unmetDemand: try t.number(i, "unmet_demand") ?? 0,
                scarcityRent: try t.number(i, "scarcity_rent"))
        }
    }

    private static func readFlows(_ t: CSVTable) throws(ReportFailure) -> [FlowRow] {
        try rows(t) { i throws(ReportFailure) in
            FlowRow(
                year: try t.year(i), product: t.text(i, "product"), exporter: t.text(i, "exporter"),
                importer: t.text(i, "importer"), quantity: try t.requiredNumber(i, "quantity"),
                share: try t.number(i, "share") ?? 0, tariffRevenue: try t.number(i, "tariff_revenue") ?? 0)
        }
    }

    private static func readStocks(_ t: CSVTable?) throws(ReportFailure) -> [StockRow] {
        guard let t else { return [] }
        let recovered = t.columns.filter { $0.hasPrefix("recovered_") && $0.hasSuffix("_t") }
        return try rows(t) { i throws(ReportFailure) in
            var byMineral: [String: Double] = [:]
            for column in recovered {
                byMineral[String(column.dropFirst("recovered_".count).dropLast(2))] = try t.number(i, column) ?? 0
            }
            return StockRow(
                year: try t.year(i), region: t.text(i, "region"), inflow: try t.requiredNumber(i, "inflow"),
                stock: try t.requiredNumber(i, "stock"), retirements: try t.requiredNumber(i, "retirements"),
                recovered: byMineral)
        }
    }

    private static func readMinerals(_ t: CSVTable?) throws(ReportFailure) -> [MineralRow] {
        guard let t else { return [] }
        return try rows(t) { i throws(ReportFailure) in
            MineralRow(
                year: try t.year(i), region: t.text(i, "region"), mineral: t.text(i, "mineral"),
                primaryDemand: try t.requiredNumber(i, "primary_demand"),
                cleanTechDemand: try t.number(i, "clean_tech_demand") ?? 0,
                secondarySupply: try t.requiredNumber(i, "secondary_supply"),
                unmetDemand: try t.requiredNumber(i, "unmet_demand"), importReliance: try t.number(i, "import_reliance"),
                supplierHHI: try t.number(i, "supplier_hhi"))
        }
    }

    private static func readMarkets(_ t: CSVTable) throws(ReportFailure) -> [MarketRow] {
        try rows(t) { i throws(ReportFailure) in
            MarketRow(
                year: try t.year(i), region: t.text(i, "region"), product: t.text(i, "product"),
                referenceDemand: try t.requiredNumber(i, "reference_demand"),
                desiredDemand: try t.requiredNumber(i, "desired_demand"), served: try t.requiredNumber(i, "served"),
                unmet: try t.requiredNumber(i, "unmet"), deliveredPrice: try t.number(i, "delivered_price"),
                chokePrice: try t.number(i, "choke_price"))
        }
    }

    /// Recipe rows of `recipes_by_year.csv` (`year` nil: read from the table) or of the base
    /// recipes (`year` given: every row stamped with it).
    private static func readRecipes(_ t: CSVTable, year: Int?) throws(ReportFailure) -> [RecipeRow] {
        try rows(t) { i throws(ReportFailure) in
            let y: Int
            if let year { y = year } else { y = try t.year(i) }
            return RecipeRow(
                year: y, region: t.text(i, "region"), product: t.text(i, "product"),
                input: t.text(i, "input"), quantityPerUnit: try t.requiredNumber(i, "quantity_per_unit"))
        }
    }
}
