import Foundation
import MinsimEngine
import Yams

/// How the builder reads rows and cells: through a `RowReader`, which owns the rules every
/// table shares; the builder adds each reader's diagnostics to the load's.
extension ScenarioBuilder {
    /// A reader of one row, with the scenario's names.
    func rowReader(_ row: Table.Row, what: String) -> RowReader { RowReader(row, what: what, names: names) }

    /// Adds a reader's diagnostics to the load's.
    mutating func absorb(_ reader: RowReader) { diagnostics += reader.diagnostics }

    /// Text of a cell outside a table row (`RowReader.string`).
    mutating func string(_ cell: Table.Cell, key: String) -> String? {
        var reader = RowReader(cell: cell)
        defer { absorb(reader) }
        return reader.string(cell, key: key)
    }

    /// An integer cell outside a table row (`RowReader.integer`).
    mutating func integer(_ cell: Table.Cell, key: String) -> Int? {
        var reader = RowReader(cell: cell)
        defer { absorb(reader) }
        return reader.integer(cell, key: key)
    }

    /// A number cell outside a table row, within the field's bounds (`RowReader.number`).
    mutating func number(_ cell: Table.Cell, field: Field, what: String) -> Double? {
        var reader = RowReader(cell: cell)
        defer { absorb(reader) }
        return reader.number(cell, field: field, what: what)
    }

    /// A YAML map as a row, checking its keys against `fields`.
    mutating func row(_ node: Yams.Node, in yaml: YAMLFile, fields: [Field], what: String) -> Table.Row? {
        guard case .mapping(let map) = node else {
            error(
                yaml.location(node),
                "expected a map for \(what) (keys \(fields.map(\.name).joined(separator: ", "))), found \(yaml.kind(node))")
            return nil
        }
        var cells = Table.Cells()
        let names = fields.map(\.name)
        for (key, value) in map {
            guard case .scalar(let k) = key else {
                error(yaml.location(key), "keys of \(what) must be plain names, found \(yaml.kind(key))")
                continue
            }
            guard names.contains(k.string) else {
                error(
                    yaml.location(key),
                    "unknown key '\(k.string)' in \(what)\(Suggestion.hint(for: k.string, among: names)); valid keys are \(names.joined(separator: ", "))"
                )
                continue
            }
            cells[k.string] = yaml.cell(value)
        }
        return Table.Row(location: yaml.location(node), cells: cells)
    }

    /// One field of a row read by itself (`RowReader.text`), for callers outside the table decoders.
    mutating func requiredText(_ row: Table.Row, _ field: String, what: String) -> (String, SourceLocation)? {
        var reader = rowReader(row, what: what)
        defer { absorb(reader) }
        return reader.text(field)
    }

    /// A region field of a row read by itself (`RowReader.region`).
    mutating func region(_ row: Table.Row, _ field: String, what: String) -> RegionIndex? {
        var reader = rowReader(row, what: what)
        defer { absorb(reader) }
        return reader.region(field)
    }

    /// A product field of a row read by itself (`RowReader.product`).
    mutating func product(_ row: Table.Row, _ field: String, what: String) -> ProductIndex? {
        var reader = rowReader(row, what: what)
        defer { absorb(reader) }
        return reader.product(field)
    }

    static func format(_ v: Double) -> String { RowReader.format(v) }
}
