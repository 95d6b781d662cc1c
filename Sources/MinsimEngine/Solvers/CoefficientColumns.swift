import LinearAlgebra

/// The coefficient matrix A (or Ã) in compressed sparse columns, as `LeontiefSystem` generates
/// it: column j (a consuming node) lists its suppliers' rows and coefficients, input by input.
///
/// KLU reads `M = I − A` in exactly this orientation, so a cyclic network goes from these
/// columns to the sparse LU without the CSR detour (`SparseMatrix` is CSR, and KLU would
/// transpose it back), provided the columns are already canonical: rows strictly ascending and
/// no stored zero — then there is nothing to sort, sum or drop, and `leontiefColumns()` is
/// entry for entry the CSC of `SparseMatrix.identity(minus: matrix)`. Columns of a calibrated
/// network are canonical: a recipe lists each input once, in product order, and a market's
/// suppliers come in region order, which is system order within a product.
struct CoefficientColumns: Sendable {
    let dimension: Int
    /// Column j's entries are at offsets `columnStart[j] ..< columnStart[j + 1]`.
    let columnStart: [Int]
    /// Supplier (row) of each entry.
    let rows: [Int]
    /// Coefficient of each entry.
    let values: [Double]

    /// The same matrix in CSR form (duplicates summed, zeros dropped): `coefficientMatrix`.
    var matrix: SparseMatrix {
        SparseMatrix(rows: dimension, columns: dimension, columnStart: columnStart, rowIndices: rows, values: values)
    }

    /// True when every column's rows strictly ascend and no value is exactly 0.
    var isCanonical: Bool {
        for j in 0..<dimension {
            var previous = -1
            for p in columnStart[j]..<columnStart[j + 1] {
                guard rows[p] > previous && values[p] != 0 else { return false }
                previous = rows[p]
            }
        }
        return true
    }

    /// `M = I − A` in compressed sparse columns, rows ascending: the diagonal `1 − a_jj`
    /// (1 where A has none; not stored if it cancels to exactly 0) slots into each column, and
    /// every other entry is `−a_ij`. The same entries and values as
    /// `SparseMatrix.identity(minus: matrix)`, in column order.
    ///
    /// - Precondition: `isCanonical`.
    func leontiefColumns() -> (columnStart: [Int], rowIndices: [Int], values: [Double]) {
        let n = dimension
        var start = [Int](repeating: 0, count: n + 1)
        var outRows = [Int](repeating: 0, count: rows.count + n)
        var outValues = [Double](repeating: 0, count: rows.count + n)
        var q = 0
        columnStart.withUnsafeBufferPointer { cs in
            rows.withUnsafeBufferPointer { ri in
                values.withUnsafeBufferPointer { av in
                    outRows.withUnsafeMutableBufferPointer { orow in
                        outValues.withUnsafeMutableBufferPointer { ov in
                            for j in 0..<n {
                                var diagonalDone = false
                                for p in cs[j]..<cs[j + 1] {
                                    let i = ri[p]
                                    if !diagonalDone && i >= j {
                                        diagonalDone = true
                                        let v = i == j ? 1 - av[p] : 1
                                        if v != 0 {
                                            orow[q] = j
                                            ov[q] = v
                                            q += 1
                                        }
                                        if i == j { continue }
                                    }
                                    orow[q] = i
                                    ov[q] = -av[p]
                                    q += 1
                                }
                                if !diagonalDone {
                                    orow[q] = j
                                    ov[q] = 1
                                    q += 1
                                }
                                start[j + 1] = q
                            }
                        }
                    }
                }
            }
        }
        outRows.removeLast(outRows.count - q)
        outValues.removeLast(outValues.count - q)
        return (start, outRows, outValues)
    }
}
