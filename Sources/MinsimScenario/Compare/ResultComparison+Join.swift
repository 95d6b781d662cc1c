import Foundation

// Joining the two sides' tables on their keys, in a deterministic order, and the changes.
extension ResultComparison {
    /// First-appearance order of regions, products and minerals: side A's files (nodes, flows,
    /// minerals), then side B's for anything only B has.
    struct DimensionOrder {
        private var ranks: [Dimension: [String: Int]] = [.region: [:], .product: [:], .mineral: [:]]

        init(_ a: Side, _ b: Side) {
            for side in [a, b] {
                for spec in TableSpec.all {
                    guard let table = side.tables[spec.file] else { continue }
                    for row in table.rows {
                        for key in spec.keys where key.dimension != .year {
                            let value = table.text(row, key.column) ?? ""
                            var seen = ranks[key.dimension, default: [:]]
                            if seen[value] == nil {
                                seen[value] = seen.count
                                ranks[key.dimension] = seen
                            }
                        }
                    }
                }
            }
        }

        func rank(_ value: String, _ dimension: Dimension) -> Int { ranks[dimension]?[value] ?? Int.max }
    }

    /// One row of a joined table: the leading columns and each value column's A and B values.
    struct JoinedRow {
        let sortKey: [Int]
        let leading: [String]
        let a: [Double?]
        let b: [Double?]
    }

    /// Full outer join of one table of both sides, sorted by the keys.
    static func join(_ spec: TableSpec, _ sideA: Side, _ sideB: Side, order: DimensionOrder) throws(Failure) -> [JoinedRow] {
        struct Entry {
            var a: CSVReader.Record?
            var b: CSVReader.Record?
        }
        guard let tableA = sideA.tables[spec.file], let tableB = sideB.tables[spec.file] else { return [] }
        var entries: [[String]: Entry] = [:]
        var keys: [[String]] = []
        for (table, isA) in [(tableA, true), (tableB, false)] {
            for row in table.rows {
                let key = spec.keys.map { table.text(row, $0.column) ?? "" }
                var entry = entries[key] ?? Entry()
                if (isA ? entry.a : entry.b) != nil {
                    throw .badInput(
                        "\(table.path):\(row.line): duplicate row for \(zip(spec.keys, key).map { "\($0.column) \($1)" }.joined(separator: ", "))"
                    )
                }
                if entry.a == nil && entry.b == nil { keys.append(key) }
                if isA { entry.a = row } else { entry.b = row }
                entries[key] = entry
            }
        }
        var rows: [JoinedRow] = []
        rows.reserveCapacity(keys.count)
        for key in keys {
            guard let entry = entries[key] else { continue }
            var sortKey: [Int] = []
            for (k, value) in zip(spec.keys, key) {
                if k.dimension == .year {
                    guard let year = NumberText.integer(value) else {
                        let path = entry.a != nil ? tableA.path : tableB.path
                        let line = (entry.a ?? entry.b).map { "\($0.line)" } ?? "?"
                        throw .badInput("\(path):\(line): year '\(value)' is not an integer")
                    }
                    sortKey.append(year)
                } else {
                    sortKey.append(order.rank(value, k.dimension))
                }
            }
            let leading = spec.leading.map { column -> String in
                if let i = spec.keys.firstIndex(where: { $0.column == column }) { return key[i] }
                if let row = entry.a, let text = tableA.text(row, column) { return text }
                if let row = entry.b, let text = tableB.text(row, column) { return text }
                return ""
            }
            rows.append(
                JoinedRow(
                    sortKey: sortKey, leading: leading, a: try numbers(spec, tableA, entry.a),
                    b: try numbers(spec, tableB, entry.b)))
        }
        rows.sort { $0.sortKey.lexicographicallyPrecedes($1.sortKey) }
        return rows
    }

    /// The value columns of one row; nil for an absent row, column or empty cell.
    static func numbers(_ spec: TableSpec, _ table: Table, _ row: CSVReader.Record?) throws(Failure) -> [Double?] {
        guard let row else { return Array(repeating: nil, count: spec.values.count) }
        var out: [Double?] = []
        for column in spec.values {
            guard let i = table.index[column] else { out.append(nil); continue }
            let field = row.fields[i]
            if field.text.isEmpty { out.append(nil); continue }
            guard case .value(let v) = NumberText.double(field.text) else {
                throw .badInput(
                    "\(table.path):\(field.line):\(field.column): '\(field.text)' in column '\(column)' is not a finite number")
            }
            out.append(v)
        }
        return out
    }

    /// b − a; nil when either is missing (or the difference is not finite).
    static func change(_ a: Double?, _ b: Double?) -> Double? {
        guard let a, let b else { return nil }
        let d = b - a
        return d.isFinite ? d : nil
    }

    /// (b − a) / |a|; nil when either is missing or a is 0.
    static func relativeChange(_ a: Double?, _ b: Double?) -> Double? {
        guard let a, let b, a != 0 else { return nil }
        let r = (b - a) / abs(a)
        return r.isFinite ? r : nil
    }
}
