import LinearAlgebra

/// The coefficient matrix A (or Ã) in compressed sparse columns, as `LeontiefSystem` generates
/// it: column j (a consuming node) lists its suppliers' rows and coefficients, input by input.
///
/// KLU reads `M = I − A` in exactly this orientation, so a cyclic network goes from these
/// columns to the sparse LU without the CSR detour (`SparseMatrix` is CSR, and KLU would
/// transpose it back), provided the columns are already canonical: rows strictly ascending and
/// no stored zero — then there is nothing to sort, sum or drop (`transposedMatrix`). Columns of
/// a calibrated network are canonical: a recipe lists each input once, in product order, and a
/// market's suppliers come in region order, which is system order within a product.
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

    /// Aᵀ in CSR form, the columns read as rows, when they are canonical (rows strictly
    /// ascending, no value exactly 0); nil otherwise. `SparseMatrix.identity(minus:)` of it is
    /// `(I − A)ᵀ` in CSR, which is `M = I − A` in the compressed columns KLU reads, entry for
    /// entry and value for value the CSC of `identity(minus: matrix)`.
    var transposedMatrix: SparseMatrix? {
        SparseMatrix(canonicalRows: dimension, columns: dimension, rowStart: columnStart, columnIndices: rows, values: values)
    }
}
