/// A header format that carries a span context across a process boundary.
public enum PropagationFormat: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// `b3: {traceid}-{spanid}-{sampling}-{parent}`
    case b3Single = "b3single"
    /// `x-b3-traceid`, `x-b3-spanid`, `x-b3-parentspanid`, `x-b3-sampled`, `x-b3-flags`
    case b3Multi = "b3multi"
    /// `traceparent` and `tracestate`
    case w3c
    /// `uber-trace-id`
    case jaeger
    /// `x-ot-span-context`
    case otSpanContext = "ot"

    public var description: String { rawValue }

    /// The headers this format writes.
    public var headerNames: [String] {
        switch self {
        case .b3Single: [TraceHeaders.b3]
        case .b3Multi: [TraceHeaders.b3TraceID, TraceHeaders.b3SpanID, TraceHeaders.b3ParentSpanID, TraceHeaders.b3Sampled, TraceHeaders.b3Flags]
        case .w3c: [TraceHeaders.traceparent, TraceHeaders.tracestate]
        case .jaeger: [TraceHeaders.uberTraceID]
        case .otSpanContext: [TraceHeaders.otSpanContext]
        }
    }

    /// Parses a comma-separated list such as `b3multi,b3single,w3c` (the proxy's
    /// `--propagation` flag). Throws a message that names the unknown entry.
    public static func parseList(_ text: String) throws(PropagationFormatListError) -> [PropagationFormat] {
        var formats: [PropagationFormat] = []
        for part in text.split(separator: ",") {
            let name = part.trimmingOWS().lowercased()
            guard let format = PropagationFormat(rawValue: name) else {
                throw PropagationFormatListError(unknown: String(part))
            }
            if !formats.contains(format) { formats.append(format) }
        }
        if formats.isEmpty { throw PropagationFormatListError(unknown: text) }
        return formats
    }
}

/// An unknown name in a propagation format list.
public struct PropagationFormatListError: Error, Hashable, Sendable, CustomStringConvertible {
    public let unknown: String

    public init(unknown: String) {
        self.unknown = unknown
    }

    public var description: String {
        "unknown propagation format '\(unknown)'; use a comma-separated list of \(PropagationFormat.allCases.map(\.rawValue).joined(separator: ", "))"
    }
}
