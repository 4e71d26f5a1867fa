import Foundation

/// Finds a request's list field sent with the wrong wire type.
///
/// Protobuf parsers, SwiftProtobuf included, keep a known field with an unexpected wire type as
/// an unknown field instead of failing, so `0x08 0x01` "is" an empty `ListOfSpans`. Unknown
/// fields must still be accepted (OTLP receivers must ignore fields newer than they are), but
/// the list field itself with another wire type means the body is not this message, and the
/// sender should hear so rather than get a 202 for nothing stored.
enum TopLevelWireCheck {
    /// The wire type field `number` was sent with in `unknownFields` (the bytes SwiftProtobuf
    /// kept), or nil when it is not there.
    static func wireType(ofField number: UInt64, in unknownFields: Data) -> UInt64? {
        var index = unknownFields.startIndex
        func varint() -> UInt64? {
            var value: UInt64 = 0, shift: UInt64 = 0
            while index < unknownFields.endIndex, shift < 64 {
                let byte = unknownFields[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
            return nil
        }
        // Open groups: their fields are not top-level ones. SwiftProtobuf has checked that
        // every group ends, so only the nesting needs counting here.
        var groupDepth = 0
        while index < unknownFields.endIndex, let tag = varint() {
            let wireType = tag & 7
            if groupDepth == 0, tag >> 3 == number { return wireType }
            switch wireType {
            case 0: guard varint() != nil else { return nil }
            case 1: index += 8
            case 2:
                guard let length = varint(), length <= UInt64(unknownFields.endIndex - index) else { return nil }
                index += Int(length)
            case 3: groupDepth += 1
            case 4:
                guard groupDepth > 0 else { return nil }
                groupDepth -= 1
            case 5: index += 4
            default: return nil
            }
        }
        return nil
    }

    static func name(ofWireType wireType: UInt64) -> String {
        switch wireType {
        case 0: "varint"
        case 1: "64-bit"
        case 2: "length-delimited"
        case 5: "32-bit"
        default: "wire type \(wireType)"
        }
    }
}
