extension ZipkinJSONDecoder {
    /// Decodes a JSON array of traces, each an array of spans: the answer of Zipkin's
    /// `GET /api/v2/traces` and `GET /api/v2/traceMany` (zipkin2-api.yaml, `ListOfTraces`).
    ///
    /// Errors carry the byte offset like `decodeSpans`; `spanIndex` counts spans within the
    /// trace being read.
    public func decodeTraceList(_ bytes: [UInt8]) throws(ZipkinDecodingError) -> [[ZipkinSpan]] {
        try bytes.withUnsafeBufferPointer { buffer throws(ZipkinDecodingError) in
            var reader = JSONByteReader(buffer)
            return try reader.readTraceList()
        }
    }
}

extension JSONByteReader {
    mutating func readTraceList() throws(ZipkinDecodingError) -> [[ZipkinSpan]] {
        try expect(UInt8(ascii: "["), "'[' to open the trace list")
        var traces: [[ZipkinSpan]] = []
        if try peek() == UInt8(ascii: "]") {
            offset += 1
        } else {
            while true {
                traces.append(try readNestedSpanList())
                let next = try peek()
                offset += 1
                if next == UInt8(ascii: "]") { break }
                guard next == UInt8(ascii: ",") else {
                    throw error(.unexpectedByte(next, expected: "',' or ']' after a trace"), at: offset - 1)
                }
            }
        }
        skipWhitespace()
        if offset != bytes.count { throw error(.trailingBytes) }
        return traces
    }

    /// One `[span, …]` inside a larger document (no trailing-bytes check).
    mutating func readNestedSpanList() throws(ZipkinDecodingError) -> [ZipkinSpan] {
        try expect(UInt8(ascii: "["), "'[' to open a trace's span list")
        var spans: [ZipkinSpan] = []
        if try peek() == UInt8(ascii: "]") {
            offset += 1
            return spans
        }
        while true {
            spans.append(try readSpan(index: spans.count))
            let next = try peek()
            offset += 1
            if next == UInt8(ascii: "]") { break }
            guard next == UInt8(ascii: ",") else {
                throw error(.unexpectedByte(next, expected: "',' or ']' after a span"), at: offset - 1)
            }
        }
        spanIndex = nil
        return spans
    }
}
