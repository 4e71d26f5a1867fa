import Foundation
import SpanStore
import Synchronization

/// The backends the conformance suite runs against; each test gets a fresh store.
enum StoreBackend: String, CaseIterable, CustomStringConvertible {
    case memory
    case sqlite

    var description: String { rawValue }

    func make(maxSpans: Int = 100_000, retention: UInt64? = nil, clock: TestClock = TestClock()) throws -> any SpanStorage {
        switch self {
        case .memory:
            return MemorySpanStore(maxSpans: maxSpans, retention: retention, now: clock.now)
        case .sqlite:
            return try SQLiteSpanStore(path: Self.temporaryPath(), maxSpans: maxSpans, retention: retention, now: clock.now)
        }
    }

    static func temporaryPath() -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tracelab-collector-tests", isDirectory: true)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("spans-\(UUID().uuidString).sqlite").path
    }
}


/// A settable clock in epoch µs, so retention is tested without waiting.
final class TestClock: Sendable {
    private let value: Mutex<UInt64>

    init(_ start: UInt64 = Fixtures.base) { value = Mutex(start) }

    var now: @Sendable () -> UInt64 { { [self] in value.withLock { $0 } } }

    func advance(by micros: UInt64) { value.withLock { $0 += micros } }
}
