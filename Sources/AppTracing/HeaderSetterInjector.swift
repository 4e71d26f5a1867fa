import Instrumentation
import TraceContext

/// Lets an `Instrument` write into any TraceContext `HeaderSetter`, replacing a header of the
/// same name: an outgoing request carries one context, not the incoming one beside it.
public struct HeaderSetterInjector<Carrier: HeaderSetter>: Injector {
    public init() {}

    public func inject(_ value: String, forKey key: String, into carrier: inout Carrier) {
        carrier.set(value, forLowercasedName: key.lowercased())
    }
}
