import HTTP1Wire
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

    /// Input: the bytes a client sends to the sidecar. A head the proxy's parser accepts
    /// (with a body length it accepts) is written on as the proxy writes it, hop-by-hop fields
    /// dropped and a header set; what comes out parses again, keeps every field it did not
    /// drop in order, and has no CR, LF or NUL inside a field.
    public static func requestHead(_ bytes: UnsafeRawBufferPointer) throws(Violation) {
        guard let length = HTTP1HeadParser.headLength(in: bytes) else { return }
        let head: HTTP1RequestHead
        do {
            head = try HTTP1HeadParser.request(Array(bytes[..<length]))
            _ = try HTTP1BodyLength.of(head)
        } catch {
            guard !error.description.isEmpty, [400, 431, 501, 505].contains(error.status) else {
                throw Violation(description: "a refusal must name the problem and answer 4xx/5xx: \(error)")
            }
            return
        }
        var writer = HTTP1HeadWriter()
        writer.set("x-request-id", "fuzz")
        var output = Array("GET / HTTP/1.1\r\n".utf8)
        writer.write(fields: head.fields, into: &output)
        let again: HTTP1RequestHead
        do {
            again = try HTTP1HeadParser.request(output)
        } catch {
            throw Violation(description: "the forwarded head does not parse again (\(error)): \(String(decoding: output, as: UTF8.self).debugDescription)")
        }
        let fields = again.fields
        for index in fields.fields.indices {
            let line = fields.bytes[fields.fields[index].line].dropLast(2)
            if line.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) {
                throw Violation(description: "a CR, LF or NUL inside forwarded field \(fields.name(at: index).debugDescription)")
            }
        }
        let sent = head.fields.fields.indices.map { head.fields.name(at: $0).lowercased() }
        let kept = fields.fields.indices.dropLast().map { fields.name(at: $0).lowercased() }
        let dropped = Set(HopByHopHeaders.names).subtracting(["transfer-encoding"]).union(["x-request-id"]).union(HopByHopHeaders.listed(in: head.fields))
        guard kept == sent.filter({ !dropped.contains($0) }) else {
            throw Violation(description: "forwarded fields \(kept) are not the received ones \(sent) less the dropped ones")
        }
    }

    /// Input: what a collector answers a span POST with (`HTTP1SpanPoster` reads it with
    /// ``HTTP1ResponseReader``). Read whole and read a byte at a time, it gives the same
    /// outcome: the same status of a complete response (a final one: 101 or 200–999), more
    /// needed, or a refusal that names the problem.
    public static func responseReader(_ bytes: UnsafeRawBufferPointer) throws(Violation) {
        enum Outcome: Equatable {
            case complete(status: Int)
            case needMore(completesAtClose: Int?)
            case refused
        }
        func read(pieceSize: Int) throws(Violation) -> Outcome {
            var reader = HTTP1ResponseReader()
            var offset = 0
            repeat {
                let end = min(offset + pieceSize, bytes.count)
                let piece = UnsafeRawBufferPointer(rebasing: bytes[offset..<end])
                offset = end
                let progress: HTTP1ResponseReader.Progress
                do {
                    progress = try reader.consume(piece)
                } catch {
                    guard !error.description.isEmpty else { throw Violation(description: "a refusal without a reason") }
                    return .refused
                }
                if case .complete(let status, _) = progress {
                    guard status == 101 || (200...999).contains(status) else {
                        throw Violation(description: "completed with status \(status), not a final response")
                    }
                    return .complete(status: status)
                }
            } while offset < bytes.count
            if case .complete(let status, let reusable)? = reader.connectionClosed() {
                guard !reusable else { throw Violation(description: "a response that ends at the close left the connection reusable") }
                return .needMore(completesAtClose: status)
            }
            return .needMore(completesAtClose: nil)
        }
        let whole = try read(pieceSize: max(1, bytes.count))
        let bytewise = try read(pieceSize: 1)
        guard whole == bytewise else {
            throw Violation(description: "read whole: \(whole); a byte at a time: \(bytewise)")
        }
    }
}
