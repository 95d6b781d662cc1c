import Foundation
import MinsimScenario

/// What the report shows of a run's `manifest.json`: the scenario, the tool, the numerical
/// environment and, per year, the solver's verdict.
///
/// Two generations of manifests exist: older ones carry a `clearing` object per year (rounds,
/// converged, residuals), newer ones a `certificate` (certified, tolerance, residuals of the
/// complementarity conditions). Either, both or neither may be present; the report shows what
/// there is.
public struct ManifestInfo: Sendable {
    /// The complementarity solver's certificate of one year.
    public struct Certificate: Sendable, Equatable {
        public let certified: Bool
        public let tolerance: Double?
        public let capacityViolation: Double?
        public let quotaViolation: Double?
        public let complementarityResidual: Double?
        public let unmetBelowChoke: Double?
        public let iterations: Int?
    }

    /// The older capacity clearing's statistics of one year.
    public struct Clearing: Sendable, Equatable {
        public let converged: Bool
        public let rounds: Int?
        public let capacityViolation: Double?
        public let complementarityResidual: Double?
        public let nodesAtCeiling: [String]
    }

    public struct Year: Sendable {
        public let year: Int
        /// `solved`, `iteration_limit_reached` or `mass_balance_violated`.
        public let status: String
        public let massBalanceResidual: Double?
        public let certificate: Certificate?
        public let clearing: Clearing?
    }

    public let toolVersion: String
    public let scenarioName: String
    /// nil in manifests written before the description was recorded.
    public let scenarioDescription: String?
    public let scenarioPath: String
    public let scenarioSHA256: String?
    public let baseYear: Int?
    public let horizon: Int?
    public let currency: String
    public let blasLibrary: String
    public let blasThreads: Int?
    public let years: [Year]
    public let warnings: [String]
    public let inputs: [(path: String, sha256: String)]
    public let wallTimeSeconds: Double?

    /// Reads `file`; `fallbackName` (from nodes.csv) names a scenario whose manifest has none.
    ///
    /// - Throws: `ReportFailure.badInput` when the file is missing or not a JSON object.
    static func read(_ file: String, fallbackName: String) throws(ReportFailure) -> ManifestInfo {
        guard let data = FileContents.read(file) else {
            throw .badInput("cannot read \(file); a result folder of `minsim run` holds nodes.csv and manifest.json")
        }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .badInput("\(file) is not a JSON object")
        }
        let tool = root["tool"] as? [String: Any] ?? [:]
        let scenario = root["scenario"] as? [String: Any] ?? [:]
        let blas = root["blas"] as? [String: Any] ?? [:]
        var years: [Year] = []
        for case let y as [String: Any] in root["years"] as? [Any] ?? [] {
            guard let year = integer(y["year"]) else { continue }
            var certificate: Certificate? = nil
            if let c = y["certificate"] as? [String: Any] {
                certificate = Certificate(
                    certified: boolean(c["certified"]) ?? false, tolerance: number(c["tolerance"]),
                    capacityViolation: number(c["capacity_violation"]), quotaViolation: number(c["quota_violation"]),
                    complementarityResidual: number(c["complementarity_residual"]),
                    unmetBelowChoke: number(c["unmet_below_choke"]), iterations: integer(c["iterations"]))
            }
            var clearing: Clearing? = nil
            if let c = y["clearing"] as? [String: Any] {
                clearing = Clearing(
                    converged: boolean(c["converged"]) ?? false, rounds: integer(c["rounds"]),
                    capacityViolation: number(c["capacity_violation"]),
                    complementarityResidual: number(c["complementarity_residual"]),
                    nodesAtCeiling: (c["nodes_at_ceiling"] as? [Any] ?? []).compactMap { $0 as? String })
            }
            years.append(
                Year(
                    year: year, status: y["status"] as? String ?? "", massBalanceResidual: number(y["mass_balance_residual"]),
                    certificate: certificate, clearing: clearing))
        }
        let inputs: [(path: String, sha256: String)] = (root["inputs"] as? [Any] ?? []).compactMap { item in
            guard let o = item as? [String: Any], let path = o["path"] as? String else { return nil }
            return (path, o["sha256"] as? String ?? "")
        }
        let name = scenario["name"] as? String ?? ""
        return ManifestInfo(
            toolVersion: tool["version"] as? String ?? "unknown", scenarioName: name.isEmpty ? fallbackName : name,
            scenarioDescription: scenario["description"] as? String, scenarioPath: scenario["path"] as? String ?? "",
            scenarioSHA256: scenario["sha256"] as? String, baseYear: integer(scenario["base_year"]),
            horizon: integer(scenario["horizon"]), currency: scenario["currency"] as? String ?? "",
            blasLibrary: blas["library"] as? String ?? "", blasThreads: integer(blas["threads"]),
            years: years.sorted { $0.year < $1.year }, warnings: (root["warnings"] as? [Any] ?? []).compactMap { $0 as? String },
            inputs: inputs, wallTimeSeconds: number(root["wall_time_seconds"]))
    }

    // JSONSerialization returns NSNumber for numbers and booleans alike; these read either
    // without trusting the bridging of one platform.
    private static func number(_ value: Any?) -> Double? {
        if let n = value as? NSNumber { return n.doubleValue }
        return value as? Double
    }

    private static func integer(_ value: Any?) -> Int? {
        if let n = value as? NSNumber { return n.intValue }
        return value as? Int
    }

    private static func boolean(_ value: Any?) -> Bool? {
        if let b = value as? Bool { return b }
        if let n = value as? NSNumber { return n.boolValue }
        return nil
    }
}
