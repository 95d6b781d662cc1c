import Foundation
import Testing

@testable import MinsimEngine

/// `|a − b| / max(|a|, |b|, tiny)`.
private func relativeDifference(_ a: Double, _ b: Double) -> Double {
    abs(a - b) / max(abs(a), abs(b), .leastNormalMagnitude)
}

/// SplitMix64 (Steele, Lea & Flood 2014): a small seeded generator so that every random
/// series is reproducible from the seed printed in the failure message.
private struct FleetTestGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Composite Simpson's rule on [a, b] with `n` (even) subintervals.
private func simpson(_ f: (Double) -> Double, from a: Double, to b: Double, intervals n: Int) -> Double {
    let h = (b - a) / Double(n)
    var odd = 0.0, even = 0.0
    for i in 1..<n {
        let x = a + Double(i) * h
        if i % 2 == 1 { odd += f(x) } else { even += f(x) }
    }
    return h / 3 * (f(a) + 4 * odd + 2 * even + f(b))
}

/// An independent oracle for `S(k + 0.5)`, k = 0 … maxAge: the pdf integrated from the right,
/// ```
/// S(a) = ∫_a^∞ f(x) dx = S(a + 1) + ∫_a^{a+1} f(x) dx,   S(top) ≈ 0
/// ```
/// by Simpson's rule, 2000 subintervals per year (h = 5e-4). No erfc, no closed-form CDF:
/// only the density, written out here. Integrating from the right keeps the far tail accurate.
/// Simpson's error is h⁴/180·(b − a)·max|f⁗| ≲ 1e-16 for these smooth densities (σ ≥ 5 years),
/// so the oracle is good to the rounding of ≈ 10⁵ additions, ≈ 1e-13.
private func simpsonSurvival(pdf: (Double) -> Double, maxAge: Int, top: Int) -> [Double] {
    var s = [Double](repeating: 0, count: top + 1)  // s[k] = S(k + 0.5)
    var tail = 0.0  // S(top + 0.5), below 1e-20 for the tops chosen
    for k in stride(from: top, through: 0, by: -1) {
        tail += simpson(pdf, from: Double(k) + 0.5, to: Double(k) + 1.5, intervals: 2000)
        s[k] = tail
    }
    return Array(s[0...maxAge])
}

/// Densities written out independently of the implementation's survival functions.
private enum Density {
    static func normal(mean: Double, sd: Double) -> (Double) -> Double {
        { x in exp(-0.5 * ((x - mean) / sd) * ((x - mean) / sd)) / (sd * (2 * Double.pi).squareRoot()) }
    }
    static func weibull(shape k: Double, scale l: Double) -> (Double) -> Double {
        { x in x <= 0 ? 0 : (k / l) * pow(x / l, k - 1) * exp(-pow(x / l, k)) }
    }
    /// From the lifetime's mean m and sd s: ln X ~ N(μ, σ²), σ² = ln(1 + s²/m²), μ = ln m − σ²/2
    /// (plain `log`, not the implementation's `log1p`).
    static func lognormal(mean m: Double, sd s: Double) -> (Double) -> Double {
        let v = log(1 + (s * s) / (m * m)), mu = log(m) - v / 2, sigma = v.squareRoot()
        return { x in
            x <= 0
                ? 0 : exp(-0.5 * ((log(x) - mu) / sigma) * ((log(x) - mu) / sigma)) / (x * sigma * (2 * Double.pi).squareRoot())
        }
    }
}

@Suite("Fleet stock model (inflow-driven dynamic stock)")
struct FleetStockTests {
    static let distributions: [LifetimeDistribution] = [
        .normal(mean: 15, standardDeviation: 5),
        .weibull(shape: 2.5, scale: 14),
        .lognormal(mean: 12, standardDeviation: 6),
        .fixed(years: 12),
    ]
    static let seeds: [UInt64] = [1, 42, 2024]

    /// Random sales in [0.5, 1.5)·10⁶ growing 3 %/year, with a few sale-free years.
    static func randomInflow(seed: UInt64, count: Int) -> [Double] {
        var g = FleetTestGenerator(state: seed)
        return (0..<count).map { t in
            Double.random(in: 0..<1, using: &g) < 0.05 ? 0 : Double.random(in: 0.5..<1.5, using: &g) * 1e6 * pow(1.03, Double(t))
        }
    }

