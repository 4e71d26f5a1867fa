import FuzzProperties

/// libFuzzer entry point: see `FuzzProperties.otlpProtobuf` for what must hold.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    do {
        try FuzzProperties.otlpProtobuf(UnsafeRawBufferPointer(start: start, count: count))
    } catch {
        fatalError(error.description)
    }
    return 0
}
