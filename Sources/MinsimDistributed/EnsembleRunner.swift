import Foundation
import MinsimEngine
import MinsimEnsemble
import MinsimScenario
import Synchronization

/// Choices of `minsim ensemble`.
public struct EnsembleOptions: Sendable {
    /// N: samples (random, lhs), base samples (sobol: N (D + 2) runs) or trajectories
    /// (morris: N (D + 1) runs).
    public var samples: Int
    public var seed: UInt64
    public var method: SamplingMethod
    public var output: String
    /// Threads computing samples in each process (`--workers`).
    public var workers = 1
    /// Also write `sample_results.csv`.
    public var keepSamples = false
    /// Continue the interrupted ensemble in `OUT.partial`.
    public var resume = false
    /// Replace an existing output folder (and an interrupted one in `OUT.partial`).
    public var force = false
    /// Grid levels of a Morris design.
    public var levels = 4
    /// Bootstrap resamples for confidence intervals (nil: 100 for Sobol', 1000 for Morris, as SALib).
    public var resamples: Int? = nil
    /// Most unknowns a clearing's dense fallback may take on in every sample's years
    /// (`ComplementaritySettings.maxDenseUnknowns`, `--max-dense-unknowns`; nil: the scenario's
    /// settings). A year past it fails its sample as `too_large`, so the limit is part of what
    /// identifies the ensemble for `--resume` when it is set.
    public var maxDenseUnknowns: Int? = nil

    public init(samples: Int, seed: UInt64, method: SamplingMethod, output: String) {
        self.samples = samples
        self.seed = seed
        self.method = method
        self.output = output
    }
}

/// Why an ensemble produced no output; each case maps to the CLI's exit status.
public enum EnsembleFailure: Error, Sendable {
    case invalid([Diagnostic])
    /// The command or the scenario's `uncertainty` section cannot make this ensemble.
    case usage(String)
    case cannotWrite(String)
    /// Rank 0 stopped before the samples started; it reports why.
    case stoppedByRoot

    public var exitCode: Int32 {
        switch self {
        case .invalid, .usage: return 2
        case .cannotWrite, .stoppedByRoot: return 1
        }
    }

    public var message: String {
        switch self {
        case .invalid(let diagnostics): return RunFailure.invalid(diagnostics).message
        case .usage(let m), .cannotWrite(let m): return m
        case .stoppedByRoot: return "rank 0 stopped the ensemble"
        }
    }
}

/// How far an ensemble is (rank 0 only).
public struct EnsembleProgress: Sendable {
    /// Samples with a result, including those a resumed run found done.
    public let done: Int
    public let total: Int
    /// Of `done`, samples computed by this run.
    public let computed: Int
}

/// What a finished ensemble did (rank 0).
public struct EnsembleReport: Sendable {
    public let runs: Int
    public let computed: Int
    public let resumed: Int
    public let failed: Int
    public let inputs: Int
    public let indicators: Int
    public let files: [String]
    public let outputDirectory: String
    /// Wall time from the first sample to the last result in (rank 0).
    public let sampleSeconds: Double
    /// Wall time of the statistics and files, after the last result (rank 0).
    public let statisticsSeconds: Double
}

/// Runs an ensemble: every rank computes its share of the design (sample i on rank i mod R),
/// each with `workers` threads; rank 0 writes every result to `OUT.partial/results.bin` as it
/// arrives and, when all are in, the statistics and files (`EnsembleOutputs`).
///
/// Nothing in the output depends on R, on the worker count or on the order results arrive:
/// sample i's inputs come from the design point i alone (its own random stream), and every
/// statistic is computed on rank 0 from the stored records in sample order.
public enum EnsembleRunner {
    enum Tag {
        static let result: Int32 = 1
        static let finished: Int32 = 2
    }

