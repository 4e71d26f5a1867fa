/// An outgoing call one service makes while handling its entry request: who calls whom on
/// which path. The proxy turns each into a CLIENT span on the caller's sidecar and a SERVER
/// span on the callee's.
public struct ServiceCall: Hashable, Sendable, Codable, CustomStringConvertible {
    public var caller: ServiceName
    /// The caller versions that make this call (reviews v1 never calls ratings).
    public var callerVersions: [String]
    public var callee: ServiceName
    /// The request path with `{id}` for the product id, e.g. `/reviews/{id}`.
    public var pathTemplate: String

    public init(caller: ServiceName, callerVersions: [String]? = nil, callee: ServiceName, pathTemplate: String) {
        self.caller = caller
        self.callerVersions = callerVersions ?? caller.versions
        self.callee = callee
        self.pathTemplate = pathTemplate
    }

    /// The path for one product id.
    public func path(productID: Int) -> String {
        pathTemplate.replacingOccurrences(of: "{id}", with: String(productID))
    }

    public func isMade(by instance: ServiceInstance) -> Bool {
        instance.service == caller && callerVersions.contains(instance.version)
    }

    public var description: String { "\(caller) -> \(callee) GET \(pathTemplate)" }
}

extension String {
    // LabModel stays free of Foundation; this is the one string operation it needs.
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}

extension Substring {
    fileprivate func range(of target: String) -> Range<Substring.Index>? {
        let targetCount = target.count
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(target) {
                return index..<self.index(index, offsetBy: targetCount)
            }
            index = self.index(after: index)
        }
        return nil
    }
}
