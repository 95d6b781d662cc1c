import Foundation
import LinearAlgebra

/// The linear systems of one year at fixed sourcing shares (MODEL.md §2–3).
///
/// Quantities and prices over the N active nodes:
/// ```
/// A[(s,q),(r,p)] = S[q][s→r] · b[r][p][q]                 (I − A) x = f
/// Ã[(s,q),(r,p)] = S[q][s→r] · b[r][p][q] · (1 + τ[q][s→r])   (I − Ã)ᵀ P = v + μ
/// f[(s,q)]       = Σ_r S[q][s→r] · D[r][q]
/// ```
/// Coefficients are held sparsely (one entry per route × consuming node); dense matrices are
/// formed only when a factorization is requested.
public struct LeontiefSystem: Sendable {
    public let calibration: Calibration
    /// S per route, in `calibration.routes` order.
    public let shares: [Double]
    /// τ per route, in `calibration.routes` order.
    public let tariffs: [Double]

    public init(calibration: Calibration, shares: [Double], tariffs: [Double]) {
        precondition(
            shares.count == calibration.routes.count && tariffs.count == calibration.routes.count,
            "shares (\(shares.count)) and tariffs (\(tariffs.count)) must have one entry per route (\(calibration.routes.count))")
        self.calibration = calibration
        self.shares = shares
        self.tariffs = tariffs
    }

    public var dimension: Int { calibration.dimension }

    /// True when no route carrying a share has a tariff, so that Ã = A and one factorization
    /// serves quantities and prices.
    public var isTariffFree: Bool {
        zip(shares, tariffs).allSatisfy { $0.0 == 0 || $0.1 == 0 }
    }

    /// The dense matrix `I − A` (or `I − Ã` when `withTariffs`), N × N, in system order.
    ///
    /// - Complexity: O(N² + nonzeros) time, O(N²) memory.
    public func leontiefMatrix(withTariffs: Bool) -> Matrix {
        var m = Matrix.identity(dimension)
        forEachCoefficient(withTariffs: withTariffs) { i, j, a in m.add(-a, at: i, j) }
        return m
    }

    /// The sparse matrix A (or Ã when `withTariffs`), N × N in system order, in CSR form
    /// (one entry per supplier × consuming node, duplicates summed).
    ///
    /// - Complexity: O(N + nonzeros) time and memory.
    public func coefficientMatrix(withTariffs: Bool) -> SparseMatrix {
        let c = calibration
        let n = dimension
        let bound = c.consumption.reduce(0) { $0 + c.markets[$1.market].routes.count }
        var rows: [Int] = [], values: [Double] = []
        // Calibration lists intermediate use column by column; then A arrives as compressed
        // columns and needs a single counting sort. Any other order goes through triplets.
        let columnOrdered = zip(c.consumption, c.consumption.dropFirst()).allSatisfy { $0.column <= $1.column }
        guard columnOrdered else {
            var columns: [Int] = []
            columns.reserveCapacity(bound)
            rows.reserveCapacity(bound)
            values.reserveCapacity(bound)
            forEachCoefficient(withTariffs: withTariffs) { i, j, a in
                rows.append(i); columns.append(j); values.append(a)
            }
            return SparseMatrix(rows: n, columns: n, rowIndices: rows, columnIndices: columns, values: values)
        }
        return coefficientColumns(withTariffs: withTariffs, bound: bound).matrix
    }

    /// A (or Ã) in compressed columns, in `forEachCoefficient`'s order; nil when the
    /// intermediate use is not listed column by column (then `coefficientMatrix` goes through
    /// triplets).
    func coefficientColumns(withTariffs: Bool) -> CoefficientColumns? {
        let c = calibration
        guard zip(c.consumption, c.consumption.dropFirst()).allSatisfy({ $0.column <= $1.column }) else { return nil }
        return coefficientColumns(
            withTariffs: withTariffs, bound: c.consumption.reduce(0) { $0 + c.markets[$1.market].routes.count })
    }

