import LinearAlgebra

extension MatrixFreeNewton {
    /// `solve(_:from:record:)` with an empty record: the year's first Newton systems
    /// preconditioned by the diagonal alone.
    func solve(_ problem: inout YearClearingProblem, from start: [Double]) throws(SolveError)
        -> (result: ComplementarityResult<YearClearingProblem.Point>, counts: Counts)
    {
        var record = ProductRecord(limit: recordedProducts)
        return try solve(&problem, from: start, record: &record)
    }

    /// The Jacobian–vector products of a year's earlier Newton systems, kept for the next
    /// systems' preconditioner (`RecordedInverse`): the products are the Krylov spaces already
    /// paid for, and from one Newton step to the next the working rows and J change little
    /// (≈ 1,040–1,070 of ≈ 1,100 rows the same from the middle of a 10,000-node solve on,
    /// docs/performance.md c14-large), so the directions GMRES needed many products to resolve
    /// in one system are known in the next before its first product.
    ///
    /// A product with seed `s` (nonzero on the rows `W'` of its system) gave `J s` on every
    /// row. On the next system's rows `W`, with its `D_a`, `D_b`, the pair becomes
    /// ```
    /// s_W                       (0 on rows of W not in W')
    /// y_W = D_a s_W + D_b (J s)_W  =  H_WW s_W  exactly when W' ⊆ W and J has not moved
    /// ```
    /// and otherwise approximately — which only makes the preconditioner less exact, never the
    /// Newton system GMRES solves (the products are always of the current H).
    struct ProductRecord {
        /// Pairs kept, the most recent (first in, first out).
        var limit: Int
        private(set) var seeds: [(rows: [Int], values: [Double])] = []
        private(set) var images: [[Double]] = []
        /// Each pair's number in the order recorded (for `RecordGram`'s columns).
        private(set) var ids: [Int] = []
        private var nextID = 0
        /// The images' Gram matrix kept from one Newton system to the next (`inverse(...)`).
        var gram: MatrixFreeNewton.RecordGram? = nil
        /// The last folded inverse `inverse(…diagonal:)` returned, whose storage the next one
        /// is built in.
        var spareInverse: RecordedInverse? = nil

        init(limit: Int) { self.limit = limit }

        var count: Int { seeds.count }

        /// Records the product `J s = image` for the seed with `values` on `rows`.
        mutating func append(rows: [Int], values: [Double], image: [Double]) {
            guard limit > 0 else { return }
            if seeds.count == limit {
                seeds.removeFirst()
                images.removeFirst()
                ids.removeFirst()
            }
            seeds.append((rows, values))
            images.append(image)
            ids.append(nextID)
            nextID += 1
        }

        /// The pairs with the unknowns `held` taken out of their seeds: each seed's entry `s_j`
        /// at a held unknown j set to 0 and `s_j · J e_j` (`columns`, in the order of `held`)
        /// taken off its image, so that `J s = image` holds for the remaining seed (the record
        /// for a system on rows without `held`: the hybrid step's, `hybridDirection`).
        func removing(_ held: [Int], columns: [[Double]]) -> ProductRecord {
            var out = ProductRecord(limit: limit)
            for (seed, image) in zip(seeds, images) {
                var values = seed.values
                var corrected = image
                for (t, i) in seed.rows.enumerated() {
                    guard let b = held.firstIndex(of: i), values[t] != 0 else { continue }
                    let sj = values[t]
                    values[t] = 0
                    let column = columns[b]
                    for r in corrected.indices { corrected[r] -= sj * column[r] }
                }
                out.append(rows: seed.rows, values: values, image: corrected)
            }
            return out
        }

        /// The recorded pairs on the rows `rows` of the system `H = D_a + D_b J`, as an
        /// approximate inverse of `H_WW` on the span of their images (nil when nothing is
        /// recorded), formed afresh (`|W| · pairs²` flops for the Gram matrix): the reference
        /// for the kept one the Newton systems use (`inverse(rows:da:db:unknowns:rankTolerance:
        /// coefficientTolerance:refreshEvery:)`, `RecordGram`), which equals it where no row's
        /// coefficients are left behind (`RecordGramTests`).
        func inverse(rows: [Int], da: [Double], db: [Double], unknowns: Int, rankTolerance: Double) -> RecordedInverse? {
            guard !seeds.isEmpty, !rows.isEmpty else { return nil }
            var position = [Int](repeating: -1, count: unknowns)
            for (a, i) in rows.enumerated() { position[i] = a }
            let m = rows.count
            var s = Matrix(rows: m, columns: seeds.count)
            var y = Matrix(rows: m, columns: seeds.count)
            s.withUnsafeMutableBufferPointer { s in
                y.withUnsafeMutableBufferPointer { y in
                    for (column, seed) in seeds.enumerated() {
                        let offset = column * m
                        for (t, i) in seed.rows.enumerated() where position[i] >= 0 {
                            s[offset + position[i]] = seed.values[t]
                        }
                        images[column].withUnsafeBufferPointer { image in
                            for (a, i) in rows.enumerated() { y[offset + a] = da[i] * s[offset + a] + db[i] * image[i] }
                        }
                    }
                }
            }
            let inverse = RecordedInverse(directions: s, images: y, rankTolerance: rankTolerance)
            return inverse.rank > 0 ? inverse : nil
        }
    }
}
