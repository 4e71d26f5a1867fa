import TraceContext
import Zipkin

/// Turns a v1 span into the v2 spans it stands for, with the rules of zipkin2's
/// `zipkin2.v1.V1SpanConverter` (openzipkin/zipkin), so a v1 sender's traces look here as they
/// do in Zipkin itself:
/// - one v2 span per service among the endpoints (a v1 span shared by client and server
///   becomes a CLIENT span and a `shared` SERVER span);
/// - core annotations set the kind (`cs`/`cr` CLIENT, `sr`/`ss` SERVER, `ms` PRODUCER, `mr`
///   CONSUMER) and the timing, other annotations stay annotations;
/// - string binary annotations become tags of their endpoint's span (an empty `lc` is dropped),
///   `ca`/`sa`/`ma` become remote endpoints.
/// Unlike zipkin2's, it keeps no state between calls, so one value can be shared.
struct V1SpanConverter {
    func convert(_ source: V1Span) -> [ZipkinSpan] {
        var work = Conversion(source: source)
        work.processAnnotations()
        work.processBinaryAnnotations()
        return work.builders.map { $0.build() }
    }
}

/// One v2 span being built (zipkin2's `Span.Builder`).
private final class SpanBuilder {
    let source: V1Span
    var localEndpoint: ZipkinEndpoint?
    var remoteEndpoint: ZipkinEndpoint?
    var kind: ZipkinSpan.Kind?
    var timestamp: UInt64?
    var duration: UInt64?
    var shared = false
    var annotations: [ZipkinAnnotation] = []
    var tags: [String: String] = [:]

    init(source: V1Span, localEndpoint: ZipkinEndpoint?) {
        self.source = source
        self.localEndpoint = localEndpoint
    }

    /// Sets the duration from two timestamps; a negative difference leaves it unset, as zipkin2's builder does.
    func setDuration(from start: UInt64, to end: UInt64) {
        duration = end > start ? end - start : nil
    }

    func build() -> ZipkinSpan {
        ZipkinSpan(
            traceID: source.traceID, id: source.id, parentID: source.parentID == source.id ? nil : source.parentID,
            name: source.name, kind: kind, timestamp: timestamp, duration: duration,
            // Finagle's "ca" loses its service name below and may be left empty: no endpoint,
            // as zipkin2's builder has it.
            localEndpoint: localEndpoint, remoteEndpoint: remoteEndpoint?.isEmpty == true ? nil : remoteEndpoint,
            annotations: annotations.sorted { ($0.timestamp, $0.value) < ($1.timestamp, $1.value) },
            tags: ZipkinTags(tags), debug: source.debug,
            shared: shared && kind != .client
        )
    }
}

private struct Conversion {
    let source: V1Span
    /// The first span, then one per other service, in the order they were met.
    var builders: [SpanBuilder]
    var cs, sr, ss, cr, ms, mr, ws, wr: V1Annotation?

    init(source: V1Span) {
        self.source = source
        builders = [SpanBuilder(source: source, localEndpoint: nil)]
    }

    private static func sameService(_ left: ZipkinEndpoint?, _ right: ZipkinEndpoint?) -> Bool {
        left?.serviceName == right?.serviceName
    }

    /// The span of `endpoint`'s service: the first span takes the first endpoint it is given;
    /// a span without endpoint data goes to the first span.
    mutating func forEndpoint(_ endpoint: ZipkinEndpoint?) -> SpanBuilder {
        guard let endpoint else { return builders[0] }
        for builder in builders {
            if builder.localEndpoint == nil {
                builder.localEndpoint = endpoint
                return builder
            }
            if Self.sameService(builder.localEndpoint, endpoint) { return builder }
        }
        return newBuilder(endpoint)
    }

    mutating func newBuilder(_ endpoint: ZipkinEndpoint) -> SpanBuilder {
        let builder = SpanBuilder(source: source, localEndpoint: endpoint)
        builders.append(builder)
        return builder
    }

