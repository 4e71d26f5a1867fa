/// Text made safe for a JUnit XML attribute or element: the five markup characters escaped,
/// and the control characters XML 1.0 forbids (ANSI colour escapes among them) dropped, so a
/// CI system's parser never rejects a report because a message was coloured or odd.
/// Shared by `tracelab run`'s and `tracelab check-propagation`'s JUnit reports.
public enum XMLText {
    public static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
