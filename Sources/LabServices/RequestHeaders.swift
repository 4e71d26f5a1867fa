import Hummingbird
import TraceContext

/// Reads a Hummingbird request's headers through TraceContext's carrier protocol, so the
/// propagation code stays free of HTTP types.
struct RequestHeaders: HeaderGetter {
    let fields: HTTPFields

    func firstValue(forLowercasedName name: String) -> String? {
        for field in fields where field.name.canonicalName == name {
            return field.value
        }
        return nil
    }
}
