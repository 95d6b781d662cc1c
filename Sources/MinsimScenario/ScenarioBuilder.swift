import Foundation
import MinsimEngine
import Yams

/// The working state of one load: reads the YAML tree and the CSV tables, checks every value,
/// and assembles the `ResolvedScenario`. Used only through `ScenarioLoader`.
struct ScenarioBuilder {
    typealias Field = ScenarioFormat.Field
    typealias Node = MinsimEngine.Node
    typealias RecipeEntry = (input: ProductIndex, quantity: Double, source: String, location: SourceLocation)

    /// The scenario file named by the user: the one written to the manifest and resolved.
    let scenarioPath: String
    /// The file whose YAML is being read now: the scenario, or a parent it `extends`. Every
    /// YAML location and every relative CSV path is taken against it, so that values keep
    /// the file, line and column they were written at.
    var path: String
    var diagnostics: [Diagnostic] = []
    var scenario: ResolvedScenario? = nil

    // Names and where they were defined, in scenario order.
    var regions: [(code: String, name: String?, source: String, location: SourceLocation)] = []
    var regionIndex: [String: Int] = [:]
    var products: [(product: Product, source: String, location: SourceLocation, stageLocation: SourceLocation)] = []
    var productIndex: [String: Int] = [:]
    /// ε of each product's final demand (`demand_elasticity`, default 0), in product order.
    var demandElasticities: [Double] = []
    /// `choke_price_multiple` of each product, nil where not given, in product order.
    var chokePriceMultiples: [Double?] = []
    var referencedFiles: [String] = []
    var fileDigests: [String: String] = [:]
    /// The merged top-level keys of the scenario and its parents.
    var document = ScenarioDocument()

    init(path: String) {
        self.scenarioPath = path
        self.path = path
    }

