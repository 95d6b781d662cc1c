import CMPI
import Foundation

/// The processes of one ensemble: the ranks of `MPI_COMM_WORLD` when started by `mpirun` or
/// `srun`, otherwise this process alone (MPI is then never initialised, so a plain
/// `minsim ensemble` needs no MPI runtime at all).
///
/// Rank 0 gathers: the others send it their results (`send`) and it receives them
/// (`receive`) between its own samples. Only the main thread calls MPI
/// (`MPI_THREAD_FUNNELED`); worker threads never do.
public final class Cluster: @unchecked Sendable {
    public let rank: Int
    public let size: Int
    private let usesMPI: Bool

    /// A received message.
    public struct Message {
        public let source: Int
        public let tag: Int32
        public let bytes: [UInt8]
    }

    /// This process alone.
    public static let single = Cluster(rank: 0, size: 1, usesMPI: false)

    private init(rank: Int, size: Int, usesMPI: Bool) {
        self.rank = rank
        self.size = size
        self.usesMPI = usesMPI
    }

    /// Whether the environment says an MPI launcher started this process: Open MPI's
    /// `mpirun` sets `OMPI_COMM_WORLD_SIZE`; PMIx (`srun --mpi=pmix`, newer launchers)
    /// `PMIX_RANK`; PMI-1/2 launchers (`srun --mpi=pmi2`, Hydra) `PMI_RANK`.
    public static var launchedByMPI: Bool {
        let env = ProcessInfo.processInfo.environment
        return ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"].contains { env[$0] != nil }
    }

    /// Joins the MPI job when there is one (`MPI_Init_thread`, funneled), else runs alone.
    public static func join() -> Cluster {
        guard launchedByMPI else { return .single }
        var provided: Int32 = 0
        MPI_Init_thread(nil, nil, cmpi_thread_funneled(), &provided)
        var rank: Int32 = 0, size: Int32 = 1
        MPI_Comm_rank(cmpi_comm_world(), &rank)
        MPI_Comm_size(cmpi_comm_world(), &size)
        return Cluster(rank: Int(rank), size: Int(size), usesMPI: true)
    }

    public var isRoot: Bool { rank == 0 }

    /// Ends MPI (`MPI_Finalize`); call once, after the last message.
    public func leave() {
        if usesMPI { MPI_Finalize() }
    }

    /// Ends every rank at once (`MPI_Abort`), for a failure that leaves the others waiting.
    public func abort(code: Int32) -> Never {
        if usesMPI { MPI_Abort(cmpi_comm_world(), code) }
        exit(code)
    }

    /// Sends `bytes` to rank `destination` (blocking until the buffer may be reused).
    public func send(_ bytes: [UInt8], tag: Int32, to destination: Int) {
        guard usesMPI else { return }
        bytes.withUnsafeBytes { p in
            _ = MPI_Send(p.baseAddress, Int32(p.count), cmpi_byte(), Int32(destination), tag, cmpi_comm_world())
        }
    }

    /// A message that has arrived from any rank, or nil when none is waiting (`MPI_Iprobe`,
    /// so rank 0 never blocks while its own workers compute).
    public func receive() -> Message? {
        guard usesMPI else { return nil }
        var flag: Int32 = 0
        var status = MPI_Status()
        MPI_Iprobe(cmpi_any_source(), cmpi_any_tag(), cmpi_comm_world(), &flag, &status)
        guard flag != 0 else { return nil }
        var count: Int32 = 0
        MPI_Get_count(&status, cmpi_byte(), &count)
        let source = cmpi_status_source(&status), tag = cmpi_status_tag(&status)
        var bytes = [UInt8](repeating: 0, count: Int(count))
        bytes.withUnsafeMutableBytes { p in
            _ = MPI_Recv(p.baseAddress, count, cmpi_byte(), source, tag, cmpi_comm_world(), cmpi_status_ignore())
        }
        return Message(source: Int(source), tag: tag, bytes: bytes)
    }

    /// Rank 0's `bytes` on every rank (`MPI_Bcast` of the length, then of the bytes).
    public func broadcast(_ bytes: [UInt8]) -> [UInt8] {
        guard usesMPI else { return bytes }
        var count = Int64(bytes.count)
        MPI_Bcast(&count, 8, cmpi_byte(), 0, cmpi_comm_world())
        var buffer = isRoot ? bytes : [UInt8](repeating: 0, count: Int(count))
        if count > 0 {
            buffer.withUnsafeMutableBytes { p in _ = MPI_Bcast(p.baseAddress, Int32(count), cmpi_byte(), 0, cmpi_comm_world()) }
        }
        return buffer
    }
}
