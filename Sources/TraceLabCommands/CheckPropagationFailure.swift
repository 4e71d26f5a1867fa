/// A failure of the set-up or of the user's flags, not of the app's propagation: exit 2.
enum CheckPropagationFailure: Error, CustomStringConvertible {
    case usage(String)
    case setup(String)

    var description: String {
        switch self {
        case .usage(let text), .setup(let text): text
        }
    }
}
