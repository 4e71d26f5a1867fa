import Zipkin

/// A terminal waterfall of one trace for students: one line per span, indented under its
/// parent, a bar on a shared time axis, the duration and markers, then the verdict's
/// findings in words.
///
/// Plain printable ASCII only (span names are sanitised, so a hostile name cannot move the
/// cursor): callers add colour. Times are the skew-corrected ones when the verdict says a
/// clock was off.
///
/// ```
/// Trace 80f1...  4 spans  12.3ms  BROKEN (1 error)
/// SERVICE           NAME              KIND   |0              12.3ms|  DURATION
/// productpage-v1    /productpage      SERVER |###################==|    12.3ms
///  productpage-v1   reviews           CLIENT |  ####=====          |     8.1ms  X
/// ```
public enum ASCIIWaterfall {
    /// Marker for a span with an `error` tag or a 5xx status.
    public static let errorMarker: Character = "!"
    /// Marker for a span a broken-link finding names.
    public static let brokenMarker: Character = "X"
    /// Marker for a span whose times were moved by the clock-skew correction.
    public static let skewMarker: Character = "~"

    /// Renders the trace in at most `width` columns (at least 60 are used).
    public static func render(spans: [ZipkinSpan], verdict: TraceVerdict?, width: Int = 100) -> String {
        let width = max(width, 60)
        let tree = TraceTree(spans)
        var lines: [String] = []
        lines.append(header(tree: tree, verdict: verdict))
        guard !tree.spans.isEmpty else {
            lines.append("(no spans)")
            return lines.joined(separator: "\n") + "\n"
        }

        let starts = adjustedStarts(tree: tree, verdict: verdict)
        var first = UInt64.max
        var last: UInt64 = 0
        for index in tree.spans.indices {
            guard let start = starts[index] else { continue }
            first = min(first, start)
            last = max(last, start + (tree.spans[index].duration ?? 0))
        }
        if first == .max { first = 0 }
        let total = max(last - min(first, last), 1)

        let layout = Layout(width: width)
        let depths = tree.depths()
        let broken = Set(verdict?.findings.filter(\.brokenLink).flatMap(\.spanIDs) ?? [])
        let skewed = Set(verdict?.adjustedSpans.map { "\($0.spanID) \($0.kind)" } ?? [])
        var critical: [String: [CriticalPath.Segment]] = [:]
        for segment in verdict?.criticalPath.segments ?? [] { critical["\(segment.spanID) \(segment.kind)", default: []].append(segment) }

        lines.append(
            pad("SERVICE", layout.service) + " " + pad("NAME", layout.name) + " " + pad("KIND", 6) + " "
                + "|" + axis(total: total, width: layout.bar) + "|" + " " + leftPad("DURATION", 9)
        )
        for index in tree.depthFirst() {
            let span = tree.spans[index]
            let key = "\(span.id.hex) \(span.kindLabel)"
            let indent = String(repeating: " ", count: min(depths[index], 8)) + (depths[index] > 8 ? "+" : "")
            var bar = [Character](repeating: " ", count: layout.bar)
            if let start = starts[index] {
                let from = column(start - min(first, start), total: total, width: layout.bar)
                let to = column(start - min(first, start) + (span.duration ?? 0), total: total, width: layout.bar)
                if span.duration == nil {
                    bar[min(from, layout.bar - 1)] = "|"
                } else {
                    for position in from..<max(to, from + 1) where position < layout.bar { bar[position] = "=" }
                }
                for segment in critical[key] ?? [] {
                    let segmentFrom = column(segment.start - min(first, segment.start), total: total, width: layout.bar)
                    let segmentTo = column(segment.end - min(first, segment.end), total: total, width: layout.bar)
                    for position in segmentFrom..<max(segmentTo, segmentFrom + 1) where position < layout.bar { bar[position] = "#" }
                }
            }
            var markers = ""
            if span.isError { markers.append(errorMarker) }
            if broken.contains(span.id.hex) { markers.append(brokenMarker) }
            if skewed.contains(key) { markers.append(skewMarker) }
            let duration = span.duration.map(DurationText.format) ?? "?"
            let line = pad(indent + sanitize(span.nodeLabel), layout.service) + " " + pad(sanitize(span.name ?? "-"), layout.name) + " "
                + pad(span.kindLabel, 6) + " |" + String(bar) + "| " + leftPad(duration, 9)
                + (markers.isEmpty ? "" : "  " + markers)
            lines.append(line)
        }

        if let verdict {
            lines.append("")
            lines.append(contentsOf: summary(verdict, width: width))
        }
        lines.append("")
        lines.append("Legend: # critical path  = span  \(errorMarker) error  \(brokenMarker) broken link  \(skewMarker) clock adjusted")
        return lines.joined(separator: "\n") + "\n"
    }

