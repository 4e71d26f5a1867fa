// The OTLPGRPC package trait (on by default) builds the OTLP/gRPC listener.
#if OTLPGRPC
import Foundation
import GRPCCore
import Logging
import SpanStore
import Testing
@testable import Collector

/// The OTLP/gRPC Export handler on the bytes a real exporter sends (the same message as
/// OTLP/HTTP protobuf); the listener itself is checked with the Python gRPC exporter by
/// Tests/IngestInterop/run.sh.
@Suite("OTLP/gRPC Export")
struct OTLPGRPCServiceTests {
    @Test("a real request is stored and answered with an empty ExportTraceServiceResponse")
    func export() async throws {
        let store = MemorySpanStore()
        let service = OTLPGRPCService(store: store, logger: Logger(label: "grpc-tests"))
        let response = await service.export(try IngestFormatsHTTPTests.fixture("otel-python-1.45-otlp-client-span.pb"))
        #expect(try response.message == [])
        #expect(await store.stats().spans == 1)
    }

    @Test("a body that is not a request fails with INVALID_ARGUMENT naming the problem")
    func invalid() async throws {
        let service = OTLPGRPCService(store: MemorySpanStore(), logger: Logger(label: "grpc-tests"))
        let response = await service.export([0x0A, 0x10, 0x0A])
        let error = #expect(throws: RPCError.self) { try response.message }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("ends inside a field") == true)
    }
}
#endif
