// swift-tools-version:6.1
import PackageDescription

// The split follows docs/ARCHITECTURE.md: pure cores (TraceContext, Zipkin, TraceAnalysis,
// ScenarioModel) import nothing that does IO; NIO, Hummingbird and processes stay at the edges.

// An executable of the lab, running one command-line target. Release executables link the
// Swift runtime and Foundation statically, and not as position-independent code. A lab runs 13
// copies of the binary; each dynamically loaded runtime and every PIE relocation costs every
// process its own pages (measured: a sidecar's RSS 32.7 MB dynamic, 25 MB static without PIE;
// docs/PERFORMANCE.md). The thin mains are compiled against the static SDK and import Foundation
// so that their objects carry the static Foundation's link dependencies (CoreFoundation, ICU).
// The linker (the toolchain's lld, for its symbol ordering) places the code the lab runs first
// and grouped by role, from Linking/hot-text.order: the kernel maps code 64 KB around each
// fault, so scattered hot functions made every process map ~16 MB of code (Linking/README.md).
// Debug builds stay dynamic and quick to link.
func executable(_ name: String, runs commandLine: Target.Dependency) -> Target {
    let staticRelease = BuildSettingCondition.when(platforms: [.linux], configuration: .release)
    let hotText = "\(Context.packageDirectory)/Linking/hot-text.order"
    return .executableTarget(
        name: name, dependencies: [commandLine],
        swiftSettings: [.unsafeFlags(["-static-stdlib"], staticRelease)],
        linkerSettings: [.unsafeFlags([
            "-static-stdlib", "-use-ld=lld", "-Xclang-linker", "-no-pie", "-Xlinker", "--no-export-dynamic",
            "-Xlinker", "--symbol-ordering-file=\(hotText)", "-Xlinker", "--no-warn-symbol-ordering",
        ], staticRelease)]
    )
}

