import Testing
import TraceContext

@Suite("W3C traceparent")
struct TraceParentHeaderTests {
    static let traceID = "0af7651916cd43dd8448eb211c80319c"
    static let parentID = "b7ad6b7169203331"
    static let valid = "00-\(traceID)-\(parentID)-01"

    @Test("reads the spec's example")
    func readsExample() throws {
        let context = try TraceParentHeader.extract(Self.valid)
        #expect(context.traceID.hex == Self.traceID)
        #expect(context.traceID.is128Bit)
        #expect(context.spanID.hex == Self.parentID)
        #expect(context.parentSpanID == nil)
        #expect(context.sampling == .sampled)
    }

    @Test("the sampled flag is bit 0 of trace-flags; other bits are ignored", arguments: [
        ("00", SamplingState.notSampled), ("01", .sampled), ("02", .notSampled), ("03", .sampled), ("ff", .sampled), ("fe", .notSampled),
    ])
    func flags(flags: String, sampling: SamplingState) throws {
        #expect(try TraceParentHeader.extract("00-\(Self.traceID)-\(Self.parentID)-\(flags)").sampling == sampling)
    }

    @Test("a future version is read by its version-00 prefix", arguments: [
        "01-\(traceID)-\(parentID)-01",
        "cc-\(traceID)-\(parentID)-01",
        "cc-\(traceID)-\(parentID)-01-what-the-future-will-bring",
        "fe-\(traceID)-\(parentID)-01-",
    ])
    func futureVersions(value: String) throws {
        let context = try TraceParentHeader.extract(value)
        #expect(context.traceID.hex == Self.traceID)
        #expect(context.spanID.hex == Self.parentID)
        #expect(context.sampling == .sampled)
    }

    static let invalid: [(String, TraceContextError.Reason)] = [
        ("", .empty),
        ("00-\(traceID)-\(parentID)", .truncated),
        ("00-\(traceID)-\(parentID)-0", .truncated),
        ("00-\(traceID)-\(parentID)-01-", .tooLong),
        ("00-\(traceID)-\(parentID)-01-extra", .tooLong),
        ("00-\(traceID)-\(parentID)-011", .tooLong),
        ("cc-\(traceID)-\(parentID)-01x", .malformed),
        ("ff-\(traceID)-\(parentID)-01", .forbiddenVersion),
        ("0g-\(traceID)-\(parentID)-01", .notLowerHex),
        ("0A-\(traceID)-\(parentID)-01", .notLowerHex),
        ("00-\(traceID.uppercased())-\(parentID)-01", .notLowerHex),
        ("00-\(traceID)-\(parentID.uppercased())-01", .notLowerHex),
        ("00-\(traceID)-\(parentID)-0A", .notLowerHex),
        ("00-\(String(repeating: "0", count: 32))-\(parentID)-01", .allZero),
        ("00-\(traceID)-\(String(repeating: "0", count: 16))-01", .allZero),
        ("00_\(traceID)-\(parentID)-01", .malformed),
        ("00-\(traceID)_\(parentID)-01", .malformed),
        ("00-\(traceID)-\(parentID)_01", .malformed),
        ("00-0af7651916cd43dd8448eb211c80319-b7ad6b7169203331-01", .truncated),
        ("00-0af7651916cd43dd8448eb211c80319c1-b7ad6b7169203331-01", .tooLong),
        ("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203 31-01", .notLowerHex),
        ("00--b7ad6b7169203331-01", .truncated),
        ("invalid-header-format", .truncated),
    ]

    @Test("rejects malformed values with the exact reason", arguments: invalid)
    func malformed(value: String, reason: TraceContextError.Reason) {
        do {
            let context = try TraceParentHeader.extract(value)
            Issue.record("'\(value)' was read as \(context)")
        } catch {
            #expect(error.reason == reason, "'\(value)': \(error)")
        }
    }

