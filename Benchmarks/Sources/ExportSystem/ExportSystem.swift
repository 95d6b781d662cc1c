// Exports one synthetic network's quantity system `(I − A) x = f` for the side-by-side
// comparison with numpy, scipy and pymrio (Benchmarks/compare_python.sh), and times the
// engine on the same system so both sides measure one matrix.
//
//   ExportSystem --regions 50 --stages 4 --products-per-stage 10 [--suppliers 5] [--feedback 0.05]
//                --out DIR [--runs 5]
//
// Writes, in DIR:
//   A_indptr.npy, A_indices.npy, A_data.npy — the coefficient matrix A at base shares, without
//   tariffs, in CSR form (int64, int64, float64), exactly as scipy.sparse.csr_matrix takes it;
//   f.npy — routed final demand; x_engine.npy — the engine's output x, to check agreement;
//   engine.json — nodes, nonzeros, solver and why, and median seconds of
//     year_seconds      the engine's whole year (automatic choice: price–share fixed point,
//                       quantities, flows, every check),
//     quantity_seconds  the quantity side alone, like for like with the Python tools: factor
//                       I − A with the automatic choice and solve for f,
//   with the median process CPU seconds of each (year_cpu_seconds, quantity_cpu_seconds: the
//   steadier figures on a shared machine), the peak resident memory of each (VmHWM reset
//   before), and the time to generate and calibrate the network.
//
// Why .npy: numpy reads it without parsing and it keeps every bit of the doubles.
import BenchmarkSupport
import Foundation
import LinearAlgebra
import MinsimEngine

@main
struct ExportSystem {
    static func main() throws {
        let args = CommandLine.arguments
        func value(_ name: String) -> String? {
            guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
            return args[i + 1]
        }
        guard let out = value("--out"),
            let regions = value("--regions").flatMap({ Int($0) }),
            let stages = value("--stages").flatMap({ Int($0) }),
            let products = value("--products-per-stage").flatMap({ Int($0) })
        else {
            FileHandle.standardError.write(
                Data(
                    "usage: ExportSystem --regions R --stages S --products-per-stage P [--suppliers 5] [--feedback 0] --out DIR [--runs 5]\n"
                        .utf8))
            exit(2)
        }
        let suppliers = value("--suppliers").flatMap { Int($0) } ?? 5
        let feedback = value("--feedback").flatMap { Double($0) } ?? 0
        let runs = max(1, value("--runs").flatMap { Int($0) } ?? 5)
        let threads = configureBLASThreads()

        let size = NetworkSize(
            regions: regions, stages: stages, productsPerStage: products, suppliers: suppliers, feedback: feedback)
        let fixture = try EngineFixture(size: size, dense: false)
        let c = fixture.calibration
        let n = c.dimension
        let system = LeontiefSystem(calibration: c, shares: c.baseShares, tariffs: c.routeVector(fixture.conditions.tariffs))
        let f = fixture.routedDemand
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        func path(_ name: String) -> URL { URL(fileURLWithPath: out).appendingPathComponent(name) }

        // The engine's year (automatic choice), median of `runs` after a warm-up; the peak
        // memory counts the warm-up, the first call, above the resident network.
        let baseline = ResidentMemory.currentBytes
        ResidentMemory.resetPeak()
        let solution = try fixture.solveYear(.automatic)
        var years: [Double] = [], yearsCPU: [Double] = []
        for _ in 0..<runs {
            let t = try timed { try fixture.solveYear(.automatic) }
            years.append(t.wallSeconds)
            yearsCPU.append(t.cpuSeconds)
        }
        let yearPeak = ResidentMemory.peakBytes - baseline

        // The quantity side alone: what numpy, scipy and pymrio compute.
        func quantities() throws -> [Double] {
            try LeontiefFactorizer().factor(system, withTariffs: false, estimateCondition: false).solve(f)
        }
        let quantityBaseline = ResidentMemory.currentBytes
        ResidentMemory.resetPeak()
        _ = try quantities()
        var quantity: [Double] = [], quantityCPU: [Double] = []
        for _ in 0..<runs {
            let t = try timed { try quantities() }
            quantity.append(t.wallSeconds)
            quantityCPU.append(t.cpuSeconds)
        }
        let quantityPeak = ResidentMemory.peakBytes - quantityBaseline

        let json: [String: String] = [
            "nodes": "\(n)", "nonzeros": "\(solution.statistics.nonzeros)",
            "solver": "\"\(solution.statistics.linearSolver)\"", "threads": "\(threads)",
            "solver_reason": "\"\(solution.statistics.linearSolverReason)\"",
            "blas": "\"\(BLASRuntime.libraryDescription)\"", "cyclic": size.isCyclic ? "true" : "false",
            "year_seconds": "\(median(years))", "iterations": "\(solution.statistics.iterations)",
            "factorizations": "\(solution.statistics.factorizations)",
            "quantity_seconds": "\(median(quantity))",
            "year_cpu_seconds": "\(median(yearsCPU))", "quantity_cpu_seconds": "\(median(quantityCPU))",
            "year_peak_bytes": "\(max(yearPeak, 0))", "quantity_peak_bytes": "\(max(quantityPeak, 0))",
            "generate_seconds": "\(fixture.generationSeconds)", "calibrate_seconds": "\(fixture.calibrationSeconds)",
        ]

        let a = system.coefficientMatrix(withTariffs: false)
        try npy(a.rowStart.map { Int64($0) }, descr: "<i8", shape: [n + 1]).write(to: path("A_indptr.npy"))
        try npy(a.columnIndices.map { Int64($0) }, descr: "<i8", shape: [a.nonzeroCount]).write(to: path("A_indices.npy"))
        try npy(a.values, descr: "<f8", shape: [a.nonzeroCount]).write(to: path("A_data.npy"))
        try npy(f, descr: "<f8", shape: [n]).write(to: path("f.npy"))
        try npy(solution.output, descr: "<f8", shape: [n]).write(to: path("x_engine.npy"))
        let body = json.sorted { $0.key < $1.key }.map { "  \"\($0.key)\": \($0.value)" }.joined(separator: ",\n")
        try Data("{\n\(body)\n}\n".utf8).write(to: path("engine.json"))
    }

    /// A NumPy .npy file (format 1.0) of a one-dimensional little-endian array (`descr` "<f8"
    /// for Double, "<i8" for Int64).
    static func npy<T>(_ values: [T], descr: String, shape: [Int]) -> Data {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(\(shape.map(String.init).joined(separator: ", ")))"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(dims), }"
        // Magic (6) + version (2) + length (2) + header, padded with spaces to a multiple of 64, ending in \n.
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        values.withUnsafeBufferPointer { data.append(Data(buffer: $0)) }
        return data
    }
}
