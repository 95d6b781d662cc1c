import MinsimEngine

/// The names a row may refer to, indexed once per load so that decoding a row is a dictionary
/// lookup per name (linear time in the rows, however many regions and products there are).
struct ScenarioNames {
    var regionIndex = CodeIndex()
    var regionCodes: [String] = []
    var productIndex = CodeIndex()
    var productNames: [String] = []
}

/// Reads the cells of one row — an inline YAML map or a CSV record — with the rules every
/// table shares: text, integers, numbers within a field's bounds, required cells, region and
/// product names (with "did you mean"), a region or `*`, `except` lists, years and dates.
///
/// The row carries its own file, line and column (and each cell its own), so nothing here
/// depends on which file is being read; every problem is collected in `diagnostics` with its
/// location, for the caller to add to the load's list. `what` names the row in messages
/// ("capacities row"); a call may name it differently with its `what` argument.
struct RowReader {
    typealias Field = ScenarioFormat.Field

    let row: Table.Row
    let what: String
    let names: ScenarioNames
    private(set) var diagnostics: [Diagnostic] = []

    init(_ row: Table.Row, what: String, names: ScenarioNames) {
        self.row = row
        self.what = what
        self.names = names
    }

    /// A reader for one cell outside a table row (a top-level key, a value in a map).
    init(cell: Table.Cell, names: ScenarioNames = ScenarioNames()) {
        self.init(Table.Row(location: cell.location, cells: Table.Cells()), what: "", names: names)
    }

    /// Where the row starts.
    var location: SourceLocation { row.location }

    subscript(field: String) -> Table.Cell? { row.cells[field] }

    mutating func error(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(at: location, message))
    }

    mutating func warning(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(.warning, at: location, message))
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
    mutating func number(_ cell: Table.Cell, field: Field, what: String? = nil) -> Double? {
        let what = what ?? self.what
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
        switch field.brokenBound(v) {
        case nil:
            return v
        case .minimum(let lo):
            let op = field.exclusiveMinimum ? ">" : "≥"
            let negative = v < 0 && lo >= 0 ? "negative value: " : ""
            let why = lo < 0 ? "; a rate of -1 or below would make goods free" : ""
            error(cell.location, "\(negative)'\(field.name)' in \(what) is \(text); it must be \(op) \(Self.format(lo))\(why)")
        case .maximum(let hi):
            error(cell.location, "'\(field.name)' in \(what) is \(text); it must be ≤ \(Self.format(hi))")
        case .exclusiveMaximum(let hi):
            error(cell.location, "'\(field.name)' in \(what) is \(text); it must be < \(Self.format(hi))")
        }
        return nil
    }

    static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)"
    }

    // MARK: - Row cells

    /// The cell of a required field, or an error naming what is missing.
    mutating func required(_ field: String, what: String? = nil) -> Table.Cell? {
        let what = what ?? self.what
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

    /// The text of a required field, with its location.
    mutating func text(_ field: String, what: String? = nil) -> (String, SourceLocation)? {
        guard let cell = required(field, what: what), let s = string(cell, key: field) else { return nil }
        return (s, cell.location)
    }

    /// The optional `source` column; empty when not given.
    mutating func source() -> String {
        row.cells["source"].flatMap { string($0, key: "source") } ?? ""
    }

    /// An optional cell: absent or blank = not given.
    func optional(_ field: String) -> Table.Cell? {
        guard let cell = row.cells[field] else { return nil }
        if case .null = cell.value { return nil }
        return cell
    }

    mutating func region(_ field: String, what: String? = nil) -> RegionIndex? {
        guard let (code, loc) = text(field, what: what) else { return nil }
        if let i = names.regionIndex[code] { return RegionIndex(i) }
        let codes = names.regionCodes
        error(
            loc,
            "unknown region '\(code)' in '\(field)'\(Suggestion.hint(for: code, among: codes)); regions are \(codes.joined(separator: ", "))"
        )
        return nil
    }

    mutating func product(_ field: String, what: String? = nil) -> ProductIndex? {
        guard let (name, loc) = text(field, what: what) else { return nil }
        if let i = names.productIndex[name] { return ProductIndex(i) }
        error(
            loc,
            "unknown product '\(name)' in '\(field)'\(Suggestion.hint(for: name, among: names.productNames)); products must be listed under 'products'"
        )
        return nil
    }

    /// A required number within the field's bounds.
    mutating func number(_ field: Field, what: String? = nil) -> Double? {
        guard let cell = required(field.name, what: what) else { return nil }
        return number(cell, field: field, what: what)
    }

    /// A year cell: an integer from 1 to 9999.
    mutating func year(_ field: String, what: String? = nil) -> Int? {
        let what = what ?? self.what
        guard let cell = required(field, what: what), let v = integer(cell, key: field) else { return nil }
        guard (1...9999).contains(v) else {
            error(cell.location, "'\(field)' in \(what) is \(v); it must be a year between 1 and 9999")
            return nil
        }
        return v
    }

    /// The `region` column where it may be blank or `*` for every region: .some(nil) = every
    /// region, nil = invalid (reported).
    mutating func regionOrEvery() -> RegionIndex?? {
        guard let cell = row.cells["region"] else { return .some(nil) }
        switch cell.value {
        case .null: return .some(nil)
        case .scalar(let code, _) where code == "*": return .some(nil)
        default: return region("region").map { .some($0) } ?? .none
        }
    }

    /// A region cell that may be `*` (every region): .some(nil) = every, nil = invalid (reported).
    mutating func regionOrStar(_ field: String) -> RegionIndex?? {
        if let cell = row.cells[field], case .scalar("*", _) = cell.value { return .some(nil) }
        return region(field).map { .some($0) } ?? .none
    }
}
