import Crypto
import Foundation

/// Where a CSV table goes as it is built: a file, written in chunks and hashed on the way, or
/// a buffer in memory.
///
/// `minsim run` streams each output table into its file in the staging folder
/// (`OutputDirectory.Staging.stream`): the writer hands over its buffer every
/// `CSVWriter.chunkBytes`, so a table is never held whole (the largest of a 1,000,000-node run
/// are several hundred MB). Each byte is hashed once, from memory, as it is written, for the
/// manifest's SHA-256; nothing is read back. The file is written through `OutputFile` (one
/// page-aligned buffer, direct I/O where the file system allows it).
package final class CSVOutput {
    private let file: OutputFile?
    private var hasher = Crypto.SHA256()
    /// The first error writing the file; later writes are skipped and `close` throws it.
    private var failure: (any Error)?
    /// Everything written, for an output kept in memory.
    package private(set) var data = Data()

    /// An output kept in memory (`data`).
    package init() { file = nil }

    /// Creates the file at `path` (replacing one that is there) and writes into it through
    /// `buffer` (one per folder; a new one when not given).
    init(path: String, buffer: OutputFile.Buffer = OutputFile.Buffer()) throws {
        file = try OutputFile(path: path, buffer: buffer)
    }

    /// Appends bytes to the file (and its hash) or to `data`.
    package func write(_ bytes: some ContiguousBytes) {
        bytes.withUnsafeBytes { buffer in
            guard let file else {
                data.append(contentsOf: buffer)
                return
            }
            guard failure == nil else { return }
            hasher.update(bufferPointer: buffer)
            do { try file.write(buffer) } catch { failure = error }
        }
    }

    /// Hands over the start of `bytes` (all of them, or the whole blocks that the file can
    /// write from where they are, `OutputFile.writeInPlace`) and returns how many bytes were
    /// taken; the caller passes the rest on later, so every byte is hashed once, in order.
    func writeInPlace(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard let file, failure == nil else {
            write(bytes)
            return bytes.count
        }
        do {
            let taken = try file.writeInPlace(bytes)
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[..<taken]))
            return taken
        } catch {
            failure = error
            return bytes.count
        }
    }

    /// Closes the file and returns the SHA-256 of everything written, as lowercase hex.
    ///
    /// - Throws: the first error writing or closing the file.
    func close() throws -> String {
        if let failure { throw failure }
        try file?.close()
        return SHA256.hex(hasher.finalize())
    }
}
