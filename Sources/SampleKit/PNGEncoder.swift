import EnrollCore
/// A minimal PNG encoder: 8-bit grayscale or RGB, no filtering, zlib stream of stored (uncompressed)
/// deflate blocks with Adler-32, chunks with CRC-32. Output is larger than a compressing encoder's but
/// valid for every decoder.
public enum PNGEncoder {
    /// Pixel layout of the input.
    public enum ColorType: UInt8, Sendable {
        /// One byte per pixel.
        case gray = 0
        /// Three bytes per pixel, R G B.
        case rgb = 2

        var channels: Int { self == .gray ? 1 : 3 }
    }

    /// CRC-32 (ISO 3309, polynomial 0xEDB88320) lookup table.
    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// CRC-32 of bytes, continuing from `crc` (start with 0).
    public static func crc32<C: Collection>(_ bytes: C, crc: UInt32 = 0) -> UInt32 where C.Element == UInt8 {
        var c = crc ^ 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    /// Adler-32 of bytes.
    public static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        var i = 0
        bytes.withUnsafeBufferPointer { p in
            while i < p.count {
                let end = min(p.count, i + 5552)
                while i < end {
                    a += UInt32(p[i])
                    b += a
                    i += 1
                }
                a %= 65521
                b %= 65521
            }
        }
        return (b << 16) | a
    }

    static func be32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    static func chunk(_ type: String, _ data: [UInt8], into out: inout [UInt8]) {
        out += be32(UInt32(data.count))
        let t = Array(type.utf8)
        out += t
        out += data
        out += be32(crc32(data, crc: crc32(t)))
    }

    /// Encodes pixels (`width * height * channels` bytes, rows top to bottom).
    public static func encode(pixels: [UInt8], width: Int, height: Int, color: ColorType) -> [UInt8] {
        precondition(width > 0 && height > 0, "bad size")
        let rowBytes = width * color.channels
        precondition(pixels.count >= rowBytes * height, "pixel buffer too small")
        // Raw scanlines, each with filter type 0.
        var raw = [UInt8](repeating: 0, count: (rowBytes + 1) * height)
        raw.withUnsafeMutableBufferPointer { dst in
            pixels.withUnsafeBufferPointer { src in
                for y in 0..<height {
                    let d = y * (rowBytes + 1) + 1
                    for i in 0..<rowBytes { dst[d + i] = src[y * rowBytes + i] }
                }
            }
        }
        var z: [UInt8] = [0x78, 0x01]
        z.reserveCapacity(raw.count + raw.count / 65535 * 5 + 16)
        var pos = 0
        repeat {
            let n = min(65535, raw.count - pos)
            let final: UInt8 = pos + n >= raw.count ? 1 : 0
            z += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            z += raw[pos..<pos + n]
            pos += n
        } while pos < raw.count
        z += be32(adler32(raw))

        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        out.reserveCapacity(z.count + 64)
        chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, color.rawValue, 0, 0, 0], into: &out)
        chunk("IDAT", z, into: &out)
        chunk("IEND", [], into: &out)
        return out
    }
}