    /// - Returns: the report on rank 0, nil on the other ranks.
    public static func run(
        path: String, options: EnsembleOptions, cluster: Cluster, progress: ((EnsembleProgress) -> Void)? = nil
    ) throws(EnsembleFailure) -> EnsembleReport? {
        let loaded = ScenarioLoader.load(path: path)
        guard let scenario = loaded.scenario else { throw .invalid(loaded.diagnostics) }
        let design = try makeDesign(scenario, options)
        let layout = EnsembleIndicators(scenario)
        let folder = WorkFolder(output: options.output)

        // Rank 0 prepares the work folder and says which samples are done; the others wait.
        var done = [Bool](repeating: false, count: design.runCount)
        var store: ResultStore? = nil
        var rootError: EnsembleFailure? = nil
        if cluster.isRoot {
            do {
                store = try folder.prepare(scenario: scenario, design: design, layout: layout, options: options)
                if let store { done = store.statuses().map { $0 != .missing } }
            } catch {
                rootError = error
            }
        }
        let verdict = cluster.broadcast(rootError == nil ? done.map { $0 ? 1 : 0 } : [2])
        if let rootError { throw rootError }
        guard verdict.count == design.runCount, verdict.allSatisfy({ $0 < 2 }) else { throw .stoppedByRoot }
        done = verdict.map { $0 == 1 }

        let mine = (0..<design.runCount).filter { $0 % cluster.size == cluster.rank && !done[$0] }
        let pool = WorkerPool(
            scenario: scenario, design: design, layout: layout, indices: mine, workers: max(options.workers, 1),
            maxDenseUnknowns: options.maxDenseUnknowns)
        let clock = ContinuousClock()
        let started = clock.now
        pool.start()
        let resumed = done.filter { $0 }.count
        var computed = 0
        if let store {
            // Rank 0: collect its own results and the other ranks' until every sample is in.
            var finishedRanks = 1
            var received = resumed
            var writeError: String? = nil
            func record(_ r: SampleResult) {
                do { try store.write(index: r.index, values: r.values, failure: r.failure) } catch { writeError = "\(error)" }
                received += 1
                computed += 1
                progress?(EnsembleProgress(done: received, total: design.runCount, computed: computed))
            }
            progress?(EnsembleProgress(done: received, total: design.runCount, computed: 0))
            while received < design.runCount || finishedRanks < cluster.size {
                var idle = true
                for r in pool.take() {
                    record(r)
                    idle = false
                }
                while let message = cluster.receive() {
                    idle = false
                    if message.tag == Tag.finished {
                        finishedRanks += 1
                    } else if let r = SampleResult(bytes: message.bytes, indicators: layout.count) {
                        record(r)
                    }
                }
                if idle { pool.wait(seconds: cluster.size > 1 ? 0.002 : 0.05) }
            }
            pool.join()
            if let writeError { throw .cannotWrite(writeError) }
            let sampled = clock.now
            let failed = store.statuses().filter { $0 == .failed }.count
            let files = try folder.finish(scenario: scenario, design: design, layout: layout, store: store, options: options)
            func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
            return EnsembleReport(
                runs: design.runCount, computed: computed, resumed: resumed, failed: failed, inputs: design.dimension,
                indicators: layout.count, files: files, outputDirectory: options.output,
                sampleSeconds: seconds(sampled - started), statisticsSeconds: seconds(clock.now - sampled))
        }
        // Other ranks: send each result to rank 0 as it comes.
        var sent = 0
        while sent < mine.count {
            let batch = pool.take()
            for r in batch { cluster.send(r.bytes(), tag: Tag.result, to: 0) }
            sent += batch.count
            if batch.isEmpty { pool.wait(seconds: 0.05) }
        }
        pool.join()
        cluster.send([], tag: Tag.finished, to: 0)
        return nil
    }

    /// The design the options ask for, or why the scenario cannot have it.
    static func makeDesign(_ scenario: ResolvedScenario, _ options: EnsembleOptions) throws(EnsembleFailure) -> SamplingDesign {
        let inputs = scenario.uncertainty
        guard !inputs.isEmpty else {
            throw .usage(
                "\(scenario.path) has no uncertainty section: list the uncertain inputs under `uncertainty:` (docs/uncertainty.md)"
            )
        }
        guard options.samples >= 1 else { throw .usage("--samples must be at least 1") }
        // Latin hypercube strata are 32-bit, Sobol' indices 32-bit unsigned.
        guard options.samples <= Int(Int32.max) else { throw .usage("--samples must be at most \(Int32.max)") }
        switch options.method {
        case .sobol:
            guard options.samples >= 2 else {
                throw .usage("--method sobol needs --samples ≥ 2 (base samples; the variance needs two)")
            }
            guard inputs.count <= SamplingDesign.maximumSobolDimension else {
                throw .usage(
                    "--method sobol supports at most \(SamplingDesign.maximumSobolDimension) uncertain inputs; the scenario has \(inputs.count)"
                )
            }
        case .morris:
            guard options.levels >= 2, options.levels % 2 == 0 else {
                throw .usage("--levels must be even and ≥ 2, got \(options.levels)")
            }
            let open = inputs.filter { !$0.distribution.isBounded }.map(\.name)
            guard open.isEmpty else {
                throw .usage(
                    "--method morris evaluates inputs at the ends of their range, but \(open.joined(separator: ", ")) \(open.count == 1 ? "is" : "are") unbounded; truncate \(open.count == 1 ? "it" : "them") (lower:, upper:) or use --method sobol"
                )
            }
        case .random, .lhs: break
        }
        if let b = options.resamples, b < 2 { throw .usage("--resamples must be at least 2") }
        return SamplingDesign(
            method: options.method, dimension: inputs.count, baseCount: options.samples, seed: options.seed,
            levels: options.levels)
    }

