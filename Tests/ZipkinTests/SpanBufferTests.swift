import Testing
import TraceContext
import Zipkin

@Suite("SpanBuffer")
struct SpanBufferTests {
    static func span(_ id: UInt64) -> ZipkinSpan {
        ZipkinSpan(traceID: TraceID(low: 1)!, id: SpanID(id)!)
    }

    @Test("hands out spans first in, first out, in batches of at most batchSize")
    func fifoBatches() {
        var buffer = SpanBuffer(capacity: 100, batchSize: 3)
        for id in 1...7 {
            let accepted = buffer.append(Self.span(UInt64(id)))
            #expect(accepted)
        }
        #expect(buffer.count == 7)
        #expect(buffer.hasFullBatch)
        var batches: [[UInt64]] = []
        for _ in 0..<4 {
            batches.append(buffer.nextBatch().map(\.id.value))
        }
        #expect(batches == [[1, 2, 3], [4, 5, 6], [7], []])
        #expect(!buffer.hasFullBatch)
        #expect(buffer.isEmpty)
    }

    @Test("when full it drops the newest span and counts it")
    func bounded() {
        var buffer = SpanBuffer(capacity: 4, batchSize: 10)
        for id in 1...10 { buffer.append(Self.span(UInt64(id))) }
        #expect(buffer.count == 4)
        #expect(buffer.accepted == 4)
        #expect(buffer.droppedFull == 6)
        let batch = buffer.nextBatch().map(\.id.value)
        #expect(batch == [1, 2, 3, 4])
        let accepted = buffer.append(Self.span(11))
        #expect(accepted)
        #expect(buffer.accepted == 5)
        #expect(buffer.droppedFull == 6)
    }

    @Test("interleaved appends and batches keep order across compactions", arguments: [1, 7, 64])
    func interleaved(batchSize: Int) {
        var buffer = SpanBuffer(capacity: 10_000, batchSize: batchSize)
        var next: UInt64 = 1
        var expected: UInt64 = 1
        for round in 0..<2000 {
            for _ in 0..<(round % 5 + 1) {
                buffer.append(Self.span(next))
                next += 1
            }
            for span in buffer.nextBatch() {
                #expect(span.id.value == expected)
                expected += 1
            }
            #expect(buffer.count == Int(next - expected))
        }
        while !buffer.isEmpty {
            for span in buffer.nextBatch() {
                #expect(span.id.value == expected)
                expected += 1
            }
        }
        #expect(expected == next)
        #expect(buffer.droppedFull == 0)
    }

    @Test("a capacity or batch size below 1 is raised to 1 instead of trapping")
    func clamps() {
        var buffer = SpanBuffer(capacity: 0, batchSize: -3)
        #expect(buffer.capacity == 1)
        #expect(buffer.batchSize == 1)
        buffer.append(Self.span(1))
        buffer.append(Self.span(2))
        #expect(buffer.droppedFull == 1)
        let batch = buffer.nextBatch().map(\.id.value)
        #expect(batch == [1])
    }
}
