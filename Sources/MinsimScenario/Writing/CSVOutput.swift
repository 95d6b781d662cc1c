import Crypto
import Foundation

/// Where a CSV table goes as it is built: a file, written in chunks and hashed on the way, or
/// a buffer in memory.
///
/// `minsim run` streams each output table into its file in the staging folder
/// (`OutputDirectory.Staging.stream`): the writer hands over its buffer every
/// `CSVWriter.chunkBytes`, so a table is never held whole (the largest of a 1,000,000-node run
/// are several hundred MB). Each byte is hashed once, from memory, on the caller's thread as it
/// is handed over, for the manifest's SHA-256; nothing is read back. The bytes are written
/// behind the formatting, on the folder's writer thread (`WriteBehind`), through `OutputFile`
/// (page-aligned buffers, direct I/O where the file system allows it).
package final class CSVOutput {
    private let writer: WriteBehind?
    private let target: WriteBehind.Target?
    private var hasher = Crypto.SHA256()
    /// Everything written, for an output kept in memory.
    package private(set) var data = Data()

    /// An output kept in memory (`data`).
    package init() {
        writer = nil
        target = nil
    }

    /// Creates the file at `path` (replacing one that is there) and writes into it through
    /// `writer` (one per folder; a new one when not given).
    init(path: String, writer: WriteBehind = WriteBehind()) throws {
        self.writer = writer
        target = try writer.open(path)
    }

    /// The output file on the writer thread (for tests that make its writes fail).
    var file: OutputFile? { target?.file }

    /// Appends bytes to the file (and its hash) or to `data`.
    package func write(_ bytes: some ContiguousBytes) {
        bytes.withUnsafeBytes { buffer in
            guard let writer, let target else {
                data.append(contentsOf: buffer)
                return
            }
            hasher.update(bufferPointer: buffer)
            writer.write(buffer, to: target)
        }
    }

    /// A buffer for a writer that hands its chunks over with `handOver`: one of the writer
    /// thread's page-aligned buffers for a file, an ordinary one in memory.
    func chunkBuffer() -> ByteBuffer {
        writer?.take() ?? ByteBuffer()
    }

    /// Takes the whole blocks at the start of `buffer` and returns the buffer to go on in: for
    /// a file they are hashed and queued for writing from where they are (`buffer` goes to the
    /// writer thread) and the part of a block left over is moved into a free buffer, which is
    /// returned (`buffer` itself while it holds less than a block). In memory all the bytes
    /// are appended to `data` and `buffer` is returned emptied. Every byte is hashed once, in
    /// order.
    func handOver(_ buffer: ByteBuffer) -> ByteBuffer {
        guard let writer, let target else {
            finish(buffer)
            return buffer
        }
        let whole = buffer.count / OutputFile.Buffer.alignment * OutputFile.Buffer.alignment
        guard whole > 0 else { return buffer }
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer.bytes[..<whole]))
        let next = writer.take()
        next.append(UnsafeRawBufferPointer(rebasing: buffer.bytes[whole...]))
        writer.write(buffer, count: whole, to: target)
        return next
    }

    /// Takes all of `buffer`'s bytes, as the last hand-over of a table: for a file the buffer
    /// goes to the writer thread (and back to its free list once written); in memory it is
    /// emptied into `data`.
    func finish(_ buffer: ByteBuffer) {
        guard let writer, let target else {
            data.append(contentsOf: buffer.bytes)
            buffer.removeAll()
            return
        }
        hasher.update(bufferPointer: buffer.bytes)
        writer.write(buffer, count: buffer.count, to: target)
    }

    /// Waits for the file's bytes to be written, closes it and returns the SHA-256 of
    /// everything written, as lowercase hex.
    ///
    /// - Throws: the first error writing or closing the file.
    func close() throws -> String {
        if let writer, let target { try writer.close(target) }
        return SHA256.hex(hasher.finalize())
    }
}
