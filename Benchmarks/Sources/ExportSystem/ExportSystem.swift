// Exports one synthetic network's quantity system `(I − A) x = f` for the side-by-side
// comparison with numpy, scipy and pymrio (Benchmarks/compare_python.sh), and times the
// engine on the same system so both sides measure one matrix.
//
//   ExportSystem --regions 50 --stages 4 --products-per-stage 10 [--suppliers 5] [--feedback 0.05]
//                --format dense|sparse --out DIR [--runs 5]
//
// Writes, in DIR:
//   A.npy (dense, column-major = Fortran order, float64) or A.mtx (MatrixMarket coordinate,
//   1-based, 17 significant digits) — the coefficient matrix A at base shares, without tariffs;
//   f.npy — routed final demand; x_engine.npy — the engine's output x, to check agreement;
//   engine.json — nodes, nonzeros, solver, median seconds of the engine's year solve and,
//   for dense, of the bare LUFactorization (dgetrf) + one dgetrs on I − A.
//
// Why .npy / .mtx: numpy reads .npy without copying or parsing, and MatrixMarket is what
// scipy.io.mmread reads; both keep every bit of the doubles (no decimal round trip for .npy,
// 17 digits for .mtx).
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
        guard let out = value("--out"), let format = value("--format"), ["dense", "sparse"].contains(format),
              let regions = value("--regions").flatMap({ Int($0) }),
              let stages = value("--stages").flatMap({ Int($0) }),
              let products = value("--products-per-stage").flatMap({ Int($0) })
        else {
            FileHandle.standardError.write(Data("usage: ExportSystem --regions R --stages S --products-per-stage P [--suppliers 5] [--feedback 0] --format dense|sparse --out DIR [--runs 5]\n".utf8))
            exit(2)
        }
        let suppliers = value("--suppliers").flatMap { Int($0) } ?? 5
        let feedback = value("--feedback").flatMap { Double($0) } ?? 0
        let runs = max(1, value("--runs").flatMap { Int($0) } ?? 5)
        let threads = configureBLASThreads()

        let size = NetworkSize(regions: regions, stages: stages, productsPerStage: products, suppliers: suppliers, feedback: feedback)
        let fixture = try EngineFixture(size: size, dense: false)
        let c = fixture.calibration
        let n = c.dimension
        let system = LeontiefSystem(calibration: c, shares: c.baseShares, tariffs: c.routeVector(fixture.conditions.tariffs))
        let f = fixture.routedDemand
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        func path(_ name: String) -> URL { URL(fileURLWithPath: out).appendingPathComponent(name) }

        // The engine's year (automatic choice), median of `runs` after a warm-up.
        let solution = try fixture.solveYear(.automatic)
        var years: [Double] = []
        for _ in 0..<runs { years.append(try timed { try fixture.solveYear(.automatic) }.wallSeconds) }

        var json: [String: String] = [
            "nodes": "\(n)", "nonzeros": "\(solution.statistics.nonzeros)",
            "solver": "\"\(solution.statistics.linearSolver)\"", "threads": "\(threads)",
            "blas": "\"\(BLASRuntime.libraryDescription)\"", "cyclic": size.isCyclic ? "true" : "false",
            "year_seconds": "\(median(years))", "iterations": "\(solution.statistics.iterations)",
            "factorizations": "\(solution.statistics.factorizations)",
        ]

        if format == "dense" {
            let m = system.leontiefMatrix(withTariffs: false)  // I − A
            var a = [Double](repeating: 0, count: n * n)
            for j in 0..<n {
                let column = m.column(j)
                for i in 0..<n { a[j * n + i] = (i == j ? 1 : 0) - column[i] }
            }
            try npy(a, shape: [n, n]).write(to: path("A.npy"))
            _ = try LUFactorization(factoring: m).solve(f)
            var lu: [Double] = []
            for _ in 0..<runs { lu.append(try timed { try LUFactorization(factoring: m).solve(f) }.wallSeconds) }
            json["lu_solve_seconds"] = "\(median(lu))"
        } else {
            let a = system.coefficientMatrix(withTariffs: false)
            var text = "%%MatrixMarket matrix coordinate real general\n% A of minsim SyntheticNetwork \(size) feedback=\(feedback) seed=2026\n"
            text += "\(n) \(n) \(a.nonzeroCount)\n"
            for i in 0..<n {
                for k in a.entries(inRow: i) {
                    text += "\(i + 1) \(a.columnIndices[k] + 1) \(String(format: "%.17g", a.values[k]))\n"
                }
            }
            try Data(text.utf8).write(to: path("A.mtx"))
        }
        try npy(f, shape: [n]).write(to: path("f.npy"))
        try npy(solution.output, shape: [n]).write(to: path("x_engine.npy"))
        let body = json.sorted { $0.key < $1.key }.map { "  \"\($0.key)\": \($0.value)" }.joined(separator: ",\n")
        try Data("{\n\(body)\n}\n".utf8).write(to: path("engine.json"))
    }

    /// A NumPy .npy file (format 1.0) of little-endian float64 in Fortran (column-major) order.
    static func npy(_ values: [Double], shape: [Int]) -> Data {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(\(shape.map(String.init).joined(separator: ", ")))"
        var header = "{'descr': '<f8', 'fortran_order': True, 'shape': \(dims), }"
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
