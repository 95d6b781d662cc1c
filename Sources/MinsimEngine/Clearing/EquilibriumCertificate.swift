/// The conditions of MODEL.md §5 checked on a year's final solution, each as a relative
/// residual:
/// ```
/// capacity violation         max_n (x_n − K_n)⁺ / K_n                      (x_n for K_n = 0, relative to the product's largest output)
/// quota violation            max_e (F_e − Q_e)⁺ / Q_e                      (flow on a ban, relative to the product's largest flow)
/// capacity complementarity   max_n min(μ_n / P₀_n, (K_n − x_n)⁺ / K_n)
/// quota complementarity      max_e min(κ_e, (Q_e − F_e)⁺ / Q_e)
/// unmet below choke          max_m min(ρ_m, (B_m − P̄_m)⁺ / B_m)           buyers dropped before their choke price
/// served above choke         max_m min(1 − ρ_m, (P̄_m − B_m)⁺ / B_m)       buyers served beyond it
/// ```
/// Each is 0 at an exact equilibrium. Rents are scaled by the base price (the solver's units),
/// so a rent that is 1e-8 of the base price counts as zero. The year's own solve must also be
/// clean: the price–share fixed point converged and mass balance holds at every node.
public struct EquilibriumCertificate: Sendable, Equatable {
    public var tolerance: Double
    public var capacityViolation = 0.0
    public var quotaViolation = 0.0
    public var capacityComplementarity = 0.0
    public var quotaComplementarity = 0.0
    public var unmetBelowChoke = 0.0
    public var servedAboveChoke = 0.0
    /// The year solve's status was `.solved` (fixed point converged, mass balance held).
    public var yearSolved = true
    /// Where each nonzero residual is largest (e.g. "capacity violation at CN/li_refined"),
    /// for the message of a year that fails.
    public var worst: [String: String] = [:]

    public init(tolerance: Double) { self.tolerance = tolerance }

    /// The largest of the residuals.
    public var largestResidual: Double {
        Swift.max(
            capacityViolation, quotaViolation, capacityComplementarity, quotaComplementarity,
            unmetBelowChoke, servedAboveChoke)
    }

    /// Every residual within the tolerance and the year solve clean.
    public var certified: Bool { yearSolved && largestResidual <= tolerance }

    /// The residuals above the tolerance, named, with where they are largest.
    public var failures: [String] {
        let named: [(String, Double)] = [
            ("capacity violation", capacityViolation), ("quota violation", quotaViolation),
            ("capacity complementarity", capacityComplementarity), ("quota complementarity", quotaComplementarity),
            ("unmet demand below the choke price", unmetBelowChoke), ("demand served above the choke price", servedAboveChoke),
        ]
        var out = named.filter { $0.1 > tolerance }.map { name, value in
            "\(name) \(value)" + (worst[name].map { " at \($0)" } ?? "")
        }
        if !yearSolved { out.append("the year solve did not converge or failed its mass balance") }
        return out
    }

    mutating func record(
        _ name: String, _ value: Double, at place: @autoclosure () -> String,
        into keyPath: WritableKeyPath<EquilibriumCertificate, Double>
    ) {
        guard value > self[keyPath: keyPath] else { return }
        self[keyPath: keyPath] = value
        worst[name] = place()
    }
}
