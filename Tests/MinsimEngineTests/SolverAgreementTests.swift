import Testing
import LinearAlgebra
@testable import MinsimEngine

/// The linear solvers (triangular substitution, dense LU, GMRES + ILU(0)) must be
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

    func compare(_ system: LeontiefSystem, choices: [LinearSolverChoice], seed: UInt64, label: String) throws {
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
                        #expect(d <= 1e-9, "\(label) seed \(seed): \(choice) vs dense, rhs \(c), transposed \(transposed), tariffs \(withTariffs): \(d)")
                    }
                }
            }
        }
    }

    @Test("acyclic networks: triangular, dense and GMRES solves agree to 1e-9 (M and Mᵀ)", arguments: seeds)
    func acyclicFactorizationsAgree(seed: UInt64) throws {
        let system = try Self.baseSystem(Self.network(seed: seed, feedback: 0))
        try compare(system, choices: [.triangular, .krylov, .automatic], seed: seed, label: "acyclic")
    }

    @Test("cyclic networks (feedback 0.05): dense and GMRES solves agree to 1e-9 (M and Mᵀ)", arguments: seeds)
    func cyclicFactorizationsAgree(seed: UInt64) throws {
        let system = try Self.baseSystem(Self.network(seed: seed, feedback: 0.05))
        try compare(system, choices: [.krylov, .automatic], seed: seed, label: "cyclic")
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
            let choices: [LinearSolverChoice] = feedback == 0 ? [.triangular, .krylov, .automatic] : [.krylov, .automatic]
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

    @Test("automatic choice: triangular without loops, dense LU for small cyclic networks", arguments: seeds)
    func automaticChoice(seed: UInt64) throws {
        let acyclic = Self.network(seed: seed, feedback: 0)
        let a = try YearSolver().solve(try Calibration(network: acyclic.network, base: acyclic.base), conditions: YearConditions(base: acyclic.base))
        #expect(a.statistics.linearSolver.hasPrefix(TriangularLeontiefFactorization.methodName), "seed \(seed): \(a.statistics.linearSolver)")
        let cyclic = Self.network(seed: seed, feedback: 0.05)
        let c = try YearSolver().solve(try Calibration(network: cyclic.network, base: cyclic.base), conditions: YearConditions(base: cyclic.base))
        #expect(c.statistics.linearSolver.hasPrefix("dense LU"), "seed \(seed): \(c.statistics.linearSolver)")
    }

    @Test("automatic choice: GMRES for cyclic networks above the dense limit")
    func automaticKrylov() throws {
        let system = try Self.baseSystem(Self.network(seed: 7, feedback: 0.05))
        #expect(system.dimension > 10)
        let f = try LeontiefFactorizer(choice: .automatic, denseNodeLimit: 10).factor(system, withTariffs: true)
        #expect(f is KrylovLeontiefFactorization, "\(f.method)")
        #expect(LeontiefFactorizer().denseNodeLimit == 4000)
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
                let choices: [LinearSolverChoice] = feedback == 0 ? [.triangular, .krylov] : [.krylov]
                for choice in choices {
                    let r = try LeontiefFactorizer(choice: choice).factor(system, withTariffs: withTariffs).reciprocalCondition
                    #expect(r <= 3 * dgecon && r >= dgecon / 3,
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
        do {
            _ = try LeontiefFactorizer(choice: .triangular).factor(system, withTariffs: false)
            Issue.record("a cyclic network was accepted by the triangular solver")
        } catch {
            guard case .invalidInput(let message) = error else {
                Issue.record("expected invalidInput, got \(error)")
                return
            }
            #expect(message.contains("→") && message.contains("loop"), "\(message)")
        }
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
        guard case .acyclic(let levels) = SubstitutionOrder.analyse(a) else {
            Issue.record("an acyclic matrix was reported cyclic")
            return
        }
        let nodes = (0..<n).map { Node(RegionIndex($0), ProductIndex(0)) }
        let tri = try TriangularLeontiefFactorization(coefficients: a, levels: levels, nodes: nodes)
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
        #expect(sol.statistics.linearSolver.hasPrefix(TriangularLeontiefFactorization.methodName), "\(sol.statistics.linearSolver)")
        #expect(sol.statistics.massBalanceResidual <= 1e-12)
        #expect(Self.maxRelativeDifference(sol.prices, cal.basePrices) <= 1e-10)
    }
}
