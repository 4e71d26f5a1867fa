// swift-tools-version:6.1
import PackageDescription

// The split follows ../shared/DESIGN.md: pure cores (TraceContext, Zipkin, TraceAnalysis,
// ScenarioModel) import nothing that does IO; NIO, Hummingbird and processes stay at the edges.
let package = Package(
    name: "TraceLab",
    platforms: [.macOS(.v15)],
    products: [



        .library(name: "TraceContext", targets: ["TraceContext"]),
        .library(name: "Zipkin", targets: ["Zipkin"]),

    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-service-context.git", from: "1.5.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/onevcat/Rainbow.git", from: "4.2.2"),
    ],
    targets: [
        // MARK: pure cores
        .target(name: "TraceContext"),
        .target(
            name: "TraceContextInstrument",
            dependencies: [
                "TraceContext",
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "ServiceContextModule", package: "swift-service-context"),
            ]
        ),
        .target(name: "Zipkin", dependencies: ["TraceContext"]),
    ]
)
