// swift-tools-version:6.1
// The floor under any NIO-based HTTP/1.1 proxy (issue 25): a TCP forwarder that parses
// nothing, one upstream connection per downstream one, bytes passed on as ByteBuffers.
// Benchmarks/proxy/floor.sh runs it beside nginx and tracelab-proxy; not part of the main build.
import PackageDescription

let package = Package(
    name: "NIOFloor",
    dependencies: [.package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2")],
    targets: [
        .executableTarget(name: "NIOFloor", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        ]),
    ]
)
