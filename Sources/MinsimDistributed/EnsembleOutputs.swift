import Foundation
import MinsimEngine
import MinsimEnsemble
import MinsimScenario

/// The files of a finished ensemble (docs/uncertainty.md, "Outputs"), computed on rank 0 from
/// the stored records in sample order.
///
/// Memory: the records stay on disk; statistics read them a block of indicator columns at a
/// time (at most `columnBudget` values, 64 MiB), so what is held is O(indicators) plus one
/// block — one column of N values at the least, which is what exact quantiles need (every
/// value, sorted; no sketch).
struct EnsembleOutputs {
    let scenario: ResolvedScenario
    let design: SamplingDesign
    let layout: EnsembleIndicators
    let store: ResultStore
    let options: EnsembleOptions
    static let columnBudget = 8 << 20
    /// "Any unmet demand": more than a gram of contained mineral. Unserved demand is exactly 0
    /// where the clearing does not ration; this stays far below any data's precision and
    /// above rounding.
    static let unmetThreshold = 1e-6

    static let summaryColumns = [
        "indicator", "region", "mineral", "product", "stage", "unit", "year", "samples", "mean", "sd", "p5", "p25", "p50",
        "p75", "p95", "probability_unmet",
    ]
    static let sobolColumns = [
        "indicator", "region", "mineral", "product", "year", "input", "S1", "S1_conf", "ST", "ST_conf", "base_samples",
    ]
    static let morrisColumns = [
        "indicator", "region", "mineral", "product", "year", "input", "mu", "mu_star", "sigma", "mu_star_conf", "trajectories",
    ]
    static let failedColumns = ["sample", "block", "base", "year", "reason"]
    static let sampleResultColumns = ["sample", "indicator", "region", "mineral", "product", "year", "value"]

    init(
        scenario: ResolvedScenario, design: SamplingDesign, layout: EnsembleIndicators, store: ResultStore,
        options: EnsembleOptions
    ) {
        self.scenario = scenario
        self.design = design
        self.layout = layout
        self.store = store
        self.options = options
    }

