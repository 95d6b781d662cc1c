import CSuiteSparse

// The sparse LU from a matrix already in compressed sparse columns, the order KLU reads: a
// caller that generates its matrix column by column (the Leontief matrix `I − A` does) hands
// it over without the two transposes of the CSR route (CSC → CSR for `SparseMatrix`, then
// CSR → CSC for KLU) and the permutation of the values between them. The CSR pattern is
// derived only if a CSR-ordered call (`refactor`, `rowStart`) asks for it.

extension SparseLU.Analysis {
    /// Analyses the pattern of an `n × n` matrix in compressed sparse columns: column j has its
    /// entries in rows `rowIndices[columnStart[j] ..< columnStart[j + 1]]`, strictly ascending.
    /// The ordering is the one `init(_:)` finds for the same matrix in CSR form.
    ///
    /// - Precondition: `columnStart` has n + 1 non-decreasing offsets from 0 to
    ///   `rowIndices.count`; rows lie in 0..<n and strictly ascend within each column.
    /// - Throws: `.outOfMemory`, `.tooLarge`.
    public init(dimension n: Int, columnStart: [Int], rowIndices: [Int]) throws(SparseLUError) {
        precondition(
            n >= 0 && columnStart.count == n + 1 && columnStart.first == 0 && columnStart.last == rowIndices.count,
            "CSC for a \(n)×\(n) matrix needs \(n + 1) offsets from 0 to the \(rowIndices.count) entries")
        for j in 0..<n {
            var previous = -1
            for p in columnStart[j]..<columnStart[j + 1] {
                let i = rowIndices[p]
                precondition(i > previous && i < n, "CSC column \(j): rows must ascend strictly within 0..<\(n), got \(i)")
                previous = i
            }
        }
        self.init(symbolic: try KLUSymbolic(dimension: n, columnStart: columnStart, rowIndices: rowIndices, rowPattern: nil))
    }
}

extension SparseLU {
    /// Factors the matrix of `analysis`'s pattern whose values, in its column order (the
    /// `rowIndices` order of `Analysis(dimension:columnStart:rowIndices:)`), are `columnValues`.
    /// The factors are those `init(factoring:analysis:)` computes for the same matrix.
    ///
    /// - Throws: as `init(factoring:)`.
    public init(columnValues: [Double], analysis: Analysis) throws(SparseLUError) {
        let symbolic = analysis.symbolic
        precondition(
            columnValues.count == symbolic.rowIndices.count,
            "\(columnValues.count) values for a pattern of \(symbolic.rowIndices.count) entries")
        guard columnValues.allSatisfy({ $0.isFinite }) else { throw .nonFiniteInput }
        self.init(symbolic: symbolic, numeric: try KLUNumeric(symbolic: symbolic, values: columnValues), origin: .analyzed)
    }
}
