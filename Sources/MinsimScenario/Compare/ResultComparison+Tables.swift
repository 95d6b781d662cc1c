import Foundation

// Reading one side: the joined tables' specifications and the result tables as text.
extension ResultComparison {
    /// Which dimension a key column belongs to; regions, products and minerals are ordered as
    /// they first appear in side A's files (scenario order), then side B's.
    enum Dimension {
        case year, region, product, mineral
    }

    /// One joined table: its source file, the columns leading each output row (keys and the
    /// descriptive columns carried along), the join keys in sort priority, and the numbers.
    struct TableSpec {
        let file: String
        let output: String
        let leading: [String]
        let keys: [(column: String, dimension: Dimension)]
        let values: [String]

        static let nodes = TableSpec(
            file: "nodes.csv", output: "nodes_delta.csv", leading: ["year", "region", "product", "stage", "unit"],
            keys: [("year", .year), ("region", .region), ("product", .product)],
            values: ["production", "capacity", "utilization", "price", "value_added", "unmet_demand", "scarcity_rent"])
        static let flows = TableSpec(
            file: "flows.csv", output: "flows_delta.csv", leading: ["year", "product", "unit", "exporter", "importer"],
            keys: [("year", .year), ("product", .product), ("exporter", .region), ("importer", .region)],
            values: ["quantity", "share", "tariff_rate", "delivered_price", "tariff_revenue"])
        static let minerals = TableSpec(
            file: "minerals.csv", output: "minerals_delta.csv", leading: ["year", "region", "mineral"],
            keys: [("year", .year), ("region", .region), ("mineral", .mineral)],
            values: [
                "primary_demand", "clean_tech_demand", "secondary_supply", "unmet_demand", "import_reliance", "supplier_hhi",
            ])
        static let all = [nodes, flows, minerals]

        var outputColumns: [String] {
            leading + values.flatMap { ["\($0)_a", "\($0)_b", "\($0)_change", "\($0)_relative_change"] }
        }
    }

    /// One result table as read: header positions and rows of text.
    struct Table {
        let path: String
        let index: [String: Int]
        let rows: [CSVReader.Record]

        func text(_ row: CSVReader.Record, _ column: String) -> String? {
            index[column].map { row.fields[$0].text }
        }
    }

    /// One side: what it is and its result tables.
    struct Side {
        let input: Input
        let tables: [String: Table]

        static func read(folder: String, path: String, kind: Kind) throws(Failure) -> Side {
            var tables: [String: Table] = [:]
            for spec in TableSpec.all {
                tables[spec.file] = try readTable(
                    (folder as NSString).appendingPathComponent(spec.file), shownAs: path, spec: spec)
            }
            let manifestPath = (folder as NSString).appendingPathComponent("manifest.json")
            guard let manifest = FileContents.read(manifestPath) else {
                throw .badInput("cannot read manifest.json of '\(path)'")
            }
            var name = "", scenarioSHA: String? = nil
            if let object = try? JSONSerialization.jsonObject(with: manifest) as? [String: Any],
                let scenario = object["scenario"] as? [String: Any]
            {
                name = scenario["name"] as? String ?? ""
                scenarioSHA = scenario["sha256"] as? String
            }
            if name.isEmpty, let nodes = tables["nodes.csv"], let first = nodes.rows.first {
                name = nodes.text(first, "scenario") ?? ""
            }
            let input = Input(
                path: path, kind: kind, scenarioName: name, manifestSHA256: SHA256.hex(of: manifest), scenarioSHA256: scenarioSHA)
            return Side(input: input, tables: tables)
        }

        static func readTable(_ file: String, shownAs side: String, spec: TableSpec) throws(Failure) -> Table {
            let name = (file as NSString).lastPathComponent
            guard let data = FileContents.read(file) else {
                throw .badInput("result folder '\(side)' has no readable \(name)")
            }
            guard var text = String(data: data, encoding: .utf8) else {
                throw .badInput("\(name) of '\(side)' is not UTF-8 text")
            }
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            let (records, problems) = CSVReader.parse(text, path: "\(side)/\(name)")
            if let problem = problems.first { throw .badInput("malformed result table: \(problem.description)") }
            guard let header = records.first else { throw .badInput("\(name) of '\(side)' is empty (no header row)") }
            var index: [String: Int] = [:]
            for (i, field) in header.fields.enumerated() where index[field.text] == nil { index[field.text] = i }
            for column in spec.leading where index[column] == nil {
                throw .badInput("\(name) of '\(side)' has no column '\(column)'")
            }
            let rows = Array(records.dropFirst())
            for row in rows where row.fields.count != header.fields.count {
                throw .badInput(
                    "\(side)/\(name):\(row.line): \(row.fields.count) fields, but the header has \(header.fields.count)")
            }
            return Table(path: "\(side)/\(name)", index: index, rows: rows)
        }
    }
}
