import SwiftProtobuf

/// SwiftProtobuf's decoding errors in words a sender can act on.
enum ProtobufErrorText {
    static func describe(_ error: any Error, message: String) -> String {
        switch error {
        case ProtobufWireReader.Problem.truncated, BinaryDecodingError.truncated:
            "not a complete \(message) protobuf message: the body ends inside a field (cut short? or not protobuf at all)"
        case ProtobufWireReader.Problem.malformed, BinaryDecodingError.malformedProtobuf:
            "not a valid \(message) protobuf message: a field has the wrong wire type, a bad length or an invalid tag (is the Content-Type right?)"
        case ProtobufWireReader.Problem.invalidUTF8, BinaryDecodingError.invalidUTF8:
            "a string field of the \(message) message is not valid UTF-8"
        case ProtobufWireReader.Problem.depthLimit, BinaryDecodingError.messageDepthLimit:
            "the \(message) message is nested too deeply"
        case let error as JSONDecodingError:
            "not a valid \(message) JSON document: \(error)"
        default:
            "not a valid \(message) message: \(error)"
        }
    }
}
