import CCairo
import CTurboJPEG

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// JPEG decoding with TurboJPEG into a cairo image surface that carries the original JPEG.
enum JPEGDecoder {
    /// Decodes `data` and returns a `CAIRO_FORMAT_RGB24` surface with the JPEG bytes
    /// attached as `CAIRO_MIME_TYPE_JPEG`.
    ///
    /// Calls `tjInitDecompress`, `tjDecompressHeader3` (then `check` with the size, before
    /// any pixel memory is allocated), `cairo_image_surface_create`, `tjDecompress2` into the
    /// surface's pixels (BGRX on little-endian machines, XRGB on big-endian: cairo's native
    /// 32-bit layout), `cairo_surface_mark_dirty`, `cairo_surface_set_mime_data` and
    /// `tjDestroy`. Any TurboJPEG warning (a truncated or damaged file) is a refusal:
    /// a printed document must not show a half image.
    /// - Throws: ``PrintError/imageUnreadable(source:format:message:)`` with
    ///   `tjGetErrorStr2`'s message; what `check` throws.
    static func decode(
        _ data: [UInt8], source: String, check: (Int, Int) throws(PrintError) -> Void
    ) throws(PrintError) -> OpaquePointer {
        guard let handle = tjInitDecompress() else {
            throw .imageUnreadable(source: source, format: .jpeg, message: message(nil))
        }
        defer { tjDestroy(handle) }
        var width: Int32 = 0
        var height: Int32 = 0
        var subsampling: Int32 = 0
        var colorspace: Int32 = 0
        let header = data.withUnsafeBufferPointer {
            tjDecompressHeader3(handle, $0.baseAddress, UInt($0.count), &width, &height, &subsampling, &colorspace)
        }
        guard header == 0 else {
            throw .imageUnreadable(source: source, format: .jpeg, message: message(handle))
        }
        try check(Int(width), Int(height))
        if colorspace == TJCS_CMYK.rawValue || colorspace == TJCS_YCCK.rawValue {
            throw .imageUnreadable(
                source: source, format: .jpeg, message: "CMYK JPEGs are not supported; save the image as RGB")
        }

        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height) else {
            throw .imageUnreadable(source: source, format: .jpeg, message: "cairo_image_surface_create returned nothing")
        }
        if let failure = Cairo.failure(surface: surface, function: "cairo_image_surface_create") {
            cairo_surface_destroy(surface)
            throw .imageUnreadable(source: source, format: .jpeg, message: failure.description)
        }
        cairo_surface_flush(surface)
        let pixels = cairo_image_surface_get_data(surface)
        let stride = cairo_image_surface_get_stride(surface)
        let pixelFormat = 1.littleEndian == 1 ? TJPF_BGRX : TJPF_XRGB
        let decoded = data.withUnsafeBufferPointer {
            tjDecompress2(handle, $0.baseAddress, UInt($0.count), pixels, width, stride, height, Int32(pixelFormat.rawValue), 0)
        }
        guard decoded == 0 else {
            let text = message(handle)
            cairo_surface_destroy(surface)
            throw .imageUnreadable(source: source, format: .jpeg, message: text)
        }
        cairo_surface_mark_dirty(surface)

        // cairo keeps the JPEG until the surface is destroyed, then calls free(3) on it.
        guard let copy = malloc(data.count) else {
            cairo_surface_destroy(surface)
            throw .imageUnreadable(source: source, format: .jpeg, message: "out of memory")
        }
        data.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        let attached = cairo_surface_set_mime_data(
            surface, CAIRO_MIME_TYPE_JPEG, copy.assumingMemoryBound(to: UInt8.self), UInt(data.count), free, copy)
        guard attached == CAIRO_STATUS_SUCCESS else {
            free(copy)
            cairo_surface_destroy(surface)
            throw .imageUnreadable(
                source: source, format: .jpeg,
                message: Cairo.failure(attached, function: "cairo_surface_set_mime_data").description)
        }
        return surface
    }

    /// `tjGetErrorStr2(handle)`.
    private static func message(_ handle: tjhandle?) -> String {
        tjGetErrorStr2(handle).map { String(cString: $0) } ?? "TurboJPEG failed without a message"
    }
}
