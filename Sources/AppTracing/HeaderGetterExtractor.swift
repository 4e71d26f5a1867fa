import Instrumentation
import TraceContext

/// Lets an `Instrument` read any TraceContext `HeaderGetter` (a request's headers,
/// `HeaderFields`); names are matched lower-case.
public struct HeaderGetterExtractor<Carrier: HeaderGetter>: Extractor {
    public init() {}

    public func extract(key: String, from carrier: Carrier) -> String? {
        carrier.firstValue(forLowercasedName: key.lowercased())
    }
}
