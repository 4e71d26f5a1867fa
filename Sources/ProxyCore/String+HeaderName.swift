extension String {
    /// Whether this header name equals `lowercased` (already in lower case) ignoring ASCII
    /// case, byte by byte: header names are ASCII, so no Unicode case folding is needed.
    func equalsHeaderName(_ lowercased: String) -> Bool {
        utf8.elementsEqual(lowercased.utf8) { byte, lower in
            byte == lower || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") && byte | 0x20 == lower)
        }
    }
}
