import LinearAlgebra
import Testing

@testable import MinsimEngine

/// The linear solvers (triangular substitution, dense LU, sparse LU, GMRES + ILU(0)) must be
/// interchangeable: wherever more than one applies they agree to far below any difference a
/// user could see. Every failure message carries the seed (`SyntheticNetwork.Parameters.seed`).
///
/// Tolerance 1e-9 relative, used throughout: each path solves `I − A` with a backward error at
/// rounding level — substitution and LU with partial pivoting are backward stable, GMRES stops
/// at relative residual 1e-13 — and these systems have rcond ≈ 0.05–0.5, so the forward error
/// of each is below about 1e-12; 1e-9 leaves three orders of magnitude of margin while any
/// structural mistake (a dropped coupling, a transposed block) shows at 1e-3 or worse.
/// Componentwise errors are floored at 1e-15 of the vector's largest entry, rounding level, so
/// that two exact zeros or two values at the rounding floor are not compared relatively.
@Suite("Linear solvers agree with each other")
struct SolverAgreementTests {
    static let seeds: [UInt64] = [1, 2, 7, 42, 2024]

    static func network(seed: UInt64, feedback: Double) -> SyntheticNetwork {
        var p = SyntheticNetwork.Parameters()
        p.seed = seed
        p.regions = 5 + Int(seed % 4)
        p.stages = 3 + Int(seed % 2)
        p.productsPerStage = 2 + Int(seed % 3)
        p.suppliersPerMarket = min(3, p.regions)
        p.feedback = feedback
        return SyntheticNetwork(p)
    }

