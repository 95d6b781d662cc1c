// Prints, as Markdown, what one ensemble sample costs against a plain run of the same scenario
// (issue 13: per-sample cost ≤ 1.1 × a plain `minsim run` without output):
//
//   plain run     — ScenarioRunner.simulate of the scenario at its own values (what `minsim run`
//                   does before it writes files);
//   sample        — one ensemble run as a worker does it: the design point's values applied to
//                   the typed scenario (ScenarioSample), Simulation.run, and the indicators taken;
//   its simulate  — the same sample's Simulation.run alone, so that sample ÷ simulate is the
//                   ensemble's own overhead and sample ÷ plain also includes how much harder the
//                   perturbed years are to clear.
//
//   swift run -c release --package-path Benchmarks EnsembleReport [--runs 20] [--scenario PATH]
//
// Samples are the first `--runs` points of the README's design (sobol, seed 1, 512 base
// samples). Throughput on 1 and 2 ranks: Benchmarks/ensemble_scaling.sh.
import BenchmarkSupport
import Foundation
import MinsimEnsemble
import MinsimScenario

@main
struct EnsembleReport {
    static func main() throws {
        let runs = max(1, commandLineOption("--runs").flatMap { Int($0) } ?? 20)
        let path = commandLineOption("--scenario") ?? "Scenarios/uncertainty-steps.yaml"
        let threads = configureBLASThreads()
        guard let scenario = ScenarioLoader.load(path: path).scenario else {
            FileHandle.standardError.write(Data("\(path) does not load; run `minsim validate \(path)`\n".utf8))
            exit(2)
        }
        print("## One ensemble sample against a plain run\n")
        print(
            "- CPU: \(processorModelName); BLAS threads: \(threads); scenario: \(path) (\(scenario.simulatedYears.count) years, \(scenario.uncertainty.count) uncertain inputs)"
        )
        print("- Medians of \(runs) runs after 1 warm-up; wall clock, process CPU time in brackets.\n")
        _ = try ScenarioRunner.simulate(scenario)
        var plain: [(wallSeconds: Double, cpuSeconds: Double)] = []
        for _ in 0..<runs {
            let t = try timed { _ = try ScenarioRunner.simulate(scenario) }
            plain.append((t.wallSeconds, t.cpuSeconds))
        }

        let design = SamplingDesign(method: .sobol, dimension: scenario.uncertainty.count, baseCount: 512, seed: 1)
        let layout = EnsembleIndicators(scenario)
        let base = scenario.yearInputs()
        var sample: [(wallSeconds: Double, cpuSeconds: Double)] = [], bare: [(wallSeconds: Double, cpuSeconds: Double)] = []
        for i in 0...runs {
            let values = scenario.uncertainValues(at: design.point(i).unit)
            let s = try timed { () throws -> [Double] in
                let prepared = try ScenarioSample(scenario, values: values, baseYears: base)
                return layout.values(of: try prepared.simulate())
            }
            let prepared = try ScenarioSample(scenario, values: values, baseYears: base)
            let b = try timed { _ = try prepared.simulate() }
            guard i > 0 else { continue }  // warm-up
            sample.append((s.wallSeconds, s.cpuSeconds))
            bare.append((b.wallSeconds, b.cpuSeconds))
        }
        func row(_ name: String, _ t: [(wallSeconds: Double, cpuSeconds: Double)]) -> (String, Double) {
            let w = median(t.map(\.wallSeconds)), c = median(t.map(\.cpuSeconds))
            return ("| \(name) | \(String(format: "%.1f", w * 1e3)) ms (\(String(format: "%.1f", c * 1e3))) |", w)
        }
        let (p, pw) = row("plain run of the scenario (no output)", plain)
        let (s, sw) = row("ensemble sample: values applied, simulated, indicators taken", sample)
        let (b, bw) = row("the same samples' Simulation.run alone", bare)
        print("| | median |\n|---|---|\n\(p)\n\(s)\n\(b)\n")
        print("- sample ÷ its own simulation (the ensemble's overhead): \(String(format: "%.3f", sw / bw))×")
        print(
            "- sample ÷ plain run (overhead and the perturbed years' clearing): \(String(format: "%.3f", sw / pw))×; target ≤ 1.1×"
        )
    }
}
