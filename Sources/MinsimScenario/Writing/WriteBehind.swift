import Foundation

/// Writes an output folder's files on one thread of its own while the caller formats the next
/// chunk: the caller hands over a full buffer and goes on in another, and waits only when
/// `depth` chunks are already queued or being written.
///
/// Why: with direct I/O (`OutputFile`) a `write(2)` returns when the device has the bytes.
/// Done on the formatting thread, the 2.6 GB of a 1,000,000-node run's output kept it waiting
/// ≈ 3 s (31.4–31.8 s wall for 28.2–28.4 s of CPU; docs/performance.md, "Output written behind
/// the formatting"). On the writer thread the waits overlap the formatting: the output side
/// takes max(formatting, device) instead of their sum. The thread spends nearly all of its
/// time in `write(2)`; everything else (formatting, the SHA-256 of the bytes) stays on the
/// caller's thread, so a run's CPU time is what it was, and BLAS's thread count is untouched.
/// A dedicated thread rather than a dispatch queue: libdispatch may start a second worker
/// while one is blocked in the kernel, and the run should have exactly one writer thread.
///
/// Order and determinism: the thread runs the jobs in the order they were queued, and the
/// files of a folder one after another (a file is closed, on the thread, before `close`
/// returns and the next is opened), so the bytes on disk are those of the synchronous writer.
/// Errors: a write that fails is kept as the file's first error (later chunks of that file are
/// dropped) and thrown by `close` on the caller's thread, as the synchronous writer threw it.
///
/// Memory: at most `depth` chunks queued or being written, the one being formatted and one
/// taken for the next, all from one free list per folder (page-aligned, so that their whole
/// blocks are written with direct I/O from where they are; their pages are touched once per
/// run).
final class WriteBehind: @unchecked Sendable {
    /// Chunks queued or being written at most. Two: the device has the next chunk while one is
    /// written, and the caller formats a third. Not tuned: a deeper queue helps only where the
    /// device's speed varies from chunk to chunk, at 1 MiB of memory a chunk.
    static let depth = 2

    /// Bytes per buffer: a chunk (`CSVWriter.chunkBytes`) and one row beyond it, so that a
    /// writer fills it to a row's end without growing.
    static let bufferBytes = CSVWriter.chunkBytes + 64 << 10

    /// A file being written, and the first error writing it. Touched by the writer thread
    /// only, except at creation and after `close`'s drain (both under the thread's lock).
    final class Target: @unchecked Sendable {
        let file: OutputFile
        fileprivate var failure: (any Error)?

        fileprivate init(file: OutputFile) { self.file = file }
    }

    private let worker = Worker()
    /// The copy buffer of this folder's files (`OutputFile.write`), used on the thread only.
    private let fileBuffer: OutputFile.Buffer

    /// Starts the folder's writer thread; it ends when this object is gone and its last job
    /// is done.
    init(fileBuffer: OutputFile.Buffer = OutputFile.Buffer()) {
        self.fileBuffer = fileBuffer
        let thread = Thread { [worker] in worker.run() }
        thread.name = "minsim-output"
        thread.start()
    }

    deinit { worker.stop() }

    /// Creates (or truncates) the file at `path`, on the caller's thread, so that a file that
    /// cannot be created fails at once, as before; `direct` as `OutputFile`'s.
    func open(_ path: String, direct: Bool = true) throws -> Target {
        Target(file: try OutputFile(path: path, buffer: fileBuffer, direct: direct))
    }

    /// An empty page-aligned buffer of `bufferBytes`: a written one, or a new one.
    func take() -> ByteBuffer {
        worker.condition.lock()
        let reused = worker.free.popLast()
        worker.condition.unlock()
        guard let reused else { return ByteBuffer(capacity: Self.bufferBytes, alignment: OutputFile.Buffer.alignment) }
        reused.removeAll()
        return reused
    }

    /// Queues the first `count` bytes of `buffer` for `target` (waiting while `depth` chunks
    /// are queued). The buffer belongs to the writer thread from now on and returns to the
    /// free list once written. Its whole blocks are written from where they are when the file
    /// allows it (`OutputFile.writeInPlace`), the rest is copied into the file's buffer.
    func write(_ buffer: ByteBuffer, count: Int, to target: Target) {
        precondition(count <= buffer.count, "hand-over of \(count) of \(buffer.count) bytes")
        worker.submit { [worker] in
            if target.failure == nil {
                do {
                    let bytes = UnsafeRawBufferPointer(rebasing: buffer.bytes[..<count])
                    let taken = try target.file.writeInPlace(bytes)
                    try target.file.write(UnsafeRawBufferPointer(rebasing: bytes[taken...]))
                } catch {
                    target.failure = error
                }
            }
            worker.condition.lock()
            worker.free.append(buffer)
            worker.condition.unlock()
        }
    }

    /// Copies `bytes` into buffers of the free list and queues them for `target`.
    func write(_ bytes: UnsafeRawBufferPointer, to target: Target) {
        var rest = bytes[...]
        while !rest.isEmpty {
            let buffer = take()
            let piece = rest.prefix(Self.bufferBytes)
            buffer.append(UnsafeRawBufferPointer(rebasing: piece))
            write(buffer, count: piece.count, to: target)
            rest = rest[piece.endIndex...]
        }
    }

    /// Waits until every chunk of `target` is written, then writes the file's last bytes and
    /// closes it (on the writer thread).
    ///
    /// - Throws: the file's first error writing or closing it (`OutputFile.Failure`, with
    ///   its path); the file is then left to the caller to remove, as before.
    func close(_ target: Target) throws {
        worker.submit {
            guard target.failure == nil else { return }
            do { try target.file.close() } catch { target.failure = error }
        }
        worker.drain()
        if let failure = target.failure { throw failure }
    }
}

/// The writer thread's state: the jobs in order, how many are queued or running, and the free
/// buffers, all under `condition`.
private final class Worker: @unchecked Sendable {
    let condition = NSCondition()
    /// Written buffers, for the next hand-overs.
    var free: [ByteBuffer] = []
    private var jobs: [() -> Void] = []
    /// Jobs queued or running.
    private var pending = 0
    private var stopping = false

    /// The thread's loop: runs the jobs in order until `stop` and no job is left.
    func run() {
        condition.lock()
        while true {
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty { break }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
            condition.lock()
            pending -= 1
            condition.broadcast()
        }
        condition.unlock()
    }

    /// Queues `job`, first waiting while `WriteBehind.depth` jobs are queued or running.
    func submit(_ job: @escaping () -> Void) {
        condition.lock()
        while pending >= WriteBehind.depth { condition.wait() }
        jobs.append(job)
        pending += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every job queued so far has run.
    func drain() {
        condition.lock()
        while pending > 0 { condition.wait() }
        condition.unlock()
    }

    /// Lets the thread end once its jobs are done.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }
}
