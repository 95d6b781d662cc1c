import LinearAlgebra

/// The matrix-free solve's Jacobian–vector products at the end of a year
/// (`MatrixFreeNewton.ProductRecord`) and the unknowns their rows index: the next year's
/// Newton systems start preconditioned by them when its unknowns are the same.
struct CarriedProducts: Sendable {
    var record: MatrixFreeNewton.ProductRecord
    /// The year's solution in its problem's order (nil where the matrix-free solve did not
    /// reach it), and its change from the year before's where that year carried one on the
    /// same unknowns: the next year's extrapolated start (`MarketClearing.solveMatrixFree`).
    var solution: [Double]?
    var change: [Double]?
    /// The merit `½‖Φ‖²` at the last unpredicted warm start (the year's change of conditions
    /// alone): a predicted start below it is taken without evaluating the unpredicted one.
    var startMerit: Double?
    var activeNodes: [Node]
    var capacityNodes: [Int], quotaRoutes: [Int], demandMarkets: [Int]

    /// The record, when `problem`'s unknowns are the ones it was made on (same active nodes,
    /// capacitated nodes, quota routes and markets, so every row index means the same
    /// unknown); nil otherwise.
    func record(for problem: YearClearingProblem) -> MatrixFreeNewton.ProductRecord? {
        guard capacityNodes == problem.capacityNodes, quotaRoutes == problem.quotaRoutes,
            demandMarkets == problem.demandMarkets, activeNodes == problem.calibration.activeNodes
        else { return nil }
        return record
    }
}

extension MarketClearing {
    /// The warm start's unknowns in `problem`'s order (rents, quota rents, unserved shares),
    /// matched by node, route and market; 0 for what the warm start does not name.
    static func unknowns(_ w: ClearingWarmStart, of problem: YearClearingProblem) -> [Double] {
        let c = problem.calibration
        var z = [Double](repeating: 0, count: problem.lowerBounds.count)
        // Only rents and shares above 0 are kept, so a year after one with nothing binding
        // looks nothing up.
        if !w.scaledRents.isEmpty {
            for (a, j) in problem.capacityNodes.enumerated() { z[a] = w.scaledRents[c.activeNodes[j]] ?? 0 }
        }
        if !w.quotaRents.isEmpty {
            for (b, k) in problem.quotaRoutes.enumerated() { z[problem.quotaOffset + b] = w.quotaRents[c.routes[k]] ?? 0 }
        }
        if !w.unservedShares.isEmpty {
            for (a, m) in problem.demandMarkets.enumerated() {
                z[problem.marketOffset + a] = w.unservedShares[Node(c.markets[m].importer, c.markets[m].product)] ?? 0
            }
        }
        return z
    }

