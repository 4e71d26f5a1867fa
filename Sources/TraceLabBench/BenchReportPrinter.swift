/// Formats `bench` results as an aligned table: figure, rate, target and the peer ratio.
public struct BenchReportPrinter: Sendable {
    let nameWidth = 68

    public init() {}

    public func header(seconds: Double, fixtures: [String], isDebugBuild: Bool) -> String {
        var lines = [
            "tracelab bench codec: one thread, \(seconds) CPU-seconds per figure, rates per CPU-second (per core)",
            "fixtures: \(fixtures.joined(separator: ", "))",
        ]
        if isDebugBuild {
            lines.append("warning: this is a debug build; its figures are not meaningful (use swift build -c release)")
        }
        lines.append("each figure is the median of \(Stopwatch.sliceCount) timed slices; [slices] gives the slowest and fastest")
        lines.append(pad("figure", nameWidth) + leftPad("per second", 16) + "  target")
        return lines.joined(separator: "\n")
    }

    public func line(_ result: BenchmarkResult) -> String {
        var text = pad(result.name, nameWidth) + leftPad(Self.grouped(result.perSecond) + " \(result.unit)/s", 16)
        if let target = result.target {
            text += "  ≥ \(Self.grouped(target)) " + (result.meetsTarget == true ? "ok" : "MISSED")
        }
        if let ratio = result.ratioToPeer {
            // The peer's name without its input, which is this figure's: "JSONDecoder decode".
            let peer = result.peer.map { String($0.prefix(while: { $0 != "(" })).trimmingCharacters(in: .whitespaces) } ?? "peer"
            text += "  (\(Self.fixed(ratio))× \(peer))"
        }
        if let slowest = result.slowestSlicePerSecond, let fastest = result.fastestSlicePerSecond {
            text += "  [slices \(Self.grouped(slowest))–\(Self.grouped(fastest))]"
        }
        return text
    }

    public func footer(_ report: CodecBenchmarkReport) -> String {
        let missed = report.results.filter { $0.meetsTarget == false }.map(\.name)
        let verdict = missed.isEmpty ? "all targets met" : "targets missed: \(missed.joined(separator: "; "))"
        return "\(verdict) (checksum \(report.checksum))"
    }

    static func grouped(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var result = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return String(result.reversed())
    }

    static func fixed(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    private func leftPad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
