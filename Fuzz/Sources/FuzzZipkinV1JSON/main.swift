import FuzzProperties

/// libFuzzer entry point: see `FuzzProperties.zipkinV1JSON` for what must hold.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    do {
        try FuzzProperties.zipkinV1JSON(UnsafeRawBufferPointer(start: start, count: count))
    } catch {
        fatalError(error.description)
    }
    return 0
}
