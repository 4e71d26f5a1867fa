import Testing
import TraceContext

@Suite("x-request-id")
struct RequestIDTests {
    @Test("accepts UUIDs in either case, as received", arguments: [
        "2d6959d7-b805-9b75-a719-7ce350512fb7", "2D6959D7-B805-9B75-A719-7CE350512FB7", "00000000-0000-0000-0000-000000000000",
    ])
    func valid(value: String) throws {
        #expect(try RequestID(value).value == value)
    }

    @Test("rejects anything that is not 8-4-4-4-12 hex digits", arguments: [
        "", "2d6959d7b8059b75a7197ce350512fb7", "2d6959d7-b805-9b75-a719-7ce350512fb", "2d6959d7-b805-9b75-a719-7ce350512fb7a",
        "2d6959d7_b805-9b75-a719-7ce350512fb7", "2d6959d7-b805-9b75-a719-7ce350512fbg", "{2d6959d7-b805-9b75-a719-7ce350512fb7}",
        " 2d6959d7-b805-9b75-a719-7ce350512fb7", "2d6959d7-b805-9b75-a719-7ce350512fé",
    ])
    func invalid(value: String) {
        #expect {
            _ = try RequestID(value)
        } throws: { error in
            guard let error = error as? TraceContextError else { return false }
            return error.reason == .notUUID && error.field == .requestID
        }
    }

    @Test("a 10 MB value is refused by its length, with a message cut to 64 characters")
    func huge() {
        let huge = String(repeating: "a", count: 10 << 20)
        let clock = ContinuousClock()
        var caught: TraceContextError?
        // Not a timed assertion: the elapsed time is only reported if the check fails.
        let elapsed = clock.measure {
            do { _ = try RequestID(huge) } catch let error as TraceContextError { caught = error } catch {}
        }
        #expect(caught?.reason == .notUUID, "took \(elapsed)")
        #expect(caught?.input.hasSuffix("…") == true)
        #expect(caught?.input.count == 65)
    }

    @Test("random ids are version 4, RFC variant, valid and distinct")
    func random() throws {
        var generator = SplitMix64(seed: 1)
        var seen = Set<String>()
        for _ in 0..<500 {
            let id = RequestID.random(using: &generator)
            let bytes = Array(id.value.utf8)
            #expect(bytes.count == 36)
            #expect(bytes[14] == UInt8(ascii: "4"))
            #expect([UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(bytes[19]))
            #expect(id.value == id.value.lowercased())
            #expect(try RequestID(id.value) == id)
            seen.insert(id.value)
        }
        #expect(seen.count == 500)
    }
}

@Suite("Trace and span ids")
struct IdentifierTests {
    @Test("zero is never an id")
    func zero() {
        #expect(TraceID(low: 0) == nil)
        #expect(TraceID(high: 0, low: 0) == nil)
        #expect(SpanID(0) == nil)
        #expect(TraceID(high: 0, low: 1)?.is128Bit == true)
        #expect(TraceID(high: 1, low: 0) != nil)
    }

    @Test("hex keeps the received width, hex128 pads")
    func widths() throws {
        let short = try TraceID(hex: "00000000000000ff")
        #expect(short.hex == "00000000000000ff")
        #expect(short.hex128 == "000000000000000000000000000000ff")
        let long = try TraceID(hex: "000000000000000000000000000000ff")
        #expect(long.is128Bit)
        #expect(long.hex == "000000000000000000000000000000ff")
        #expect(short != long)
    }

    @Test("random ids are never zero and keep their width")
    func random() {
        var generator = SplitMix64(seed: 2)
        for _ in 0..<100 {
            #expect(TraceID.random(is128Bit: false, using: &generator).hex.count == 16)
            #expect(TraceID.random(is128Bit: true, using: &generator).hex.count == 32)
            #expect(SpanID.random(using: &generator).value != 0)
        }
    }

    @Test("a child keeps trace, sampling and tracestate and points at its parent")
    func child() throws {
        var generator = SplitMix64(seed: 4)
        let state = try TraceState("rojo=1")
        let parent = SpanContext(traceID: .random(using: &generator), spanID: .random(using: &generator), sampling: .debug, traceState: state)
        let child = parent.child(using: &generator)
        #expect(child.traceID == parent.traceID)
        #expect(child.parentSpanID == parent.spanID)
        #expect(child.spanID != parent.spanID)
        #expect(child.sampling == .debug)
        #expect(child.traceState == state)
    }
}
