import Foundation
import Testing

/// The shared fixtures copied into this test target (Tests/ZipkinTests/Fixtures).
enum Fixtures {
    static let names = ["envoy-1.40-server-spans", "envoy-1.40-client-spans", "otel-python-1.45-zipkin-spans"]

    static func bytes(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"), "fixture \(name).json is missing from Tests/ZipkinTests/Fixtures")
        return Array(try Data(contentsOf: url))
    }
}
