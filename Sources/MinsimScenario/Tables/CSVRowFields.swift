import Foundation
import MinsimEngine

/// The fast path of the table decoders, for rows read from CSV files (nearly all the rows of a
/// large scenario): the fields a decoder needs are found by position, resolved once per CSV
/// header, and read straight from the row's texts — no `Table.Cell`, no `SourceLocation`, no
/// search of the column names per cell.
///
/// Every accessor returns nil unless the value is valid exactly as `RowReader` would take it
/// (present, not blank, a known name, a number within the field's bounds). A decoder takes a
/// row this way only when every field it needs is valid, and otherwise reads the row again
/// through `RowReader`, which reports the problems: the values decoded and the diagnostics are
/// the same either way.
final class CSVRowFields {
    /// The columns asked for, by the decoders' own numbering.
    private let columns: [String]
    private let names: ScenarioNames
    /// The header the positions belong to (rows of merged tables may come from several files).
    private var header: Table.Cells.Header? = nil
    /// Field position per asked column; -1 where the header has no such column.
    private var positions: [Int] = []
    /// The last source read: its header, bytes and text.
    private var lastSource: (header: Table.Cells.Header, start: Int, count: UInt32, text: String)? = nil

    init(_ columns: [String], names: ScenarioNames) {
        self.columns = columns
        self.names = names
    }

    /// Prepares to read `row`; false when it is not a CSV row (a YAML row, or a row rewritten
    /// by a merge), which the caller then reads through `RowReader`.
    func read(_ row: Table.Row) -> Bool {
        guard let h = row.cells.csvHeader else { return false }
        if h !== header {
            header = h
            positions = columns.map { h.names.firstIndex(of: $0) ?? -1 }
        }
        return true
    }

    /// The text of asked column `k` in `row` (after `read(row)`); nil when the header lacks it.
    func text(_ k: Int, _ row: Table.Row) -> String? {
        let position = positions[k]
        guard position >= 0, let header else { return nil }
        return header.text(row.cells.csvField(position))
    }

    /// The bytes of asked column `k` in `row`; nil when the header lacks it or the field is
    /// quoted (then the decoder reads the row the general way).
    private func span(_ k: Int, _ row: Table.Row) -> UnsafeRawBufferPointer? {
        let position = positions[k]
        guard position >= 0, let header else { return nil }
        return header.span(row.cells.csvField(position))
    }

    /// The region named in column `k`, when it is given and known.
    func region(_ k: Int, _ row: Table.Row) -> RegionIndex? {
        guard let b = span(k, row), !b.isEmpty, let i = names.regionIndex.index(of: b) else { return nil }
        return RegionIndex(i)
    }

    /// The product named in column `k`, when it is given and known.
    func product(_ k: Int, _ row: Table.Row) -> ProductIndex? {
        guard let b = span(k, row), !b.isEmpty, let i = names.productIndex.index(of: b) else { return nil }
        return ProductIndex(i)
    }

    /// The number in column `k`, when it is a plain decimal within `field`'s bounds.
    func number(_ k: Int, _ row: Table.Row, _ field: ScenarioFormat.Field?) -> Double? {
        guard let field, let b = span(k, row), let v = NumberText.value(bytes: b), field.admits(v) else { return nil }
        return v
    }

    /// The `source` text in column `k` (empty when the column is absent or blank), as
    /// `RowReader.source()` reads it from a CSV row. A source usually repeats row after row:
    /// a repeat of the previous row's bytes is the previous row's string.
    func source(_ k: Int, _ row: Table.Row) -> String {
        let position = positions[k]
        guard position >= 0, let header else { return "" }
        let i = row.cells.csvField(position)
        let field = header.fields[i]
        if field.count != Table.Cells.Field.quoted, let last = lastSource, last.header === header, last.count == field.count {
            let base = header.bytes.buffer.baseAddress
            if let base, memcmp(base + last.start, base + field.start, Int(field.count)) == 0 { return last.text }
        }
        let text = header.text(i)
        if field.count != Table.Cells.Field.quoted { lastSource = (header, field.start, field.count, text) }
        return text
    }
}

extension ScenarioFormat.Field {
    /// True when `v` lies within the field's bounds: the checks of `RowReader.number`, which
    /// also says which bound a value breaks.
    func admits(_ v: Double) -> Bool {
        if let lo = minimum, exclusiveMinimum ? !(v > lo) : !(v >= lo) { return false }
        if let hi = maximum, !(v <= hi) { return false }
        if let hi = exclusiveMaximum, !(v < hi) { return false }
        return true
    }
}
