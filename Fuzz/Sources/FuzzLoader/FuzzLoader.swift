// libFuzzer entry point over `ScenarioLoader.load(path:)`.
//
// One input is a `ScenarioBundle`: the scenario YAML, then optionally CSV files, each after a
// line `--- file NAME.csv`. The bundle is written to a fresh temporary folder and loaded from
// there, so the loader runs exactly as on user files: YAML parsing, `{file: …}` references, CSV
// parsing, every table's checks, calibration and the year inputs. The property checked is the
// ground rule for bad input: the loader returns a scenario or diagnostics — it never traps,
// crashes or leaks (AddressSanitizer and LeakSanitizer watch the run) and never takes seconds
// on a small file (libFuzzer's -timeout).
import Foundation
import MinsimScenario

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScenarioLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("minsim-fuzz-\(getpid())")
    try? FileManager.default.removeItem(at: folder)
    defer { try? FileManager.default.removeItem(at: folder) }
    guard let result = ScenarioBundle.load(text, in: folder) else { return 0 }
    // Touch what a caller would read, so that lazily built values are built too.
    if let scenario = result.scenario {
        _ = scenario.calibration.dimension
        _ = scenario.yearInputs().count
    } else {
        _ = result.diagnostics.map(\.description)
    }
    return 0
}
