import Foundation

/// An SVG of latency by percentile, one line per setup, on the x axis HdrHistogram plots use
/// (50 %, 90 %, 99 %, 99.9 % equally spaced), so the tail people ask about is as wide as the median.
public struct LatencyPlot: Sendable {
    public var title: String
    public var series: [(name: String, latency: LatencyDistribution)]

    public init(title: String, series: [(name: String, latency: LatencyDistribution)]) {
        self.title = title
        self.series = series
    }

    static let colours = ["#1f77b4", "#2ca02c", "#ff7f0e", "#d62728", "#9467bd", "#8c564b"]

    /// x = log10(1 / (1 - p)): 0 at 0 %, 1 at 90 %, 2 at 99 %, 3 at 99.9 %.
    static func x(_ percentile: Double) -> Double {
        let rest = max(1 - percentile / 100, 1e-4)
        return -log10(rest)
    }

    public func svg(width: Double = 800, height: Double = 480) -> String {
        let left = 70.0, right = 220.0, top = 40.0, bottom = 50.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let percentiles = stride(from: 0.0, through: 99.9, by: 0.1).map { $0 }
        let maxX = Self.x(99.9)
        let maxY = max(series.map { $0.latency.percentile(99.9) / 1000 }.max() ?? 1, 0.001) * 1.05
        func px(_ p: Double) -> Double { left + Self.x(p) / maxX * plotWidth }
        func py(_ ms: Double) -> Double { top + plotHeight - ms / maxY * plotHeight }
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(left)" y="24" font-size="15">\(escaped(title))</text>
        <line x1="\(left)" y1="\(top + plotHeight)" x2="\(left + plotWidth)" y2="\(top + plotHeight)" stroke="black"/>
        <line x1="\(left)" y1="\(top)" x2="\(left)" y2="\(top + plotHeight)" stroke="black"/>
        <text x="\(left + plotWidth / 2)" y="\(height - 12)" text-anchor="middle">percentile</text>
        <text x="18" y="\(top + plotHeight / 2)" transform="rotate(-90 18 \(top + plotHeight / 2))" text-anchor="middle">latency (ms)</text>

        """
        for p in [0.0, 50, 90, 99, 99.9] {
            out += "<line x1=\"\(px(p))\" y1=\"\(top)\" x2=\"\(px(p))\" y2=\"\(top + plotHeight)\" stroke=\"#ddd\"/>"
            out += "<text x=\"\(px(p))\" y=\"\(top + plotHeight + 16)\" text-anchor=\"middle\">\(p == 0 ? "0" : "\(p)") %</text>\n"
        }
        for step in 0...4 {
            let ms = maxY * Double(step) / 4
            out += "<text x=\"\(left - 6)\" y=\"\(py(ms) + 4)\" text-anchor=\"end\">\(formatted(ms, ms < 10 ? 2 : 0))</text>\n"
        }
        for (index, entry) in series.enumerated() {
            let colour = Self.colours[index % Self.colours.count]
            let points = percentiles.map { p in "\(formatted(px(p), 1)),\(formatted(py(entry.latency.percentile(p) / 1000), 1))" }
            out += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>\n"
            let legendY = top + 16 + Double(index) * 20
            out += "<line x1=\"\(left + plotWidth + 16)\" y1=\"\(legendY - 4)\" x2=\"\(left + plotWidth + 40)\" y2=\"\(legendY - 4)\" stroke=\"\(colour)\" stroke-width=\"3\"/>"
            out += "<text x=\"\(left + plotWidth + 46)\" y=\"\(legendY)\">\(escaped(entry.name))</text>\n"
        }
        return out + "</svg>\n"
    }

    func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