let package = Package(
    name: "TraceLab",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tracelab", targets: ["TraceLabCLI"]),
        .executable(name: "tracelab-proxy", targets: ["TraceLabProxyMain"]),
        .executable(name: "tracelab-collector", targets: ["TraceLabCollectorMain"]),
        .executable(name: "productpage", targets: ["ProductpageMain"]),
        .executable(name: "details", targets: ["DetailsMain"]),
        .executable(name: "reviews", targets: ["ReviewsMain"]),
        .executable(name: "ratings", targets: ["RatingsMain"]),
        .executable(name: "service-a", targets: ["ServiceAMain"]),
        .executable(name: "service-b", targets: ["ServiceBMain"]),
        .executable(name: "service-c", targets: ["ServiceCMain"]),
        .library(name: "TraceContext", targets: ["TraceContext"]),
        .library(name: "Zipkin", targets: ["Zipkin"]),
        .library(name: "TraceAnalysis", targets: ["TraceAnalysis"]),
        // For the libFuzzer targets in Fuzz/ (a package of their own, built with -sanitize=fuzzer).
        .library(name: "FuzzProperties", targets: ["FuzzProperties"]),
    ],
    traits: [
        // On by default (`tracelab up` listens on 4317). Off (`swift build --disable-default-traits`)
        // leaves grpc-swift's NIO transport out, and with it swift-crypto's and
        // swift-certificates' compile; the collector then takes OTLP over HTTP only.
        .trait(name: "OTLPGRPC", description: "The collector's OTLP/gRPC listener (--otlp-grpc), with grpc-swift 2"),
        .default(enabledTraits: ["OTLPGRPC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-service-context.git", from: "1.5.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/onevcat/Rainbow.git", from: "4.2.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
    ],
    targets: [
        // MARK: pure cores (no IO, no NIO)
        .target(name: "TraceContext"),
        .target(name: "HTTP1Wire"),
        .target(
            name: "TraceContextInstrument",
            dependencies: [
                "TraceContext",
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "ServiceContextModule", package: "swift-service-context"),
            ]
        ),
        .target(name: "Zipkin", dependencies: ["TraceContext"]),
        // A swift-distributed-tracing Tracer that reports ZipkinSpans (the services' app spans).
        .target(
            name: "AppTracing",
            dependencies: [
                "TraceContext", "TraceContextInstrument", "Zipkin",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "ServiceContextModule", package: "swift-service-context"),
            ]
        ),
        .target(name: "TraceAnalysis", dependencies: ["Zipkin"]),
        .target(name: "LabModel", dependencies: ["TraceContext"]),
        // `check-propagation`'s cases, the classification of what an app sent on, verdicts, reports.
        .target(name: "PropagationCheck", dependencies: ["TraceContext", "JUnitXML"]),
        // XML text escaping for the JUnit reports of `run` and `check-propagation`.
        .target(name: "JUnitXML"),
        .target(name: "ScenarioModel", dependencies: ["Zipkin", "LabModel", .product(name: "Yams", package: "Yams")]),
        // Every span format the collector takes besides Zipkin v2 JSON (Zipkin proto3, Zipkin v1
        // JSON, OTLP protobuf and JSON), decoded and mapped to `ZipkinSpan`. The generated
        // protobuf code is committed; proto/ holds its sources and the script that regenerates it.
        .target(
            name: "SpanFormats",
            dependencies: ["Zipkin", "TraceContext", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["proto"]
        ),

        // MARK: IO edges
        .target(
            name: "ZipkinHTTPReporter",
            dependencies: [
                "Zipkin", "HTTP1Wire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Span POSTs through AsyncHTTPClient (https collectors, the lab services), kept out of
        // ZipkinHTTPReporter so that the lean sidecar executable does not link it.
        .target(
            name: "AsyncHTTPClientSpanPosting",
            dependencies: [
                "ZipkinHTTPReporter",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "ProxyCore",
            dependencies: [
                "TraceContext", "Zipkin", "HTTP1Wire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Proxy",
            dependencies: [
                "ProxyCore", "ZipkinHTTPReporter",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "SpanStore",
            dependencies: [
                "Zipkin",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "Collector",
            dependencies: [
                // ScenarioModel: the course page reads the lesson files and `tracelab run`'s results.
                "Zipkin", "SpanStore", "TraceAnalysis", "SpanFormats", "ScenarioModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // OTLP/gRPC (--otlp-grpc): the service on raw bytes, decoded by SpanFormats.
                .product(name: "GRPCCore", package: "grpc-swift-2", condition: .when(traits: ["OTLPGRPC"])),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport", condition: .when(traits: ["OTLPGRPC"])),
            ],
            resources: [.copy("UI")]
        ),
        .target(
            name: "LabServices",
            dependencies: [
                "TraceContext", "Zipkin", "ZipkinHTTPReporter", "AsyncHTTPClientSpanPosting", "LabModel", "AppTracing", "TraceContextInstrument", "SpanFormats",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceContextModule", package: "swift-service-context"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "Lab",
            dependencies: [
                "LabModel", "Zipkin",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Scenario",
            dependencies: [
                "ScenarioModel", "TraceAnalysis", "LabModel", "Lab", "Zipkin", "JUnitXML",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Rainbow", package: "Rainbow"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "TraceLabBench", dependencies: ["TraceContext", "Zipkin", "SpanFormats"]),
        // The overhead and soak labs' load generator: paced (open-model) GETs on one event loop.
        .target(
            name: "PacedLoad",
            dependencies: [
                "LabModel",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // What the fuzz targets check on each input; the regression tests replay saved inputs through it.
        .target(
            name: "FuzzProperties",
            dependencies: [
                "TraceContext", "Zipkin", "ScenarioModel", "HTTP1Wire", "SpanFormats",
            ]
        ),

        // MARK: command line (only executables and this layer parse options)
        .target(name: "StandardErrorLogging", dependencies: [.product(name: "Logging", package: "swift-log")]),
        // One target per process role, so each role's executable links only what it runs.
        // C: sets the Swift runtime's global-enqueue hook, which `dlsym` cannot see in the static binaries.
        .target(name: "ConcurrencyEnqueueHook"),
        .target(
            name: "ServiceCommandLine",
            dependencies: [
                "LabServices", "LabModel", "Zipkin", "StandardErrorLogging", "ConcurrencyEnqueueHook",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "CollectorCommandLine",
            dependencies: [
                "Collector", "SpanStore", "StandardErrorLogging",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ProxyCommandLine",
            dependencies: [
                "Proxy", "ProxyCore", "ZipkinHTTPReporter", "StandardErrorLogging",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "TraceLabCommands",
            dependencies: [
                "TraceContext", "Zipkin", "TraceAnalysis", "Proxy", "Collector", "LabServices", "Lab", "LabModel",
                "Scenario", "ScenarioModel", "TraceLabBench", "PacedLoad", "ProxyCommandLine", "ServiceCommandLine", "CollectorCommandLine", "StandardErrorLogging",
                // SpanFormats: `bench collector` posts the same spans as OTLP protobuf.
                "SpanFormats",
                "PropagationCheck",
                // `tracelab proxy` posts spans to an https:// collector through it.
                "AsyncHTTPClientSpanPosting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // check-propagation's capture server (the app's outbound listener).
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        executable("TraceLabCLI", runs: "TraceLabCommands"),
        executable("TraceLabProxyMain", runs: "ProxyCommandLine"),
        executable("TraceLabCollectorMain", runs: "CollectorCommandLine"),
        executable("ProductpageMain", runs: "ServiceCommandLine"),
        executable("DetailsMain", runs: "ServiceCommandLine"),
        executable("ReviewsMain", runs: "ServiceCommandLine"),
        executable("RatingsMain", runs: "ServiceCommandLine"),
        executable("ServiceAMain", runs: "ServiceCommandLine"),
        executable("ServiceBMain", runs: "ServiceCommandLine"),
        executable("ServiceCMain", runs: "ServiceCommandLine"),

        // MARK: tests
        // Helpers several test targets share (raw-socket requests no HTTP client would send).
        .target(name: "TestSupport", dependencies: [.product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio")], path: "Tests/Support"),
        .testTarget(name: "HTTP1WireTests", dependencies: ["HTTP1Wire"]),
        .testTarget(name: "TraceContextTests", dependencies: ["TraceContext", "TraceContextInstrument"]),
        .testTarget(name: "AppTracingTests", dependencies: ["AppTracing", "TraceContext", "TraceContextInstrument", "Zipkin", .product(name: "Tracing", package: "swift-distributed-tracing")]),
        .testTarget(name: "TraceLabBenchTests", dependencies: ["TraceLabBench"]),
        .testTarget(name: "PropagationCheckTests", dependencies: ["PropagationCheck", "TraceContext", "LabModel"]),
        .testTarget(name: "PacedLoadTests", dependencies: ["PacedLoad", "TestSupport", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio")]),
        .testTarget(name: "ZipkinTests", dependencies: ["Zipkin"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SpanFormatsTests", dependencies: ["SpanFormats", "Zipkin", "TraceContext", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .testTarget(name: "TraceAnalysisTests", dependencies: ["TraceAnalysis", "Zipkin"]),
        // Collector: the sidecar's reporters are checked against the real collector (proto3 ingest, query API).
        .testTarget(name: "ProxyTests", dependencies: ["ProxyCore", "HTTP1Wire", "Proxy", "TestSupport", "Zipkin", "TraceContext", "ZipkinHTTPReporter", "Collector", "SpanStore", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .testTarget(name: "CollectorTests", dependencies: ["Collector", "SpanStore", "Zipkin", "SpanFormats", .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "CompressNIO", package: "compress-nio"), .product(name: "GRPCCore", package: "grpc-swift-2", condition: .when(traits: ["OTLPGRPC"]))], resources: [.copy("Fixtures")]),
        .testTarget(name: "LabTests", dependencies: ["Lab", "LabModel", "LabServices", "TestSupport", "Zipkin", "TraceContext", .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        // The recorded backend answers are read from the source tree (RecordedTransport), not bundled.
        .testTarget(name: "ScenarioTests", dependencies: ["Scenario", "ScenarioModel", "TraceAnalysis", "Zipkin", "Lab", "LabModel"], exclude: ["Backends/Fixtures"]),
        .testTarget(name: "IntegrationTests", dependencies: ["FuzzProperties", "Zipkin", "TraceContext", "TraceAnalysis", "LabModel", "Scenario", .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "Yams", package: "Yams"), "Collector", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird")]),
    ]
)
