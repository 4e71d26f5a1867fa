import TraceContext

/// Encodes spans as a Zipkin v2 JSON list, the body of `POST /api/v2/spans`.
///
/// Writes bytes straight into one growing buffer (no intermediate `String`s or `Codable`
/// containers) so a proxy can encode a batch without touching its request path's allocator
/// much. Optional fields that are nil, `debug: false` and `shared: false` are left out, as
/// openzipkin's encoder does.
public struct ZipkinJSONEncoder: Sendable {
    public init() {}

    public func encode(_ spans: [ZipkinSpan]) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(spans.count * 512)
        encode(spans, into: &buffer)
        return buffer
    }

    public func encode(_ spans: [ZipkinSpan], into buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "["))
        for (index, span) in spans.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            encode(span, into: &buffer)
        }
        buffer.append(UInt8(ascii: "]"))
    }

    public func encodeString(_ spans: [ZipkinSpan]) -> String {
        String(decoding: encode(spans), as: UTF8.self)
    }

    public func encode(_ span: ZipkinSpan, into buffer: inout [UInt8]) {
        buffer.appendLiteral("{\"traceId\":\"")
        if span.traceID.is128Bit { buffer.appendHex(span.traceID.high) }
        buffer.appendHex(span.traceID.low)
        if let parent = span.parentID {
            buffer.appendLiteral("\",\"parentId\":\"")
            buffer.appendHex(parent.value)
        }
        buffer.appendLiteral("\",\"id\":\"")
        buffer.appendHex(span.id.value)
        buffer.append(UInt8(ascii: "\""))
        if let kind = span.kind {
            buffer.appendLiteral(",\"kind\":\"")
            buffer.append(contentsOf: kind.rawValue.utf8)
            buffer.append(UInt8(ascii: "\""))
        }
        if let name = span.name {
            buffer.appendLiteral(",\"name\":")
            buffer.appendJSONString(name)
        }
        if let timestamp = span.timestamp {
            buffer.appendLiteral(",\"timestamp\":")
            buffer.appendDecimal(timestamp)
        }
        if let duration = span.duration {
            buffer.appendLiteral(",\"duration\":")
            buffer.appendDecimal(duration)
        }
        if let endpoint = span.localEndpoint {
            buffer.appendLiteral(",\"localEndpoint\":")
            encode(endpoint, into: &buffer)
        }
        if let endpoint = span.remoteEndpoint {
            buffer.appendLiteral(",\"remoteEndpoint\":")
            encode(endpoint, into: &buffer)
        }
        if !span.annotations.isEmpty {
            buffer.appendLiteral(",\"annotations\":[")
            for (index, annotation) in span.annotations.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                buffer.appendLiteral("{\"timestamp\":")
                buffer.appendDecimal(annotation.timestamp)
                buffer.appendLiteral(",\"value\":")
                buffer.appendJSONString(annotation.value)
                buffer.append(UInt8(ascii: "}"))
            }
            buffer.append(UInt8(ascii: "]"))
        }
        if !span.tags.isEmpty {
            buffer.appendLiteral(",\"tags\":{")
            var first = true
            for (key, value) in span.tags {
                if !first { buffer.append(UInt8(ascii: ",")) }
                first = false
                buffer.appendJSONString(key)
                buffer.append(UInt8(ascii: ":"))
                buffer.appendJSONString(value)
            }
            buffer.append(UInt8(ascii: "}"))
        }
        if span.debug { buffer.appendLiteral(",\"debug\":true") }
        if span.shared { buffer.appendLiteral(",\"shared\":true") }
        buffer.append(UInt8(ascii: "}"))
    }

    func encode(_ endpoint: ZipkinEndpoint, into buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "{"))
        var first = true
        func separator(_ buffer: inout [UInt8]) {
            if !first { buffer.append(UInt8(ascii: ",")) }
            first = false
        }
        if let serviceName = endpoint.serviceName {
            separator(&buffer)
            buffer.appendLiteral("\"serviceName\":")
            buffer.appendJSONString(serviceName)
        }
        if let ipv4 = endpoint.ipv4 {
            separator(&buffer)
            buffer.appendLiteral("\"ipv4\":")
            buffer.appendJSONString(ipv4)
        }
        if let ipv6 = endpoint.ipv6 {
            separator(&buffer)
            buffer.appendLiteral("\"ipv6\":")
            buffer.appendJSONString(ipv6)
        }
        if let port = endpoint.port {
            separator(&buffer)
            buffer.appendLiteral("\"port\":")
            buffer.appendDecimal(UInt64(port))
        }
        buffer.append(UInt8(ascii: "}"))
    }
}

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendLiteral(_ literal: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func appendHex(_ value: UInt64) {
        let digits: StaticString = "0123456789abcdef"
        let table = digits.utf8Start
        var shift = 60
        while shift >= 0 {
            append(table[Int((value >> UInt64(shift)) & 0xF)])
            shift -= 4
        }
    }

    mutating func appendDecimal(_ value: UInt64) {
        if value == 0 {
            append(UInt8(ascii: "0"))
            return
        }
        var digits: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        let count = Swift.withUnsafeMutableBytes(of: &digits) { raw -> Int in
            var remaining = value
            var index = 39
            while remaining > 0 {
                raw[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
                index -= 1
            }
            return 39 - index
        }
        Swift.withUnsafeBytes(of: &digits) { raw in
            append(contentsOf: raw[(40 - count)..<40])
        }
    }

    /// Appends a JSON string literal, escaping quotes, backslashes and control characters.
    mutating func appendJSONString(_ string: String) {
        append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): appendLiteral("\\\"")
                case UInt8(ascii: "\\"): appendLiteral("\\\\")
                case 0x0A: appendLiteral("\\n")
                case 0x0D: appendLiteral("\\r")
                case 0x09: appendLiteral("\\t")
                default:
                    appendLiteral("\\u00")
                    let digits: StaticString = "0123456789abcdef"
                    append(digits.utf8Start[Int(byte >> 4)])
                    append(digits.utf8Start[Int(byte & 0xF)])
                }
            }
            append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        append(UInt8(ascii: "\""))
    }
}
