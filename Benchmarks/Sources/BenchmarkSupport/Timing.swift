import Foundation

/// Wall-clock and process CPU time of one call, in seconds.
public struct Timed<Value> {
    public let value: Value
    public let wallSeconds: Double
    public let cpuSeconds: Double
}

private func now(_ clock: clockid_t) -> Double {
    var ts = timespec()
    clock_gettime(clock, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Runs `body` once and reports its wall-clock (CLOCK_MONOTONIC) and CPU (CLOCK_PROCESS_CPUTIME_ID) time.
public func timed<Value>(_ body: () throws -> Value) rethrows -> Timed<Value> {
    let w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID)
    let value = try body()
    let w1 = now(CLOCK_MONOTONIC), c1 = now(CLOCK_PROCESS_CPUTIME_ID)
    return Timed(value: value, wallSeconds: w1 - w0, cpuSeconds: c1 - c0)
}

/// The median of `values` (mean of the middle two for an even count); 0 when empty.
public func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let s = values.sorted()
    let m = s.count / 2
    return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

/// The CPU model as `/proc/cpuinfo` names it ("AMD EPYC", …), or "unknown".
public var processorModelName: String {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
    for line in text.split(separator: "\n") where line.hasPrefix("model name") {
        if let colon = line.firstIndex(of: ":") {
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }
    return "unknown"
}
