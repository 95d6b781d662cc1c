import Foundation
import MinsimDistributed
import MinsimScenario

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The progress of a long run on one line of stderr: years solved, time elapsed and an
/// estimate of the time left, redrawn in place.
///
/// Drawn only when stderr is a terminal (`isatty`) and the run is not `--quiet`, and only once
/// a run has taken half a second, so short runs and piped or redirected stderr (CI logs, a
/// script capturing messages) never see it. The line is redrawn with a carriage return and
/// padded with spaces over the previous text, so no terminal escape codes are needed at all;
/// `finish()` blanks it before the summary is printed. (A package was considered: ConsoleKit's
/// progress bar writes to stdout, where results go, and redraws from a timer thread.)
final class ProgressLine {
    /// Whether anything is drawn: stderr is a terminal and the user did not ask for quiet.
    let enabled: Bool
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant? = nil
    private var drawnWidth = 0

    private let quiet: Bool
    private var printedTenths = -1

    init(quiet: Bool) {
        self.quiet = quiet
        enabled = !quiet && isatty(STDERR_FILENO) == 1
        start = clock.now
    }

    /// Called after each year.
    func update(_ p: ScenarioRunner.Progress) {
        guard enabled else { return }
        let now = clock.now
        let elapsed = Self.seconds(now - start)
        guard elapsed >= 0.5 else { return }
        if p.done < p.total, let last = lastDraw, Self.seconds(now - last) < 0.1 { return }
        lastDraw = now
        let left = p.done > 0 ? elapsed / Double(p.done) * Double(p.total - p.done) : 0
        let text = Self.text(done: p.done, total: p.total, year: p.year, elapsed: elapsed, left: left)
        draw(text)
    }

    /// Called as ensemble samples finish (`minsim ensemble`): samples done, rate, estimate.
    /// When stderr is not a terminal (under `mpirun`, which pipes it) a plain line is printed
    /// at every tenth of the samples instead, unless quiet.
    func update(samples p: EnsembleProgress) {
        let elapsed = Self.seconds(clock.now - start)
        let rate = elapsed > 0 ? Double(p.computed) / elapsed : 0
        let left = rate > 0 ? Double(p.total - p.done) / rate : 0
        var text = "ensemble: \(p.done)/\(p.total) samples · \(String(format: "%.2f", rate)) samples/s"
        if p.done < p.total && rate > 0 { text += " · about \(Self.duration(left)) left" }
        if enabled {
            if p.done < p.total, let last = lastDraw, Self.seconds(clock.now - last) < 0.2 { return }
            lastDraw = clock.now
            draw(text)
        } else if !quiet, p.total > 0, p.done * 10 / p.total != printedTenths {
            printedTenths = p.done * 10 / p.total
            write(text + "\n")
        }
    }

    /// "42 s", "3.5 min", "1.2 h".
    static func duration(_ s: Double) -> String {
        s < 90 ? "\(Int(s.rounded())) s" : (s < 5400 ? String(format: "%.1f min", s / 60) : String(format: "%.1f h", s / 3600))
    }

    /// Blanks the line so that what follows starts on a clean line.
    func finish() {
        guard enabled, drawnWidth > 0 else { return }
        write("\r" + String(repeating: " ", count: drawnWidth) + "\r")
        drawnWidth = 0
    }

    /// "solving 2024–2040: 7/17 years (2030 done) · 1.2 s elapsed · about 1.7 s left"
    static func text(done: Int, total: Int, year: Int, elapsed: Double, left: Double) -> String {
        let first = year - done + 1
        let last = first + total - 1
        var text =
            "solving \(first)–\(last): \(done)/\(total) years (\(year) done) · \(String(format: "%.1f", elapsed)) s elapsed"
        if done < total { text += " · about \(String(format: "%.1f", left)) s left" }
        return text
    }

    private func draw(_ text: String) {
        let width = text.unicodeScalars.count
        let padding = String(repeating: " ", count: max(drawnWidth - width, 0))
        write("\r" + text + padding)
        drawnWidth = width
    }

    private func write(_ s: String) {
        FileHandle.standardError.write(Data(s.utf8))
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
