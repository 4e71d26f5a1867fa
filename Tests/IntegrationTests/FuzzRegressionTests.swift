import Foundation
import FuzzProperties
import Testing

/// Replays every saved fuzz input (Fuzz/Regressions/<target>/, where findings of Fuzz/run.sh
/// go once fixed, and the seed corpus of Fuzz/Corpus/) through the property its fuzz target
/// checks, so a fixed finding stays fixed without running libFuzzer.
@Suite("fuzz regressions")
struct FuzzRegressionTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    /// Each target's property as "the violation, or nil" (plain closures: typed-throws
    /// function values in a dictionary crash the 6.3 compiler's IR generation).
    static let properties: [String: @Sendable ([UInt8]) -> String?] = [
        "FuzzTraceHeaders": { bytes in check(bytes) { (buffer) throws(FuzzProperties.Violation) in try FuzzProperties.traceHeaders(buffer) } },
        "FuzzZipkinJSON": { bytes in check(bytes) { (buffer) throws(FuzzProperties.Violation) in try FuzzProperties.zipkinJSON(buffer) } },
        "FuzzScenarioYAML": { bytes in check(bytes) { (buffer) throws(FuzzProperties.Violation) in try FuzzProperties.scenarioYAML(buffer) } },
        "FuzzRequestHead": { bytes in check(bytes) { (buffer) throws(FuzzProperties.Violation) in try FuzzProperties.requestHead(buffer) } },
        "FuzzZipkinProto3": { bytes in check(bytes) { (buffer) throws(FuzzProperties.Violation) in try FuzzProperties.zipkinProto3(buffer) } },
        "FuzzZipkinV1JSON": { bytes in check(bytes) { (buffer) throws(FuzzProperties.Violation) in try FuzzProperties.zipkinV1JSON(buffer) } },
        "FuzzOTLPProtobuf": { bytes in check(bytes) { (buffer) throws(FuzzProperties.Violation) in try FuzzProperties.otlpProtobuf(buffer) } },
        "FuzzOTLPJSON": { bytes in check(bytes) { (buffer) throws(FuzzProperties.Violation) in try FuzzProperties.otlpJSON(buffer) } },
        "FuzzResponseReader": { bytes in check(bytes) { (buffer) throws(FuzzProperties.Violation) in try FuzzProperties.responseReader(buffer) } },
    ]

    static func check(_ bytes: [UInt8], _ property: (UnsafeRawBufferPointer) throws(FuzzProperties.Violation) -> Void) -> String? {
        bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> String? in
            do throws(FuzzProperties.Violation) {
                try property(buffer)
                return nil
            } catch {
                return error.description
            }
        }
    }

    static func inputs(of target: String) -> [URL] {
        ["Regressions", "Corpus"].flatMap { folder -> [URL] in
            let directory = fuzzDirectory.appendingPathComponent(folder).appendingPathComponent(target)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted().map { directory.appendingPathComponent($0) }
        }
    }

    @Test("every saved input still satisfies its target's property", arguments: properties.keys.sorted())
    func replay(target: String) throws {
        let property = try #require(Self.properties[target])
        for file in Self.inputs(of: target) {
            if let violation = property(Array(try Data(contentsOf: file))) {
                Issue.record("\(file.lastPathComponent): \(violation)")
            }
        }
    }

    @Test("a valid header set and a scenario naming an unknown lab satisfy their properties; the seed corpus is found")
    func seedsAndProperties() {
        // A scenario error always names the file; a valid header set round-trips.
        let headers = Array("x-b3-traceid: 463ac35c9f6413ad48485a3953bb6124\nx-b3-spanid: a2fb4a1d1a96d312\nx-b3-sampled: 1\n".utf8)
        #expect(Self.properties["FuzzTraceHeaders"]?(headers) == nil)
        let yaml = Array("name: x\nlab: nowhere\nexpect: {complete: true}\n".utf8)
        #expect(Self.properties["FuzzScenarioYAML"]?(yaml) == nil)
        #expect(!Self.inputs(of: "FuzzTraceHeaders").isEmpty, "the seed corpus is where the test expects it")
    }
}
