import Testing

@testable import LinearAlgebra

/// `KrylovBasis`: the Arnoldi step's Gram–Schmidt variants.
///
/// The basis is built from nearly dependent vectors (each the previous one plus 1e-7 of a
/// random vector), where classical Gram–Schmidt applied once loses orthogonality in proportion
/// to the condition number of the vectors (≈ 1e-16 · 1e7² here) while twice keeps it at
/// rounding level (Giraud, Langou & Rozložník 2005): `|v_i · v_j| ≤ 1e-13` for 12 vectors of
/// 200 entries (the sums of 200 products of unit-size entries round at ≈ 200 ε ≈ 4e-14).
@Suite("Krylov basis: modified and twice-classical Gram–Schmidt")
struct KrylovBasisTests {
    typealias Generator = SparseMatrixTests.Generator

    static func build(_ g: inout Generator, rows n: Int, vectors k: Int, twice: Bool) -> KrylovBasis {
        var basis = KrylovBasis(rows: n, capacity: k)
        var previous = (0..<n).map { _ in 2 * g.uniform() - 1 }
        basis.append(previous, dividedBy: norm(previous))
        for _ in 1..<k {
            var w = previous.map { $0 + 1e-7 * (2 * g.uniform() - 1) }
            previous = w
            _ = twice ? basis.classicalGramSchmidtTwice(&w) : basis.modifiedGramSchmidt(&w)
            basis.append(w, dividedBy: norm(w))
        }
        return basis
    }

    static func norm(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    static func dot(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>) -> Double {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    @Test("twice-classical Gram–Schmidt keeps nearly dependent vectors orthonormal", arguments: [1, 2, 3] as [UInt64])
    func classicalTwiceIsOrthonormal(seed: UInt64) {
        var g = Generator(state: seed)
        let basis = Self.build(&g, rows: 200, vectors: 12, twice: true)
        for i in 0..<basis.count {
            for j in 0...i {
                let expected = i == j ? 1.0 : 0.0
                #expect(abs(Self.dot(basis.vector(i), basis.vector(j)) - expected) <= 1e-13, "seed \(seed): v\(i) · v\(j)")
            }
        }
    }

    /// The coefficients h are those of w's projection: `w_before = V h + w_after` to rounding,
    /// and the two variants agree on h. Tolerance 1e-13: unit-size entries, sums of 50
    /// products and 6 basis vectors round at ≈ 50 ε ≈ 1e-14; the variants' h differ by
    /// `Σ_j h_j (v_i · v_j)`, the basis's own loss of orthogonality, of the same order.
    @Test("both variants give w = V h + the orthogonal rest", arguments: [4, 5] as [UInt64])
    func coefficientsReconstruct(seed: UInt64) {
        var g = Generator(state: seed)
        let basis = Self.build(&g, rows: 50, vectors: 6, twice: true)
        let w = (0..<50).map { _ in 2 * g.uniform() - 1 }
        var classical = w, modified = w
        let hc = basis.classicalGramSchmidtTwice(&classical)
        let hm = basis.modifiedGramSchmidt(&modified)
        let projection = basis.combination(hc)
        for t in 0..<50 { #expect(abs(projection[t] + classical[t] - w[t]) <= 1e-13) }
        for i in 0..<basis.count {
            #expect(abs(hc[i] - hm[i]) <= 1e-13)
            #expect(abs(Self.dot(basis.vector(i), classical[...])) <= 1e-13)
        }
    }
}
