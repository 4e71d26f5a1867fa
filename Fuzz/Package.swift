// swift-tools-version:6.1
// libFuzzer targets for TraceLab's parsers: built only by Fuzz/run.sh with
// `-sanitize=fuzzer,address -parse-as-library`, so they stay out of the main build.
import PackageDescription

let package = Package(
    name: "TraceLabFuzz",
    dependencies: [
        .package(name: "TraceLab", path: ".."),
    ],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzTraceHeaders", dependencies: ["FuzzDriver", .product(name: "FuzzProperties", package: "TraceLab")]),
        .executableTarget(name: "FuzzZipkinJSON", dependencies: ["FuzzDriver", .product(name: "FuzzProperties", package: "TraceLab")]),
        .executableTarget(name: "FuzzScenarioYAML", dependencies: ["FuzzDriver", .product(name: "FuzzProperties", package: "TraceLab")]),
        .executableTarget(name: "FuzzRequestHead", dependencies: ["FuzzDriver", .product(name: "FuzzProperties", package: "TraceLab")]),
        .executableTarget(name: "FuzzZipkinProto3", dependencies: ["FuzzDriver", .product(name: "FuzzProperties", package: "TraceLab")]),
        .executableTarget(name: "FuzzZipkinV1JSON", dependencies: ["FuzzDriver", .product(name: "FuzzProperties", package: "TraceLab")]),
        .executableTarget(name: "FuzzOTLPProtobuf", dependencies: ["FuzzDriver", .product(name: "FuzzProperties", package: "TraceLab")]),
        .executableTarget(name: "FuzzOTLPJSON", dependencies: ["FuzzDriver", .product(name: "FuzzProperties", package: "TraceLab")]),
        .executableTarget(name: "FuzzResponseReader", dependencies: ["FuzzDriver", .product(name: "FuzzProperties", package: "TraceLab")]),
    ]
)
