/// One of the two labs TraceLab can run.
public enum LabName: String, CaseIterable, Codable, Hashable, Sendable, CustomStringConvertible {
    /// Istio's bookinfo: productpage → details, productpage → reviews v1/v2/v3 → ratings.
    case bookinfo
    /// The three-hop chain of the FSM + OpenTelemetry sample: service-a → service-b → service-c.
    case chain

    public var description: String { rawValue }

    /// The services of this lab, callers before callees.
    public var services: [ServiceName] {
        ServiceName.allCases.filter { $0.lab == self }
    }
}

/// What `tracelab up --lab` starts: one lab or both side by side (they share the collector).
public enum LabSelection: String, CaseIterable, Codable, Hashable, Sendable, CustomStringConvertible {
    case bookinfo
    case chain
    case all

    public var description: String { rawValue }

    public var labs: [LabName] {
        switch self {
        case .bookinfo: [.bookinfo]
        case .chain: [.chain]
        case .all: LabName.allCases
        }
    }
}