    /// Largest `|a_i − b_i| / max(|a_i|, |b_i|, 1e-15 ‖b‖∞)`.
    static func maxRelativeDifference(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "vectors differ in length")
        let floor = 1e-15 * max(Vector.maxNorm(b), .leastNormalMagnitude)
        var worst = 0.0
        for i in a.indices { worst = max(worst, abs(a[i] - b[i]) / max(abs(a[i]), abs(b[i]), floor)) }
        return worst
    }

    /// The system at base shares with base tariffs, so that Ã ≠ A.
    static func baseSystem(_ g: SyntheticNetwork) throws -> LeontiefSystem {
        let cal = try Calibration(network: g.network, base: g.base)
        return LeontiefSystem(calibration: cal, shares: cal.baseShares, tariffs: cal.routeVector(g.base.tariffs))
    }

    /// Right-hand sides: value added (the price system's), ones (the productivity test's) and
    /// a seeded mixed-sign vector.
    static func rightHandSides(_ system: LeontiefSystem, seed: UInt64) -> [[Double]] {
        var rng = SeededGenerator(seed: seed &+ 77)
        let n = system.dimension
        return [system.calibration.valueAdded, [Double](repeating: 1, count: n), (0..<n).map { _ in rng.uniform() - 0.3 }]
    }

    func compare(
        _ system: LeontiefSystem, choices: [LinearSolverChoice], seed: UInt64, label: String,
        tolerance: Double = 1e-9
    ) throws {
        let rhs = Self.rightHandSides(system, seed: seed)
        for withTariffs in [false, true] {
            let reference = try LeontiefFactorizer(choice: .dense).factor(system, withTariffs: withTariffs)
            for choice in choices {
                let f = try LeontiefFactorizer(choice: choice).factor(system, withTariffs: withTariffs)
                for transposed in [false, true] {
                    let expected = reference.solve(rhs, transposed: transposed)
                    let got = f.solve(rhs, transposed: transposed)
                    for c in rhs.indices {
                        let d = Self.maxRelativeDifference(got[c], expected[c])
                        #expect(
                            d <= tolerance,
                            "\(label) seed \(seed): \(choice) vs dense, rhs \(c), transposed \(transposed), tariffs \(withTariffs): \(d)"
                        )
                    }
                }
            }
        }
    }

    @Test("acyclic networks: triangular, dense and GMRES solves agree to 1e-9 (M and Mᵀ)", arguments: seeds)
    func acyclicFactorizationsAgree(seed: UInt64) throws {
        let system = try Self.baseSystem(Self.network(seed: seed, feedback: 0))
        try compare(system, choices: [.triangular, .sparse, .krylov, .automatic], seed: seed, label: "acyclic")
    }

    @Test("cyclic networks (feedback 0.05): dense, sparse and GMRES solves agree to 1e-9 (M and Mᵀ)", arguments: seeds)
    func cyclicFactorizationsAgree(seed: UInt64) throws {
        let system = try Self.baseSystem(Self.network(seed: seed, feedback: 0.05))
        try compare(system, choices: [.sparse, .krylov, .automatic], seed: seed, label: "cyclic")
    }

    /// Sparse and dense LU are both direct and backward stable (threshold and partial
    /// pivoting): on these systems (rcond ≈ 0.05–0.5, N ≤ 100) each solution's forward error is
    /// below N·ε/rcond ≈ 5e-13 in the worst case and about 1e-15 in practice, so 1e-12 is the
    /// issue's bound with margin; a wrong permutation or a dropped block shows at 1e-3 or worse.
    /// A forced dense solve above `DenseLeontiefFactorization.nodeLimit` is refused before any
    /// N × N matrix is made (the message names the size and the other solvers); the same
    /// network factors with the sparse LU. 20,010 nodes (3 regions × 2 stages × 3,335
    /// products): one past the limit would not be a generated size, so the smallest above it.
    @Test("the dense solver refuses a network above its node limit and names the alternatives")
    func denseNodeLimit() throws {
        var p = SyntheticNetwork.Parameters()
        (p.regions, p.stages, p.productsPerStage, p.suppliersPerMarket, p.feedback) = (3, 2, 3_335, 2, 0.05)
        let system = try Self.baseSystem(SyntheticNetwork(p))
        let n = system.calibration.activeNodes.count
        #expect(n > DenseLeontiefFactorization.nodeLimit)
        let reason = try #require(Self.refusal(of: .dense, system))
        #expect(reason.contains("\(n) × \(n) matrix") && reason.contains("at most 20000 active nodes"), "\(reason)")
        #expect(reason.contains("choose the automatic, sparse or krylov linear solver"), "\(reason)")
        let sparse = try LeontiefFactorizer(choice: .sparse).factor(system, withTariffs: false)
        #expect(sparse.solve([Double](repeating: 1, count: n), transposed: false).allSatisfy { $0 >= 1 })
    }

    /// Also with a block of several right-hand sides, and for the general (signed) matrix
    /// `I − G` of a Newton step, through `LeontiefFactorizer.factor(matrix:)`.
    @Test("sparse LU agrees with dense LU to 1e-12 on random cyclic networks", arguments: seeds)
    func sparseMatchesDense(seed: UInt64) throws {
        let system = try Self.baseSystem(Self.network(seed: seed, feedback: 0.05))
        try compare(system, choices: [.sparse], seed: seed, label: "sparse", tolerance: 1e-12)
        for withTariffs in [false, true] {
            let dense = try LeontiefFactorizer(choice: .dense).factor(system, withTariffs: withTariffs)
            let sparse = try LeontiefFactorizer(choice: .sparse).factor(system, withTariffs: withTariffs)
            #expect(sparse is SparseLeontiefFactorization, "\(sparse.method)")
            #expect(
                sparse.reciprocalCondition <= 3 * dense.reciprocalCondition
                    && sparse.reciprocalCondition >= dense.reciprocalCondition / 3,
                "seed \(seed): rcond \(sparse.reciprocalCondition) vs dgecon \(dense.reciprocalCondition)")
        }
        let rhs = Self.rightHandSides(system, seed: seed)
        // The block solve of every method gives its column-by-column solve (same factors).
        for choice in [LinearSolverChoice.dense, .sparse, .krylov] {
            let f = try LeontiefFactorizer(choice: choice).factor(system, withTariffs: true)
            for transposed in [false, true] {
                var block = Matrix(columns: rhs)
                f.solve(&block, transposed: transposed)
                let columns = f.solve(rhs, transposed: transposed)
                for c in rhs.indices {
                    #expect(Self.maxRelativeDifference(block.column(c), columns[c]) <= 1e-12, "\(choice) block column \(c)")
                }
            }
        }
        // A Newton-type Jacobian I − G: G on the pattern of Ã with signed coefficients.
        let a = system.coefficientMatrix(withTariffs: true)
        var rng = SeededGenerator(seed: seed &+ 5)
        let g = SparseMatrix(
            rows: a.rows, columns: a.columns,
            rowIndices: (0..<a.rows).flatMap { i in Array(repeating: i, count: a.rowStart[i + 1] - a.rowStart[i]) },
            columnIndices: a.columnIndices, values: a.values.map { $0 * (rng.uniform() < 0.3 ? -2 : 1) })
        let jacobian = SparseMatrix.identity(a.rows).adding(g, scaledBy: -1)
        let newton = try LeontiefFactorizer.factor(matrix: jacobian)
        let reference = try LUFactorization(factoring: jacobian.dense)
        let tol = 100 * Double(a.rows) * Double.ulpOfOne / reference.reciprocalCondition()
        for transposed in [false, true] {
            let expected = reference.solve(Matrix(columns: rhs), transposed: transposed)
            let got = newton.solve(rhs, transposed: transposed)
            for c in rhs.indices {
                let scale = max(Vector.maxNorm(expected.column(c)), .leastNormalMagnitude)
                let d = zip(got[c], expected.column(c)).map { abs($0 - $1) }.max().map { $0 / scale } ?? .infinity
                #expect(d <= tol, "seed \(seed) Newton rhs \(c) transposed \(transposed): \(d) > \(tol)")
            }
        }
    }

    /// Refactoring on the same pattern (the next fixed-point iteration's shares) gives what a
    /// fresh factorization gives, to the same 1e-12 as above.
    @Test("refactoring the sparse LU with new shares equals factoring afresh", arguments: seeds)
    func sparseRefactor(seed: UInt64) throws {
        let g = Self.network(seed: seed, feedback: 0.05)
        let cal = try Calibration(network: g.network, base: g.base)
        let tau = cal.routeVector(g.base.tariffs)
        let before = LeontiefSystem(calibration: cal, shares: cal.baseShares, tariffs: tau)
        var prices = cal.basePrices
        for j in prices.indices where j % 3 == 0 { prices[j] *= 1.3 }
        let after = LeontiefSystem(
            calibration: cal, shares: cal.armingtonShares(prices: prices, tariffs: tau, capacities: g.base.capacities),
            tariffs: tau)
        var f = try SparseLeontiefFactorization(coefficients: before.coefficientMatrix(withTariffs: true), nodes: cal.activeNodes)
        try f.refactor(coefficients: after.coefficientMatrix(withTariffs: true))
        #expect(f.lu.origin == .refactored, "\(f.method)")
        let fresh = try LeontiefFactorizer(choice: .dense).factor(after, withTariffs: true)
        let rhs = Self.rightHandSides(after, seed: seed)
        for transposed in [false, true] {
            let expected = fresh.solve(rhs, transposed: transposed)
            let got = f.solve(rhs, transposed: transposed)
            for c in rhs.indices {
                #expect(
                    Self.maxRelativeDifference(got[c], expected[c]) <= 1e-12, "seed \(seed) rhs \(c) transposed \(transposed)")
            }
        }
    }

    @Test("a structurally singular network is a typed error naming the node")
    func structurallySingular() throws {
        // Nodes 0 → 1 → 0 form a loop; node 2 uses exactly one unit of its own output and has
        // no other supplier or user, so column and row 2 of I − A are empty.
        let a = SparseMatrix(rows: 3, columns: 3, rowIndices: [0, 1, 2], columnIndices: [1, 0, 2], values: [0.5, 0.5, 1])
        let nodes = (0..<3).map { Node(RegionIndex($0), ProductIndex(0)) }
        #expect(throws: SolveError.structurallySingular(node: nodes[2], rank: 2, dimension: 3)) {
            _ = try SparseLeontiefFactorization(coefficients: a, nodes: nodes)
        }
    }

    /// Whole-year solves with each solver, at base conditions and after a tariff shock that
    /// makes the price–share fixed point iterate. Base prices: 1e-10 relative, the calibration
    /// bound (RandomNetworkIdentityTests); cross-solver: 1e-9 as above (the fixed point stops at
    /// a price change ≤ 1e-12, and the refinement of quantities polishes every path alike).
    @Test("year solves agree across solvers; the base year reproduces base prices", arguments: seeds)
    func yearSolvesAgree(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            let g = Self.network(seed: seed, feedback: feedback)
            let cal = try Calibration(network: g.network, base: g.base)
            let choices: [LinearSolverChoice] =
                feedback == 0 ? [.triangular, .sparse, .krylov, .automatic] : [.sparse, .krylov, .automatic]
            var shocked = YearConditions(base: g.base)
            var rng = SeededGenerator(seed: seed)
            for route in cal.routes where route.exporter != route.importer && rng.uniform() < 0.3 {
                shocked.tariffs[route, default: 0] += 0.1 + 0.4 * rng.uniform()
            }
            for (name, conditions) in [("base", YearConditions(base: g.base)), ("shock", shocked)] {
                var options = SolverOptions()
                options.linearSolver = .dense
                let reference = try YearSolver(options: options).solve(cal, conditions: conditions)
                for choice in choices {
                    options.linearSolver = choice
                    let sol = try YearSolver(options: options).solve(cal, conditions: conditions)
                    let label = "seed \(seed) feedback \(feedback) \(name) \(choice)"
                    #expect(sol.status == .solved, "\(label)")
                    #expect(Self.maxRelativeDifference(sol.output, reference.output) <= 1e-9, "\(label): outputs")
                    #expect(Self.maxRelativeDifference(sol.prices, reference.prices) <= 1e-9, "\(label): prices")
                    #expect(Self.maxRelativeDifference(sol.flows, reference.flows) <= 1e-9, "\(label): flows")
                    if name == "base" {
                        #expect(Self.maxRelativeDifference(sol.prices, cal.basePrices) <= 1e-10, "\(label): base prices")
                    }
                }
            }
        }
    }

    @Test(
        "automatic choice: triangular without loops, sparse LU with small loops; the manifest reason says why", arguments: seeds)
    func automaticChoice(seed: UInt64) throws {
        let acyclic = Self.network(seed: seed, feedback: 0)
        let a = try YearSolver().solve(
            try Calibration(network: acyclic.network, base: acyclic.base), conditions: YearConditions(base: acyclic.base))
        #expect(
            a.statistics.linearSolver.hasPrefix(TriangularLeontiefFactorization.methodName),
            "seed \(seed): \(a.statistics.linearSolver)")
        #expect(a.statistics.linearSolverReason.contains("no supply loops"), "\(a.statistics.linearSolverReason)")
        let cyclic = Self.network(seed: seed, feedback: 0.05)
        let c = try YearSolver().solve(
            try Calibration(network: cyclic.network, base: cyclic.base), conditions: YearConditions(base: cyclic.base))
        #expect(
            c.statistics.linearSolver.hasPrefix(SparseLeontiefFactorization.methodName),
            "seed \(seed): \(c.statistics.linearSolver)")
        #expect(c.statistics.linearSolverReason.contains("so sparse LU"), "\(c.statistics.linearSolverReason)")
    }

    /// The break-even measured in `RatioReport --sections choice` (docs/performance.md): a
    /// strongly connected block whose sparse LU would cost more than `denseBreakEven(nodes:)`
    /// (0.03–0.073) of dense LU's flops is factored densely. A 40-node loop in which every node
    /// uses every other is dense.
    @Test("automatic choice: dense LU when the loop is dense enough to win")
    func automaticDense() throws {
        let n = 40
        var r: [Int] = [], c: [Int] = [], v: [Double] = []
        for i in 0..<n { for j in 0..<n where i != j { r.append(i); c.append(j); v.append(0.5 / Double(n)) } }
        let a = SparseMatrix(rows: n, columns: n, rowIndices: r, columnIndices: c, values: v)
        let analysis = try SparseLU.Analysis(SparseLeontiefFactorization.leontiefMatrix(a))
        #expect(analysis.blocks == 1 && analysis.largestBlock == n)
        guard case .dense = LeontiefFactorizer().decide(analysis) else {
            Issue.record("a dense 40-node loop: \(LeontiefFactorizer().decide(analysis))")
            return
        }
        // Above the node limit dense LU is never chosen, however dense the loop.
        guard case .sparse = LeontiefFactorizer(denseNodeLimit: n - 1).decide(analysis) else {
            Issue.record("dense LU chosen above the node limit")
            return
        }
        #expect(LeontiefFactorizer().denseNodeLimit == 4000)
    }

    /// The break-even is the measured table (exact at its three sizes), falls with N between
    /// them (dgetrf's speed per flop rises with N, KLU's does not), and is held outside.
    @Test("the dense/sparse break-even follows the measured table")
    func breakEvenTable() {
        let b = LeontiefFactorizer.denseBreakEven
        #expect(b(500) == 0.073 && b(1_000) == 0.057 && b(2_000) == 0.030)
        #expect(b(40) == 0.073 && b(4_000) == 0.030)
        let sizes = Array(stride(from: 400, through: 2_100, by: 50))
        for (n, m) in zip(sizes, sizes.dropFirst()) { #expect(b(m) <= b(n), "break-even rises from \(n) to \(m) nodes") }
        // log-linear halfway (in log N) between 1,000 and 2,000: the geometric mean, to rounding.
        #expect(abs(b(1_414) / (0.057 * 0.030).squareRoot() - 1) < 1e-3)
    }

    /// The rows of that measurement which the old break-even (1/6, measured on OpenBLAS's generic
    /// kernels) got wrong: random strongly connected 1,000- and 2,000-node matrices at 0.3 % and
    /// 0.2 % density, flops ratios ≈ 0.10 and 0.14, where dense LU took 37 against 41 ms and 193
    /// against 666 ms CPU. The same construction as `RatioReport`'s, so the same matrices.
    @Test(
        "automatic choice: dense LU on the measured rows between the new and the old break-even",
        arguments: [(1_000, 0.003), (2_000, 0.002)])
    func automaticDenseNearBreakEven(n: Int, density: Double) throws {
        var rng = SeededGenerator(seed: UInt64(n) &+ UInt64(density * 1e4))
        var r: [Int] = [], c: [Int] = [], v: [Double] = []
        for j in 0..<n {
            r.append((j + 1) % n); c.append(j); v.append(rng.uniform() + 0.1)
            for i in 0..<n where i != j && rng.uniform() < density { r.append(i); c.append(j); v.append(rng.uniform()) }
        }
        var sums = [Double](repeating: 0, count: n)
        for k in v.indices { sums[c[k]] += v[k] }
        for k in v.indices { v[k] *= 0.9 / sums[c[k]] }
        let a = SparseMatrix(rows: n, columns: n, rowIndices: r, columnIndices: c, values: v)
        let analysis = try SparseLU.Analysis(SparseLeontiefFactorization.leontiefMatrix(a))
        let ratio = analysis.estimatedFlops / (2.0 / 3.0 * Double(n) * Double(n) * Double(n))
        // The row's premise: a ratio between the new break-even and the old 1/6.
        try #require(ratio > LeontiefFactorizer.denseBreakEven(nodes: n) && ratio < 1.0 / 6, "flops ratio \(ratio)")
        guard case .dense = LeontiefFactorizer().decide(analysis) else {
            Issue.record("\(n) nodes at flops ratio \(ratio): \(LeontiefFactorizer().decide(analysis).reason)")
            return
        }
    }

    /// The benchmark cases of docs/performance.md ("Solver choice"): the sparse LU was the
    /// fastest on every cyclic network (1.3–2× ahead of GMRES, 10–4,000× of dense LU); on the
    /// acyclic one triangular substitution and the sparse LU were within 15 % (16.4 and 14.5 ms,
    /// inside the shared machine's run-to-run spread) and substitution, which needs no
    /// factorization, is kept. The automatic choice must pick exactly that. Sizes up to 10,000 nodes (the 100,000-node
    /// cases are the same generator at ten times the regions; generating them takes too long
    /// for a debug test run).
    @Test(
        "automatic choice picks the measured-best solver on each benchmark network",
        arguments: [
            (50, 10, 5, 0.05, "sparse"), (50, 10, 50, 0.05, "sparse"), (100, 10, 5, 0.05, "sparse"),
            (100, 25, 5, 0.0, "triangular"), (100, 25, 5, 0.05, "sparse"),
        ])
    func benchmarkChoice(regions: Int, products: Int, suppliers: Int, feedback: Double, expected: String) throws {
        var p = SyntheticNetwork.Parameters()
        p.regions = regions
        p.stages = 4
        p.productsPerStage = products
        p.suppliersPerMarket = suppliers
        p.tariffedRouteFraction = 0.2
        p.feedback = feedback
        p.seed = 2_026
        let g = SyntheticNetwork(p)
        let cal = try Calibration(network: g.network, base: g.base)
        let system = LeontiefSystem(calibration: cal, shares: cal.baseShares, tariffs: cal.routeVector(g.base.tariffs))
        let (_, decision) = try LeontiefFactorizer().factorWithDecision(system, withTariffs: true)
        switch (decision, expected) {
        case (.triangular?, "triangular"), (.sparse?, "sparse"): break
        default:
            Issue.record(
                "\(regions)×4×\(products), \(suppliers) suppliers, feedback \(feedback): \(String(describing: decision)), expected \(expected)"
            )
        }
    }

    /// The triangular path runs Hager–Higham, the algorithm dgecon runs on LU factors; the
    /// GMRES path computes `‖M⁻ᵀ1‖∞`, exact for the M-matrices of productive networks. On
    /// `(I − A)⁻¹ ≥ 0` Hager's iteration is exact too, so all agree to rounding here. The bound
    /// asked of any 1-norm estimator is a factor of 3 (Higham 1988 reports estimates within a
    /// factor 3 of ‖B‖₁ in practice; both are lower bounds), which is what we assert.
    @Test("rcond estimates agree with dgecon within a factor of 3", arguments: seeds)
    func conditionEstimates(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            let system = try Self.baseSystem(Self.network(seed: seed, feedback: feedback))
            for withTariffs in [false, true] {
                let dgecon = try LUFactorization(factoring: system.leontiefMatrix(withTariffs: withTariffs)).reciprocalCondition()
                let choices: [LinearSolverChoice] = feedback == 0 ? [.triangular, .sparse, .krylov] : [.sparse, .krylov]
                for choice in choices {
                    let r = try LeontiefFactorizer(choice: choice).factor(system, withTariffs: withTariffs).reciprocalCondition
                    #expect(
                        r <= 3 * dgecon && r >= dgecon / 3,
                        "seed \(seed) feedback \(feedback) \(choice): rcond \(r) vs dgecon \(dgecon)")
                }
            }
        }
    }

    /// A general matrix (mixed-sign inverse, where Hager's method is a genuine estimate):
    /// within a factor 3 of dgecon, which runs the same algorithm on the same solves.
    @Test("Hager–Higham estimate on general matrices is within a factor 3 of dgecon", arguments: [UInt64(3), 8, 13])
    func hagerGeneral(seed: UInt64) throws {
        let n = 25
        var rng = SeededGenerator(seed: seed)
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { for j in 0..<n { m[i, j] = rng.uniform() - 0.5 + (i == j ? 2 : 0) } }
        let lu = try LUFactorization(factoring: m)
        let estimate = try InverseNormEstimator.estimate(dimension: n) { (c, t) throws(SolveError) in lu.solve(c, transposed: t) }
        let r = InverseNormEstimator.reciprocalCondition(oneNorm: m.oneNorm, inverseOneNorm: estimate)
        let dgecon = lu.reciprocalCondition()
        #expect(r <= 3 * dgecon && r >= dgecon / 3, "seed \(seed): \(r) vs dgecon \(dgecon)")
        // A lower bound on ‖M⁻¹‖₁: the exact value from the n columns of M⁻¹.
        let inverse = lu.solve(Matrix.identity(n))
        var exact = 0.0
        for j in 0..<n { exact = max(exact, (0..<n).reduce(0) { $0 + abs(inverse[$1, j]) }) }
        #expect(estimate <= exact * (1 + 1e-12) && estimate >= exact / 3, "seed \(seed): \(estimate) vs ‖M⁻¹‖₁ = \(exact)")
    }

    @Test("forcing the triangular solver on a cyclic network names a loop")
    func triangularRejectsLoops() throws {
        let g = Self.network(seed: 3, feedback: 0.05)
        let system = try Self.baseSystem(g)
        let message = try #require(Self.refusal(of: .triangular, system))
        #expect(message.contains("→") && message.contains("loop"), "\(message)")
    }

    /// The reason `choice` gives for refusing `system` (`SolveError.solverNotApplicable`); nil,
    /// with the test's issue recorded, when it factors the system or fails otherwise.
    static func refusal(of choice: LinearSolverChoice, _ system: LeontiefSystem) -> String? {
        do {
            _ = try LeontiefFactorizer(choice: choice).factor(system, withTariffs: false)
            Issue.record("the \(choice) solver accepted the system")
        } catch {
            if case .solverNotApplicable(let reason) = error { return reason }
            Issue.record("expected solverNotApplicable, got \(error)")
        }
        return nil
    }

    @Test("GMRES that cannot reach its tolerance throws notConverged")
    func gmresNotConverged() throws {
        let system = try Self.baseSystem(Self.network(seed: 2, feedback: 0.05))
        #expect {
            _ = try KrylovLeontiefFactorization(coefficients: system.coefficientMatrix(withTariffs: false), maxIterations: 1)
        } throws: { error in
            guard let e = error as? SolveError, case .notConverged(_, let iterations, let residual) = e else { return false }
            return iterations == 1 && residual > 1e-13
        }
    }

    /// The triangular substitution of an acyclic `a` (one node per row), with its order; nil,
    /// and an issue recorded, where `a` is reported cyclic.
    static func substitution(_ a: SparseMatrix) throws -> (TriangularLeontiefFactorization, SubstitutionOrder)? {
        guard case .acyclic(let levels) = SubstitutionOrder.analyse(a) else {
            Issue.record("an acyclic matrix was reported cyclic")
            return nil
        }
        let nodes = (0..<a.rows).map { Node(RegionIndex($0), ProductIndex(0)) }
        return (try TriangularLeontiefFactorization(coefficients: a, levels: levels, nodes: nodes), levels)
    }

    /// A random DAG in *reverse* system order with self-use on the diagonal: the triangular
    /// path must find the order from the coefficients alone and divide by `1 − a_jj`. Compared
    /// with dense LU on the same matrix; rcond ≈ 0.1, so 1e-12 relative is ≈ 100 × rounding.
    @Test("triangular substitution handles any acyclic order and diagonal self-use")
    func triangularAnyOrder() throws {
        let n = 40
        var rng = SeededGenerator(seed: 99)
        var r: [Int] = [], c: [Int] = [], v: [Double] = []
        for j in 0..<n {
            // Suppliers of j have higher indices: strictly lower triangular in system order.
            for _ in 0..<3 where j + 1 < n {
                r.append(j + 1 + Int(rng.next() % UInt64(n - j - 1))); c.append(j); v.append(0.25 * rng.uniform())
            }
            if j % 5 == 0 { r.append(j); c.append(j); v.append(0.1) }
        }
        let a = SparseMatrix(rows: n, columns: n, rowIndices: r, columnIndices: c, values: v)
        guard let (tri, _) = try Self.substitution(a) else { return }
        let m = SparseMatrix.identity(n).adding(a, scaledBy: -1).dense
        let lu = try LUFactorization(factoring: m)
        let rhs = (0..<n).map { _ in rng.uniform() }
        for transposed in [false, true] {
            let expected = lu.solve(rhs, transposed: transposed)
            let got = tri.solve(rhs, transposed: transposed)
            #expect(Self.maxRelativeDifference(got, expected) <= 1e-12, "transposed \(transposed)")
        }
        let dgecon = lu.reciprocalCondition()
        #expect(tri.reciprocalCondition <= 3 * dgecon && tri.reciprocalCondition >= dgecon / 3)
    }

    /// The one-column block solve (in place in system order, one permuted copy otherwise) does
    /// the multi-column sweep's arithmetic for that column, so it must agree with it exactly:
    /// tolerance 0, in a stage-ordered network (system order) and in reverse order with
    /// self-use, both directions. The fourth column is sparse, as the clearing's price seeds
    /// are (a few nodes, one entry −0): the one-column forward sweep skips rows still zero when
    /// it reaches them, which adds nothing but may leave a zero's sign (−0 == 0).
    @Test("the one-column block substitution equals the multi-column one bit for bit")
    func triangularOneColumn() throws {
        let n = 30
        var rng = SeededGenerator(seed: 5)
        for reversed in [false, true] {
            var r: [Int] = [], c: [Int] = [], v: [Double] = []
            // Three stages of ten nodes, each node supplying three of the next stage's, so that
            // every node's level is its stage (stage-ordered: system order is a substitution
            // order); reversed, the same entries transposed (it is not) and some nodes using their
            // own output.
            for j in 0..<(n - 10) {
                let stage = j / 10
                for t in 0..<3 {
                    let other = (stage + 1) * 10 + (j + t) % 10
                    r.append(reversed ? other : j); c.append(reversed ? j : other); v.append(0.25 * rng.uniform())
                }
                if reversed && j % 4 == 0 { r.append(j); c.append(j); v.append(0.2) }
            }
            let a = SparseMatrix(rows: n, columns: n, rowIndices: r, columnIndices: c, values: v)
            guard let (tri, levels) = try Self.substitution(a) else { return }
            // The premise: the first network is in a substitution order already, the second not.
            #expect((levels.order == Array(0..<n)) == !reversed, "reversed \(reversed)")
            var columns = (0..<3).map { _ in (0..<n).map { _ in rng.uniform() - 0.4 } }
            columns.append((0..<n).map { i in i == 2 || i == 17 ? rng.uniform() - 0.4 : (i == 5 ? -0.0 : 0) })
            for transposed in [false, true] {
                var all = Matrix(columns: columns)
                tri.solve(&all, transposed: transposed)
                for k in columns.indices {
                    var one = Matrix(columns: [columns[k]])
                    tri.solve(&one, transposed: transposed)
                    #expect(one.column(0) == all.column(k), "reversed \(reversed), transposed \(transposed), column \(k)")
                }
            }
        }
    }

    @Test("a node that uses exactly one unit of its own output is a zero pivot, named")
    func zeroPivot() throws {
        let a = SparseMatrix(rows: 2, columns: 2, rowIndices: [0, 1], columnIndices: [1, 1], values: [0.5, 1])
        guard case .acyclic(let levels) = SubstitutionOrder.analyse(a) else {
            Issue.record("an acyclic matrix was reported cyclic")
            return
        }
        let nodes = [Node(RegionIndex(0), ProductIndex(0)), Node(RegionIndex(0), ProductIndex(1))]
        #expect(throws: SolveError.singular(node: nodes[1], reciprocalCondition: 0)) {
            _ = try TriangularLeontiefFactorization(coefficients: a, levels: levels, nodes: nodes)
        }
    }

    @Test("empty systems: every path returns rcond 1 and empty solutions, as dgecon does for n = 0")
    func emptySystem() throws {
        let a = SparseMatrix(rows: 0, columns: 0, rowIndices: [], columnIndices: [], values: [])
        guard case .acyclic(let levels) = SubstitutionOrder.analyse(a) else {
            Issue.record("an empty matrix was reported cyclic")
            return
        }
        let tri = try TriangularLeontiefFactorization(coefficients: a, levels: levels, nodes: [])
        let krylov = try KrylovLeontiefFactorization(coefficients: a)
        for f in [tri, krylov] as [any LeontiefFactorization] {
            #expect(f.reciprocalCondition == 1, "\(f.method)")
            #expect(f.solve([[]], transposed: false) == [[]], "\(f.method)")
        }
    }

    /// 100 regions × 4 stages × 25 products = 10,000 nodes: the size at which a dense LU
    /// would need 800 MB. The triangular path keeps O(nonzeros) and solves the year directly.
    /// Mass balance closes to 1e-12 (rounding; the default tolerance is 1e-9).
    @Test("a 10,000-node acyclic network solves with the triangular path")
    func largeAcyclic() throws {
        var p = SyntheticNetwork.Parameters()
        p.regions = 100
        p.stages = 4
        p.productsPerStage = 25
        p.suppliersPerMarket = 5
        p.seed = 5
        let g = SyntheticNetwork(p)
        let cal = try Calibration(network: g.network, base: g.base)
        #expect(cal.dimension == 10_000)
        let sol = try YearSolver().solve(cal, conditions: YearConditions(base: g.base))
        #expect(sol.status == .solved)
        #expect(
            sol.statistics.linearSolver.hasPrefix(TriangularLeontiefFactorization.methodName), "\(sol.statistics.linearSolver)")
        #expect(sol.statistics.massBalanceResidual <= 1e-12)
        #expect(Self.maxRelativeDifference(sol.prices, cal.basePrices) <= 1e-10)
    }
}
