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

/// Resident-set sizes of this process from `/proc/self/status`, in bytes.
public enum ResidentMemory {
    /// Peak resident set size (`VmHWM`): the high-water mark since start or the last `resetPeak()`.
    public static var peakBytes: Int { field("VmHWM:") }
    /// Current resident set size (`VmRSS`).
    public static var currentBytes: Int { field("VmRSS:") }

    /// Resets `VmHWM` to the current RSS (writes 5 to `/proc/self/clear_refs`, Linux ≥ 4.0), so
    /// the next `peakBytes` is the peak of what ran since. False when the kernel refused it; the
    /// peak is then the process's peak since start.
    @discardableResult
    public static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        do { try handle.write(contentsOf: Data("5".utf8)) } catch { return false }
        return true
    }

    private static func field(_ name: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let digits =
                line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) } ?? 0
            return digits * 1_024  // reported in kB
        }
        return 0
    }
}

/// "1.23 GB", "456 MB" — decimal units, as the targets are stated.
public func formatBytes(_ bytes: Int) -> String {
    let b = Double(bytes)
    return b >= 1e9 ? String(format: "%.2f GB", b / 1e9) : String(format: "%.0f MB", b / 1e6)
}

/// The value after `--name` on the command line, or nil.
public func commandLineOption(_ name: String) -> String? {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}
