import LinearAlgebra

extension MatrixFreeNewton {
    /// The record's images on the rows of the Newton systems, and their Gram matrix, kept from
    /// one system to the next (`ProductRecord.inverse(rows:da:db:unknowns:rankTolerance:…)`).
    ///
    /// `RecordedInverse` needs `G = YᵀY` of the images `y = D_a s + D_b (J s)` on the system's
    /// rows W. Formed afresh it costs `|W| · pairs²` flops a system (60 Mflop at 240 pairs on a
    /// 10,000-node network's ≈ 1,050 rows, more than the products it saves,
    /// docs/performance.md). From one system to the next most of it stays: the pairs are the
    /// same but for the last system's products (first in, first out), the rows W nearly the
    /// same, and `D_a`, `D_b` move on few rows. So the images are kept on every row seen (a
    /// row outside W is zero), each row with the `D_a`, `D_b` it was made with, and a row is made
    /// again only where these moved by more than `coefficientTolerance` (or it entered or left
    /// W): the preconditioner is then exact on the span of images made with slightly older
    /// coefficients, which only makes it less exact, never the Newton system GMRES solves.
    struct RecordGram {
        /// The pairs' seeds and images on the rows, and the images' Gram matrix.
        var images: MaintainedGram
        /// The row of each unknown (−1: none) and the unknown of each row.
        var rowOf: [Int]
        var unknownOf: [Int] = []
        /// The coefficients each row's images were made with (0, 0 outside W).
        var da: [Double] = [], db: [Double] = []
        var inside: [Bool] = []
        /// The pair (`ProductRecord.ids`) in each column, −1 where free.
        var pairIn: [Int]
        /// Systems built on this Gram matrix since it was formed afresh.
        var builds = 0

        init(capacity: Int, unknowns: Int, reserving: Int) {
            images = MaintainedGram(capacity: capacity, reserving: reserving)
            rowOf = [Int](repeating: -1, count: unknowns)
            pairIn = [Int](repeating: -1, count: capacity)
        }

        /// The image entry `D_a s_j + D_b (J s_j)` at row r and column j, with the row's kept
        /// coefficients and the pair's product `image` (`J s_j` over all unknowns).
        func entry(_ r: Int, _ j: Int, image: [Double]) -> Double {
            da[r] * images.direction(r, j) + db[r] * image[unknownOf[r]]
        }

        /// The row of unknown i, appended (zero, outside W) when it has none.
        mutating func row(of i: Int) -> Int {
            if rowOf[i] >= 0 { return rowOf[i] }
            let r = images.appendZeroRow()
            rowOf[i] = r
            unknownOf.append(i)
            da.append(0)
            db.append(0)
            inside.append(false)
            return r
        }
    }
}

extension MatrixFreeNewton.ProductRecord {
    /// The recorded pairs on the rows `rows` of the system `H = D_a + D_b J`, as an approximate
    /// inverse of `H_WW` on the span of their images (nil when nothing is recorded), with the
    /// images and their Gram matrix kept in `gram` for the next system (`RecordGram`): a row's
    /// images are made again where its `D_a` or `D_b` moved by more than `coefficientTolerance`
    /// since they were made, or it entered or left the rows; the Gram matrix is formed afresh
    /// every `refreshEvery` systems, or where more than a quarter of the rows are made again.
    ///
    /// With `diagonal` (one entry per row of `rows`) the inverse comes with it folded in
    /// (`RecordedInverse.folding(diagonal:)`), built in the storage of the last one returned
    /// (`MaintainedGram.foldedInverse`), which the caller must no longer use.
    mutating func inverse(
        rows: [Int], da: [Double], db: [Double], unknowns: Int, rankTolerance: Double, coefficientTolerance: Double,
        refreshEvery: Int, diagonal: [Double]? = nil
    ) -> RecordedInverse? {
        guard !seeds.isEmpty, !rows.isEmpty else { return nil }
        var cache: MatrixFreeNewton.RecordGram
        if let kept = gram, kept.rowOf.count == unknowns, kept.images.capacity == limit, kept.builds < refreshEvery {
            cache = kept
        } else {
            cache = MatrixFreeNewton.RecordGram(capacity: limit, unknowns: unknowns, reserving: rows.count + rows.count / 4)
        }
        gram = nil
        cache.builds += 1
        let capacity = limit
        // The pairs' positions in the record, and the columns of the pairs gone cleared.
        var pairAt: [Int: Int] = [:]
        for (p, id) in ids.enumerated() { pairAt[id] = p }
        var column = [Int](repeating: -1, count: ids.count)
        var free: [Int] = []
        for j in 0..<capacity {
            let id = cache.pairIn[j]
            if id >= 0, let p = pairAt[id] {
                column[p] = j
            } else {
                if id >= 0 { cache.images.clearColumn(j) }
                cache.pairIn[j] = -1
                free.append(j)
            }
        }
        // This system's rows, and the rows whose coefficients moved, made again on the kept pairs.
        var inW = [Bool](repeating: false, count: unknowns)
        for i in rows {
            inW[i] = true
            _ = cache.row(of: i)
        }
        var moved: [Int] = []
        for r in 0..<cache.unknownOf.count {
            let i = cache.unknownOf[r]
            let now = inW[i], a = now ? da[i] : 0, b = now ? db[i] : 0
            if now != cache.inside[r] || abs(a - cache.da[r]) + abs(b - cache.db[r]) > coefficientTolerance {
                moved.append(r)
                cache.inside[r] = now
                cache.da[r] = a
                cache.db[r] = b
            }
        }
        if !moved.isEmpty && column.contains(where: { $0 >= 0 }) {
            var values = [Double](repeating: 0, count: moved.count * capacity)
            for (p, j) in column.enumerated() where j >= 0 {
                let image = images[p]
                for (t, r) in moved.enumerated() { values[t + j * moved.count] = cache.entry(r, j, image: image) }
            }
            let whole = 4 * moved.count > cache.unknownOf.count
            cache.images.replaceRows(moved, with: values, updating: !whole)
            if whole { cache.images.recompute() }
        }
        // The pairs recorded since, in free columns: their seeds and images on every row.
        var placed: [(pair: Int, column: Int)] = []
        for p in ids.indices where column[p] < 0 {
            let j = free.removeFirst()
            column[p] = j
            cache.pairIn[j] = ids[p]
            for (t, i) in seeds[p].rows.enumerated() { cache.images.setDirection(cache.row(of: i), j, to: seeds[p].values[t]) }
            placed.append((p, j))
        }
        if !placed.isEmpty {
            let count = cache.unknownOf.count
            var values = [Double](repeating: 0, count: count * placed.count)
            for (t, (p, j)) in placed.enumerated() {
                let image = images[p]
                for r in 0..<count where cache.inside[r] { values[t * count + r] = cache.entry(r, j, image: image) }
            }
            // Most columns new (a fresh Gram matrix): G formed whole, at half a product's flops.
            let whole = 2 * placed.count > capacity
            cache.images.setColumns(placed.map(\.column), to: values, updating: !whole)
            if whole { cache.images.recompute() }
        }
        let cacheRows = rows.map { cache.rowOf[$0] }
        let inverse: RecordedInverse
        if let diagonal {
            inverse = cache.images.foldedInverse(
                rows: cacheRows, columns: column, rankTolerance: rankTolerance, diagonal: diagonal, reusing: &spareInverse)
            spareInverse = inverse
        } else {
            inverse = cache.images.recordedInverse(rows: cacheRows, columns: column, rankTolerance: rankTolerance)
        }
        gram = cache
        return inverse.rank > 0 ? inverse : nil
    }
}
