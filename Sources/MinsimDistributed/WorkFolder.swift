import Foundation
import MinsimEnsemble
import MinsimScenario

/// Where an ensemble keeps its state while it runs, and how its output appears.
///
/// ```
/// OUT.partial/design.json    what is being computed (scenario digests, design, layout)
/// OUT.partial/results.bin    one record per sample (ResultStore)
/// OUT.partial/failures.tsv   why samples failed
/// OUT.partial/output/        the files, written when every sample is in, then renamed to OUT
/// ```
/// A killed ensemble leaves `OUT.partial`; `--resume` checks that `design.json` is the same
/// and computes only the samples without a record. OUT itself appears complete or not at all.
struct WorkFolder {
    let output: String
    let partial: String
    var staging: String { (partial as NSString).appendingPathComponent("output") }

    init(output: String) {
        let url = URL(fileURLWithPath: output).standardizedFileURL
        self.output = url.path
        self.partial = url.path + ".partial"
    }

    /// Checks the output folder and opens (or, with `resume`, reopens) the work folder.
    func prepare(
        scenario: ResolvedScenario, design: SamplingDesign, layout: EnsembleIndicators,
        options: EnsembleOptions
    ) throws(EnsembleFailure) -> ResultStore {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: output, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw .usage("\(options.output) exists and is not a folder") }
            let contents = (try? fm.contentsOfDirectory(atPath: output)) ?? []
            if !contents.isEmpty && !options.force {
                throw .usage("\(options.output) exists and is not empty; choose another --out or pass --force to replace it")
            }
        }
        let fingerprint = Self.fingerprint(
            scenario: scenario, design: design, layout: layout, maxDenseUnknowns: options.maxDenseUnknowns)
        let designFile = (partial as NSString).appendingPathComponent("design.json")
        if options.resume {
            guard let old = try? String(contentsOfFile: designFile, encoding: .utf8) else {
                throw .usage("--resume: there is no interrupted ensemble in \(partial); run without --resume to start one")
            }
            guard old == fingerprint else {
                throw .usage(
                    "--resume: the ensemble in \(partial) was started with another scenario, method, --samples, --seed, --levels or --max-dense-unknowns (its design.json differs); rerun with the same ones, or remove it and start again"
                )
            }
        } else if fm.fileExists(atPath: partial) {
            guard options.force else {
                throw .usage("an interrupted ensemble is in \(partial); continue it with --resume, or pass --force to discard it")
            }
            do { try fm.removeItem(atPath: partial) } catch {
                throw .cannotWrite("cannot remove \(partial): \(error.localizedDescription)")
            }
        }
        do {
            try fm.createDirectory(atPath: partial, withIntermediateDirectories: true)
            if !options.resume { try Data(fingerprint.utf8).write(to: URL(fileURLWithPath: designFile)) }
            return try ResultStore(folder: partial, runs: design.runCount, indicators: layout.count)
        } catch {
            throw .cannotWrite("cannot prepare \(partial): \(error)")
        }
    }

    /// Writes every output file into `OUT.partial/output`, moves it to OUT (an existing OUT
    /// only after the new one is complete, with `force`), and removes the work folder.
    func finish(
        scenario: ResolvedScenario, design: SamplingDesign, layout: EnsembleIndicators, store: ResultStore,
        options: EnsembleOptions
    ) throws(EnsembleFailure) -> [String] {
        let fm = FileManager.default
        do {
            if fm.fileExists(atPath: staging) { try fm.removeItem(atPath: staging) }
            try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
            let files = try EnsembleOutputs(scenario: scenario, design: design, layout: layout, store: store, options: options)
                .write(to: staging)
            let aside = output + ".replaced"
            if fm.fileExists(atPath: output) {
                if fm.fileExists(atPath: aside) { try fm.removeItem(atPath: aside) }
                try fm.moveItem(atPath: output, toPath: aside)
            }
            try fm.moveItem(atPath: staging, toPath: output)
            if fm.fileExists(atPath: aside) { try fm.removeItem(atPath: aside) }
            try fm.removeItem(atPath: partial)
            return files
        } catch let e as EnsembleFailure {
            throw e
        } catch {
            throw .cannotWrite("cannot write the ensemble's output to \(options.output): \(error)")
        }
    }

    /// What identifies an ensemble: the scenario's bytes, the design, the indicator layout and,
    /// where set, the dense fallback's limit (`EnsembleOptions.maxDenseUnknowns`).
    static func fingerprint(
        scenario: ResolvedScenario, design: SamplingDesign, layout: EnsembleIndicators, maxDenseUnknowns: Int? = nil
    ) -> String {
        var fields: [String: JSONValue] = [
            "scenario_files": .object(scenario.fileDigests.mapValues { .string($0) }),
            "method": .string(design.method.rawValue),
            "samples": .int(design.baseCount),
            "seed": .string(String(design.seed)),
            "levels": .int(design.levels),
            "inputs": .array(scenario.uncertainty.map { .string($0.name) }),
            "indicators": .int(layout.count),
            "runs": .int(design.runCount),
        ]
        if let limit = maxDenseUnknowns { fields["max_dense_unknowns"] = .int(limit) }
        return JSONValue.object(fields).rendered()
    }
}
