/// A square CSC pattern read as rows (`SparseMatrix` order), with `columnPosition[p]` the CSC
/// offset of CSR entry p: made once per pattern, so that a matrix of that pattern in CSR form
/// is one gather of its column values (`matrix(values:)`) instead of a transposition.
///
/// One counting sort over the rows; visiting the columns in order leaves every row's columns
/// ascending. Where the columns are canonical (rows strictly ascending, no stored zero) the
/// gathered matrix equals `SparseMatrix(rows:columns:columnStart:rowIndices:values:)` of the
/// same columns entry for entry and bit for bit.
public struct SparseRowPattern: Sendable {
    public let rowStart: [Int]
    public let columnIndices: [Int]
    public let columnPosition: [Int]

    init(rowStart: [Int], columnIndices: [Int], columnPosition: [Int]) {
        self.rowStart = rowStart
        self.columnIndices = columnIndices
        self.columnPosition = columnPosition
    }

    /// The rows of the `n × n` CSC pattern `columnStart`, `rowIndices`.
    public init(dimension n: Int, columnStart: [Int], rowIndices: [Int]) {
        var start = [Int](repeating: 0, count: n + 1)
        for i in rowIndices { start[i + 1] += 1 }
        for i in 0..<n { start[i + 1] += start[i] }
        var fill = start
        var columns = [Int](repeating: 0, count: rowIndices.count)
        var position = [Int](repeating: 0, count: rowIndices.count)
        for j in 0..<n {
            for p in columnStart[j]..<columnStart[j + 1] {
                let i = rowIndices[p]
                columns[fill[i]] = j
                position[fill[i]] = p
                fill[i] += 1
            }
        }
        self.init(rowStart: start, columnIndices: columns, columnPosition: position)
    }

    /// The square matrix with the pattern's columns' `values` (in CSC order); nil where the
    /// rows are not canonical (a row listed twice in a column, or a value exactly 0), which the
    /// transposing initializer sums or drops.
    public func matrix(values: [Double]) -> SparseMatrix? {
        let n = rowStart.count - 1
        return SparseMatrix(
            canonicalRows: n, columns: n, rowStart: rowStart, columnIndices: columnIndices,
            values: columnPosition.map { values[$0] })
    }
}
