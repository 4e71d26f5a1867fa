/// Append-only storage for the memory store's span JSON, in 1 MiB slabs.
///
/// One heap array per stored span interleaved long-lived ~700-byte blocks with the request
/// buffers and decoded spans that ingest frees again, and the allocator could not give that
/// memory back: a million stored spans held 1.7–2.4 KB of resident memory each, twice their
/// data. Slabs keep stored bytes dense and apart from short-lived allocations. A slab is freed
/// when the last span in it is released; the store evicts oldest traces first, so slabs empty
/// roughly in the order they were filled.
struct SpanByteArena: Sendable {
    /// Where a span's bytes are: slab number (never reused), offset and length.
    struct Location: Sendable, Hashable {
        let slab: Int
        let offset: UInt32
        let count: UInt32
    }

    static let slabSize = 1 << 20

    private struct Slab: Sendable {
        var bytes: [UInt8]
        var live = 0
    }

    /// `slabs[i]` is slab number `base + i`; emptied slabs at the front are dropped in bulk.
    private var slabs: [Slab] = []
    private var base = 0

    /// Bytes held in slabs, including released spans' bytes in slabs not yet freed.
    private(set) var reservedBytes = 0

    mutating func append(_ bytes: some Collection<UInt8>) -> Location {
        if slabs.isEmpty || slabs[slabs.count - 1].bytes.count + bytes.count > slabs[slabs.count - 1].bytes.capacity {
            if let last = slabs.indices.last, slabs[last].live == 0 {
                // Everything in the full slab was released while it was being filled.
                reservedBytes -= slabs[last].bytes.capacity
                slabs[last].bytes = []
            }
            var slab = Slab(bytes: [])
            slab.bytes.reserveCapacity(max(Self.slabSize, bytes.count))
            reservedBytes += slab.bytes.capacity
            slabs.append(slab)
        }
        let index = slabs.count - 1
        let offset = slabs[index].bytes.count
        slabs[index].bytes.append(contentsOf: bytes)
        slabs[index].live += 1
        return Location(slab: base + index, offset: UInt32(offset), count: UInt32(bytes.count))
    }

    func bytes(at location: Location) -> [UInt8] {
        let slab = slabs[location.slab - base]
        let start = Int(location.offset)
        return Array(slab.bytes[start..<start + Int(location.count)])
    }

    /// The span at `location` is gone; its slab is freed once nothing in it is live and it is
    /// no longer the one being filled.
    mutating func release(_ location: Location) {
        let index = location.slab - base
        slabs[index].live -= 1
        if slabs[index].live == 0 && index != slabs.count - 1 {
            reservedBytes -= slabs[index].bytes.capacity
            slabs[index].bytes = []
        }
        dropFreedPrefix()
    }

    private mutating func dropFreedPrefix() {
        var freed = 0
        while freed < slabs.count - 1 && slabs[freed].live == 0 { freed += 1 }
        if freed >= 64 || (freed > 0 && freed * 2 >= slabs.count) {
            slabs.removeFirst(freed)
            base += freed
        }
    }
}
