import NIOCore
import NIOEmbedded
import NIOHTTP1
import ProxyCore
import ScenarioModel
import TraceContext
import Zipkin

/// What must hold for any input to TraceLab's parsers: the libFuzzer targets in Fuzz/ call
/// these on every generated input (a violation or a trap is a finding), and the regression
/// tests replay the saved inputs of Fuzz/Regressions through them.
public enum FuzzProperties {
    /// A property that did not hold, with what was seen.
    public struct Violation: Error, CustomStringConvertible {
        public var description: String
    }

    /// Input: header lines `name: value`. Every propagation format is read from them; a
    /// context that was read comes back unchanged after injecting it in the same format and
    /// reading it again. Each single-header parser gets every value raw.
    public static func traceHeaders(_ bytes: UnsafeRawBufferPointer) throws(Violation) {
        let text = String(decoding: bytes, as: UTF8.self)
        var fields: [(name: String, value: String)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            fields.append((String(line[..<colon]), String(value)))
        }
        let all: [PropagationFormat] = [.b3Single, .b3Multi, .w3c, .jaeger, .otSpanContext]
        let extraction = TraceContextPropagation(extractOrder: all, injectFormats: all).extract(from: HeaderFields(fields))
        if let context = extraction.context, let format = extraction.format {
            var written = HeaderFields()
            TraceContextPropagation.inject(context, format: format, into: &written)
            let again = TraceContextPropagation(extractOrder: [format], injectFormats: [format]).extract(from: written)
            guard let reread = again.context, reread.traceID == context.traceID, reread.spanID == context.spanID else {
                throw Violation(description: "\(format) round trip changed \(context) into \(String(describing: again.context)) via \(written.fields)")
            }
        }
        for (_, value) in fields {
            _ = try? B3SingleHeader.extract(value)
            _ = try? TraceParentHeader.extract(value)
            _ = try? TraceState(value)
            _ = try? RequestID(value)
            _ = try? UberTraceIDHeader.extract(value)
            _ = try? OTSpanContextHeader.extract(value)
        }
    }

    /// Input: a `POST /api/v2/spans` body. What decodes encodes and decodes again to the same
    /// spans, and each span's tags, as the decoder wrote them, equal (and hash like) the same
    /// pairs set one by one, each key once and in the same order.
    public static func zipkinJSON(_ bytes: UnsafeRawBufferPointer) throws(Violation) {
        guard let spans = try? ZipkinJSONDecoder().decodeSpans(Array(bytes)) else { return }
        for span in spans {
            var rebuilt = ZipkinTags()
            for (key, value) in span.tags { rebuilt[key] = value }
            guard rebuilt == span.tags, rebuilt.hashValue == span.tags.hashValue, rebuilt.keys == span.tags.keys,
                  Set(span.tags.keys).count == span.tags.count else {
                throw Violation(description: "decoded tags \(span.tags) differ from the same pairs set one by one: \(rebuilt)")
            }
        }
        let encoded = ZipkinJSONEncoder().encode(spans)
        let again: [ZipkinSpan]
        do {
            again = try ZipkinJSONDecoder().decodeSpans(encoded)
        } catch {
            throw Violation(description: "re-encoded spans do not decode (\(error)): \(String(decoding: encoded, as: UTF8.self))")
        }
        guard again == spans else {
            throw Violation(description: "the round trip changed the spans: \(spans) became \(again)")
        }
    }

    /// Input: a scenario file. Loading gives a scenario or an error that names the file.
    public static func scenarioYAML(_ bytes: UnsafeRawBufferPointer) throws(Violation) {
        do {
            _ = try ScenarioLoader.parse(yaml: String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml")
        } catch {
            guard error.file == "fuzz.yaml", !error.description.isEmpty else {
                throw Violation(description: "a scenario error must name the file and say what is wrong: \(error)")
            }
        }
    }

    /// Input: the bytes a client sends to the sidecar, through the decoder configuration of
    /// the proxy's listeners; every head that comes out goes through `RequestGuard` and the
    /// hop-by-hop rules. A head the guard accepts has no control bytes left in it.
    public static func requestHead(_ bytes: UnsafeRawBufferPointer) throws(Violation) {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderListSize = 60 * 1024
        limits.maxHeaderFieldSize = 60 * 1024
        do {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
            try channel.writeInbound(ByteBuffer(bytes: bytes))
        } catch {
            return
        }
        let rules = RequestGuard()
        while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) {
            guard case .head(let head) = part, rules.check(head) == nil else { continue }
            var headers = head.headers
            _ = HopByHopHeaders.strip(&headers)
            for (name, value) in headers where (name + value).utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) {
                throw Violation(description: "the guard let a CR, LF or NUL through in header \(name.debugDescription): \(value.debugDescription)")
            }
        }
    }
}
