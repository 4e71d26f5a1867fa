#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import ServiceLifecycle
import Synchronization
import Zipkin

/// Appends spans to a file, one Zipkin v2 JSON span per line (`--span-log FILE`), like MOSN's
/// log reporter: spans a user can `tail -f`, `grep` or ship with a log agent, with or without a
/// collector.
///
/// The same contract as ``HTTPSpanReporter``: `report` only appends to a bounded
/// ``SpanBatchQueue`` under a lock, so the proxy's event loop never waits for the disk; ``run()``
/// writes batches from a task of its own. A full queue or a failed write drops spans and counts
/// them. Each batch is one `write(2)` of whole lines to a descriptor opened with `O_APPEND`, so
/// several processes may share one file and a reader never sees half a line from a batch that
/// was written.
public final class SpanLogReporter: SpanReporter, Service, Sendable {
    private struct State {
        var descriptor: Int32 = -1
        var written: UInt64 = 0
        var droppedWriting: UInt64 = 0
        var writeErrors: UInt64 = 0
        var lastWriteFailed = false
    }

    /// The file, as given.
    public let path: String
    public let configuration: HTTPSpanReporterConfiguration
    private let logger: Logger
    private let queue: SpanBatchQueue
    private let state = Mutex(State())

    /// Batching (`batchSize`, `flushInterval`, `queueCapacity`) follows `configuration`; its
    /// encoding does not apply (lines are always JSON). Call ``open()`` before ``run()``.
    public init(path: String, configuration: HTTPSpanReporterConfiguration = .init(), logger: Logger) {
        self.path = path
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "span_log"] = .string(path)
        self.logger = logger
        self.queue = SpanBatchQueue(capacity: configuration.queueCapacity, batchSize: configuration.batchSize)
    }

    deinit {
        state.withLock { state in
            if state.descriptor >= 0 { _ = systemClose(state.descriptor) }
        }
    }

    /// Opens (creating, mode 0644) the file for appending; idempotent. Throws when the process
    /// may not write it, so a sidecar fails at start rather than losing every span quietly.
    public func open() throws(SpanLogError) {
        try state.withLock { (state: inout State) throws(SpanLogError) in
            guard state.descriptor < 0 else { return }
            let descriptor = systemOpen(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw SpanLogError(path: path, errno: errno) }
            state.descriptor = descriptor
        }
    }

    /// Queues a span; never blocks, never throws. Counted as dropped when the queue is full.
    public func report(_ span: ZipkinSpan) {
        queue.append(span)
    }

    /// Ends ``run()`` as a graceful shutdown does: what is queued is sent, then it returns.
    /// Unlike cancelling it, this never interrupts a batch already on its way.
    public func stop() {
        queue.stop()
    }

    /// The counters now.
    public var statistics: SpanLogStatistics {
        let (queued, droppedFull) = queue.counts
        return state.withLock { state in
            SpanLogStatistics(
                written: state.written, dropped: droppedFull + state.droppedWriting,
                queued: queued, writeErrors: state.writeErrors
            )
        }
    }

    /// Writes batches until graceful shutdown or cancellation, then what is left. The file stays
    /// open for spans reported later (requests still draining): the owner calls ``flush()`` and
    /// ``close()`` when no more can come.
    public func run() async throws {
        await queue.run(interval: configuration.flushInterval) {
            self.writeQueued()
        }
        writeQueued()
    }

    /// Writes everything queued now (the proxy's drain and tests; `run` does it on its timer).
    public func flush() {
        writeQueued()
    }

    /// Closes the file; spans reported later are queued and counted as dropped at the next write.
    public func close() {
        state.withLock { state in
            if state.descriptor >= 0 { _ = systemClose(state.descriptor) }
            state.descriptor = -1
        }
    }

    private func writeQueued() {
        let encoder = ZipkinJSONEncoder()
        var lines: [UInt8] = []
        while true {
            let batch = queue.nextBatch()
            if batch.isEmpty { return }
            let descriptor = state.withLock { $0.descriptor }
            lines.removeAll(keepingCapacity: true)
            for span in batch {
                encoder.encode(span, into: &lines)
                lines.append(UInt8(ascii: "\n"))
            }
            let failure = descriptor < 0 ? "the span log is not open" : Self.writeAll(lines, to: descriptor)
            let transition: Bool = state.withLock { state in
                if failure == nil {
                    state.written += UInt64(batch.count)
                    defer { state.lastWriteFailed = false }
                    return state.lastWriteFailed
                }
                state.writeErrors += 1
                state.droppedWriting += UInt64(batch.count)
                defer { state.lastWriteFailed = true }
                return !state.lastWriteFailed
            }
            // Log transitions only, so a full disk does not flood the log.
            if let failure, transition {
                logger.warning("cannot write the span log; dropping spans until it works again", metadata: ["error": "\(failure)", "spans": "\(batch.count)"])
            } else if failure == nil, transition {
                logger.info("span log written again")
            }
        }
    }

    /// Nil when every byte was written; otherwise what `write(2)` said.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> String? {
        bytes.withUnsafeBytes { buffer -> String? in
            var offset = 0
            while offset < buffer.count {
                let result = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if result < 0 {
                    if errno == EINTR { continue }
                    return SpanLogError.describe(errno: errno)
                }
                offset += result
            }
            return nil
        }
    }
}

// The C functions under names that do not clash with the reporter's own methods.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func systemClose(_ descriptor: Int32) -> Int32 { close(descriptor) }
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(descriptor, bytes, count) }