    mutating func error(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(at: location, message))
    }

    mutating func warning(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(.warning, at: location, message))
    }

    func location(_ node: Yams.Node) -> SourceLocation { Table.location(of: node, path: path) }
    func kind(_ node: Yams.Node) -> String { Table.Cell(node, path: path).kindDescription }

    /// The value of a top-level key, making its file the current one (see `path`).
    mutating func enter(_ key: String) -> Yams.Node? {
        guard let entry = document.entries[key] else { return nil }
        path = entry.path
        return entry.value
    }

    // MARK: - Top level

    mutating func build(data: Data) {
        guard let merged = readDocument(data: data, path: scenarioPath, chain: []) else { return }
        document = merged
        path = scenarioPath
        let required = ScenarioFormat.requiredTopLevelKeys
        for key in required where document.entries[key] == nil {
            error(document.root, "missing required key '\(key)'")
        }

        var formatVersion = ToolVersion.scenarioFormat
        if let node = enter("format_version"), let v = integer(Table.Cell(node, path: path), key: "format_version") {
            if v != ToolVersion.scenarioFormat {
                error(
                    location(node),
                    "unsupported format_version \(v); this minsim reads format version \(ToolVersion.scenarioFormat)")
            }
            formatVersion = v
        }
        var name = ""
        if let node = enter("name"), let v = string(Table.Cell(node, path: path), key: "name") {
            if v.isEmpty { error(location(node), "name must not be empty") }
            name = v
        }
        let description = enter("description").flatMap { string(Table.Cell($0, path: path), key: "description") } ?? ""
        var baseYear = 2024
        if let node = enter("base_year"), let v = integer(Table.Cell(node, path: path), key: "base_year") {
            if !(1...9999).contains(v) { error(location(node), "base_year must be a year between 1 and 9999, got \(v)") }
            baseYear = v
        }
        let currency = enter("currency").flatMap { string(Table.Cell($0, path: path), key: "currency") } ?? "USD"

        let regionsUsable = enter("regions").map { readRegions($0) } ?? false
        let productsUsable = enter("products").map { readProducts($0) } ?? false
        let stages = enter("stages").flatMap { readStages($0) }
        guard regionsUsable && productsUsable else { return }
        var tables = TableSet()
        for spec in ScenarioFormat.tables {
            guard let entry = document.entries[spec.key] else { continue }
            let before = diagnostics.count
            if let table = readTable(spec, entry: entry) { interpret(table, into: &tables) }
            if diagnostics.count != before { tables.unclean.insert(spec.key) }
        }
        crossCheck(tables)
        let years = readYears(tables, baseYear: baseYear, stages: stages)
        if !diagnostics.contains(where: { $0.severity == .error }), let years {
            resolve(
                tables, formatVersion: formatVersion, name: name, description: description,
                baseYear: baseYear, currency: currency, stages: stages, years: years)
            if let resolved = scenario, let node = enter("uncertainty") {
                let inputs = readUncertainty(node, resolved)
                scenario = diagnostics.contains { $0.severity == .error } ? nil : resolved.withUncertainty(inputs)
            }
        }
    }

    /// Parses one scenario file into its top-level keys, loading the file it `extends` first
    /// and merging (see `ScenarioDocument.merging`). `chain` lists the files already being
    /// read, child first, to report `extends` cycles instead of recursing forever.
    mutating func readDocument(data: Data, path file: String, chain: [String]) -> ScenarioDocument? {
        path = file
        fileDigests[file] = SHA256.hex(of: data)
        guard var text = String(data: data, encoding: .utf8) else {
            error(.start(of: path), "the scenario file is not valid UTF-8 text; save it as UTF-8")
            return nil
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let parsed: Yams.Node?
        do {
            parsed = try Yams.compose(yaml: text)
        } catch let e as YamlError {
            yamlError(e, text: text)
            return nil
        } catch {
            self.error(.start(of: path), "cannot parse YAML: \(error)")
            return nil
        }
        guard let root = parsed else {
            let required = ScenarioFormat.requiredTopLevelKeys
            error(
                .start(of: path),
                "the scenario file is empty; it must be a map with at least the keys \(required.joined(separator: ", "))")
            return nil
        }
        guard case .mapping(let map) = root else {
            error(location(root), "expected a map of scenario keys at the top level (name: …, regions: …), found \(kind(root))")
            return nil
        }
        var own = ScenarioDocument(root: location(root))
        var parentReference: (file: String, location: SourceLocation)? = nil
        for (key, value) in map {
            guard case .scalar(let k) = key else {
                error(location(key), "scenario keys must be plain names, found \(kind(key))")
                continue
            }
            guard ScenarioFormat.topLevelKeys.contains(k.string) else {
                error(
                    location(key),
                    "unknown key '\(k.string)'\(Suggestion.hint(for: k.string, among: ScenarioFormat.topLevelKeys)); valid keys are \(ScenarioFormat.topLevelKeys.joined(separator: ", "))"
                )
                continue
            }
            switch k.string {
            case "extends":
                if let parent = string(Table.Cell(value, path: path), key: "extends") {
                    if parent.isEmpty {
                        error(location(value), "extends names no file; give the parent scenario's path, relative to this file")
                    } else {
                        parentReference = (parent, location(value))
                    }
                }
            case "paths":
                guard case .mapping(let tables) = value else {
                    error(
                        location(value),
                        "expected paths as a map of tables (demand_index: {file: …}, …), found \(kind(value))")
                    continue
                }
                let names = ScenarioFormat.pathTables.map(\.key)
                for (tableKey, table) in tables {
                    guard case .scalar(let t) = tableKey, names.contains(t.string) else {
                        let text = Table.Cell(tableKey, path: path).kindDescription
                        let hint: String
                        if case .scalar(let t) = tableKey {
                            hint = Suggestion.hint(for: t.string, among: names)
                        } else {
                            hint = ""
                        }
                        error(
                            location(tableKey),
                            "unknown path table \(text) under paths\(hint); path tables are \(names.joined(separator: ", "))")
                        continue
                    }
                    own.paths[t.string] = .init(key: tableKey, value: table, path: path)
                }
            default:
                own.entries[k.string] = .init(key: key, value: value, path: path)
            }
        }
        guard let (parent, reference) = parentReference else { return ScenarioDocument.standalone(own) }
        let parentPath = ScenarioLoader.resolve(parent, relativeTo: file)
        let identity = ScenarioDocument.identity(of: parentPath)
        let visited = [ScenarioDocument.identity(of: file)] + chain
        if let cycleStart = visited.firstIndex(of: identity) {
            let loop = (visited[...cycleStart].reversed() + [identity]).map { ($0 as NSString).lastPathComponent }
            error(reference, "extends makes a cycle (\(loop.joined(separator: " → "))); a scenario cannot extend itself")
            return nil
        }
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: parentPath, isDirectory: &isFolder)
        guard exists, !isFolder.boolValue, let parentData = FileContents.read(parentPath) else {
            let why = !exists ? "no such file" : (isFolder.boolValue ? "it is a folder" : "it cannot be read")
            error(
                reference,
                "cannot read the parent scenario '\(parent)' (resolved to '\(parentPath)'): \(why); paths are relative to this file"
            )
            return nil
        }
        if !referencedFiles.contains(parentPath) { referencedFiles.append(parentPath) }
        let before = diagnostics.filter { $0.severity == .error }.count
        let inherited = readDocument(data: parentData, path: parentPath, chain: visited)
        path = file
        guard let inherited else {
            if diagnostics.filter({ $0.severity == .error }).count == before {
                error(reference, "the parent scenario '\(parent)' cannot be read")
            }
            return nil
        }
        return ScenarioDocument.merging(parent: inherited, child: own)
    }

    /// Maps Yams' parse errors, which carry a 1-based mark, to a diagnostic at that position.
    mutating func yamlError(_ e: YamlError, text: String) {
        func at(_ mark: Yams.Mark) -> SourceLocation {
            SourceLocation(path: path, line: max(mark.line, 1), column: max(mark.column, 1))
        }
        switch e {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let ctx = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            error(at(mark), "YAML syntax error: \(problem)\(ctx)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            error(
                at(context.mark),
                "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in the same map; give each key once")
        case .reader(let problem, let offset, _, _):
            var line = 1, column = 1
            if let offset {
                for byte in text.utf8.prefix(max(offset, 0)) {
                    if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
                }
            }
            error(SourceLocation(path: path, line: line, column: column), "cannot read YAML: \(problem)")
        default:
            error(.start(of: path), "cannot parse YAML: \(e)")
        }
    }

    // MARK: - Cells

    /// Text of a scalar cell; a list or map where text is expected is an error.
    mutating func string(_ cell: Table.Cell, key: String) -> String? {
        switch cell.value {
        case .scalar(let s, _): return s
        case .null: return ""
        case .sequence, .mapping:
            error(cell.location, "expected text for '\(key)', found \(cell.kindDescription)")
            return nil
        }
    }

    mutating func integer(_ cell: Table.Cell, key: String) -> Int? {
        if case .scalar(let s, false) = cell.value, let v = NumberText.integer(s) { return v }
        error(cell.location, "expected an integer for '\(key)', found \(cell.kindDescription)")
        return nil
    }

    /// A number checked against the field's bounds; nil after reporting why it is not valid.
    mutating func number(_ cell: Table.Cell, field: Field, what: String) -> Double? {
        let text: String
        switch cell.value {
        case .scalar(let s, let isString):
            if isString {
                var hint = ""
                if case .value = NumberText.double(s) { hint = "; remove the quotes" }
                error(cell.location, "expected a number for '\(field.name)' in \(what), found \(cell.kindDescription)\(hint)")
                return nil
            }
            text = s
        case .null:
            error(cell.location, "missing value for '\(field.name)' in \(what); expected a number")
            return nil
        case .sequence, .mapping:
            error(cell.location, "expected a number for '\(field.name)' in \(what), found \(cell.kindDescription)")
            return nil
        }
        let v: Double
        switch NumberText.double(text) {
        case .value(let x): v = x
        case .notANumber:
            error(
                cell.location,
                "expected a number for '\(field.name)' in \(what), found '\(text)' (write plain decimals such as 1200, 0.25 or 1.5e-3)"
            )
            return nil
        case .nonFinite:
            error(
                cell.location, "'\(field.name)' in \(what) is '\(text)'; NaN and infinity are not allowed, write a finite number")
            return nil
        case .outOfRange:
            error(
                cell.location, "'\(field.name)' in \(what) is '\(text)', which is too large to represent; write a finite number")
            return nil
        }
        if let lo = field.minimum, field.exclusiveMinimum ? !(v > lo) : !(v >= lo) {
            let op = field.exclusiveMinimum ? ">" : "≥"
            let negative = v < 0 && lo >= 0 ? "negative value: " : ""
            let why = lo < 0 ? "; a rate of -1 or below would make goods free" : ""
            error(cell.location, "\(negative)'\(field.name)' in \(what) is \(text); it must be \(op) \(Self.format(lo))\(why)")
            return nil
        }
        if let hi = field.maximum, !(v <= hi) {
            error(cell.location, "'\(field.name)' in \(what) is \(text); it must be ≤ \(Self.format(hi))")
            return nil
        }
        if let hi = field.exclusiveMaximum, !(v < hi) {
            error(cell.location, "'\(field.name)' in \(what) is \(text); it must be < \(Self.format(hi))")
            return nil
        }
        return v
    }

    static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)"
    }

    // MARK: - Rows

    /// A YAML map as a row, checking its keys against `fields`.
    mutating func row(_ node: Yams.Node, fields: [Field], what: String) -> Table.Row? {
        guard case .mapping(let map) = node else {
            error(
                location(node),
                "expected a map for \(what) (keys \(fields.map(\.name).joined(separator: ", "))), found \(kind(node))")
            return nil
        }
        var cells = Table.Cells()
        let names = fields.map(\.name)
        for (key, value) in map {
            guard case .scalar(let k) = key else {
                error(location(key), "keys of \(what) must be plain names, found \(kind(key))")
                continue
            }
            guard names.contains(k.string) else {
                error(
                    location(key),
                    "unknown key '\(k.string)' in \(what)\(Suggestion.hint(for: k.string, among: names)); valid keys are \(names.joined(separator: ", "))"
                )
                continue
            }
            cells[k.string] = Table.Cell(value, path: path)
        }
        return Table.Row(location: location(node), cells: cells)
    }

    /// The cell of a required field, or an error naming what is missing.
    mutating func required(_ row: Table.Row, _ field: String, what: String) -> Table.Cell? {
        guard let cell = row.cells[field] else {
            error(row.location, "\(what) is missing '\(field)'")
            return nil
        }
        if case .null = cell.value {
            error(cell.location, "\(what) has no value for '\(field)'")
            return nil
        }
        return cell
    }

    mutating func requiredText(_ row: Table.Row, _ field: String, what: String) -> (String, SourceLocation)? {
        guard let cell = required(row, field, what: what), let s = string(cell, key: field) else { return nil }
        return (s, cell.location)
    }

    mutating func source(_ row: Table.Row) -> String {
        row.cells["source"].flatMap { string($0, key: "source") } ?? ""
    }

    mutating func region(_ row: Table.Row, _ field: String, what: String) -> RegionIndex? {
        guard let (code, loc) = requiredText(row, field, what: what) else { return nil }
        if let i = regionIndex[code] { return RegionIndex(i) }
        let codes = regions.map(\.code)
        error(
            loc,
            "unknown region '\(code)' in '\(field)'\(Suggestion.hint(for: code, among: codes)); regions are \(codes.joined(separator: ", "))"
        )
        return nil
    }

    mutating func product(_ row: Table.Row, _ field: String, what: String) -> ProductIndex? {
        guard let (name, loc) = requiredText(row, field, what: what) else { return nil }
        if let i = productIndex[name] { return ProductIndex(i) }
        error(
            loc,
            "unknown product '\(name)' in '\(field)'\(Suggestion.hint(for: name, among: products.map(\.product.name))); products must be listed under 'products'"
        )
        return nil
    }

    mutating func number(_ row: Table.Row, _ field: Field, what: String) -> Double? {
        guard let cell = required(row, field.name, what: what) else { return nil }
        return number(cell, field: field, what: what)
    }

    // MARK: - Regions, products, stages

    mutating func readRegions(_ node: Yams.Node) -> Bool {
        guard case .sequence(let seq) = node else {
            error(location(node), "expected a list of regions (- {code: CA, name: Canada}), found \(kind(node))")
            return false
        }
        if seq.isEmpty { error(location(node), "regions is empty; list at least one region") }
        for item in seq {
            guard let r = row(item, fields: ScenarioFormat.regionKeys, what: "a region") else { continue }
            guard let (code, loc) = requiredText(r, "code", what: "region") else { continue }
            if code.isEmpty || code == "*" || code.contains(",") {
                error(
                    loc,
                    "region code '\(code)' is not allowed; use a short name such as CA (not empty, '*' or containing a comma)")
                continue
            }
            if let first = regionIndex[code] {
                error(loc, "duplicate region '\(code)' (first defined at \(regions[first].location)); give each region once")
                continue
            }
            let name = r.cells["name"].flatMap { string($0, key: "name") }
            let src = source(r)
            regionIndex[code] = regions.count
            regions.append((code, name.flatMap { $0.isEmpty ? nil : $0 }, src, loc))
        }
        return true
    }

    mutating func readProducts(_ node: Yams.Node) -> Bool {
        guard case .sequence(let seq) = node else {
            error(
                location(node),
                "expected a list of products (- {name: ni_ore, stage: mining, unit: t, elasticity: 2}), found \(kind(node))")
            return false
        }
        if seq.isEmpty { error(location(node), "products is empty; list at least one product") }
        let elasticityField = ScenarioFormat.productKeys[3]
        let demandElasticityField = ScenarioFormat.productKeys[4]
        for item in seq {
            guard let r = row(item, fields: ScenarioFormat.productKeys, what: "a product") else { continue }
            let name = requiredText(r, "name", what: "product")
            let stage = requiredText(r, "stage", what: "product")
            let unit = requiredText(r, "unit", what: "product")
            let elasticity = number(r, elasticityField, what: "product '\(name?.0 ?? "")'")
            var demandElasticity = 0.0
            if let cell = r.cells["demand_elasticity"] {
                if case .null = cell.value {
                } else if let v = number(cell, field: demandElasticityField, what: "product '\(name?.0 ?? "")'") {
                    demandElasticity = v
                }
            }
            var choke: Double? = nil
            if let cell = r.cells["choke_price_multiple"] {
                if case .null = cell.value {
                } else if let field = ScenarioFormat.productKeys.first(where: { $0.name == "choke_price_multiple" }) {
                    choke = number(cell, field: field, what: "product '\(name?.0 ?? "")'")
                }
            }
            var mineral: String? = nil
            if let cell = r.cells["mineral"], let m = string(cell, key: "mineral") {
                mineral = m.isEmpty ? nil : m
            }
            let src = source(r)
            guard let (n, loc) = name else { continue }
            if n.isEmpty || n.contains(",") {
                error(loc, "product name '\(n)' is not allowed; use a name such as ni_ore (not empty, no commas)"); continue
            }
            if let first = productIndex[n] {
                error(loc, "duplicate product '\(n)' (first defined at \(products[first].location)); give each product once")
                continue
            }
            if let (s, stageLoc) = stage, s.isEmpty { error(stageLoc, "stage of product '\(n)' must not be empty") }
            // A product with a bad stage, unit or elasticity is still registered, so that the
            // tables naming it do not report it as unknown; the scenario is invalid regardless.
            productIndex[n] = products.count
            let product = Product(
                name: n, stage: stage?.0 ?? "", unit: unit?.0 ?? "", elasticity: elasticity ?? 0, mineral: mineral)
            products.append((product, src, loc, stage?.1 ?? loc))
            demandElasticities.append(demandElasticity)
            chokePriceMultiples.append(choke)
        }
        return true
    }

    mutating func readStages(_ node: Yams.Node) -> [String]? {
        guard case .sequence(let seq) = node else {
            error(location(node), "expected a list of stage names ([mining, refining, …]), found \(kind(node))")
            return nil
        }
        var stages: [String] = []
        for item in seq {
            let cell = Table.Cell(item, path: path)
            guard let s = string(cell, key: "stages") else { continue }
            if stages.contains(s) { error(cell.location, "duplicate stage '\(s)'"); continue }
            stages.append(s)
        }
        for p in products where !stages.contains(p.product.stage) {
            error(
                p.stageLocation,
                "stage '\(p.product.stage)' of product '\(p.product.name)' is not listed in 'stages'\(Suggestion.hint(for: p.product.stage, among: stages)); stages are \(stages.joined(separator: ", "))"
            )
        }
        return stages
    }

    // MARK: - Tables

    /// Reads the table of one document entry: its own rows, then the rows of each `{merge: …}`
    /// laid over them in order (ScenarioDocument). A merged row replaces the inherited row with
    /// the same key (`TableSpec.mergeKey`), keeping its place; other rows are added at the end.
    /// Duplicates within one file are left for `interpret` to report. Nil when unreadable.
    mutating func readTable(_ spec: ScenarioFormat.TableSpec, entry: ScenarioDocument.Entry) -> Table? {
        path = entry.path
        guard var table = readTable(spec, entry.value) else { return nil }
        for patch in entry.merges {
            path = patch.path
            guard let rows = readTable(spec, patch.value)?.rows else { return nil }
            var position: [[String]: Int] = [:]
            if let keyOf = spec.mergeKey {
                for (i, row) in table.rows.enumerated() { position[keyOf(row)] = i }
            }
            for row in rows {
                if let keyOf = spec.mergeKey, let i = position[keyOf(row)] {
                    table.rows[i] = row
                } else {
                    table.rows.append(row)
                }
            }
            table.file = nil
        }
        return table
    }

    /// Reads a table written inline or as `{file: path.csv}`; nil when unreadable.
    mutating func readTable(_ spec: ScenarioFormat.TableSpec, _ node: Yams.Node) -> Table? {
        switch node {
        case .sequence(let seq):
            let rows = seq.compactMap { row($0, fields: spec.columns, what: "a \(spec.key) row") }
            return Table(spec: spec, rows: rows, file: nil)
        case .mapping:
            guard let ref = row(node, fields: ScenarioFormat.fileReferenceKeys, what: "the \(spec.key) table reference"),
                let (file, loc) = requiredText(ref, "file", what: "the \(spec.key) table reference")
            else { return nil }
            if file.isEmpty { error(loc, "the file name of \(spec.key) is empty"); return nil }
            return readCSV(spec, file: file, at: loc)
        default:
            error(location(node), "expected \(spec.key) as a list of rows or {file: path.csv}, found \(kind(node))")
            return nil
        }
    }

    mutating func readCSV(_ spec: ScenarioFormat.TableSpec, file: String, at reference: SourceLocation) -> Table? {
        let csvPath = ScenarioLoader.resolve(file, relativeTo: path)
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: csvPath, isDirectory: &isFolder)
        guard exists, !isFolder.boolValue, let data = FileContents.read(csvPath) else {
            let why = !exists ? "no such file" : (isFolder.boolValue ? "it is a folder" : "it cannot be read")
            error(
                reference,
                "cannot read \(spec.key) table file '\(file)' (resolved to '\(csvPath)'): \(why); paths are relative to the scenario file"
            )
            return nil
        }
        if !referencedFiles.contains(csvPath) { referencedFiles.append(csvPath) }
        fileDigests[csvPath] = SHA256.hex(of: data)
        guard var text = String(data: data, encoding: .utf8) else {
            error(.start(of: csvPath), "the file is not valid UTF-8 text; save it as UTF-8 CSV")
            return nil
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        // Records are turned into rows as the parser meets them (streaming: the parsed records
        // of a large file are never held all at once next to its rows).
        let names = spec.columnNames
        var header: CSVReader.Record?
        var columns: [String?] = []
        var headerComplete = false
        var kept: [(field: Int, name: String)] = []
        var keptNames: [String] = []
        var rows: [Table.Row] = []
        let problems = CSVReader.parse(text, path: csvPath) { record in
            guard header != nil else {
                header = record
                headerComplete = readHeader(record, spec: spec, csvPath: csvPath, columns: &columns)
                // Every row shares one array of the known columns' names (and their field positions).
                kept = columns.indices.compactMap { k in columns[k].map { (field: k, name: $0) } }
                keptNames = kept.map(\.name)
                return
            }
            guard headerComplete else { return }
            guard record.fields.count == columns.count else {
                error(
                    SourceLocation(path: csvPath, line: record.line, column: 1),
                    "row has \(record.fields.count) field\(record.fields.count == 1 ? "" : "s") but the header has \(columns.count); quote fields that contain commas"
                )
                return
            }
            let values = kept.map { k in
                let field = record.fields[k.field]
                return Table.Cell(
                    csv: field.text, location: SourceLocation(path: csvPath, line: field.line, column: field.column))
            }
            rows.append(
                Table.Row(
                    location: SourceLocation(path: csvPath, line: record.line, column: 1),
                    cells: Table.Cells(names: keptNames, values: values)))
        }
        diagnostics += problems
        guard header != nil else {
            if problems.isEmpty {
                error(.start(of: csvPath), "the file has no header row; expected the columns \(names.joined(separator: ","))")
            }
            return nil
        }
        guard headerComplete else { return nil }
        return Table(spec: spec, rows: rows, file: csvPath)
    }

    /// Maps the header's fields to the spec's columns (nil for an unknown or repeated one,
    /// reported); false when a required column is missing, so that no row can be read.
    private mutating func readHeader(
        _ header: CSVReader.Record, spec: ScenarioFormat.TableSpec, csvPath: String,
        columns: inout [String?]
    ) -> Bool {
        let names = spec.columnNames
        for field in header.fields {
            let loc = SourceLocation(path: csvPath, line: field.line, column: field.column)
            if !names.contains(field.text) {
                error(
                    loc,
                    "unknown column '\(field.text)' in the \(spec.key) header\(Suggestion.hint(for: field.text, among: names)); valid columns are \(names.joined(separator: ", "))"
                )
                columns.append(nil)
            } else if columns.contains(field.text) {
                error(loc, "duplicate column '\(field.text)' in the header")
                columns.append(nil)
            } else {
                columns.append(field.text)
            }
        }
        let missing = spec.columns.filter { $0.required && !columns.contains($0.name) }.map(\.name)
        if !missing.isEmpty {
            error(
                SourceLocation(path: csvPath, line: header.line, column: 1),
                "missing column\(missing.count > 1 ? "s" : "") \(missing.map { "'\($0)'" }.joined(separator: ", ")) in the \(spec.key) header; expected \(names.joined(separator: ","))"
            )
            return false
        }
        return true
    }

    // MARK: - Interpretation

    /// Rows of every table after interpretation.
    struct TableSet {
        /// Tables that produced any diagnostic; checks that depend on them are skipped.
        var unclean: Set<String> = []
        var defaultRecipes: [Int: [RecipeEntry]] = [:]
        var regionRecipes: [Node: [RecipeEntry]] = [:]
        var finalDemand: [ResolvedScenario.NodeValue] = []
        var baseTrade: [ResolvedScenario.RouteValue] = []
        var basePrices: [ResolvedScenario.NodeValue] = []
        var capacities: [ResolvedScenario.NodeValue] = []
        var tariffs: [ResolvedScenario.TariffRow] = []
        var routes: [ResolvedScenario.RouteValue] = []
        var newNodes: [ResolvedScenario.NewNodeRow] = []
    }

    /// A recipe entry's identity: region (−1 for the default recipe), product and input.
    struct RecipeKey: Hashable {
        let region: Int
        let product: Int
        let input: Int
    }

    mutating func interpret(_ table: Table, into set: inout TableSet) {
        let spec = table.spec
        let fields = Dictionary(uniqueKeysWithValues: spec.columns.map { ($0.name, $0) })
        // Where each recipe entry, node or route was first given, for duplicate reports.
        var seenRecipes: [RecipeKey: SourceLocation] = [:]
        var seenNodes: [Node: SourceLocation] = [:]
        var seenRoutes: [Route: SourceLocation] = [:]
        let what = "\(spec.key) row"
        // The one numeric column of the node and route tables (quantity, price, capacity, affinity).
        let valueField = spec.columns.first { $0.type == .number }
        for row in table.rows {
            switch spec.key {
            case ScenarioFormat.recipes.key:
                var region: RegionIndex?? = .some(nil)  // .some(nil) = default row
                if let cell = row.cells["region"] {
                    switch cell.value {
                    case .null: break
                    case .scalar(let code, _) where code == "*": break
                    default: region = self.region(row, "region", what: what).map { .some($0) } ?? .none
                    }
                }
                let p = product(row, "product", what: what)
                let q = product(row, "input", what: what)
                let b = fields["quantity_per_unit"].flatMap { number(row, $0, what: what) }
                guard let r = region, let p, let q, let b else { continue }
                let key = RecipeKey(region: r?.rawValue ?? -1, product: p.rawValue, input: q.rawValue)
                if let first = seenRecipes[key] {
                    let scope = r.map { "region \(regions[$0.rawValue].code)" } ?? "the default recipe"
                    error(
                        row.location,
                        "duplicate recipe row: \(products[p.rawValue].product.name) already has input \(products[q.rawValue].product.name) in \(scope) (first given at \(first)); give each input once"
                    )
                    continue
                }
                seenRecipes[key] = row.location
                let entry: RecipeEntry = (q, b, source(row), row.location)
                if let r {
                    set.regionRecipes[Node(r, p), default: []].append(entry)
                } else {
                    set.defaultRecipes[p.rawValue, default: []].append(entry)
                }
            case ScenarioFormat.finalDemand.key, ScenarioFormat.basePrices.key, ScenarioFormat.capacities.key:
                let r = region(row, "region", what: what)
                let p = product(row, "product", what: what)
                let v = valueField.flatMap { number(row, $0, what: what) }
                guard let r, let p, let v else { continue }
                let node = Node(r, p)
                if let first = seenNodes[node] {
                    error(
                        row.location,
                        "duplicate \(spec.key) row for \(nodeName(node)) (first given at \(first)); give each region and product once"
                    )
                    continue
                }
                seenNodes[node] = row.location
                let value = ResolvedScenario.NodeValue(node: node, value: v, source: source(row), location: row.location)
                switch spec.key {
                case ScenarioFormat.finalDemand.key: set.finalDemand.append(value)
                case ScenarioFormat.basePrices.key: set.basePrices.append(value)
                default: set.capacities.append(value)
                }
            case ScenarioFormat.newNodes.key:
                let r = region(row, "region", what: what)
                let p = product(row, "product", what: what)
                let price = fields["price_usd_per_unit"].flatMap { number(row, $0, what: what) }
                let capacity = fields["reference_capacity"].flatMap { number(row, $0, what: what) }
                guard let r, let p, let price, let capacity else { continue }
                let node = Node(r, p)
                if let first = seenNodes[node] {
                    error(
                        row.location,
                        "duplicate new_nodes row for \(nodeName(node)) (first given at \(first)); give each region and product once"
                    )
                    continue
                }
                seenNodes[node] = row.location
                set.newNodes.append(
                    .init(node: node, price: price, referenceCapacity: capacity, source: source(row), location: row.location))
            case ScenarioFormat.baseTrade.key, ScenarioFormat.routes.key, ScenarioFormat.tariffs.key:
                let p = product(row, "product", what: what)
                let s = region(row, "exporter", what: what)
                let r = region(row, "importer", what: what)
                var v: Double? = nil, rate: Double? = nil
                var rateOK = true
                if spec.key == ScenarioFormat.tariffs.key {
                    v = fields["base_rate"].flatMap { number(row, $0, what: what) }
                    if let cell = row.cells["rate"], let field = fields["rate"] {
                        if case .null = cell.value {
                        } else {
                            rate = number(cell, field: field, what: what)
                            rateOK = rate != nil
                        }
                    }
                } else {
                    v = valueField.flatMap { number(row, $0, what: what) }
                }
                guard let p, let s, let r, let v, rateOK else { continue }
                let route = Route(p, from: s, to: r)
                if let first = seenRoutes[route] {
                    error(
                        row.location,
                        "duplicate \(spec.key) row for \(routeName(route)) (first given at \(first)); give each product, exporter and importer once"
                    )
                    continue
                }
                seenRoutes[route] = row.location
                let src = source(row)
                switch spec.key {
                case ScenarioFormat.baseTrade.key:
                    set.baseTrade.append(.init(route: route, value: v, source: src, location: row.location))
                case ScenarioFormat.routes.key:
                    set.routes.append(.init(route: route, value: v, source: src, location: row.location))
                default:
                    if s == r {
                        error(
                            row.location,
                            "tariff on \(routeName(route)) has the same exporter and importer; tariffs apply to imports only")
                        continue
                    }
                    set.tariffs.append(.init(route: route, baseRate: v, rate: rate ?? v, source: src, location: row.location))
                }
            default:
                continue
            }
        }
    }

    // MARK: - Cross-table checks

    /// Where each node first supplies (base trade > 0, or an opened route).
    func supplyLocations(_ t: TableSet) -> [Node: SourceLocation] {
        var out: [Node: SourceLocation] = [:]
        for row in t.baseTrade where row.value > 0 && out[row.route.supplier] == nil { out[row.route.supplier] = row.location }
        for row in t.routes where out[row.route.supplier] == nil { out[row.route.supplier] = row.location }
        return out
    }

    /// Recipe of a node after defaults: the region's own rows, or the product's default rows.
    func recipe(_ t: TableSet, _ node: Node) -> [RecipeEntry] {
        t.regionRecipes[node] ?? t.defaultRecipes[node.product.rawValue] ?? []
    }

    mutating func crossCheck(_ t: TableSet) {
        let tradeReady = !t.unclean.contains("base_trade") && !t.unclean.contains("routes")
        let supply = supplyLocations(t)
        if tradeReady && !t.unclean.contains("base_prices") {
            let priced = Set(t.basePrices.map(\.node) + t.newNodes.map(\.node))
            for (node, loc) in supply.sorted(by: { $0.value < $1.value }) where !priced.contains(node) {
                error(
                    loc,
                    "\(nodeName(node)) supplies in the base year but has no base price; add a base_prices row for region \(regions[node.region.rawValue].code), product \(products[node.product.rawValue].product.name)"
                )
            }
        }
        if tradeReady && !t.unclean.contains("new_nodes") && !t.unclean.contains("base_prices") {
            checkNewNodes(t)
        }
        if tradeReady {
            let traded = Dictionary(t.baseTrade.map { ($0.route, $0.value) }, uniquingKeysWith: { a, _ in a })
            for row in t.routes where (traded[row.route] ?? 0) > 0 {
                error(
                    row.location,
                    "route \(routeName(row.route)) already has base trade; 'routes' opens only routes without base trade")
            }
        }
        if tradeReady && !t.unclean.contains("final_demand") && !t.unclean.contains("recipes") {
            var served = Set<Node>()  // (importer, product) markets with a supplier
            for row in t.baseTrade where row.value > 0 { served.insert(Node(row.route.importer, row.route.product)) }
            for row in t.routes { served.insert(Node(row.route.importer, row.route.product)) }
            var reported = Set<Node>()
            for row in t.finalDemand where row.value > 0 && !served.contains(row.node) && !reported.contains(row.node) {
                reported.insert(row.node)
                let r = regions[row.node.region.rawValue].code, q = products[row.node.product.rawValue].product.name
                error(
                    row.location,
                    "\(r) has final demand for \(q) but no region supplies \(q) there (product used but never supplied); add base_trade into \(r) (domestic supply counts) or open a route"
                )
            }
            for node in supply.keys.sorted(by: { ($0.region, $0.product) < ($1.region, $1.product) }) {
                for input in recipe(t, node) where input.quantity > 0 {
                    let market = Node(node.region, input.input)
                    guard !served.contains(market), !reported.contains(market) else { continue }
                    reported.insert(market)
                    let r = regions[node.region.rawValue].code, q = products[input.input.rawValue].product.name
                    error(
                        input.location,
                        "\(nodeName(node)) uses \(q) but no region supplies \(q) to \(r) (product used but never supplied); add base_trade into \(r) (domestic supply counts) or open a route"
                    )
                }
            }
        }
    }

    /// `new_nodes` are for nodes without base output: each must not trade or be priced in the
    /// base data already, and must sell through at least one opened route (else it would stay
    /// inactive and its row would have no effect).
    mutating func checkNewNodes(_ t: TableSet) {
        let trading = Dictionary(
            t.baseTrade.filter { $0.value > 0 }.map { ($0.route.supplier, $0.location) }, uniquingKeysWith: { a, _ in a })
        let priced = Dictionary(t.basePrices.map { ($0.node, $0.location) }, uniquingKeysWith: { a, _ in a })
        let selling = Set(t.routes.map(\.route.supplier))
        for row in t.newNodes {
            let name = nodeName(row.node)
            if let at = trading[row.node] {
                error(
                    row.location,
                    "\(name) already supplies in base_trade (\(at)); new_nodes is for nodes with no base output — give an existing node's price in base_prices"
                )
            } else if let at = priced[row.node] {
                error(
                    row.location,
                    "\(name) already has a base price (\(at)); give the price in one place: base_prices for observed nodes, new_nodes for new plants"
                )
            } else if !selling.contains(row.node) {
                let code = regions[row.node.region.rawValue].code
                let product = products[row.node.product.rawValue].product.name
                error(
                    row.location,
                    "new node \(name) sells nothing: open at least one route from it in 'routes' (product \(product), exporter \(code), importer \(code) for its home market)"
                )
            }
        }
    }

    func nodeName(_ n: Node) -> String {
        "\(regions[n.region.rawValue].code)/\(products[n.product.rawValue].product.name)"
    }
    func routeName(_ r: Route) -> String {
        "\(products[r.product.rawValue].product.name) \(regions[r.exporter.rawValue].code)→\(regions[r.importer.rawValue].code)"
    }

    // MARK: - Resolution

    mutating func resolve(
        _ t: TableSet, formatVersion: Int, name: String, description: String,
        baseYear: Int, currency: String, stages: [String]?, years: ScenarioYears
    ) {
        let engineRegions = regions.map { Region(code: $0.code, name: $0.name) }
        let engineProducts = products.map(\.product)
        var recipeRows: [ResolvedScenario.RecipeRow] = []
        var recipeTable: [Node: [RecipeInput]] = [:]
        for r in engineRegions.indices {
            for p in engineProducts.indices {
                let node = Node(RegionIndex(r), ProductIndex(p))
                let rows = recipe(t, node)
                guard !rows.isEmpty else { continue }
                recipeTable[node] = rows.map { RecipeInput($0.input, $0.quantity) }
                recipeRows += rows.map {
                    .init(node: node, input: $0.input, quantityPerUnit: $0.quantity, source: $0.source, location: $0.location)
                }
            }
        }
        let network = Network(regions: engineRegions, products: engineProducts, stages: stages, recipes: recipeTable)
        var prices: NodeTable<Double?> = network.nodeTable(repeating: nil)
        for row in t.basePrices { prices[row.node] = row.value }
        for row in t.newNodes { prices[row.node] = row.price }
        var capacityTable: NodeTable<Double?> = network.nodeTable(repeating: nil)
        for row in t.capacities { capacityTable[row.node] = row.value }
        var demand = network.nodeTable(repeating: 0.0)
        for row in t.finalDemand { demand[row.node] = row.value }
        let timeline = years.timeline(
            network: network, baseYear: baseYear, capacities: capacityTable, finalDemand: demand,
            tariffRates: Dictionary(t.tariffs.map { ($0.route, $0.rate) }, uniquingKeysWith: { a, _ in a }))
        let base = BaseYear(
            trade: Dictionary(t.baseTrade.map { ($0.route, $0.value) }, uniquingKeysWith: { a, _ in a }),
            prices: prices,
            tariffs: Dictionary(t.tariffs.map { ($0.route, $0.baseRate) }, uniquingKeysWith: { a, _ in a }),
            capacities: timeline.capacity.capacities(in: baseYear), finalDemand: demand,
            openedRoutes: Dictionary(t.routes.map { ($0.route, $0.value) }, uniquingKeysWith: { a, _ in a }),
            referenceCapacities: Dictionary(t.newNodes.map { ($0.node, $0.referenceCapacity) }, uniquingKeysWith: { a, _ in a }))
        let calibration: Calibration
        do {
            calibration = try Calibration(network: network, base: base)
        } catch {
            for issue in error.issues {
                self.error(location(of: issue, t), issue.message(in: network))
            }
            return
        }
        scenario = ResolvedScenario(
            path: scenarioPath, formatVersion: formatVersion, name: name, description: description, baseYear: baseYear,
            currency: currency, regionSources: regions.map(\.source), productSources: products.map(\.source),
            recipes: recipeRows, finalDemand: t.finalDemand, baseTrade: t.baseTrade, basePrices: t.basePrices,
            capacities: t.capacities, tariffs: t.tariffs, openedRoutes: t.routes, newNodes: t.newNodes,
            referencedFiles: referencedFiles,
            fileDigests: fileDigests,
            network: network, base: base, calibration: calibration, timeline: timeline, years: years)
    }

    /// The line a calibration issue comes from: the row holding the offending value, or the
    /// definition of the product or region when no row exists.
    ///
    /// Written as `if case` tests rather than a `switch` so that an issue the engine adds later
    /// still gets reported (at the scenario's start) instead of breaking the build.
    func location(of issue: CalibrationIssue, _ t: TableSet) -> SourceLocation {
        func productLoc(_ q: ProductIndex) -> SourceLocation { products[q.rawValue].location }
        func nodeRow(_ rows: [ResolvedScenario.NodeValue], _ n: Node) -> SourceLocation {
            rows.first { $0.node == n }?.location ?? productLoc(n.product)
        }
        func routeRow(_ rows: [ResolvedScenario.RouteValue], _ route: Route) -> SourceLocation {
            rows.first { $0.route == route }?.location ?? productLoc(route.product)
        }
        if case .missingBasePrice(let n) = issue { return supplyLocations(t)[n] ?? productLoc(n.product) }
        func priceRow(_ n: Node) -> SourceLocation {
            t.newNodes.first { $0.node == n }?.location ?? nodeRow(t.basePrices, n)
        }
        if case .invalidBasePrice(let n, _) = issue { return priceRow(n) }
        if case .negativeValueAdded(let n, _, _, _) = issue { return priceRow(n) }
        if case .invalidReferenceCapacity(let n, _) = issue { return priceRow(n) }
        if case .noSupplier(let q, let r) = issue {
            if let row = t.finalDemand.first(where: { $0.node == Node(r, q) && $0.value > 0 }) { return row.location }
            for node in supplyLocations(t).keys.sorted(by: { $0.product < $1.product }) where node.region == r {
                if let input = recipe(t, node).first(where: { $0.input == q }) { return input.location }
            }
            return regions[r.rawValue].location
        }
        if case .invalidTradeQuantity(let route, _) = issue { return routeRow(t.baseTrade, route) }
        if case .invalidTariff(let route, _) = issue {
            return t.tariffs.first { $0.route == route }?.location ?? productLoc(route.product)
        }
        if case .zeroCapacitySupplier(let n) = issue { return nodeRow(t.capacities, n) }
        if case .invalidCapacity(let n, _) = issue { return nodeRow(t.capacities, n) }
        if case .invalidFinalDemand(let n, _) = issue { return nodeRow(t.finalDemand, n) }
        if case .invalidOpenedRoute(let route, _) = issue { return routeRow(t.routes, route) }
        if case .invalidElasticity(let q, _) = issue { return productLoc(q) }
        return .start(of: scenarioPath)
    }
}