    /// Column by column into preallocated arrays. `bound` ≥ the number of entries.
    /// Precondition: consumption is column-ordered.
    private func coefficientColumns(withTariffs: Bool, bound: Int) -> CoefficientColumns {
        let n = dimension
        var columnStart = [Int](repeating: 0, count: n + 1)
        var rows = [Int](repeating: 0, count: bound)
        var values = [Double](repeating: 0, count: bound)
        var stored = 0
        rows.withUnsafeMutableBufferPointer { ri in
            values.withUnsafeMutableBufferPointer { v in
                columnStart.withUnsafeMutableBufferPointer { cs in
                    forEachCoefficient(withTariffs: withTariffs) { i, j, a in
                        ri[stored] = i
                        v[stored] = a
                        stored += 1
                        cs[j + 1] = stored
                    }
                }
            }
        }
        rows.removeLast(bound - stored)
        values.removeLast(bound - stored)
        // Columns without coefficients (mines) inherit the offset before them.
        for j in 0..<n { columnStart[j + 1] = max(columnStart[j + 1], columnStart[j]) }
        return CoefficientColumns(dimension: n, columnStart: columnStart, rows: rows, values: values)
    }

    /// Calls `body(row, column, coefficient)` for every nonzero of A (or Ã), consuming node by
    /// consuming node (`calibration.consumption` order), each market's routes in order.
    ///
    /// Over unchecked buffers: at 220,000 coefficients the bounds checks cost more than the
    /// products. A body that writes through buffer pointers (as `multiply` does) stays free of
    /// the uniqueness check a captured array would need on every write.
    func forEachCoefficient(withTariffs: Bool, _ body: (Int, Int, Double) -> Void) {
        let c = calibration
        c.markets.withUnsafeBufferPointer { mk in
            c.supplierIndex.withUnsafeBufferPointer { sup in
                shares.withUnsafeBufferPointer { s in
                    tariffs.withUnsafeBufferPointer { t in
                        for use in c.consumption {
                            let b = use.coefficient
                            for k in mk[use.market].routes where s[k] != 0 {
                                // (b·S)·1 is b·S exactly: the untariffed coefficient skips the factor.
                                body(sup[k], use.column, withTariffs ? b * s[k] * (1 + t[k]) : b * s[k])
                            }
                        }
                    }
                }
            }
        }
    }

    /// `y = A x` (or `Ã x`), or the transposed product, from the sparse coefficients, summed in
    /// `forEachCoefficient`'s order.
    ///
    /// - Complexity: O(nonzeros).
    public func multiply(_ x: [Double], withTariffs: Bool, transposed: Bool = false) -> [Double] {
        precondition(x.count == dimension, "vector has \(x.count) entries, system has \(dimension) nodes")
        var y = [Double](repeating: 0, count: dimension)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                forEachCoefficient(withTariffs: withTariffs) { i, j, a in
                    if transposed { yp[j] += a * xp[i] } else { yp[i] += a * xp[j] }
                }
            }
        }
        return y
    }

    /// Number of nonzeros of A (and of Ã): one per route with a nonzero share × consuming node.
    var coefficientCount: Int {
        var count = 0
        forEachCoefficient(withTariffs: false) { _, _, _ in count += 1 }
        return count
    }

    /// Final demand routed to producers: `f[(s,q)] = Σ_r S[q][s→r] · D[r][q]`.
    public func routedDemand(_ demand: NodeTable<Double>) -> [Double] {
        let c = calibration
        var f = [Double](repeating: 0, count: dimension)
        for market in c.markets {
            let d = demand[market.importer, market.product]
            guard d != 0 else { continue }
            for k in market.routes { f[c.supplierIndex[k]] += shares[k] * d }
        }
        return f
    }

    /// Total use of each market (q, r): `Σ_p b[r][p][q] · x[(r,p)] + D[r][q]`, per market.
    func marketUse(output x: [Double], demand: NodeTable<Double>) -> [Double] {
        let c = calibration
        var use = c.markets.map { demand[$0.importer, $0.product] }
        for u in c.consumption { use[u.market] += u.coefficient * x[u.column] }
        return use
    }

    /// Bilateral flows `F[q][s→r] = S[q][s→r] · (Σ_p b[r][p][q] x[(r,p)] + D[r][q])`, per route.
    public func flows(output x: [Double], demand: NodeTable<Double>) -> [Double] {
        let c = calibration
        let use = marketUse(output: x, demand: demand)
        var flows = [Double](repeating: 0, count: c.routes.count)
        for (m, market) in c.markets.enumerated() {
            for k in market.routes { flows[k] = shares[k] * use[m] }
        }
        return flows
    }

    /// Delivered (composite) cost of inputs per unit of each node at producer prices `P`:
    /// `(Ãᵀ P)[(r,p)] = Σ_q b[r][p][q] Σ_s S[q][s→r] P[(s,q)] (1 + τ[q][s→r])`.
    public func inputCost(prices: [Double]) -> [Double] {
        multiply(prices, withTariffs: true, transposed: true)
    }
}