    private struct Layout {
        var service: Int
        var name: Int
        var bar: Int

        init(width: Int) {
            // service + name + kind(6) + bar + duration(9) + markers(5) + separators(6)
            service = 20
            name = 22
            bar = width - service - name - 6 - 9 - 5 - 6
            if bar < 20 {
                let missing = 20 - bar
                name = max(10, name - missing)
                bar = width - service - name - 6 - 9 - 5 - 6
            }
            bar = max(bar, 10)
        }
    }

    private static func header(tree: TraceTree, verdict: TraceVerdict?) -> String {
        let traceID = verdict?.traceID ?? tree.spans.first?.traceID.hex ?? "?"
        var text = "Trace \(traceID)  \(tree.spans.count) span\(tree.spans.count == 1 ? "" : "s")"
        if let verdict {
            text += "  \(DurationText.format(verdict.durationMicroseconds))"
            let errors = verdict.findings.filter { $0.severity == .error }.count
            text += verdict.complete ? "  COMPLETE" : "  BROKEN (\(errors) error\(errors == 1 ? "" : "s"))"
        }
        return text
    }

    private static func summary(_ verdict: TraceVerdict, width: Int) -> [String] {
        var lines: [String] = []
        if !verdict.criticalPath.segments.isEmpty {
            var services: [String] = []
            for segment in verdict.criticalPath.segments where services.last != segment.service { services.append(segment.service) }
            lines.append(contentsOf: wrap(
                "Critical path \(DurationText.format(verdict.criticalPath.durationMicroseconds)): " + services.map(sanitize).joined(separator: " > "),
                width: width, indent: "  "
            ))
        }
        if let top = verdict.selfTime.first {
            let parts = verdict.selfTime.prefix(4).map { "\(sanitize($0.service)) \(DurationText.format($0.selfMicroseconds))" }
            lines.append(contentsOf: wrap("Self time: " + parts.joined(separator: ", "), width: width, indent: "  "))
            _ = top
        }
        if verdict.findings.isEmpty {
            lines.append("No problems found: one root, every call answered, one x-request-id.")
            return lines
        }
        lines.append("Findings:")
        for finding in verdict.findings {
            let marker = finding.brokenLink ? brokenMarker : (finding.kind == .clockSkew ? skewMarker : "-")
            let hop = finding.hop.map { " \(sanitize($0))" } ?? ""
            let head = "\(marker) \(finding.severity.rawValue.uppercased())\(hop) [\(finding.code.rawValue)]: "
            lines.append(contentsOf: wrap(head + sanitize(finding.cause), width: width, indent: "    "))
        }
        return lines
    }

    private static func adjustedStarts(tree: TraceTree, verdict: TraceVerdict?) -> [UInt64?] {
        guard let verdict else {
            let correction = ClockSkewCorrector(tolerance: TraceAnalysisOptions().clockSkewToleranceMicroseconds).correct(tree)
            return tree.spans.indices.map { index in
                tree.spans[index].timestamp.map { UInt64(clamping: max(0, Int64(clamping: $0) + correction.offsets[index])) }
            }
        }
        var moved: [String: UInt64] = [:]
        for adjustment in verdict.adjustedSpans { moved["\(adjustment.spanID) \(adjustment.kind) \(adjustment.service)"] = adjustment.adjustedTimestamp }
        return tree.spans.map { span in
            moved["\(span.id.hex) \(span.kindLabel) \(span.nodeLabel)"] ?? span.timestamp
        }
    }

    private static func column(_ offset: UInt64, total: UInt64, width: Int) -> Int {
        Int(min(offset, total) * UInt64(width) / total)
    }

    private static func axis(total: UInt64, width: Int) -> String {
        let end = DurationText.format(total)
        guard width > end.count + 2 else { return String(repeating: " ", count: width) }
        return "0" + String(repeating: " ", count: width - 1 - end.count) + end
    }

    /// Printable ASCII only; anything else (escape codes, non-ASCII) becomes `?`.
    static func sanitize(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { (0x20...0x7E).contains($0.value) ? $0 : "?" }))
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        if text.count > width { return String(text.prefix(max(width - 1, 0))) + "~" }
        return text + String(repeating: " ", count: width - text.count)
    }

    private static func leftPad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    private static func wrap(_ text: String, width: Int, indent: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            let prefix = lines.isEmpty ? "" : indent
            if !current.isEmpty && prefix.count + current.count + 1 + word.count > width {
                lines.append((lines.isEmpty ? "" : indent) + current)
                current = String(word)
            } else {
                current += current.isEmpty ? String(word) : " " + word
            }
        }
        if !current.isEmpty { lines.append((lines.isEmpty ? "" : indent) + current) }
        return lines
    }
}