    /// Sample `index`: its inputs from the design, its run, its indicators or why it failed.
    static func evaluate(
        _ scenario: ResolvedScenario, _ design: SamplingDesign, _ layout: EnsembleIndicators,
        baseYears: [YearInputs], index: Int, maxDenseUnknowns: Int? = nil
    ) -> SampleResult {
        let values = scenario.uncertainValues(at: design.point(index).unit)
        do {
            let sample = try ScenarioSample(scenario, values: values, baseYears: baseYears)
            let years = try sample.simulate(maxDenseUnknowns: maxDenseUnknowns)
            return SampleResult(index: index, values: layout.values(of: years), failure: nil)
        } catch {
            return SampleResult(index: index, values: nil, failure: (error.year, error.reason))
        }
    }
}

/// One sample's outcome, and its wire form between ranks.
struct SampleResult: Sendable {
    let index: Int
    let values: [Double]?
    let failure: (year: Int?, reason: String)?

    init(index: Int, values: [Double]?, failure: (year: Int?, reason: String)?) {
        self.index = index
        self.values = values
        self.failure = failure
    }

    /// `[index, status, year]` as 64-bit words, then the values (done) or the reason's UTF-8.
    func bytes() -> [UInt8] {
        var words: [UInt64] = [UInt64(index), values == nil ? 2 : 1, UInt64(bitPattern: Int64(failure?.year ?? Int(Int64.min)))]
        words += (values ?? []).map(\.bitPattern)
        var out = words.withUnsafeBytes { Array($0) }
        if values == nil { out += Array((failure?.reason ?? "").utf8) }
        return out
    }

    init?(bytes: [UInt8], indicators: Int) {
        guard bytes.count >= 24 else { return nil }
        let head = bytes.withUnsafeBytes { p in (0..<3).map { p.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self) } }
        index = Int(head[0])
        if head[1] == 1 {
            guard bytes.count == 24 + 8 * indicators else { return nil }
            values = bytes.withUnsafeBytes { p in
                (0..<indicators).map { Double(bitPattern: p.loadUnaligned(fromByteOffset: 24 + 8 * $0, as: UInt64.self)) }
            }
            failure = nil
        } else {
            values = nil
            let year = Int64(bitPattern: head[2])
            failure = (year == Int64.min ? nil : Int(year), String(decoding: bytes[24...], as: UTF8.self))
        }
    }
}

/// `workers` threads computing the samples `indices`, in order, handing results to the main
/// thread (which alone talks to MPI and the store).
final class WorkerPool: @unchecked Sendable {
    private let scenario: ResolvedScenario
    private let design: SamplingDesign
    private let layout: EnsembleIndicators
    private let indices: [Int]
    private let workers: Int
    private let maxDenseUnknowns: Int?
    private let baseYears: [YearInputs]
    private let state = Mutex<(next: Int, results: [SampleResult], running: Int)>((0, [], 0))
    private let signal = NSCondition()
    private var threads: [Thread] = []

    init(
        scenario: ResolvedScenario, design: SamplingDesign, layout: EnsembleIndicators, indices: [Int], workers: Int,
        maxDenseUnknowns: Int?
    ) {
        self.scenario = scenario
        self.maxDenseUnknowns = maxDenseUnknowns
        self.design = design
        self.layout = layout
        self.indices = indices
        self.workers = workers
        self.baseYears = scenario.yearInputs()
    }

    func start() {
        let count = min(workers, max(indices.count, 1))
        state.withLock { $0.running = count }
        for _ in 0..<count {
            let thread = Thread { [self] in
                while true {
                    let next: Int? = state.withLock { s in
                        guard s.next < indices.count else { return nil }
                        defer { s.next += 1 }
                        return indices[s.next]
                    }
                    guard let index = next else { break }
                    let result = EnsembleRunner.evaluate(
                        scenario, design, layout, baseYears: baseYears, index: index, maxDenseUnknowns: maxDenseUnknowns)
                    state.withLock { $0.results.append(result) }
                    signal.lock()
                    signal.signal()
                    signal.unlock()
                }
                state.withLock { $0.running -= 1 }
                signal.lock()
                signal.signal()
                signal.unlock()
            }
            thread.stackSize = 8 << 20
            threads.append(thread)
            thread.start()
        }
    }

    /// Results finished since the last call.
    func take() -> [SampleResult] {
        state.withLock { s in
            defer { s.results.removeAll() }
            return s.results
        }
    }

    /// Sleeps until a worker reports or `seconds` pass.
    func wait(seconds: Double) {
        signal.lock()
        _ = signal.wait(until: Date(timeIntervalSinceNow: seconds))
        signal.unlock()
    }

    /// Waits for every worker to end.
    func join() {
        while state.withLock({ $0.running > 0 }) { wait(seconds: 0.01) }
    }
}
