import Foundation
import Testing
@testable import SampleKit

@Suite("JPEG and PNG encoders")
struct ImageTests {
    /// Decodes with libjpeg-turbo's djpeg and returns the PNM header's width and height.
    static func djpegSize(_ jpeg: [UInt8], name: String) throws -> (Int, Int)? {
        let dir = try Support.tempDir("jpeg")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/" + name + ".jpg"
        try Data(jpeg).write(to: URL(fileURLWithPath: path))
        let r = try Support.run("djpeg", ["-pnm", "-outfile", dir + "/out.pnm", path])
        guard r.status == 0, let pnm = FileManager.default.contents(atPath: dir + "/out.pnm") else { return nil }
        // "P6\n<w> <h>\n255\n"
        let header = String(decoding: pnm.prefix(32), as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == " " })
        guard header.count >= 3, header[0] == "P6" || header[0] == "P5",
              let w = Int(header[1]), let h = Int(header[2]) else { return nil }
        let expected = w * h * (header[0] == "P6" ? 3 : 1)
        #expect(pnm.count >= expected, "decoded pixel data complete")
        return (w, h)
    }

    @Test("djpeg is installed (apt-get install libjpeg-turbo-progs)")
    func decoderPresent() {
        #expect(Support.has("djpeg"), "djpeg missing: apt-get install -y libjpeg-turbo-progs")
    }

    @Test("baseline JPEGs of several sizes decode with djpeg at the right size",
          arguments: [(295, 413), (1, 1), (17, 9), (9, 17), (16, 16), (33, 47), (2000, 1500)])
    func jpegDecodes(size: (Int, Int)) throws {
        let (w, h) = size
        let canvas = w == 295 ? DocumentPainter.studentPhoto(width: w, height: h, seed: 3)
            : DocumentPainter.document(kind: .hukouPage, width: w, height: h, seed: 5)
        for sampling in [JPEGEncoder.Sampling.yuv420, .yuv444] {
            let jpeg = JPEGEncoder(quality: 85, sampling: sampling).encode(rgb: canvas.rgb, width: w, height: h)
            #expect(Array(jpeg.prefix(4)) == [0xFF, 0xD8, 0xFF, 0xE0])
            #expect(Array(jpeg.suffix(2)) == [0xFF, 0xD9])
            let decoded = try Self.djpegSize(jpeg, name: "\(w)x\(h)")
            #expect(decoded?.0 == w && decoded?.1 == h, "djpeg failed or wrong size for \(w)×\(h) \(sampling)")
            if w == 2000 {
                // A photographed page at quality 85: a few hundred KB up to ~2 MB.
                #expect(jpeg.count > 200_000 && jpeg.count < 2_000_000, "size \(jpeg.count)")
            }
        }
    }

    @Test("JPEG quality extremes decode")
    func qualities() throws {
        let c = DocumentPainter.document(kind: .commitment, width: 64, height: 48, seed: 1)
        for q in [1, 50, 100] {
            let jpeg = JPEGEncoder(quality: q).encode(rgb: c.rgb, width: 64, height: 48)
            let decoded = try Self.djpegSize(jpeg, name: "q\(q)")
            #expect(decoded?.0 == 64 && decoded?.1 == 48)
        }
    }

    @Test("PNG (stored deflate) parses with Python zlib: CRCs, Adler-32 and size")
    func pngDecodes() throws {
        let dir = try Support.tempDir("png")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var files: [(String, Int, Int)] = []
        for (w, h, gray) in [(1, 1, true), (17, 9, false), (300, 250, true), (260, 260, false)] {
            let c = DocumentPainter.document(kind: .letter, width: w, height: h, seed: 2)
            let png = gray ? PNGEncoder.encode(pixels: c.grayscale(), width: w, height: h, color: .gray)
                : PNGEncoder.encode(pixels: c.rgb, width: w, height: h, color: .rgb)
            let path = "\(dir)/\(w)x\(h).png"
            try Data(png).write(to: URL(fileURLWithPath: path))
            files.append((path, w, h))
        }
        let script = """
        import struct, sys, zlib
        for path, w, h in zip(sys.argv[1::3], sys.argv[2::3], sys.argv[3::3]):
            b = open(path, 'rb').read()
            assert b[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
            i, idat, hdr = 8, b'', None
            while i < len(b):
                n = struct.unpack('>I', b[i:i+4])[0]; t = b[i+4:i+8]; d = b[i+8:i+8+n]
                assert zlib.crc32(t + d) == struct.unpack('>I', b[i+8+n:i+12+n])[0], 'crc'
                if t == b'IHDR': hdr = struct.unpack('>IIBBBBB', d)
                if t == b'IDAT': idat += d
                i += 12 + n
            raw = zlib.decompress(idat)  # verifies the Adler-32
            ch = {0: 1, 2: 3}[hdr[3]]
            assert (hdr[0], hdr[1]) == (int(w), int(h)), (hdr, w, h)
            assert len(raw) == hdr[1] * (1 + hdr[0] * ch)
        print('ok', len(sys.argv) // 3)
        """
        let r = try Support.run("python3", ["-c", script] + files.flatMap { [$0.0, String($0.1), String($0.2)] })
        #expect(r.status == 0, "\(r.output)")
        #expect(r.output.hasPrefix("ok 4"))
    }

    @Test("CRC-32 and Adler-32 known values")
    func checksums() {
        #expect(PNGEncoder.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNGEncoder.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
    }
}