    @Test("writes version 00, 64-bit ids left-padded, debug as sampled and deferred as not sampled", arguments: [
        (SamplingState.sampled, "01"), (.debug, "01"), (.notSampled, "00"), (.deferred, "00"),
    ])
    func writes(sampling: SamplingState, flags: String) throws {
        let context = SpanContext(traceID: try TraceID(hex: "463ac35c9f6413ad"), spanID: try SpanID(hex: Self.parentID), sampling: sampling)
        #expect(TraceParentHeader.value(for: context) == "00-0000000000000000463ac35c9f6413ad-\(Self.parentID)-\(flags)")
    }

    @Test("extract, write, extract gives the same context")
    func roundTrip() throws {
        var generator = SplitMix64(seed: 3)
        for sampling in [SamplingState.sampled, .notSampled] {
            let context = SpanContext(traceID: .random(using: &generator), spanID: .random(using: &generator), sampling: sampling)
            let value = TraceParentHeader.value(for: context)
            #expect(value.utf8.count == TraceParentHeader.length)
            #expect(try TraceParentHeader.extract(value) == context)
        }
    }
}

@Suite("W3C tracestate")
struct TraceStateTests {
    @Test("parses members in order and writes them back")
    func parses() throws {
        let state = try TraceState("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
        #expect(state.members.map(\.key) == ["rojo", "congo"])
        #expect(state["congo"] == "t61rcWkgMzE")
        #expect(state.headerValue == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
    }

    @Test("accepts optional whitespace and empty members", arguments: [
        "rojo=1, congo=2", "rojo=1 ,\tcongo=2", " rojo=1,congo=2 ", "rojo=1,,congo=2", ",rojo=1,congo=2,", "rojo=1, ,congo=2",
    ])
    func whitespace(value: String) throws {
        let state = try TraceState(value)
        #expect(state.headerValue == "rojo=1,congo=2")
    }

    @Test("an empty or blank header is an empty list", arguments: ["", " ", ",", " , "])
    func empty(value: String) throws {
        #expect(try TraceState(value).isEmpty)
    }

    @Test("accepts the key grammar's edge cases", arguments: [
        "a=1", "a0_-*/=1", "tenant@system=1", "0tenant@sys=1", "t@s=1",
        String(repeating: "a", count: 256) + "=1",
        String(repeating: "t", count: 241) + "@" + String(repeating: "s", count: 14) + "=1",
        "k= leading-space-ok", "k=!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~",
        "k=" + String(repeating: "v", count: 256),
    ])
    func validMembers(value: String) throws {
        #expect(try TraceState(value).members.count == 1)
    }

    @Test("rejects keys and values outside the grammar", arguments: [
        "A=1", "1abc=1", "=1", "k", "k=", "k=a=b", "k=tab\there", "k=x\u{7F}",
        "ké=1", "k=é", "@system=1", "tenant@=1", "tenant@1system=1", "t@s@x=1",
        String(repeating: "a", count: 257) + "=1",
        String(repeating: "t", count: 242) + "@s=1",
        "t@" + String(repeating: "s", count: 15) + "=1",
        "k=" + String(repeating: "v", count: 257),
    ])
    func invalidMembers(value: String) {
        #expect {
            _ = try TraceState(value)
        } throws: { ($0 as? TraceContextError)?.reason == .invalidListMember }
    }

    @Test("a repeated key makes the list invalid")
    func duplicates() {
        #expect {
            _ = try TraceState("rojo=1,congo=2,rojo=3")
        } throws: { ($0 as? TraceContextError)?.reason == .invalidListMember }
    }

    @Test("32 members are allowed, 33 are not")
    func limit() throws {
        let members = (0..<33).map { "k\($0)=v" }
        #expect(try TraceState(members.prefix(32).joined(separator: ",")).members.count == 32)
        #expect {
            _ = try TraceState(members.joined(separator: ","))
        } throws: { ($0 as? TraceContextError)?.reason == .tooManyListMembers }
    }

    @Test("update moves a vendor's member to the front and keeps 32")
    func update() throws {
        var state = try TraceState((0..<32).map { "k\($0)=v" }.joined(separator: ","))
        state.update(key: "k5", value: "new")
        #expect(state.members.first?.key == "k5")
        #expect(state.members.count == 32)
        state.update(key: "tracelab", value: "1")
        #expect(state.members.first?.key == "tracelab")
        #expect(state.members.count == 32)
        #expect(state["k31"] == nil)
    }
}
