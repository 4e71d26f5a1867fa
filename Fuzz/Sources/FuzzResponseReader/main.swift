import FuzzProperties

/// libFuzzer entry point: see `FuzzProperties.responseReader` for what must hold.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    do {
        try FuzzProperties.responseReader(UnsafeRawBufferPointer(start: start, count: count))
    } catch {
        fatalError(error.description)
    }
    return 0
}
