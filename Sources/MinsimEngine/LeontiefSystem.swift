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
        rows.reserveCapacity(bound)
        values.reserveCapacity(bound)
        // Calibration lists intermediate use column by column; then A arrives as compressed
        // columns and needs a single counting sort. Any other order goes through triplets.
        let columnOrdered = zip(c.consumption, c.consumption.dropFirst()).allSatisfy { $0.column <= $1.column }
        guard columnOrdered else {
            var columns: [Int] = []
            columns.reserveCapacity(bound)
            forEachCoefficient(withTariffs: withTariffs) { i, j, a in
                rows.append(i); columns.append(j); values.append(a)
            }
            return SparseMatrix(rows: n, columns: n, rowIndices: rows, columnIndices: columns, values: values)
        }
        var columnStart = [Int](repeating: 0, count: n + 1)
        forEachCoefficient(withTariffs: withTariffs) { i, j, a in
            rows.append(i); values.append(a)
            columnStart[j + 1] = rows.count
        }
        // Columns without inputs (mines) inherit the offset before them.
        for j in 0..<n { columnStart[j + 1] = max(columnStart[j + 1], columnStart[j]) }
        return SparseMatrix(rows: n, columns: n, columnStart: columnStart, rowIndices: rows, values: values)
    }

    /// Calls `body(row, column, coefficient)` for every nonzero of A (or Ã).
    func forEachCoefficient(withTariffs: Bool, _ body: (Int, Int, Double) -> Void) {
        let c = calibration
        for use in c.consumption {
            for k in c.markets[use.market].routes where shares[k] != 0 {
                let factor = withTariffs ? 1 + tariffs[k] : 1
                body(c.supplierIndex[k], use.column, use.coefficient * shares[k] * factor)
            }
        }
    }

    /// `y = A x` (or `Ã x`), or the transposed product, from the sparse coefficients.
    ///
    /// - Complexity: O(nonzeros).
    public func multiply(_ x: [Double], withTariffs: Bool, transposed: Bool = false) -> [Double] {
        precondition(x.count == dimension, "vector has \(x.count) entries, system has \(dimension) nodes")
        var y = [Double](repeating: 0, count: dimension)
        forEachCoefficient(withTariffs: withTariffs) { i, j, a in
            if transposed { y[j] += a * x[i] } else { y[i] += a * x[j] }
        }
        return y
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
