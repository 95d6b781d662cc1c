/// The `source` column of a large `resolved/` table, read from the provenance's row origins.
///
/// A row origin holds the number of its `source` text (`Provenance.RowOrigin`), so each
/// distinct text is escaped once and a row's field is found by its number: no `String` is
/// made, retained, compared or freed per row (`Provenance.sources(_:)` gives one per row;
/// for the 500,000 rows of a 100,000-node scenario's base trade that was ≈ 2 % of the run).
/// The bytes are those of `CSVWriter.append(_: String)`: both escape through the same code.
struct SourceColumn {
    private let origins: [Provenance.RowOrigin]
    private let texts: Provenance.OriginTexts
    /// Escaped texts by number; the last one used is tried first.
    private var escaped: [UInt32: CSVWriter.Field] = [:]
    private var last: (number: UInt32, field: CSVWriter.Field)?

    init(_ provenance: Provenance, _ table: Provenance.ResolvedTable) {
        origins = provenance.rowOrigins[table] ?? []
        texts = provenance.texts
    }

    /// Rows with an origin (every row of a resolved table has one).
    var count: Int { origins.count }

    /// The escaped `source` of row `row`.
    mutating func field(row: Int) -> CSVWriter.Field {
        let origin = origins[row]
        if let last, last.number == origin.source { return last.field }
        let field: CSVWriter.Field
        if let known = escaped[origin.source] {
            field = known
        } else {
            field = CSVWriter.Field(texts.source(origin))
            escaped[origin.source] = field
        }
        last = (origin.source, field)
        return field
    }
}
