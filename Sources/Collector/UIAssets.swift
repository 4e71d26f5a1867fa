import Foundation
import Hummingbird

/// The web UI's files (Sources/Collector/UI), read once from the package's resource bundle
/// and served from memory: plain HTML/CSS/JS, no build step, no CDN.
struct UIAssets: Sendable {
    struct Asset: Sendable {
        var contentType: String
        var bytes: [UInt8]
    }

    private let assets: [String: Asset]
    /// Why the UI is missing, shown instead of it (e.g. the binary was moved away from its bundle).
    let problem: String?

    init() {
        let types = ["html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml"]
        guard let directory = Bundle.module.url(forResource: "UI", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else {
            assets = [:]
            problem = "the UI files were not found next to the binary (Collector resource bundle): run it from its build directory"
            return
        }
        var assets: [String: Asset] = [:]
        for name in names {
            let ext = (name as NSString).pathExtension
            guard let type = types[ext], let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { continue }
            assets[name] = Asset(contentType: type, bytes: [UInt8](data))
        }
        self.assets = assets
        problem = assets["index.html"] == nil ? "index.html is missing from the UI bundle" : nil
    }

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in serve("index.html") }
        router.get("/ui/:file") { _, context in serve(context.parameters.get("file") ?? "") }
        // Deep links of the single-page UI (`/trace/…`, `/request/…`, `/dependencies`, `/course`) load the same page.
        router.get("/trace/:traceId") { _, _ in serve("index.html") }
        router.get("/request/:requestId") { _, _ in serve("index.html") }
        router.get("/dependencies") { _, _ in serve("index.html") }
        router.get("/course") { _, _ in serve("index.html") }
    }

    private func serve(_ name: String) -> Response {
        guard let asset = assets[name] else {
            return JSONResponse.error(problem ?? "no UI file named \(name)", status: problem == nil ? .notFound : .serviceUnavailable)
        }
        return Response(
            status: .ok,
            headers: [.contentType: asset.contentType, .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.bytes))
        )
    }
}
