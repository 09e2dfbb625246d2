import CCairo
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A PNG or JPEG image, decoded and ready to be drawn into a PDF.
///
/// A PNG is decoded by cairo (`cairo_image_surface_create_from_png_stream`) and embedded
/// in the PDF as compressed pixels. A JPEG is decoded by TurboJPEG into a cairo image
/// surface and its original bytes are attached to that surface as `CAIRO_MIME_TYPE_JPEG`
/// (`cairo_surface_set_mime_data`), so cairo's PDF backend embeds the JPEG as is
/// (`/DCTDecode`, no recompression); the decoded pixels serve any other backend. JPEG EXIF
/// orientation is not applied: the image is drawn as stored.
///
/// Owns a `cairo_surface_t`, released with `cairo_surface_destroy` in deinit. Not
/// `Sendable`: cairo surfaces are not safe to use from two threads at once.
public final class RasterImage {
    /// The encoding an image came in.
    public enum Format: Sendable, Hashable, CustomStringConvertible {
        /// PNG, decoded by cairo.
        case png
        /// JPEG (baseline or progressive; greyscale or YCbCr), decoded by TurboJPEG.
        case jpeg

        /// "PNG" or "JPEG".
        public var description: String {
            switch self {
            case .png: "PNG"
            case .jpeg: "JPEG"
            }
        }
    }

    /// The largest width or height accepted, in pixels (cairo's own limit is 32767).
    public static let maxDimension = 16_384
    /// The most pixels accepted (about a 100-megapixel photo).
    public static let maxPixelCount = 100_000_000
    /// The largest image file accepted, in bytes.
    public static let maxFileSize = 64 << 20

    /// The format the data was in.
    public let format: Format
    /// The width in pixels.
    public let width: Int
    /// The height in pixels.
    public let height: Int
    /// The decoded image (`cairo_surface_t *`).
    let surface: OpaquePointer

    /// Decodes a PNG or JPEG, recognised by its signature.
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - source: how messages name the image, e.g. its file name (default "(data)").
    /// - Throws: ``PrintError/unsupportedImage(source:leadingBytes:)``,
    ///   ``PrintError/imageUnreadable(source:format:message:)``,
    ///   ``PrintError/imageTooLarge(source:width:height:bytes:)``.
    public init(data: [UInt8], source: String = "(data)") throws(PrintError) {
        guard data.count <= Self.maxFileSize else {
            throw .imageTooLarge(source: source, width: 0, height: 0, bytes: data.count)
        }
        let decoded: (format: Format, width: Int, height: Int, surface: OpaquePointer)
        if data.starts(with: PNGStream.signature) {
            let (width, height) = try PNGStream.dimensions(data, source: source)
            try Self.checkDimensions(width, height, format: .png, source: source)
            let surface = try PNGStream.decode(data, source: source)
            decoded = (.png, width, height, surface)
        } else if data.starts(with: [0xFF, 0xD8, 0xFF]) {
            let surface = try JPEGDecoder.decode(data, source: source) { width, height throws(PrintError) in
                try Self.checkDimensions(width, height, format: .jpeg, source: source)
            }
            decoded = (.jpeg, Int(cairo_image_surface_get_width(surface)), Int(cairo_image_surface_get_height(surface)), surface)
        } else {
            throw .unsupportedImage(source: source, leadingBytes: Array(data.prefix(8)))
        }
        format = decoded.format
        width = decoded.width
        height = decoded.height
        surface = decoded.surface
    }

    /// Reads and decodes a PNG or JPEG file.
    /// - Parameter path: the image file.
    /// - Throws: ``PrintError/cannotRead(path:errno:)`` and whatever
    ///   ``init(data:source:)`` throws, with `path` as the source.
    public convenience init(contentsOf path: String) throws(PrintError) {
        let bytes = try Self.read(path)
        try self.init(data: bytes, source: "'\(path)'")
    }

    deinit {
        cairo_surface_destroy(surface)
    }

    /// Width over height.
    public var aspectRatio: Double { Double(width) / Double(height) }

    /// Refuses empty images and images over ``maxDimension`` or ``maxPixelCount``.
    static func checkDimensions(_ width: Int, _ height: Int, format: Format, source: String) throws(PrintError) {
        guard width > 0, height > 0 else {
            throw .imageUnreadable(source: source, format: format, message: "the image is \(width)×\(height) pixels")
        }
        guard width <= maxDimension, height <= maxDimension, width * height <= maxPixelCount else {
            throw .imageTooLarge(source: source, width: width, height: height, bytes: 0)
        }
    }

    /// Reads a whole file of at most ``maxFileSize`` bytes through swift-system.
    private static func read(_ path: String) throws(PrintError) -> [UInt8] {
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
        } catch {
            throw .cannotRead(path: path, errno: (error as? Errno) ?? .ioError)
        }
        defer { try? descriptor.close() }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count: Int
            do {
                count = try chunk.withUnsafeMutableBytes { try descriptor.read(into: $0) }
            } catch {
                throw .cannotRead(path: path, errno: (error as? Errno) ?? .ioError)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maxFileSize {
                throw .imageTooLarge(source: "'\(path)'", width: 0, height: 0, bytes: bytes.count)
            }
        }
    }
}

/// PNG decoding through cairo's stream reader.
private enum PNGStream {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Width and height from the IHDR chunk, read before decoding so that a small file
    /// claiming a huge image is refused without allocating for it.
    static func dimensions(_ data: [UInt8], source: String) throws(PrintError) -> (Int, Int) {
        guard data.count >= 24, Array(data[12..<16]) == Array("IHDR".utf8) else {
            throw .imageUnreadable(source: source, format: .png, message: "no IHDR chunk after the PNG signature")
        }
        func word(_ offset: Int) -> Int {
            data[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        return (word(16), word(20))
    }

    /// The bytes being read and how far.
    final class Cursor {
        let bytes: [UInt8]
        var offset = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    /// Decodes with `cairo_image_surface_create_from_png_stream`.
    static func decode(_ data: [UInt8], source: String) throws(PrintError) -> OpaquePointer {
        let cursor = Cursor(data)
        let surface = withExtendedLifetime(cursor) {
            cairo_image_surface_create_from_png_stream(
                { closure, buffer, length in
                    let cursor = Unmanaged<Cursor>.fromOpaque(closure!).takeUnretainedValue()
                    let wanted = Int(length)
                    guard let buffer, cursor.bytes.count - cursor.offset >= wanted else { return CAIRO_STATUS_READ_ERROR }
                    cursor.bytes.withUnsafeBufferPointer {
                        buffer.update(from: $0.baseAddress! + cursor.offset, count: wanted)
                    }
                    cursor.offset += wanted
                    return CAIRO_STATUS_SUCCESS
                }, Unmanaged.passUnretained(cursor).toOpaque())!
        }
        if let failure = Cairo.failure(surface: surface, function: "cairo_image_surface_create_from_png_stream") {
            cairo_surface_destroy(surface)
            throw .imageUnreadable(source: source, format: .png, message: failure.message)
        }
        return surface
    }
}
