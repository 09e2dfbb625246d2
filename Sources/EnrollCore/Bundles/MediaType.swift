/// What a file's bytes say it is, whatever its name claims.
///
/// Attachment types are sniffed from the content, never taken from the extension, and the
/// image formats are checked far enough to know the pixel size and whether the file is cut off.
public enum MediaType: String, Sendable, Codable, CaseIterable {
    case jpeg = "image/jpeg"
    case png = "image/png"
    case pdf = "application/pdf"

    /// The file extension used inside bundles.
    public var fileExtension: String {
        switch self {
        case .jpeg: "jpg"
        case .png: "png"
        case .pdf: "pdf"
        }
    }

    /// Recognises a media type from a file's first bytes.
    /// - Parameter head: At least the first 8 bytes of the file.
    /// - Returns: The type, or nil if it is none of the accepted types.
    public static func sniff(_ head: some Collection<UInt8>) -> MediaType? {
        let bytes = Array(head.prefix(8))
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
        return nil
    }
}

/// The facts about an image that form rules check.
public struct ImageInfo: Hashable, Sendable {
    /// The type sniffed from the bytes.
    public var mediaType: MediaType
    /// Width in pixels (nil for PDF).
    public var width: Int?
    /// Height in pixels (nil for PDF).
    public var height: Int?
    /// Whether the file ends where its format says it should (no truncation).
    public var isComplete: Bool

    /// Inspects a whole file's bytes.
    /// - Returns: nil if the bytes are not a recognised type.
    public static func inspect(_ bytes: [UInt8]) -> ImageInfo? {
        guard let type = MediaType.sniff(bytes) else { return nil }
        switch type {
        case .png: return inspectPNG(bytes)
        case .jpeg: return inspectJPEG(bytes)
        case .pdf:
            let tail = bytes.suffix(1024)
            let complete = String(decoding: tail, as: UTF8.self).contains("%%EOF")
            return ImageInfo(mediaType: .pdf, width: nil, height: nil, isComplete: complete)
        }
    }

    private static func bigEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int? {
        guard offset >= 0, offset + count <= bytes.count else { return nil }
        return bytes[offset..<(offset + count)].reduce(0) { $0 << 8 | Int($1) }
    }

    private static func inspectPNG(_ bytes: [UInt8]) -> ImageInfo {
        // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4).
        let isIHDR = bytes.count >= 24 && bytes[12..<16].elementsEqual(Array("IHDR".utf8))
        let width = isIHDR ? bigEndian(bytes, 16, 4) : nil
        let height = isIHDR ? bigEndian(bytes, 20, 4) : nil
        // Walk the chunks to the IEND chunk; a cut file never reaches it.
        var offset = 8
        var complete = false
        while let length = bigEndian(bytes, offset, 4), offset + 12 + length <= bytes.count {
            if bytes[(offset + 4)..<(offset + 8)].elementsEqual(Array("IEND".utf8)) {
                complete = true
                break
            }
            offset += 12 + length
        }
        return ImageInfo(mediaType: .png, width: width, height: height, isComplete: complete && isIHDR)
    }

    private static func inspectJPEG(_ bytes: [UInt8]) -> ImageInfo {
        var offset = 2
        var width: Int?
        var height: Int?
        // Walk the marker segments up to the start of scan; the frame header holds the size.
        while offset + 4 <= bytes.count, bytes[offset] == 0xFF {
            let marker = bytes[offset + 1]
            if marker == 0xFF { offset += 1; continue }
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { offset += 2; continue }
            guard let length = bigEndian(bytes, offset + 2, 2), length >= 2 else { break }
            let isFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isFrame {
                height = bigEndian(bytes, offset + 5, 2)
                width = bigEndian(bytes, offset + 7, 2)
            }
            if marker == 0xDA { break }
            offset += 2 + length
        }
        var end = bytes.count
        while end > 2, bytes[end - 1] == 0x00 || bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        let complete = end >= 4 && bytes[end - 2] == 0xFF && bytes[end - 1] == 0xD9 && width != nil
        return ImageInfo(mediaType: .jpeg, width: width, height: height, isComplete: complete)
    }
}
