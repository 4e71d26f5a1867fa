/// Tag keys that the lab's sidecars, Envoy and OpenTelemetry exporters send on every span,
/// as string literals.
///
/// `ZipkinTags` stores such a key as its number (one byte) and reads it back as the literal
/// (static storage: no allocation, no UTF-8 validation, no reference counting). The number is
/// below 64, so the decoder can tell a repeated key from a new one exactly with one bit per
/// key, and remember per key what followed it.
enum KnownTagKeys {
    static let keys: [String] = [
        // TraceLab and Envoy sidecars (docs/ARCHITECTURE.md, span conventions)
        "http.method", "http.url", "http.path", "http.status_code", "guid:x-request-id", "node_id",
        "upstream_cluster", "upstream_cluster.name", "downstream_cluster", "peer.address", "component", "error",
        "http.protocol", "request_size", "response_size", "response_flags", "user_agent", "upstream_address",
        // OpenTelemetry exporters
        "telemetry.sdk.language", "telemetry.sdk.name", "telemetry.sdk.version", "service.instance.id",
        "service.name", "otel.library.name", "otel.library.version", "otel.scope.name", "otel.scope.version",
        "otel.status_code", "otel.status_description", "http.route", "http.target", "http.scheme", "http.host",
        "net.peer.name", "net.peer.port", "http.flavor", "http.user_agent", "http.request.method",
        "http.response.status_code", "url.full", "url.path", "server.address", "server.port",
    ]

    /// The keys' fingerprints and an open-addressing index over a hash of (length, last eight
    /// bytes): a lookup, found or not, is usually one probe.
    struct Table {
        var fingerprints: [ByteRunFingerprint]
        var keys: [String]
        var slots: [Int8]
        /// All keys' bytes one after the other, and where each starts.
        var keyBytes: [UInt8]
        var keyBytesStart: [Int]

        /// The number of the known key spelled by `bytes[start..<end]`.
        @inline(__always)
        func lookup(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
            let fingerprint = ByteRunFingerprint(bytes, start, end - start)
            let mask = slots.count - 1
            var slot = KnownTagKeys.hash(fingerprint) & mask
            while true {
                let number = Int(slots[slot])
                if number < 0 { return nil }
                if fingerprints[number] == fingerprint && (fingerprint.length <= ByteRunFingerprint.exactLength || middleMatches(number, bytes, start)) {
                    return number
                }
                slot = (slot + 1) & mask
            }
        }

        /// Whether known key `number` is spelled at `position`.
        @inline(__always)
        func spells(_ number: Int, _ bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> Bool {
            let fingerprint = fingerprints[number]
            return fingerprint.matches(bytes, at: position)
                && (fingerprint.length <= ByteRunFingerprint.exactLength || middleMatches(number, bytes, position))
        }

        /// Where known key `number` lies in `keyBytes`.
        @inline(__always)
        func keyBytesRange(_ number: Int) -> Range<Int> {
            keyBytesStart[number]..<(keyBytesStart[number] + fingerprints[number].length)
        }

        /// Bytes 8..<length-8 of a key longer than 16 bytes (the fingerprint covers the rest).
        func middleMatches(_ number: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
            let length = fingerprints[number].length
            guard start + length <= bytes.count else { return false }
            let known = keyBytesStart[number]
            return keyBytes.withUnsafeBufferPointer { keyBytes in
                for index in 8..<(length - 8) where keyBytes[known + index] != bytes[start + index] { return false }
                return true
            }
        }
    }

    static let table: Table = {
        precondition(keys.count <= 64, "known tag keys are numbered by bits of one UInt64")
        var fingerprints: [ByteRunFingerprint] = []
        var slots = [Int8](repeating: -1, count: 256)
        for key in keys {
            let fingerprint = Array(key.utf8).withUnsafeBufferPointer { ByteRunFingerprint($0, 0, $0.count) }
            var slot = hash(fingerprint) & (slots.count - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = Int8(fingerprints.count)
            fingerprints.append(fingerprint)
        }
        var keyBytesStart: [Int] = []
        var keyBytes: [UInt8] = []
        for key in keys {
            keyBytesStart.append(keyBytes.count)
            keyBytes += key.utf8
        }
        return Table(fingerprints: fingerprints, keys: keys, slots: slots, keyBytes: keyBytes, keyBytesStart: keyBytesStart)
    }()

    @inline(__always)
    static func hash(_ fingerprint: ByteRunFingerprint) -> Int {
        Int(truncatingIfNeeded: ((fingerprint.tail ^ UInt64(fingerprint.length)) &* 0x9E37_79B9_7F4A_7C15) >> 56)
    }
}