    /// The direct solve on the matrix-free path (`MatrixFreeNewton`) from `z0`, with the year
    /// before's products as the preconditioner's record where its unknowns are this year's
    /// (`CarriedProducts`). Returns the result and the products to carry on.
    ///
    /// With a carried record every Newton system of the year is preconditioned by it, the
    /// global phase's too (`recordBelowForcing` = ∞), unlike a cold year's: the carried
    /// products were made at the year before's solution, where the warm year starts, so its
    /// first systems are those the record is nearest to (the Jacobian moved only by a year's
    /// change in the conditions). In a cold year the global phase's iterates move far between
    /// steps, and the record made there did not pay (c15-krylov). Measured at 4,000 nodes
    /// (docs/performance.md, c16-warm): a warm year's products 98 → 38 acyclic and 79 → 36
    /// cyclic, a 17-year run's 118 → 53 and 189 → 128 a year, against the year's own products
    /// in its local phase only.
    ///
    /// **Extrapolated start.** Where the year before carried its solution's change from the
    /// year before it (same unknowns, both solved here), the year also tries
    /// `z0 + (z_{t−1} − z_{t−2})`, projected onto the box — the secant predictor of
    /// path-following (Allgower & Georg 1990, §2.3), with the years as the path parameter — and
    /// starts from whichever of the two has the lower merit. The plain start is evaluated only
    /// when the predicted one's merit is not below the plain start's the last time it was
    /// evaluated (`CarriedProducts.startMerit`), so the usual year pays no evaluation more and a
    /// year that breaks the trend still starts no worse than before. Measured on the 10,000-node
    /// 17-year runs (every final demand +3 % a year): docs/performance.md, "Per-point work of
    /// the matrix-free path".
    static func solveMatrixFree(
        _ problem: inout YearClearingProblem, from z0: [Double], warmStart: ClearingWarmStart?,
        settings: ComplementaritySettings, first: (residual: [Double], point: YearClearingProblem.Point)? = nil
    ) throws(SolveError) -> (
        result: ComplementarityResult<YearClearingProblem.Point>, products: CarriedProducts,
        stages: (homotopy: Int, continuation: Int, share: Int)
    ) {
        var newton = MatrixFreeNewton(settings: settings)
        newton.recordedProducts = MatrixFreeNewton.recordedProducts(nodes: problem.calibration.dimension)
        problem.nearbyPrices = true
        let carried = warmStart?.products
        let same = carried?.record(for: problem)
        var record = same ?? MatrixFreeNewton.ProductRecord(limit: newton.recordedProducts)
        if record.count > 0 { newton.recordBelowForcing = .infinity }
        var predicted: [Double]? = nil
        if same != nil, let change = carried?.change, change.count == z0.count {
            predicted = zip(z0, change).map { $0 + $1 }
        }
        newton.fallsBack = false
        newton.stopsAtShareStall = true
        var (result, counts) = try newton.solve(
            &problem, from: z0, predicted: predicted, acceptBelow: carried?.startMerit ?? 0, first: first,
            record: &record)
        newton.stopsAtShareStall = false
        // Unsolved: the matrix-free homotopy and continuation, then the dense fallback from the
        // point the solve reached (`matrixFreePaths`).
        var stages = (homotopy: 0, continuation: 0, share: 0)
        // A stall of one market's share: the one-dimensional finish (`shareFinish`) first.
        if result.status != .solved {
            let before = record
            if let finished = try shareFinish(&problem, newton: newton, stalled: result, record: &record) {
                result = finished.result
                stages.share = finished.solves
                if result.status != .solved { record = before }
            }
            if counts.stoppedAtShareStall && result.status != .solved {
                // The finish did not solve it: the direct solve goes on from where it stopped.
                let more = try newton.solve(&problem, from: result.z, record: &record)
                var totals = result.totals
                totals.add(more.result.totals)
                result = more.result.with(status: more.result.status, totals: totals)
            }
        }
        if result.status != .solved {
            // The record the year leaves the next (`CarriedProducts`) is the paths' where they
            // finish; where they fail, the stalled solve's, not products made at other λ.
            let stalled = record
            let paths = try matrixFreePaths(
                &problem, newton: newton, first: result, record: &record, yearBefore: warmStart == nil ? nil : z0)
            stages = (paths.homotopy, paths.continuation, stages.share)
            if paths.result.status == .solved {
                result = paths.result
            } else {
                record = stalled
                counts.fellBack = true
                let rest = try ComplementaritySolver(settings: settings).solve(&problem, from: result.z)
                var totals = paths.result.totals
                totals.add(rest.totals)
                result = rest.with(status: rest.status, totals: totals)
            }
        }
        let solution = result.status == .solved ? result.z : nil
        var change: [Double]? = nil
        if same != nil, let now = solution, let before = carried?.solution, before.count == now.count {
            change = zip(now, before).map { $0 - $1 }
        }
        // The next year's record without the spare storage of this year's last preconditioner
        // (`ProductRecord.spareInverse`): its first system makes its own, and the years a
        // caller keeps do not each hold one.
        record.spareInverse = nil
        let next = CarriedProducts(
            record: record, solution: solution, change: change,
            startMerit: counts.startMerit ?? (same != nil ? carried?.startMerit : nil),
            activeNodes: problem.calibration.activeNodes, capacityNodes: problem.capacityNodes,
            quotaRoutes: problem.quotaRoutes, demandMarkets: problem.demandMarkets)
        return (result, next, stages)
    }
}
