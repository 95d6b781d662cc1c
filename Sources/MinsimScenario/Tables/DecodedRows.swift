import Foundation
import MinsimEngine

/// The rows of one of the large one-year tables (recipes, final demand, base prices,
/// capacities, base trade, routes, tariffs) as `ScenarioBuilder.readCSV` decodes them while the
/// parser finds them: a row whose fields are all plainly valid (`RowDecoder`) is kept as its
/// codes, value and source number (40 bytes, no field records, no `String`); any other row is
/// kept as a `Table.Row` in the table's rows, for the decoder to read through `RowReader`,
/// which reports its problems. Rows stay in file order, so the decoders meet them — and report
/// duplicates — exactly as they did reading every row from its fields.
struct DecodedRows {
    /// One row: decoded, or (source number `Row.general`) one for the general reader.
    struct Row {
        /// The line the row starts on; for a general row, its index in the table's rows.
        let line: Int
        let values: RowDecoder.Decoded

        static let general = UInt32.max

        /// A row the general reader reads: row `index` of the table's rows.
        init(general index: Int) {
            line = index
            values = RowDecoder.Decoded(a: 0, b: 0, c: 0, source: Self.general, value: 0, rate: .nan)
        }

        /// A decoded row, its source text numbered `source`.
        init(line: Int, source: UInt32, _ decoded: RowDecoder.Decoded) {
            self.line = line
            var values = decoded
            values.source = source
            self.values = values
        }

        var isDecoded: Bool { values.source != Self.general }
    }

    var rows: [Row] = []
    /// The file the decoded rows were read from, and its number in `Provenance.OriginTexts`.
    let path: String
    let file: UInt32

    /// Where row `i` starts: column 1 of its line, or a general row's own location.
    func location(_ i: Int, general: Table.Rows) -> SourceLocation {
        let row = rows[i]
        return row.isDecoded ? SourceLocation(path: path, line: row.line, column: 1) : general[row.line].location
    }

    /// The origin of decoded row `row`.
    func origin(_ row: Row) -> Provenance.RowOrigin {
        Provenance.RowOrigin(line: row.line, column: 1, file: file, source: row.values.source)
    }

    /// Every row of `table` for the general reader (a table not decoded by `readCSV`: written
    /// inline, or merged from several files).
    static func general(_ table: Table) -> DecodedRows {
        var all = DecodedRows(path: "", file: 0)
        all.rows = table.rows.indices.map { Row(general: $0) }
        return all
    }
}

/// Decodes one row of a large one-year table straight from its fields' bytes: region and
/// product codes by `CodeIndex.index(of:)`, numbers by `NumberText.value(bytes:)`. It answers
/// only when every field it needs is valid exactly as `RowReader` would take it (present, not
/// blank, unquoted, a known name, a plain decimal within the field's bounds) and nil
/// otherwise, for the row to be read through `RowReader`: the values decoded and the
/// diagnostics are the same either way.
struct RowDecoder {
    typealias Field = ScenarioFormat.Field

    /// Which table's rows, and so which columns.
    enum Layout {
        /// `recipes`: region (blank, `*` or absent: the default recipe), product, input, quantity.
        case recipes
        /// `final_demand`, `base_prices`, `capacities`: region, product, value.
        case nodeValues
        /// `base_trade`, `routes`, `tariffs`: product, exporter, importer, value (a tariff's base
        /// rate), and a tariff's rate (absent or blank: the base rate).
        case routes
    }

    /// A field as the decoder finds it.
    enum FieldBytes {
        case absent
        case quoted
        case bytes(UnsafeRawBufferPointer)
    }

    /// A decoded row: its names as indices (recipes region — −1: the default recipe —,
    /// product, input; node tables region, product; route tables product, exporter,
    /// importer), its value, a tariff's rate (NaN when not given: the base rate applies; a
    /// read number is never NaN, `NumberText` refuses it) and, once numbered, the number of
    /// its `source` text (`Provenance.OriginTexts`).
    struct Decoded {
        let a: Int32
        let b: Int32
        let c: Int32
        // (Before the doubles: 32 bytes in all.)
        var source: UInt32 = 0
        let value: Double
        let rate: Double
    }

    let layout: Layout
    /// The columns read, by the decoder's numbering (names, value, rate), then `source`.
    let columns: [String]
    let valueField: Field?
    let rateField: Field?
    let names: ScenarioNames

