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

    /// Renders the trace in at most `width` columns (at least 60 are used); long findings wrap.
    public static func render(spans: [ZipkinSpan], verdict: TraceVerdict?, width: Int = 100) -> String {
        let width = max(width, 60)
        let tree = TraceTree(spans)
        var lines: [String] = []
        lines.append(contentsOf: wrap(header(tree: tree, verdict: verdict), width: width, indent: "  "))
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
            last = max(last, ZipkinSpanTime.end(start, tree.spans[index].duration))
        }
        if first == .max { first = 0 }
        let total = max(last - min(first, last), 1)

        let layout = Layout(width: width)
        let depths = tree.depths()
        // A shared CLIENT/SERVER pair has one id: mark only the side on the finding's hop.
        var broken: [String: [Substring]] = [:]
        for finding in verdict?.findings ?? [] where finding.brokenLink {
            let sides = finding.hop.map { $0.split(separator: " -> ") } ?? []
            for id in finding.spanIDs { broken[id, default: []].append(contentsOf: sides.isEmpty ? ["*"] : sides) }
        }
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
                let to = column(ZipkinSpanTime.end(start - min(first, start), span.duration), total: total, width: layout.bar)
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
            if let sides = broken[span.id.hex],
               sides.contains(where: { $0 == "*" || $0 == span.nodeLabel || $0 == span.serviceLabel || $0 == "?" }) {
                markers.append(brokenMarker)
            }
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
        lines.append(contentsOf: wrap(
            "Legend: # critical path  = span  \(errorMarker) error  \(brokenMarker) broken link  \(skewMarker) clock adjusted",
            width: width, indent: "        "
        ))
        return lines.joined(separator: "\n") + "\n"
    }

    private struct Layout {
        var service: Int
        var name: Int
        var bar: Int

        init(width: Int) {
            // Fixed: kind 6, duration 9, markers up to 5, separators " ", " ", " |", "| " = 6.
            let available = width - 26
            if available >= 62 {
                service = 20
                name = 22
                bar = available - 42
            } else {
                // Node names ("productpage-v1") matter more than span names when space is short.
                bar = max(10, available * 2 / 5)
                let rest = available - bar
                service = min(20, max(14, rest / 2))
                name = max(6, rest - service)
                bar = max(10, available - service - name)
            }
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
            // Where the waiting went: time on the critical path per service, largest first.
            var onPath: [String: UInt64] = [:]
            for segment in verdict.criticalPath.segments { onPath[segment.service] = (onPath[segment.service] ?? 0).plus(segment.durationMicroseconds) }
            let parts = onPath.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5)
                .map { "\(sanitize($0.key)) \(DurationText.format($0.value))" }
            lines.append(contentsOf: wrap(
                "Critical path \(DurationText.format(verdict.criticalPath.durationMicroseconds)): " + parts.joined(separator: ", "),
                width: width, indent: "  "
            ))
        }
        if !verdict.selfTime.isEmpty {
            let parts = verdict.selfTime.prefix(5).map { "\(sanitize($0.service)) \(DurationText.format($0.selfMicroseconds))" }
            lines.append(contentsOf: wrap("Self time: " + parts.joined(separator: ", "), width: width, indent: "  "))
        }
        if verdict.findings.isEmpty {
            lines.append(contentsOf: wrap("No problems found: one root, every call answered, one x-request-id.", width: width, indent: "  "))
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
                tree.spans[index].timestamp.map { Int64.shift($0, by: correction.offsets[index]) }
            }
        }
        var moved: [String: UInt64] = [:]
        for adjustment in verdict.adjustedSpans { moved["\(adjustment.spanID) \(adjustment.kind) \(adjustment.service)"] = adjustment.adjustedTimestamp }
        return tree.spans.map { span in
            moved["\(span.id.hex) \(span.kindLabel) \(span.nodeLabel)"] ?? span.timestamp
        }
    }

    private static func column(_ offset: UInt64, total: UInt64, width: Int) -> Int {
        // In Double: offset × width overflows UInt64 for absurd (hostile) durations.
        min(width, Int(Double(min(offset, total)) / Double(total) * Double(width)))
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

    /// Word-wraps to `width`; continuation lines start with `indent`; a word longer than a
    /// line (a URL, a trace id) is cut. Text that fits keeps its spacing.
    private static func wrap(_ text: String, width: Int, indent: String) -> [String] {
        guard text.count > width else { return [text] }
        var lines: [String] = []
        var current = ""
        func limit() -> Int { lines.isEmpty ? width : width - indent.count }
        func flush() {
            lines.append((lines.isEmpty ? "" : indent) + current)
            current = ""
        }
        for wordSlice in text.split(separator: " ") {
            var word = String(wordSlice)
            if !current.isEmpty && current.count + 1 + word.count > limit() { flush() }
            while word.count > limit() {
                if !current.isEmpty { flush() }
                current = String(word.prefix(limit()))
                word = String(word.dropFirst(limit()))
                flush()
            }
            if word.isEmpty { continue }
            current += current.isEmpty ? word : " " + word
        }
        if !current.isEmpty { flush() }
        return lines
    }
}