    /// Writes every file into `folder`; returns their names.
    func write(to folder: String) throws -> [String] {
        let statuses = store.statuses()
        let failures = store.failures()
        var files: [(String, Data)] = []
        files.append(("samples.csv", Data(samplesTable(statuses).utf8)))
        let (summary, sensitivity) = statistics(statuses)
        files.append(("summary.csv", Data(summary.utf8)))
        files.append(("sensitivity.csv", Data(sensitivity.utf8)))
        files.append(("failed.csv", Data(failedTable(statuses, failures).utf8)))
        for (name, data) in files { try data.write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(name))) }
        var names = files.map(\.0)
        if options.keepSamples {
            try writeSampleResults(statuses, to: (folder as NSString).appendingPathComponent("sample_results.csv"))
            names.append("sample_results.csv")
        }
        let manifest = self.manifest(files: files, statuses: statuses)
        try Data(manifest.utf8).write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("manifest.json")))
        names.append("manifest.json")
        return names
    }

    /// Label of a point's block in `samples.csv` and `failed.csv`.
    func blockName(_ block: DesignBlock) -> String {
        switch block {
        case .plain: return design.method.rawValue
        case .a: return "A"
        case .b: return "B"
        case .ab(let j): return "AB_\(j + 1)"
        case .morrisStart: return "start"
        case .morrisStep(let j): return "moved_\(j + 1)"
        }
    }

    func samplesTable(_ statuses: [ResultStore.Status]) -> String {
        var csv = CSVWriter(columns: ["sample", "block", "base", "status"] + scenario.uncertainty.map(\.name))
        for i in 0..<design.runCount {
            let point = design.point(i)
            let status = statuses[i] == .done ? "ok" : (statuses[i] == .failed ? "failed" : "missing")
            csv.appendRow(
                [String(i), blockName(point.block), String(point.base), status]
                    + scenario.uncertainValues(at: point.unit).map { CSVWriter.number($0) })
        }
        return csv.text
    }

    func failedTable(_ statuses: [ResultStore.Status], _ failures: [Int: (year: Int?, reason: String)]) -> String {
        var csv = CSVWriter(columns: Self.failedColumns)
        for i in 0..<design.runCount where statuses[i] == .failed {
            let point = design.point(i)
            let failure = failures[i]
            csv.appendRow([
                String(i), blockName(point.block), String(point.base), failure?.year.map(String.init) ?? "",
                failure?.reason ?? "unknown (no reason recorded)",
            ])
        }
        return csv.text
    }

    /// The key columns of a slot: indicator, region, mineral, product.
    func key(_ slot: EnsembleIndicators.Slot) -> [String] {
        let net = scenario.network
        return [
            slot.kind.rawValue, net.region(slot.region).code, slot.mineral ?? "", slot.product.map { net.product($0).name } ?? "",
        ]
    }

    func unit(_ slot: EnsembleIndicators.Slot) -> String {
        let productUnit = slot.product.map { scenario.network.product($0).unit } ?? ""
        switch slot.kind {
        case .unmetDemand: return "t"
        case .importReliance: return "fraction"
        case .supplierHHI: return "index"
        case .production: return productUnit
        case .price, .scarcityRent: return "\(scenario.currency)/\(productUnit)"
        }
    }

    /// Runs that enter the summary: every run of a plain or Morris design; the A and B rows of a
    /// Saltelli design (2N draws from the input distribution; the AB rows repeat their columns).
    func inSummary(_ i: Int) -> Bool {
        guard design.method == .sobol else { return true }
        let k = i % (design.dimension + 2)
        return k == 0 || k == design.dimension + 1
    }

    /// `summary.csv` and `sensitivity.csv`.
    func statistics(_ statuses: [ResultStore.Status]) -> (String, String) {
        var summary = CSVWriter(columns: Self.summaryColumns)
        var sensitivity = CSVWriter(columns: design.method == .morris ? Self.morrisColumns : Self.sobolColumns)
        let runs = design.runCount, d = design.dimension, size = design.blockSize
        // Blocks (base samples, trajectories) whose every run is done.
        let complete = (0..<design.baseCount).filter { b in (0..<size).allSatisfy { statuses[b * size + $0] == .done } }
        var steps: [(order: [Int], up: [Bool])] = []
        if design.method == .morris {
            for t in 0..<design.baseCount {
                let path = design.trajectory(t)
                steps.append((order: path.order, up: path.up))
            }
        }
        let resamples = options.resamples ?? (design.method == .morris ? 1000 : 100)
        let chunk = max(1, Self.columnBudget / max(runs, 1))
        var start = 0
        while start < layout.count {
            let range = start..<min(start + chunk, layout.count)
            let values = store.columns(range)
            for s in range {
                let slot = layout.slots[s]
                let offset = s - range.lowerBound
                func value(_ i: Int) -> Double { values[i * range.count + offset] }
                var column: [Double] = []
                for i in 0..<runs where statuses[i] == .done && inSummary(i) && !value(i).isNaN { column.append(value(i)) }
                let sorted = column.sorted()
                let probability =
                    slot.kind == .unmetDemand && !column.isEmpty
                    ? CSVWriter.number(Double(column.filter { $0 > Self.unmetThreshold }.count) / Double(column.count)) : ""
                let stage = slot.product.map { scenario.network.product($0).stage } ?? ""
                let mean: String = column.isEmpty ? "" : CSVWriter.number(SampleStatistics.mean(column))
                let sd: String = column.count > 1 ? CSVWriter.number(SampleStatistics.standardDeviation(column)) : ""
                let quantiles: [String] = [0.05, 0.25, 0.5, 0.75, 0.95].map {
                    CSVWriter.number(SampleStatistics.quantile(sorted: sorted, $0))
                }
                let described: [String] = [stage, unit(slot), String(slot.year), String(column.count), mean, sd]
                summary.appendRow(key(slot) + described + quantiles + [probability])
                guard design.method == .sobol || design.method == .morris else { continue }
                let blocks = complete.filter { b in (0..<size).allSatisfy { !value(b * size + $0).isNaN } }
                guard blocks.count >= 2 else { continue }
                let outputs = blocks.flatMap { b in (0..<size).map { value(b * size + $0) } }
                let head = key(slot) + [String(slot.year)]
                if design.method == .sobol {
                    guard let x = SobolIndices.estimate(outputs: outputs, dimension: d, resamples: resamples, seed: design.seed)
                    else { continue }
                    for (j, input) in scenario.uncertainty.enumerated() {
                        sensitivity.appendRow(
                            head + [input.name]
                                + [x.first[j], x.firstConfidence[j], x.total[j], x.totalConfidence[j]].map {
                                    CSVWriter.number($0)
                                }
                                + [String(blocks.count)])
                    }
                } else {
                    guard outputs.contains(where: { $0 != outputs[0] }),
                        let x = MorrisIndices.estimate(
                            outputs: outputs, steps: blocks.map { steps[$0] }, delta: design.morrisDelta,
                            resamples: resamples, seed: design.seed)
                    else { continue }
                    for (j, input) in scenario.uncertainty.enumerated() {
                        sensitivity.appendRow(
                            head + [input.name]
                                + [x.mu[j], x.muStar[j], x.sigma[j], x.muStarConfidence[j]].map { CSVWriter.number($0) }
                                + [String(blocks.count)])
                    }
                }
            }
            start = range.upperBound
        }
        return (summary.text, sensitivity.text)
    }

    /// `sample_results.csv`: every indicator of every computed sample, long form, streamed.
    func writeSampleResults(_ statuses: [ResultStore.Status], to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ResultStore.StoreError("cannot create \(path)")
        }
        defer { try? handle.close() }
        let keys = layout.slots.map { key($0).map(CSVWriter.escape).joined(separator: ",") + ",\($0.year)" }
        handle.write(Data((Self.sampleResultColumns.joined(separator: ",") + "\n").utf8))
        for i in 0..<design.runCount where statuses[i] == .done {
            let values = store.record(i)
            var text = ""
            for (s, v) in values.enumerated() { text += "\(i),\(keys[s]),\(CSVWriter.number(v))\n" }
            handle.write(Data(text.utf8))
        }
    }

    /// `manifest.json`: what was run and how, and the digests of the files. Nothing that
    /// depends on the machine, the rank or worker count, or the time, so that the whole folder
    /// is byte-identical for any R and k.
    func manifest(files: [(String, Data)], statuses: [ResultStore.Status]) -> String {
        let inputs: [JSONValue] = scenario.uncertainty.map { input in
            .object([
                "name": .string(input.name), "changes": .string(input.kind.rawValue), "meaning": .string(input.kind.meaning),
                "distribution": Self.json(input.distribution), "source": .string(input.source),
                "location": .string("\(input.location.path):\(input.location.line):\(input.location.column)"),
            ])
        }
        var outputs: [String: JSONValue] = [:]
        for (name, data) in files {
            outputs[name] = .object(["sha256": .string(SHA256.hex(of: data)), "bytes": .int(data.count)])
        }
        if options.keepSamples {
            outputs["sample_results.csv"] = .object(["sha256": .null, "note": .string("streamed; not hashed")])
        }
        let resamples = options.resamples ?? (design.method == .morris ? 1000 : 100)
        return JSONValue.object([
            "tool": .string("minsim"), "tool_version": .string(ToolVersion.tool),
            "scenario": .object([
                "name": .string(scenario.name), "path": .string(scenario.path),
                "files": .object(scenario.fileDigests.mapValues { .string($0) }),
            ]),
            "design": .object([
                "method": .string(design.method.rawValue), "seed": .string(String(design.seed)),
                "base_samples": .int(design.baseCount), "runs": .int(design.runCount),
                "levels": design.method == .morris ? .int(design.levels) : .null,
            ]),
            "inputs": .array(inputs),
            // The dense fallback's limit every sample ran with (null: the scenario's).
            "max_dense_unknowns": options.maxDenseUnknowns.map { .int($0) } ?? .null,
            "indicators": .int(layout.count),
            "samples": .object([
                "done": .int(statuses.filter { $0 == .done }.count), "failed": .int(statuses.filter { $0 == .failed }.count),
            ]),
            "statistics": .object([
                "quantiles": .string("exact, linear interpolation between order statistics (Hyndman & Fan type 7)"),
                "probability_unmet": .string("share of samples with unmet demand > \(Self.unmetThreshold) t"),
                "summary_runs": .string(design.method == .sobol ? "rows A and B of the Saltelli design" : "every run"),
                "bootstrap_resamples": .int(resamples), "confidence_level": .number(0.95),
            ]),
            "outputs": .object(outputs),
        ]).rendered()
    }

    static func json(_ d: InputDistribution) -> JSONValue {
        func opt(_ x: Double?) -> JSONValue { x.map { .number($0) } ?? .null }
        switch d {
        case .uniform(let a, let b): return .object(["type": .string("uniform"), "lower": .number(a), "upper": .number(b)])
        case .triangular(let a, let c, let b):
            return .object(["type": .string("triangular"), "lower": .number(a), "mode": .number(c), "upper": .number(b)])
        case .normal(let m, let s, let lo, let hi):
            return .object([
                "type": .string("normal"), "mean": .number(m), "standard_deviation": .number(s), "lower": opt(lo),
                "upper": opt(hi),
            ])
        case .lognormal(let m, let s, let lo, let hi):
            return .object([
                "type": .string("lognormal"), "mean": .number(m), "standard_deviation": .number(s), "lower": opt(lo),
                "upper": opt(hi),
            ])
        case .discrete(let v, let w):
            return .object([
                "type": .string("discrete"), "values": .array(v.map { .number($0) }), "weights": .array(w.map { .number($0) }),
            ])
        }
    }
}
