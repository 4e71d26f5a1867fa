@testable import SpanStore
import Testing

@Suite("SpanByteArena: stored span bytes in slabs")
struct SpanByteArenaTests {
    private func bytes(_ seed: Int, count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: seed &* 31 &+ $0) }
    }

    @Test("bytes come back as appended, across slabs and for a span larger than a slab")
    func roundTrip() {
        var arena = SpanByteArena()
        var stored: [(SpanByteArena.Location, [UInt8])] = []
        for seed in 0..<3_000 {
            let value = bytes(seed, count: 700 + seed % 300)
            stored.append((arena.append(value), value))
        }
        let huge = bytes(7, count: SpanByteArena.slabSize + 10)
        stored.append((arena.append(huge), huge))
        stored.append((arena.append([]), []))
        #expect(Set(stored.map(\.0.slab)).count > 2)
        for (location, value) in stored { #expect(arena.bytes(at: location) == value) }
    }

    @Test("a slab is freed when its last span is released, the slab being filled only once full")
    func freesEmptySlabs() {
        var arena = SpanByteArena()
        let chunk = bytes(1, count: SpanByteArena.slabSize / 4)
        // The allocator may round a slab's capacity up by a page or so.
        let oneSlab = SpanByteArena.slabSize...(SpanByteArena.slabSize + 8192)
        let first = (0..<4).map { _ in arena.append(chunk) }
        #expect(oneSlab.contains(arena.reservedBytes))
        for location in first { arena.release(location) }
        #expect(oneSlab.contains(arena.reservedBytes), "the slab being filled stays")
        let second = arena.append(chunk)
        #expect(second.slab == first[0].slab + 1)
        #expect(oneSlab.contains(arena.reservedBytes), "the emptied full slab went when the next began")
        let third = arena.append(chunk)
        arena.release(second)
        #expect(arena.bytes(at: third) == chunk)
    }

    @Test("releasing oldest first keeps later locations valid and the reserve bounded")
    func fifoEviction() {
        var arena = SpanByteArena()
        var live: [(SpanByteArena.Location, Int)] = []
        live.reserveCapacity(12_000)
        let value = bytes(3, count: 800)
        for seed in 0..<12_000 {
            live.append((arena.append(value), seed))
            if live.count > 2_000 {
                arena.release(live.removeFirst().0)
            }
        }
        // 2,000 spans of 800 bytes span at most 3 slabs; slabs before them are freed.
        #expect(arena.reservedBytes <= 4 * (SpanByteArena.slabSize + 8192))
        for (location, _) in live.suffix(100) { #expect(arena.bytes(at: location) == value) }
    }
}