    mutating func processAnnotations() {
        for annotation in source.annotations {
            let span = forEndpoint(annotation.endpoint)
            // Core annotations need an endpoint; without one they are plain events.
            guard annotation.value.utf8.count == 2, annotation.endpoint != nil else {
                span.annotations.append(ZipkinAnnotation(timestamp: annotation.timestamp, value: annotation.value))
                continue
            }
            switch annotation.value {
            case "cs": span.kind = .client; cs = annotation
            case "sr": span.kind = .server; sr = annotation
            case "ss": span.kind = .server; ss = annotation
            case "cr": span.kind = .client; cr = annotation
            case "ms": span.kind = .producer; ms = annotation
            case "mr": span.kind = .consumer; mr = annotation
            case "ws": ws = annotation
            case "wr": wr = annotation
            default: span.annotations.append(ZipkinAnnotation(timestamp: annotation.timestamp, value: annotation.value))
            }
        }

        // A tracer bridging events to spans may send the end without the start.
        if cs == nil, let cr, endReflectsDuration(cr) {
            cs = V1Annotation(timestamp: source.timestamp, value: "cs", endpoint: cr.endpoint)
        }
        if sr == nil, let ss, endReflectsDuration(ss) {
            sr = V1Annotation(timestamp: source.timestamp, value: "sr", endpoint: ss.endpoint)
        }

        if let cs, let sr {
            // In a shared span the client side owns the span's timing.
            timestampAndDuration(begin: cs, end: cr)
            let client = forEndpoint(cs.endpoint)
            let server: SpanBuilder
            if Self.sameService(cs.endpoint, sr.endpoint) {
                // Loopback: still two spans.
                client.kind = .client
                server = newBuilder(sr.endpoint!)
                server.kind = .server
            } else {
                server = forEndpoint(sr.endpoint)
            }
            server.shared = true
            server.timestamp = sr.timestamp
            if let ss { server.setDuration(from: sr.timestamp, to: ss.timestamp) }
            if cr == nil, source.duration == 0 { client.duration = nil }  // one-way: no duration
        } else if let cs, let cr {
            timestampAndDuration(begin: cs, end: cr)
        } else if let sr, let ss {
            timestampAndDuration(begin: sr, end: ss)
        } else {
            handleIncompleteRPC()
        }

        // v1 had no shared flag: a server side without the span's own timestamp was shared.
        if cs == nil, let sr, source.timestamp == 0 || (ss != nil && source.duration == 0) {
            forEndpoint(sr.endpoint).shared = true
        }

        if let ms, let mr {
            let producer = forEndpoint(ms.endpoint)
            let consumer: SpanBuilder
            if Self.sameService(ms.endpoint, mr.endpoint) {
                producer.kind = .producer
                consumer = newBuilder(mr.endpoint!)
                consumer.kind = .consumer
            } else {
                consumer = forEndpoint(mr.endpoint)
            }
            consumer.shared = true
            if let wr {
                consumer.timestamp = wr.timestamp
                consumer.setDuration(from: wr.timestamp, to: mr.timestamp)
            } else {
                consumer.timestamp = mr.timestamp
            }
            producer.timestamp = ms.timestamp
            if let ws { producer.setDuration(from: ms.timestamp, to: ws.timestamp) } else { producer.duration = nil }
        } else if let ms {
            timestampAndDuration(begin: ms, end: ws)
        } else if let mr {
            if let wr { timestampAndDuration(begin: wr, end: mr) } else { timestampAndDuration(begin: mr, end: nil) }
        } else {
            if let ws { forEndpoint(ws.endpoint).annotations.append(ZipkinAnnotation(timestamp: ws.timestamp, value: ws.value)) }
            if let wr { forEndpoint(wr.endpoint).annotations.append(ZipkinAnnotation(timestamp: wr.timestamp, value: wr.value)) }
        }
    }

    private func endReflectsDuration(_ end: V1Annotation) -> Bool {
        source.timestamp != 0 && source.duration != 0 && source.timestamp &+ source.duration == end.timestamp
    }

    /// The span's own timestamp and duration when both are set, else the annotations'.
    private mutating func timestampAndDuration(begin: V1Annotation, end: V1Annotation?) {
        let span = forEndpoint(begin.endpoint)
        if source.timestamp != 0, source.duration != 0 {
            span.timestamp = source.timestamp
            span.duration = source.duration
        } else {
            span.timestamp = begin.timestamp
            if let end { span.setDuration(from: begin.timestamp, to: end.timestamp) }
        }
    }

    /// Without a matching begin and end, the one core annotation seen gives the timestamp or
    /// stays an annotation.
    private func handleIncompleteRPC() {
        for span in builders {
            if span.kind == .client {
                if let cs { span.timestamp = cs.timestamp }
                if let cr { span.annotations.append(ZipkinAnnotation(timestamp: cr.timestamp, value: cr.value)) }
            } else if span.kind == .server {
                if let sr { span.timestamp = sr.timestamp }
                if let ss { span.annotations.append(ZipkinAnnotation(timestamp: ss.timestamp, value: ss.value)) }
            }
        }
        if source.timestamp != 0 {
            builders[0].timestamp = source.timestamp
            builders[0].duration = source.duration == 0 ? nil : source.duration
        }
    }

    mutating func processBinaryAnnotations() {
        var ca: ZipkinEndpoint?, sa: ZipkinEndpoint?, ma: ZipkinEndpoint?
        for binary in source.binaryAnnotations {
            // Address annotations are read leniently: some tracers send "1" or "true" as text.
            switch binary.key {
            case "ca": ca = binary.endpoint; continue
            case "sa": sa = binary.endpoint; continue
            case "ma": ma = binary.endpoint; continue
            default: break
            }
            guard let value = binary.stringValue else { continue }
            let span = forEndpoint(binary.endpoint)
            if binary.key == "lc", value.isEmpty { continue }  // a marker, not a tag
            span.tags[binary.key] = value
        }

        let noCoreAnnotations = cs == nil && cr == nil && ss == nil && sr == nil
        if noCoreAnnotations, ca != nil || sa != nil {
            if let ca, let sa {
                forEndpoint(ca).remoteEndpoint = sa
            } else if let sa {
                // "sa" alone is just a remote address; it does not make a client span.
                forEndpoint(nil).remoteEndpoint = sa
            } else if let ca {
                let span = forEndpoint(nil)
                span.kind = .server
                span.remoteEndpoint = ca
            }
            return
        }

        let server = sr ?? ss
        if var ca, let server, ca != server.endpoint {
            // Finagle puts the client socket with the server's own name in "ca": drop the name
            // so it does not look like a call to itself.
            if Self.sameService(ca, server.endpoint) { ca.serviceName = nil }
            forEndpoint(server.endpoint).remoteEndpoint = ca
        }
        if let sa {
            if let cs {
                forEndpoint(cs.endpoint).remoteEndpoint = sa
            } else if let cr {
                forEndpoint(cr.endpoint).remoteEndpoint = sa
            }
        }
        if let ma {
            if let ms { forEndpoint(ms.endpoint).remoteEndpoint = ma }
            if let mr { forEndpoint(mr.endpoint).remoteEndpoint = ma }
        }
    }
}
