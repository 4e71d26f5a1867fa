// The OTLPGRPC package trait (on by default) builds the OTLP/gRPC listener.
#if OTLPGRPC
import GRPCCore
import Logging
import SpanFormats
import SpanStore

/// `opentelemetry.proto.collector.trace.v1.TraceService/Export` over gRPC (`--otlp-grpc`),
/// what OTLP exporters send by default (port 4317).
///
/// The messages stay bytes here: `OTLPTraceDecoder` reads the request and `OTLPResponseBody`
/// writes the response, as for OTLP/HTTP, so both listeners map spans the same way and no
/// generated gRPC code is needed. A request that cannot be read fails with INVALID_ARGUMENT
/// naming the problem; spans with bad ids are left out and reported as a partial success.
struct OTLPGRPCService: RegistrableRPCService {
    let store: any SpanStorage
    let logger: Logger

    static let export = MethodDescriptor(fullyQualifiedService: "opentelemetry.proto.collector.trace.v1.TraceService", method: "Export")

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: Self.export, deserializer: RawBytesCoding(), serializer: RawBytesCoding()
        ) { request, _ in
            let single = try await ServerRequest(stream: request)
            return StreamingServerResponse(single: await export(single.message))
        }
    }

    func export(_ bytes: [UInt8]) async -> ServerResponse<[UInt8]> {
        let export: OTLPExport
        do throws(SpanFormatError) {
            export = try OTLPTraceDecoder().decodeProtobuf(bytes)
        } catch {
            logger.notice("rejected spans", metadata: ["protocol": "otlp-grpc", "reason": "\(error)"])
            return ServerResponse(error: RPCError(code: .invalidArgument, message: error.description))
        }
        do {
            try await store.write(export.spans)
        } catch {
            logger.error("storing spans failed", metadata: ["error": "\(error)", "spans": "\(export.spans.count)"])
            return ServerResponse(error: RPCError(code: .internalError, message: "storing spans failed: \(error)"))
        }
        if let message = export.rejectionMessage {
            logger.notice("rejected spans", metadata: ["protocol": "otlp-grpc", "rejected": "\(export.rejectedSpans)", "reason": "\(message)"])
        }
        return ServerResponse(message: OTLPResponseBody.exportResponse(export, json: false))
    }
}

/// Messages as their serialized bytes, unchanged.
struct RawBytesCoding: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
        Bytes(message)
    }

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}
#endif