    /// The decoder of `spec`'s rows; nil for a table it does not decode.
    init?(_ spec: ScenarioFormat.TableSpec, names: ScenarioNames) {
        func field(_ name: String) -> Field? { spec.columns.first { $0.name == name } }
        let number = spec.columns.first { $0.type == .number }
        switch spec.key {
        case ScenarioFormat.recipes.key:
            layout = .recipes
            valueField = field("quantity_per_unit")
            rateField = nil
            columns = ["region", "product", "input", "quantity_per_unit"]
        case ScenarioFormat.finalDemand.key, ScenarioFormat.basePrices.key, ScenarioFormat.capacities.key:
            layout = .nodeValues
            valueField = number
            rateField = nil
            columns = ["region", "product", number?.name ?? ""]
        case ScenarioFormat.baseTrade.key, ScenarioFormat.routes.key, ScenarioFormat.tariffs.key:
            layout = .routes
            // The value: the one numeric column (quantity, affinity), or a tariff's base rate.
            valueField = field("base_rate") ?? number
            rateField = spec.key == ScenarioFormat.tariffs.key ? field("rate") : nil
            columns = ["product", "exporter", "importer", valueField?.name ?? "", rateField?.name ?? ""]
        default: return nil
        }
        self.names = names
    }

    /// A decoder that reads no column, in place of a missing one (never asked to decode).
    static let none = RowDecoder()

    private init() {
        layout = .nodeValues
        columns = []
        valueField = nil
        rateField = nil
        names = ScenarioNames()
    }

    /// The position of the `source` column in `columns`.
    var sourceColumn: Int { columns.count }

    /// The position of each column read (then of `source`) among `names`; -1 where absent.
    func positions(in names: [String?]) -> [Int] {
        (columns + ["source"]).map { name in names.firstIndex { $0 == name } ?? -1 }
    }

    /// The row whose column `k` (the decoder's numbering) is `field(k)`; nil unless every field
    /// needed is plainly valid. `readableTo`: the end of the memory the fields lie in, when known.
    @inline(__always)
    func decode(readableTo: UnsafeRawPointer? = nil, _ field: (Int) -> FieldBytes) -> Decoded? {
        @inline(__always) func bytes(_ k: Int) -> UnsafeRawBufferPointer? {
            guard case .bytes(let b) = field(k), !b.isEmpty else { return nil }
            return b
        }
        @inline(__always) func code(_ k: Int, _ index: CodeIndex) -> Int32? {
            guard let b = bytes(k) else { return nil }
            guard let i = readableTo.map({ index.index(of: b, readableTo: $0) }) ?? index.index(of: b) else { return nil }
            return Int32(exactly: i)
        }
        @inline(__always) func region(_ k: Int) -> Int32? { code(k, names.regionIndex) }
        @inline(__always) func product(_ k: Int) -> Int32? { code(k, names.productIndex) }
        @inline(__always) func number(_ k: Int, _ field: Field?) -> Double? {
            guard let field, let b = bytes(k), let v = NumberText.value(bytes: b), field.admits(v) else { return nil }
            return v
        }
        switch layout {
        case .recipes:
            guard let p = product(1), let q = product(2), let v = number(3, valueField) else { return nil }
            let r: Int32
            switch field(0) {
            case .absent: r = -1
            case .quoted: return nil
            case .bytes(let b):
                if b.isEmpty || (b.count == 1 && b[0] == UInt8(ascii: "*")) {
                    r = -1
                } else {
                    guard let known = region(0) else { return nil }
                    r = known
                }
            }
            return Decoded(a: r, b: p, c: q, value: v, rate: .nan)
        case .nodeValues:
            guard let r = region(0), let p = product(1), let v = number(2, valueField) else { return nil }
            return Decoded(a: r, b: p, c: 0, value: v, rate: .nan)
        case .routes:
            guard let p = product(0), let s = region(1), let r = region(2), let v = number(3, valueField) else { return nil }
            var rate = Double.nan
            if rateField != nil {
                switch field(4) {
                case .absent: break
                case .quoted: return nil
                case .bytes(let b):
                    if !b.isEmpty {
                        guard let given = number(4, rateField) else { return nil }
                        rate = given
                    }
                }
            }
            return Decoded(a: p, b: s, c: r, value: v, rate: rate)
        }
    }
}

extension ScenarioFormat.Field {
    /// The bound of the field that `v` breaks, nil when it lies within them all: the one
    /// statement of the field's bounds, for `RowReader.number` (which says which bound a value
    /// breaks) and the row decoder (which only asks whether it breaks one).
    enum Bound { case minimum(Double), maximum(Double), exclusiveMaximum(Double) }

    func brokenBound(_ v: Double) -> Bound? {
        if let lo = minimum, exclusiveMinimum ? !(v > lo) : !(v >= lo) { return .minimum(lo) }
        if let hi = maximum, !(v <= hi) { return .maximum(hi) }
        if let hi = exclusiveMaximum, !(v < hi) { return .exclusiveMaximum(hi) }
        return nil
    }

    /// True when `v` lies within the field's bounds.
    func admits(_ v: Double) -> Bool { brokenBound(v) == nil }
}
