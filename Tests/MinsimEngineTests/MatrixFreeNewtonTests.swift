import Foundation
import Testing

@testable import MinsimEngine

/// The matrix-free Newton method's working rows (`MatrixFreeNewton.solve`): an unknown whose
/// `D_b` rounds to 0 while its `Φ` does not must still take its step.
@Suite("Market clearing: the matrix-free Newton method's working rows")
struct MatrixFreeNewtonTests {
    /// By hand: z = 1e-9 on its lower bound's side, F = 1. Then z² = 1e-18 is below half an
    /// ulp of F² = 1, so `r = √(z² + F²)` rounds to exactly 1 and `D_b = 1 − F/r = 0`, while
    /// `Φ = z + F − r` keeps z (1 + 1e-9 is exact to 1e-16 relative, so Φ = 1e-9 within
    /// 1.1e-16) and the natural residual is z = 1e-9, ten times the clearing's tolerance 1e-10:
    /// the row is not solved, yet its linearization has no Jacobian term.
    @Test("D_b rounds to 0 where Φ = z ≠ 0")
    func roundedRow() {
        let c = FischerBurmeister.component(z: 1e-9, f: 1, lower: 0, upper: .infinity)
        // D_a = 1 − z/r = 1 − 1e-9 (to rounding).
        #expect(c.db == 0 && abs(c.da - (1 - 1e-9)) <= 1e-15)
        #expect(abs(c.value - 1e-9) <= 1.2e-16)
        #expect(FischerBurmeister.naturalResidual(z: 1e-9, f: 1, lower: 0, upper: .infinity) == 1e-9)
    }

    /// From the solution with one slack rent (`z_i = 0`, `F_i > 0`) moved to `5e-9 F_i`: its
    /// `D_b` rounds to 0 as in `roundedRow` ((5e-9)² = 2.5e-17 is below F²'s relative half
    /// ulp, at least 2⁻⁵⁴ ≈ 5.6e-17), and its natural residual 5e-9 F_i exceeds the tolerance
    /// 1e-10 whenever F_i > 0.02. A method that stepped only
    /// on the rows with `D_b > 0` left that rent where it was (the 10,000-node stall of
    /// docs/performance.md, c14-large) and fell back: the other rows are solved, its own
    /// `d_i` stayed 0, so no trial lowered ψ. Its row `D_a d_i = −Φ_i` takes it back.
    @Test("an unknown a rounding off its bound returns to it", arguments: [1, 7, 42] as [UInt64])
    func slackRentReturns(seed: UInt64) throws {
        for feedback in [0.0, 0.05] {
            let fixture = try ScarceNetwork(seed: seed, feedback: feedback)
            var (problem, start) = try fixture.clearingProblem()
            let settings = MarketClearingSettings().solver
            let solved = try MatrixFreeNewton(settings: settings).solve(&problem, from: start).result
            try #require(solved.status == .solved)
            // A slack rent, or else a fully served market below its choke price (ρ = 0, F > 0:
            // the same rounding, its box's upper bound 1 plays no part at ρ ≈ 0).
            let slack = start.indices.filter { solved.z[$0] == 0 && solved.residual[$0] > 0.02 }
            let rents = slack.filter { $0 < problem.marketOffset }
            let candidates = rents.isEmpty ? slack : rents
            let i = try #require(candidates.max { solved.residual[$0] < solved.residual[$1] }, "seed \(seed): a slack unknown")
            var z = solved.z
            z[i] = 5e-9 * solved.residual[i]
            let (result, counts) = try MatrixFreeNewton(settings: settings).solve(&problem, from: z)
            #expect(result.status == .solved && !counts.fellBack, "seed \(seed) feedback \(feedback): \(counts)")
            #expect(result.naturalResidual <= settings.tolerance)
            // Back on its bound to the tolerance (the natural residual there is min(z_i, F_i)).
            #expect(result.z[i] <= settings.tolerance, "seed \(seed) feedback \(feedback): z = \(result.z[i])")
        }
    }

    /// Near the solution the Newton system is solved only as far as the tolerance needs: from
    /// the solution with its largest rent moved by 1e-9 (‖Φ‖∞ ≈ 1e-9, so `η = √‖Φ‖∞` ≈ 3e-5, while
    /// a tenth of the tolerance 1e-10 over ‖Φ‖₂ is ≈ 1e-2), GMRES on the same Krylov sequence
    /// stops at an earlier product than without the floor, and the solve from there still ends
    /// within the tolerance.
    @Test("the last Newton system is solved no further than the tolerance needs", arguments: [1, 7, 42] as [UInt64])
    func oversolvingFloor(seed: UInt64) throws {
        let fixture = try ScarceNetwork(seed: seed)
        var (problem, start) = try fixture.clearingProblem()
        let settings = MarketClearingSettings().solver
        let solved = try MatrixFreeNewton(settings: settings).solve(&problem, from: start).result
        try #require(solved.status == .solved)
        let rent = try #require((0..<problem.quotaOffset).max { solved.z[$0] < solved.z[$1] })
        var z = solved.z
        z[rent] += 1e-9
        let (f, point) = try problem.evaluate(z)
        let phi = ComplementaritySolver.reformulation(z, f, problem.lowerBounds, problem.upperBounds)
        let rows = z.indices.filter { phi.db[$0] > 0 || phi.value[$0] != 0 }
        var products: [Double: Int] = [:]
        for floor in [0.0, 0.1] {
            var method = MatrixFreeNewton(settings: settings)
            method.oversolvingFloor = floor
            var record = MatrixFreeNewton.ProductRecord(limit: 0)
            var counts = MatrixFreeNewton.Counts()
            let d = try method.newtonDirection(&problem, at: point, phi: phi, rows: rows, record: &record, counts: &counts)
            #expect(d != nil, "seed \(seed), floor \(floor)")
            products[floor] = counts.products
        }
        let tight = try #require(products[0.0]), loose = try #require(products[0.1])
        #expect(loose < tight, "seed \(seed): \(loose) products with the floor, \(tight) without")
        let (result, _) = try MatrixFreeNewton(settings: settings).solve(&problem, from: z)
        #expect(result.status == .solved && result.naturalResidual <= settings.tolerance, "seed \(seed)")
    }
}
