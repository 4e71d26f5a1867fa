import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT/SIGTERM into an async stream, so a foreground `tracelab up` stops its
/// processes in order instead of dying and orphaning them (they are in their own process
/// groups, so the terminal's Ctrl-C reaches only `up`).
public final class SignalWatcher: Sendable {
    public let signals: AsyncStream<Int32>
    // Set once in init, only cancelled in deinit; dispatch sources are thread-safe.
    nonisolated(unsafe) private let sources: [any DispatchSourceSignal]

    public init(_ numbers: [Int32] = [SIGINT, SIGTERM]) {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        self.signals = stream
        var sources: [any DispatchSourceSignal] = []
        for number in numbers {
            // The default action would end the process before the handler runs.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    deinit {
        for source in sources { source.cancel() }
    }
}
