import COpenBLAS

/// A dense matrix of `Double` in column-major order, the layout BLAS and LAPACK expect.
///
/// Element `(i, j)` is stored at `i + j·rows`. Storage stays private to this module so that
/// callers index by meaning (`matrix[row, column]`) and never by a flat offset.
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    @usableFromInline internal var storage: [Double]

    /// A `rows × columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix shape must be non-negative, got \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.storage = Array(repeating: value, count: rows * columns)
    }

    /// A matrix from nested rows (row-major literal, as written in a textbook).
    public init(rowsOf values: [[Double]]) {
        let r = values.count
        let c = values.first?.count ?? 0
        precondition(values.allSatisfy { $0.count == c }, "All rows must have \(c) columns")
        self.init(rows: r, columns: c)
        for i in 0..<r { for j in 0..<c { self[i, j] = values[i][j] } }
    }

    /// The `n × n` identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// A column vector (n × 1) holding `values`.
    public init(column values: [Double]) {
        self.rows = values.count
        self.columns = 1
        self.storage = values
    }

    /// Columns given as arrays of equal length (n × k), e.g. several right-hand sides.
    public init(columns cols: [[Double]]) {
        let n = cols.first?.count ?? 0
        precondition(cols.allSatisfy { $0.count == n }, "All columns must have \(n) rows")
        self.rows = n
        self.columns = cols.count
        self.storage = cols.flatMap { $0 }
    }

    @inlinable
    public subscript(row: Int, column: Int) -> Double {
        get {
            precondition(
                row >= 0 && row < rows && column >= 0 && column < columns,
                "Index (\(row), \(column)) out of range for \(rows)×\(columns) matrix")
            return storage[row + column * rows]
        }
        set {
            precondition(
                row >= 0 && row < rows && column >= 0 && column < columns,
                "Index (\(row), \(column)) out of range for \(rows)×\(columns) matrix")
            storage[row + column * rows] = newValue
        }
    }

    /// Column `j` as an array.
    public func column(_ j: Int) -> [Double] {
        precondition(j >= 0 && j < columns, "Column \(j) out of range for \(rows)×\(columns) matrix")
        return Array(storage[(j * rows)..<((j + 1) * rows)])
    }

    /// Adds `value` to element `(row, column)`; the common operation when assembling a system.
    @inlinable
    public mutating func add(_ value: Double, at row: Int, _ column: Int) {
        storage[row + column * rows] += value
    }

    /// The transpose, copied.
    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for j in 0..<columns { for i in 0..<rows { t.storage[j + i * columns] = storage[i + j * rows] } }
        return t
    }

    /// True when every element is finite (no NaN, no ±Inf).
    public var isFinite: Bool { storage.allSatisfy { $0.isFinite } }

    /// The 1-norm `max_j Σ_i |m_ij|` (LAPACK dlange 'O'), used by the condition estimate.
    public var oneNorm: Double {
        guard rows > 0 && columns > 0 else { return 0 }
        // The _work variant skips LAPACKE's NaN scan; the 1-norm needs no workspace.
        return storage.withUnsafeBufferPointer { p in
            LAPACKE_dlange_work(
                LAPACK_COL_MAJOR, CChar(UInt8(ascii: "O")), Int32(rows), Int32(columns),
                p.baseAddress, Int32(rows), nil)
        }
    }

    /// The ∞-norm `max_i Σ_j |m_ij|`.
    public var infinityNorm: Double {
        guard rows > 0 && columns > 0 else { return 0 }
        var sums = [Double](repeating: 0, count: rows)
        for j in 0..<columns { for i in 0..<rows { sums[i] += abs(storage[i + j * rows]) } }
        return sums.max() ?? 0
    }

    /// Matrix–vector product `y = M x` or `y = Mᵀ x` (BLAS dgemv).
    ///
    /// - Complexity: O(rows · columns).
    public func multiply(_ x: [Double], transposed: Bool = false) -> [Double] {
        let n = transposed ? rows : columns
        let m = transposed ? columns : rows
        precondition(x.count == n, "Vector of length \(x.count) does not match \(rows)×\(columns) matrix\(transposed ? "ᵀ" : "")")
        var y = [Double](repeating: 0, count: m)
        guard rows > 0 && columns > 0 else { return y }
        storage.withUnsafeBufferPointer { a in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    cblas_dgemv(
                        CblasColMajor, transposed ? CblasTrans : CblasNoTrans,
                        Int32(rows), Int32(columns), 1.0, a.baseAddress, Int32(rows),
                        xp.baseAddress, 1, 0.0, yp.baseAddress, 1)
                }
            }
        }
        return y
    }

    /// Matrix product `self · other` (BLAS dgemm).
    ///
    /// - Complexity: O(rows · columns · other.columns).
    public func multiply(_ other: Matrix) -> Matrix {
        precondition(columns == other.rows, "Cannot multiply \(rows)×\(columns) by \(other.rows)×\(other.columns)")
        var c = Matrix(rows: rows, columns: other.columns)
        guard rows > 0 && other.columns > 0 && columns > 0 else { return c }
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                c.storage.withUnsafeMutableBufferPointer { cp in
                    cblas_dgemm(
                        CblasColMajor, CblasNoTrans, CblasNoTrans,
                        Int32(rows), Int32(other.columns), Int32(columns), 1.0,
                        a.baseAddress, Int32(rows), b.baseAddress, Int32(other.rows),
                        0.0, cp.baseAddress, Int32(rows))
                }
            }
        }
        return c
    }

    /// `|M| |x|` entrywise (`Σ_j |m_ij x_j|` per row): the size of the terms of each row of
    /// `M x`, against which a residual is judged.
    public func absoluteProduct(_ x: [Double]) -> [Double] {
        precondition(x.count == columns, "Vector of length \(x.count) does not match \(rows)×\(columns) matrix")
        var y = [Double](repeating: 0, count: rows)
        for j in 0..<columns {
            let xj = abs(x[j])
            guard xj != 0 else { continue }
            for i in 0..<rows { y[i] += abs(storage[i + j * rows]) * xj }
        }
        return y
    }
}