    /// Initial cohorts 1990 … 1999 (all within 12 years of 2000, so every distribution above,
    /// including the fixed one, gives them positive survival at the start of 2000).
    static func randomInitialStock(seed: UInt64) -> [Int: Double] {
        var g = FleetTestGenerator(state: seed &+ 1000)
        return Dictionary(uniqueKeysWithValues: (1990...1999).map { ($0, Double.random(in: 1e4..<1e5, using: &g)) })
    }

    // MARK: Identities

    @Test("stock-change identity is exact and matches the cohort sum to 1e-12", arguments: distributions, seeds)
    func stockIdentity(lifetime: LifetimeDistribution, seed: UInt64) throws {
        let years = 2000...2150
        let model = try FleetStockModel(
            years: years, inflow: Self.randomInflow(seed: seed, count: years.count),
            lifetime: lifetime, initialStock: Self.randomInitialStock(seed: seed))
        let r = model.compute()
        var previous = r.initialStockTotal
        var throughput = r.initialStockTotal
        for (t, year) in years.enumerated() {
            // Exact: the model defines stock(t) by this very accumulation, so `==` is the spec.
            #expect(r.stock[t] == previous + r.inflow[t] - r.outflow[t], "\(lifetime) seed \(seed) year \(year)")
            previous = r.stock[t]
            throughput += r.inflow[t]
            // 1e-12 relative to the throughput so far (flodym-style scaling to the data): the
            // accumulated total carries ≈ 2 roundings of ε·throughput per year, ≈ 150 years →
            // ≲ 1e-13; the cohort sum itself is compensated.
            let cohortSum = r.stockByCohort(inYear: year).reduce(0, +)
            #expect(
                abs(r.stock[t] - cohortSum) <= 1e-12 * max(throughput, abs(cohortSum)),
                "\(lifetime) seed \(seed) year \(year): \(r.stock[t]) vs Σ_c \(cohortSum)")
            // Retirements by cohort add up to the total (same rounding argument).
            let outflowSum = r.outflowByCohort(inYear: year).reduce(0, +)
            #expect(abs(r.outflow[t] - outflowSum) <= 1e-12 * max(throughput, 1), "\(lifetime) seed \(seed) year \(year)")
            // Per cohort, outflow is *defined* as the stock difference: exact.
            if year > years.lowerBound {
                let inexact = r.cohorts.filter { c in
                    c < year
                        && r.outflow(inYear: year, cohort: c)
                            != r.stock(inYear: year - 1, cohort: c) - r.stock(inYear: year, cohort: c)
                }
                #expect(inexact.isEmpty, "\(lifetime) seed \(seed) year \(year): cohorts \(inexact)")
            }
        }
        #expect(r.cohortSumResidual <= 1e-12, "\(lifetime) seed \(seed)")
    }

    @Test("mass conservation: initial stock + Σ inflow = final stock + Σ outflow to 1e-12", arguments: distributions, seeds)
    func massConservation(lifetime: LifetimeDistribution, seed: UInt64) throws {
        let years = 2000...2150
        let model = try FleetStockModel(
            years: years, inflow: Self.randomInflow(seed: seed, count: years.count),
            lifetime: lifetime, initialStock: Self.randomInitialStock(seed: seed))
        let r = model.compute()
        let input = r.initialStockTotal + r.inflow.reduce(0, +)
        let output = r.stock[r.stock.count - 1] + r.outflow.reduce(0, +)
        // 1e-12: the telescoped identity leaves only the rounding of ≈ 3·151 additions of
        // magnitude ≤ the total throughput, ≈ 450·ε ≈ 1e-13.
        #expect(relativeDifference(input, output) <= 1e-12, "\(lifetime) seed \(seed): \(input) vs \(output)")
        // Retirements are never negative beyond rounding (S is non-increasing).
        #expect(r.outflow.allSatisfy { $0 >= -1e-12 * input }, "\(lifetime) seed \(seed)")
    }

    // MARK: Fixed lifetime: exact lag

    @Test("fixed lifetime: a pulse sold in year c retires entirely in year c + L", arguments: [1, 5, 12, 20])
    func fixedLifetimePulse(years lifetime: Int) throws {
        let years = 2000...2040, saleYear = 2005, pulse = 1234.567
        let inflow = years.map { $0 == saleYear ? pulse : 0 }
        let r = try FleetStockModel(years: years, inflow: inflow, lifetime: .fixed(years: lifetime)).compute()
        // Exact (`==`): survival is exactly 1 or 0, so each difference is pulse − 0, pulse − pulse or 0 − 0.
        for year in years {
            let inUse = year >= saleYear && year < saleYear + lifetime
            #expect(r.stock(inYear: year) == (inUse ? pulse : 0), "L = \(lifetime), year \(year)")
            #expect(r.outflow(inYear: year) == (year == saleYear + lifetime ? pulse : 0), "L = \(lifetime), year \(year)")
            #expect(r.outflow(inYear: year, cohort: saleYear) == (year == saleYear + lifetime ? pulse : 0))
        }
    }

    @Test("fixed lifetime: with constant inflow, outflow equals inflow exactly after L years", arguments: [1, 3, 12])
    func fixedLifetimeConstantInflow(years lifetime: Int) throws {
        let years = 2020...2060, sales = 1234.567
        let r = try FleetStockModel(years: years, inflow: years.map { _ in sales }, lifetime: .fixed(years: lifetime)).compute()
        for (t, year) in years.enumerated() {
            // Exact: one cohort retires (sales·1 − sales·0), all others contribute exact zeros.
            #expect(r.outflow[t] == (t >= lifetime ? sales : 0), "L = \(lifetime), year \(year)")
        }
        // The stock plateaus at L·sales; the accumulation of L equal terms can round, so 1e-15 relative.
        #expect(relativeDifference(r.stock[r.stock.count - 1], Double(lifetime) * sales) <= 1e-15)
    }

    // MARK: Oracles computed independently

    /// The oracle cases: a lifetime, its density written out in this file, and an age by which
    /// the tail is below 1e-20 (normal: mean + 14 sd; Weibull: (top/λ)^k ≥ 50; lognormal:
    /// ln top ≥ μ + 10σ).
    static let oracleCases: [(LifetimeDistribution, top: Int)] = [
        (.normal(mean: 15, standardDeviation: 5), 85),
        (.weibull(shape: 2.5, scale: 14), 70),
        (.lognormal(mean: 12, standardDeviation: 6), 1200),
    ]

    @Test(
        "survival S(k + 0.5) matches Simpson integration of the density to 1e-9",
        arguments: oracleCases.map(\.0).indices)
    func survivalOracle(caseIndex: Int) {
        let (lifetime, top) = Self.oracleCases[caseIndex]
        let oracle = simpsonSurvival(pdf: Self.density(of: lifetime), maxAge: 60, top: top)
        for (k, expected) in oracle.enumerated() {
            // 1e-9 absolute on a share of the cohort (the brief's bar); the oracle itself is good
            // to ≈ 1e-13 (see `simpsonSurvival`) and erfc/exp to a few ulps.
            let got = lifetime.survival(atAge: Double(k) + 0.5)
            #expect(abs(got - expected) <= 1e-9, "\(lifetime) S(\(k).5) = \(got), Simpson \(expected)")
            // The tails (down to S ≈ 1e-17 at age 60.5 for the Weibull) also agree in relative
            // terms, which a `1 − CDF` implementation would fail: 1e-7 relative, limited by the
            // oracle's truncation S(top)/S(60.5) ≈ 1e-8 for the Weibull (≪ 1e-15 for the others).
            #expect(relativeDifference(got, expected) <= 1e-7, "\(lifetime) S(\(k).5) = \(got), Simpson \(expected)")
        }
        if case .normal = lifetime {
            // Untruncated: the mass on ages < 0.5 retires in the year of sale, so S(0.5) < 1.
            #expect(lifetime.survival(atAge: 0.5) < 1)
        }
    }

    @Test(
        "stocks and retirements match a direct cohort-by-cohort loop on the Simpson survival to 1e-9",
        arguments: oracleCases.map(\.0).indices, seeds)
    func cohortLoopOracle(caseIndex: Int, seed: UInt64) throws {
        let (lifetime, top) = Self.oracleCases[caseIndex]
        let years = 2024...2080
        let inflow = Self.randomInflow(seed: seed, count: years.count)
        let r = try FleetStockModel(years: years, inflow: inflow, lifetime: lifetime).compute()
        let S = simpsonSurvival(pdf: Self.density(of: lifetime), maxAge: years.count, top: top)
        // The textbook formulas, summed per year over cohorts (the implementation instead takes
        // differences of stock by cohort and accumulates the total):
        //   outflow(m) = Σ_{c<m} I_c·(S(m−c−½) − S(m−c+½)) + I_m·(1 − S(½)),  stock(m) = Σ_{c≤m} I_c·S(m−c+½)
        let scale = inflow.reduce(0, +)
        for m in 0..<years.count {
            var stock = 0.0, outflow = inflow[m] * (1 - S[0])
            for c in 0...m { stock += inflow[c] * S[m - c] }
            for c in 0..<m { outflow += inflow[c] * (S[m - c - 1] - S[m - c]) }
            // 1e-9 relative to the total sales: the survival shares agree to 1e-9 (previous test).
            #expect(abs(r.stock[m] - stock) <= 1e-9 * scale, "\(lifetime) seed \(seed) year \(years.lowerBound + m)")
            #expect(abs(r.outflow[m] - outflow) <= 1e-9 * scale, "\(lifetime) seed \(seed) year \(years.lowerBound + m)")
        }
    }

    static func density(of lifetime: LifetimeDistribution) -> (Double) -> Double {
        switch lifetime {
        case .normal(let m, let s): return Density.normal(mean: m, sd: s)
        case .weibull(let k, let l): return Density.weibull(shape: k, scale: l)
        case .lognormal(let m, let s): return Density.lognormal(mean: m, sd: s)
        case .fixed: return { _ in 0 }  // no density; not used as an oracle case
        }
    }

    @Test(
        "lognormal: the given mean and standard deviation are those of the lifetime (1e-6)",
        arguments: [(12.0, 6.0), (15.0, 3.0), (8.0, 8.0), (20.0, 0.5)])
    func lognormalMoments(mean: Double, sd: Double) {
        let lifetime = LifetimeDistribution.lognormal(mean: mean, standardDeviation: sd)
        // E[X] = ∫₀^∞ S(a) da and E[X²] = ∫₀^∞ 2a·S(a) da, integrated in u = ln a (the density
        // lives on a log scale) over μ ± 12σ by Simpson with 24 000 subintervals; below
        // a₀ = e^(μ−12σ), S ≈ 1 so the pieces are a₀ and a₀² (error ≤ Φ(−12) ≈ 2e-33).
        let v = log(1 + sd * sd / (mean * mean)), mu = log(mean) - v / 2, sigma = v.squareRoot()
        let lo = mu - 12 * sigma, hi = mu + 12 * sigma
        let a0 = exp(lo)
        let m1 = a0 + simpson({ u in lifetime.survival(atAge: exp(u)) * exp(u) }, from: lo, to: hi, intervals: 24_000)
        let m2 =
            a0 * a0 + simpson({ u in 2 * lifetime.survival(atAge: exp(u)) * exp(2 * u) }, from: lo, to: hi, intervals: 24_000)
        // 1e-6 relative (the brief's bar); Simpson on this smooth integrand is far better.
        #expect(relativeDifference(m1, mean) <= 1e-6, "mean \(m1) for (\(mean), \(sd))")
        #expect(relativeDifference((m2 - m1 * m1).squareRoot(), sd) <= 1e-6, "sd for (\(mean), \(sd))")
    }

    // MARK: Initial stock

    @Test("initial stock with zero inflow decays by conditional survival and fully retires", arguments: distributions)
    func initialStockDecay(lifetime: LifetimeDistribution) throws {
        // 301 years: the slowest tail (lognormal 12 ± 6) leaves S(300)/S(start) ≈ 1e-12.
        let years = 2024...2324
        let initial = Dictionary(uniqueKeysWithValues: (2014...2023).map { ($0, 1000.0 * Double($0 - 2010)) })
        let r = try FleetStockModel(
            years: years, inflow: years.map { _ in 0 }, lifetime: lifetime,
            initialStock: initial
        ).compute()
        let total = initial.values.reduce(0, +)
        #expect(r.initialStockTotal == total)
        for (c, n) in initial {
            let atStart = lifetime.survival(atAge: Double(2023 - c) + 0.5)
            for year in [2024, 2025, 2030, 2040, 2060] {
                // Conditional survival, written as the ratio; 1e-12 relative to N_c (one division
                // and one multiplication apart from the implementation's order).
                let expected = n * lifetime.survival(atAge: Double(year - c) + 0.5) / atStart
                #expect(abs(r.stock(inYear: year, cohort: c) - expected) <= 1e-12 * n, "\(lifetime) cohort \(c) year \(year)")
            }
            #expect(abs(r.outflow(inYear: 2024, cohort: c) - (n - r.stock(inYear: 2024, cohort: c))) <= 1e-12 * n)
        }
        let retired = r.outflow.reduce(0, +)
        // The final stock is ≤ 1e-11 of the start for every case here, so Σ outflow = N to 1e-9;
        // the exact telescoped balance holds to rounding, 1e-12.
        #expect(relativeDifference(retired, total) <= 1e-9, "\(lifetime): retired \(retired) of \(total)")
        #expect(relativeDifference(retired + r.stock[r.stock.count - 1], total) <= 1e-12, "\(lifetime)")
    }

    @Test("an initial cohort the lifetime says cannot still be in use is a typed error")
    func initialCohortCannotSurvive() throws {
        // Fixed 10 years: a 2000 vehicle retires in 2010, so none is in use at the start of 2024.
        let years = 2024...2030
        do {
            _ = try FleetStockModel(
                years: years, inflow: years.map { _ in 1 }, lifetime: .fixed(years: 10),
                initialStock: [2000: 5, 2020: 7])
            Issue.record("expected an error")
        } catch {
            #expect(error.issues == [.initialCohortCannotSurvive(cohort: 2000, firstYear: 2024)])
        }
        // A zero count of such a cohort is harmless (and must not produce 0·∞ = NaN).
        let r = try FleetStockModel(
            years: years, inflow: years.map { _ in 1 }, lifetime: .fixed(years: 10),
            initialStock: [2000: 0, 2020: 7]
        ).compute()
        #expect(r.stock.allSatisfy(\.isFinite) && r.outflow.allSatisfy(\.isFinite))
        #expect(r.stock(inYear: 2024, cohort: 2000) == 0)
        // Cohort 2020 (age 3.5 at the start of 2024) retires in 2030.
        #expect(r.outflow(inYear: 2030, cohort: 2020) == 7)
    }

    // MARK: Material content and secondary supply

    @Test("retired material carries each vintage's content; secondary supply arrives a year later")
    func materialAndSecondarySupply() throws {
        let years = 2020...2029, lifetime = 3
        let inflow = years.map { Double($0 - 2015) * 100 }  // 500, 600, … vehicles
        let content = Dictionary(uniqueKeysWithValues: years.map { ($0, 30.0 + Double($0 - 2020) * 1.5) })  // kg Ni per vehicle
        let r = try FleetStockModel(years: years, inflow: inflow, lifetime: .fixed(years: lifetime)).compute()
        let rates = try RecyclingRates(collectionRate: 0.8, recoveryEfficiency: 0.9)
        let supply = try r.secondarySupply(contentByCohort: content, rates: rates)
        for (t, year) in years.enumerated() {
            let sold = year - lifetime
            // Exact: a single cohort retires each year with survival 1 → 0.
            let expected = years.contains(sold) ? inflow[sold - 2020] * (content[sold] ?? .nan) : 0
            #expect(supply.retired[t] == expected, "year \(year)")
            // 1e-15 relative: two products, the implementation may associate them differently.
            #expect(abs(supply.recovered[t] - expected * 0.8 * 0.9) <= 1e-15 * expected, "year \(year)")
        }
        // One-year lag: available(t) = recovered(t − 1); nothing in the first year, and the last
        // year's recovery arrives just after the horizon.
        #expect(supply.available(inYear: 2020) == 0)
        #expect(supply.available(inYear: 2024) == supply.recovered[2023 - 2020])
        #expect(supply.available(inYear: 2030) == supply.recovered[2029 - 2020])
        #expect(supply.available(inYear: 2031) == 0)
    }

    @Test("retired material equals Σ_c outflow_c·content_c for a normal lifetime with initial stock (1e-12)")
    func retiredMaterialMatchesCohortSum() throws {
        let years = 2000...2100
        let r = try FleetStockModel(
            years: years, inflow: Self.randomInflow(seed: 7, count: years.count),
            lifetime: .normal(mean: 15, standardDeviation: 5),
            initialStock: Self.randomInitialStock(seed: 7)
        ).compute()
        let content = Dictionary(uniqueKeysWithValues: r.cohorts.map { ($0, 20 + 0.3 * Double($0 - 1990)) })
        let retired = try r.retiredMaterial(contentByCohort: content)
        for year in years {
            let expected = r.cohorts.reduce(0.0) { $0 + r.outflow(inYear: year, cohort: $1) * (content[$1] ?? .nan) }
            let scale = r.cohorts.reduce(0.0) { $0 + abs(r.outflow(inYear: year, cohort: $1)) * (content[$1] ?? .nan) }
            // 1e-12 of Σ|terms|: plain versus compensated summation of ≤ 111 terms.
            #expect(abs(retired[year - 2000] - expected) <= 1e-12 * scale, "year \(year)")
        }
    }

    // MARK: Invalid input

    static let invalidLifetimes: [(LifetimeDistribution, [String])] = [
        (.normal(mean: 15, standardDeviation: 0), ["normal standard deviation"]),
        (.normal(mean: .nan, standardDeviation: -1), ["normal mean", "normal standard deviation"]),
        (.weibull(shape: -1, scale: 10), ["Weibull shape"]),
        (.weibull(shape: 2, scale: .infinity), ["Weibull scale"]),
        (.lognormal(mean: 0, standardDeviation: 1), ["lognormal mean"]),
        (.lognormal(mean: 10, standardDeviation: 0), ["lognormal standard deviation"]),
    ]

    @Test("invalid lifetime parameters are typed errors naming each parameter", arguments: invalidLifetimes.indices)
    func invalidLifetime(index: Int) {
        let (lifetime, names) = Self.invalidLifetimes[index]
        do {
            _ = try lifetime.validated()
            Issue.record("expected an error for \(lifetime)")
        } catch {
            let reported = error.issues.compactMap { issue -> String? in
                if case .invalidLifetimeParameter(let name, _) = issue { return name }
                return nil
            }
            #expect(reported == names, "\(lifetime)")
            #expect(error.issues.allSatisfy { !$0.message.isEmpty })
        }
    }

    @Test("a fixed lifetime below one year is a typed error", arguments: [0, -3])
    func invalidFixedLifetime(years: Int) {
        #expect(LifetimeDistribution.fixed(years: years).issues == [.invalidFixedLifetime(years: years)])
        #expect(LifetimeDistribution.fixed(years: 1).issues.isEmpty)
    }

    @Test("model input errors are all collected, not just the first")
    func modelInputErrors() {
        do {
            _ = try FleetStockModel(
                years: 2024...2027, inflow: [1, .nan, -2],
                lifetime: .weibull(shape: 0, scale: 10),
                initialStock: [2024: 5, 2020: -1, 2019: .infinity])
            Issue.record("expected an error")
        } catch {
            let issues = error.issues
            #expect(issues.contains(.invalidLifetimeParameter(name: "Weibull shape", value: 0)))
            #expect(issues.contains(.inflowCountMismatch(years: 2024...2027, count: 3)))
            #expect(issues.contains(.invalidInflow(year: 2026, value: -2)))
            #expect(
                issues.contains {
                    if case .invalidInflow(2025, let v) = $0 { return v.isNaN }; return false
                })
            #expect(issues.contains(.initialCohortNotBeforeFirstYear(cohort: 2024, firstYear: 2024)))
            #expect(issues.contains(.invalidInitialStock(cohort: 2020, value: -1)))
            #expect(issues.contains(.invalidInitialStock(cohort: 2019, value: .infinity)))
            #expect(issues.count == 7)
        }
    }

    @Test("recycling rates outside [0, 1] and missing or invalid contents are typed errors")
    func materialInputErrors() throws {
        do {
            _ = try RecyclingRates(collectionRate: 1.2, recoveryEfficiency: -0.1)
            Issue.record("expected an error")
        } catch {
            #expect(
                error.issues == [
                    .invalidRate(name: "collection rate", value: 1.2),
                    .invalidRate(name: "recovery efficiency", value: -0.1),
                ])
        }
        #expect(throws: FleetStockError.self) { try RecyclingRates(collectionRate: .nan, recoveryEfficiency: 0.5) }
        #expect(throws: Never.self) { try RecyclingRates(collectionRate: 0, recoveryEfficiency: 1) }

        let years = 2024...2026
        let r = try FleetStockModel(years: years, inflow: [1, 2, 3], lifetime: .fixed(years: 1)).compute()
        do {
            _ = try r.retiredMaterial(contentByCohort: [2024: 10, 2025: -1])
            Issue.record("expected an error")
        } catch {
            #expect(error.issues == [.invalidContent(cohort: 2025, value: -1), .missingContent(cohort: 2026)])
        }
    }
}
