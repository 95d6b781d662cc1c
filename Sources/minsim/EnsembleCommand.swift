import ArgumentParser
import Foundation
import LinearAlgebra
import MinsimDistributed
import MinsimEnsemble
import MinsimScenario

/// `minsim ensemble FILE --samples N --method random|lhs|sobol|morris --out DIR`: samples the
/// scenario's `uncertainty` section, runs every sample (certified years or a recorded failure)
/// and writes samples.csv, summary.csv, sensitivity.csv, failed.csv and manifest.json.
///
/// Under `mpirun -n R` (or `srun`) the samples are split across the ranks and rank 0 writes
/// the output; the files are byte-identical for any R and `--workers`. Exit status as `run`:
/// 2 for invalid input or a refused output folder, 1 when the output cannot be written.
struct EnsembleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ensemble",
        abstract: "Run a Monte Carlo ensemble or a global sensitivity analysis of a scenario's uncertainty section.",
        discussion: """
            --samples N is the number of samples for random and lhs, of base samples for sobol (N (D + 2) runs for D \
            inputs) and of trajectories for morris (N (D + 1) runs). Run under `mpirun -n R minsim ensemble …` to split \
            the runs over R processes; see docs/uncertainty.md for Slurm.
            """
    )

    @Argument(help: "Scenario YAML file with an `uncertainty` section.")
    var file: String

    @Option(name: .long, help: "Samples (random, lhs), base samples (sobol) or trajectories (morris).")
    var samples: Int

    @Option(name: .long, help: "Seed of every random stream; the same seed gives the same files.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Design: random, lhs, sobol (Saltelli; Sobol' indices) or morris (elementary effects).")
    var method: SamplingMethod = .random

    @Option(name: .long, help: "Output folder (created; must not exist or be empty unless --force).")
    var out: String

    @Option(name: .long, help: "Threads computing samples in each process.")
    var workers = 1

    @Flag(name: .long, help: "Also write sample_results.csv: every indicator of every sample, long form.")
    var keepSamples = false

    @Flag(name: .long, help: "Continue the interrupted ensemble in OUT.partial (same scenario, method, samples, seed).")
    var resume = false

    @Flag(name: .long, help: "Replace a non-empty output folder and discard an interrupted ensemble in OUT.partial.")
    var force = false

    @Option(name: .long, help: "Grid levels of a Morris design (even).")
    var levels = 4

    @Option(name: .long, help: "Bootstrap resamples of the confidence intervals (default 100 for sobol, 1000 for morris).")
    var resamples: Int?

    @OptionGroup var dense: DenseLimitOption
    @OptionGroup var verbosity: QuietOption

    func validate() throws {
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        guard !(resume && force) else {
            throw ValidationError("--resume and --force exclude each other: resume keeps OUT.partial, force discards it")
        }
    }

    func run() throws {
        // One BLAS thread per worker: parallelism comes from workers and ranks, and one thread
        // keeps every sample's arithmetic, hence the files, the same for any R and k.
        BLASRuntime.selectKernels()
        BLASRuntime.setThreadCount(1)
        let cluster = Cluster.join()
        var options = EnsembleOptions(samples: samples, seed: seed, method: method, output: out)
        options.workers = workers
        options.keepSamples = keepSamples
        options.resume = resume
        options.force = force
        options.levels = levels
        options.maxDenseUnknowns = dense.maxDenseUnknowns
        options.resamples = resamples
        let quiet = verbosity.quiet
        let progress = ProgressLine(quiet: quiet || !cluster.isRoot)
        do {
            let report = try EnsembleRunner.run(path: file, options: options, cluster: cluster) { progress.update(samples: $0) }
            progress.finish()
            if let report, !quiet { print(EnsembleSummary.text(report, ranks: cluster.size, workers: workers)) }
            cluster.leave()
        } catch {
            progress.finish()
            if cluster.isRoot, error.exitCode != 0 { StandardError.print(error.message) }
            cluster.leave()
            throw ExitCode(error.exitCode)
        }
    }
}

extension SamplingMethod: ExpressibleByArgument {}

/// What `minsim ensemble` prints when it is done.
enum EnsembleSummary {
    static func text(_ r: EnsembleReport, ranks: Int, workers: Int) -> String {
        let rate = r.sampleSeconds > 0 ? Double(r.computed) / r.sampleSeconds : 0
        var lines = [
            "ensemble: \(r.runs) runs of \(r.inputs) uncertain inputs, \(r.indicators) indicators each",
            "computed \(r.computed) samples in \(String(format: "%.1f", r.sampleSeconds)) s (\(String(format: "%.2f", rate)) samples/s) on \(ranks) rank\(ranks == 1 ? "" : "s") × \(workers) worker\(workers == 1 ? "" : "s")"
                + (r.resumed > 0 ? "; \(r.resumed) were done before the resume" : ""),
            "statistics and files: \(String(format: "%.1f", r.statisticsSeconds)) s",
        ]
        lines.append(
            r.failed == 0
                ? "every sample certified"
                : "\(r.failed) sample\(r.failed == 1 ? "" : "s") failed (see failed.csv); left out of every statistic")
        lines.append("wrote \(r.outputDirectory)/: \(r.files.joined(separator: ", "))")
        return lines.joined(separator: "\n")
    }
}
