import EnrollCore
/// A baseline (SOF0) JPEG encoder: 8-bit YCbCr, 4:2:0 or 4:4:4 sampling, Annex K quantization tables
/// scaled by quality, the standard Annex K Huffman tables and a JFIF APP0 header.
///
/// Uses a floating-point AAN forward DCT and preallocated plane buffers; no per-pixel allocation.
public struct JPEGEncoder: Sendable {
    /// Chroma sampling.
    public enum Sampling: Sendable {
        /// Chroma at half resolution both ways (MCU 16×16).
        case yuv420
        /// Chroma at full resolution (MCU 8×8).
        case yuv444
    }

    /// Quality 1...100 (libjpeg scaling of the Annex K tables).
    public var quality: Int
    /// Chroma sampling.
    public var sampling: Sampling

    /// Creates an encoder.
    public init(quality: Int = 85, sampling: Sampling = .yuv420) {
        self.quality = min(100, max(1, quality))
        self.sampling = sampling
    }

    // MARK: Tables (ITU-T T.81 Annex K)

    static let lumaQuant: [Int] = [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ]
    static let chromaQuant: [Int] = [
        17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
        24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    ]
    /// Natural (row-major) index of the k-th coefficient in zigzag order.
    static let zigzag: [Int] = [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ]
    static let dcLumaBits: [UInt8] = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    static let dcLumaVals: [UInt8] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    static let dcChromaBits: [UInt8] = [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    static let dcChromaVals: [UInt8] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    static let acLumaBits: [UInt8] = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D]
    static let acLumaVals: [UInt8] = [
        0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
        0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0,
        0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28,
        0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
        0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
        0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
        0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
        0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5,
        0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2,
        0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8,
        0xF9, 0xFA,
    ]
    static let acChromaBits: [UInt8] = [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77]
    static let acChromaVals: [UInt8] = [
        0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
        0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xA1, 0xB1, 0xC1, 0x09, 0x23, 0x33, 0x52, 0xF0,
        0x15, 0x62, 0x72, 0xD1, 0x0A, 0x16, 0x24, 0x34, 0xE1, 0x25, 0xF1, 0x17, 0x18, 0x19, 0x1A, 0x26,
        0x27, 0x28, 0x29, 0x2A, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
        0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
        0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
        0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5,
        0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3,
        0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA,
        0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8,
        0xF9, 0xFA,
    ]

    /// Huffman code table: code and length per symbol (0...255).
    struct HuffTable {
        var code = [UInt16](repeating: 0, count: 256)
        var size = [UInt8](repeating: 0, count: 256)
        init(bits: [UInt8], vals: [UInt8]) {
            var k = 0
            var c: UInt16 = 0
            for len in 1...16 {
                for _ in 0..<Int(bits[len - 1]) {
                    code[Int(vals[k])] = c
                    size[Int(vals[k])] = UInt8(len)
                    c += 1
                    k += 1
                }
                c <<= 1
            }
        }
    }

    static let dcLuma = HuffTable(bits: dcLumaBits, vals: dcLumaVals)
    static let acLuma = HuffTable(bits: acLumaBits, vals: acLumaVals)
    static let dcChroma = HuffTable(bits: dcChromaBits, vals: dcChromaVals)
    static let acChroma = HuffTable(bits: acChromaBits, vals: acChromaVals)

    /// The quantization table for the quality, natural order, entries 1...255.
    static func scaledTable(_ base: [Int], quality: Int) -> [Int] {
        let scale = quality < 50 ? 5000 / quality : 200 - quality * 2
        return base.map { min(255, max(1, ($0 * scale + 50) / 100)) }
    }

    /// AAN scale factors.
    static let aan: [Float] = [1.0, 1.387039845, 1.306562965, 1.175875602, 1.0, 0.785694958, 0.541196100, 0.275899379]

    // MARK: Encoding

    /// Encodes interleaved 8-bit RGB pixels (`width * height * 3` bytes, rows top to bottom).
    public func encode(rgb: [UInt8], width: Int, height: Int) -> [UInt8] {
        precondition(width > 0 && height > 0 && width <= 65535 && height <= 65535, "bad size")
        precondition(rgb.count >= width * height * 3, "pixel buffer too small")
        let qY = Self.scaledTable(Self.lumaQuant, quality: quality)
        let qC = Self.scaledTable(Self.chromaQuant, quality: quality)
        // Divisors folded with AAN scaling.
        var fdY = [Float](repeating: 0, count: 64)
        var fdC = [Float](repeating: 0, count: 64)
        for r in 0..<8 {
            for c in 0..<8 {
                let s = Self.aan[r] * Self.aan[c] * 8
                fdY[r * 8 + c] = 1 / (Float(qY[r * 8 + c]) * s)
                fdC[r * 8 + c] = 1 / (Float(qC[r * 8 + c]) * s)
            }
        }

        var out: [UInt8] = []
        out.reserveCapacity(width * height / 4 + 1024)
        // SOI + JFIF APP0
        out += [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x01,
                0x00, 0x48, 0x00, 0x48, 0x00, 0x00]
        // DQT
        out += [0xFF, 0xDB, 0x00, 0x84, 0x00]
        for k in 0..<64 { out.append(UInt8(qY[Self.zigzag[k]])) }
        out.append(0x01)
        for k in 0..<64 { out.append(UInt8(qC[Self.zigzag[k]])) }
        // SOF0
        let hv: UInt8 = sampling == .yuv420 ? 0x22 : 0x11
        out += [0xFF, 0xC0, 0x00, 0x11, 0x08, UInt8(height >> 8), UInt8(height & 0xFF),
                UInt8(width >> 8), UInt8(width & 0xFF), 0x03,
                0x01, hv, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]
        // DHT
        func dht(_ cls: UInt8, _ bits: [UInt8], _ vals: [UInt8]) {
            let len = 2 + 1 + 16 + vals.count
            out += [0xFF, 0xC4, UInt8(len >> 8), UInt8(len & 0xFF), cls]
            out += bits
            out += vals
        }
        dht(0x00, Self.dcLumaBits, Self.dcLumaVals)
        dht(0x10, Self.acLumaBits, Self.acLumaVals)
        dht(0x01, Self.dcChromaBits, Self.dcChromaVals)
        dht(0x11, Self.acChromaBits, Self.acChromaVals)
        // SOS
        out += [0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00]

        // Planes (level-shifted), padded to whole MCUs by edge replication.
        let mcu = sampling == .yuv420 ? 16 : 8
        let pw = (width + mcu - 1) / mcu * mcu
        let ph = (height + mcu - 1) / mcu * mcu
        var yP = [Float](repeating: 0, count: pw * ph)
        var cbP = [Float](repeating: 0, count: pw * ph)
        var crP = [Float](repeating: 0, count: pw * ph)
        rgb.withUnsafeBufferPointer { src in
            yP.withUnsafeMutableBufferPointer { yb in
                cbP.withUnsafeMutableBufferPointer { cbb in
                    crP.withUnsafeMutableBufferPointer { crb in
                        for y in 0..<ph {
                            let sy = min(y, height - 1)
                            let rowBase = sy * width * 3
                            let dRow = y * pw
                            for x in 0..<pw {
                                let i = rowBase + min(x, width - 1) * 3
                                let r = Float(src[i]), g = Float(src[i + 1]), b = Float(src[i + 2])
                                yb[dRow + x] = 0.299 * r + 0.587 * g + 0.114 * b - 128
                                cbb[dRow + x] = -0.168736 * r - 0.331264 * g + 0.5 * b
                                crb[dRow + x] = 0.5 * r - 0.418688 * g - 0.081312 * b
                            }
                        }
                    }
                }
            }
        }
        var cw = pw, chh = ph
        if sampling == .yuv420 {
            cw = pw / 2
            chh = ph / 2
            var cb2 = [Float](repeating: 0, count: cw * chh)
            var cr2 = [Float](repeating: 0, count: cw * chh)
            for y in 0..<chh {
                for x in 0..<cw {
                    let a = 2 * y * pw + 2 * x
                    cb2[y * cw + x] = (cbP[a] + cbP[a + 1] + cbP[a + pw] + cbP[a + pw + 1]) * 0.25
                    cr2[y * cw + x] = (crP[a] + crP[a + 1] + crP[a + pw] + crP[a + pw + 1]) * 0.25
                }
            }
            cbP = cb2
            crP = cr2
        }

        var writer = BitWriter(out: out)
        var block = [Float](repeating: 0, count: 64)
        var quantized = [Int32](repeating: 0, count: 64)
        var predY: Int32 = 0, predCb: Int32 = 0, predCr: Int32 = 0
        let zz = Self.zigzag
        block.withUnsafeMutableBufferPointer { blk in
            quantized.withUnsafeMutableBufferPointer { qz in
                func encodeBlock(_ plane: UnsafeBufferPointer<Float>, stride: Int, x0: Int, y0: Int,
                                 div: [Float], pred: inout Int32, dc: HuffTable, ac: HuffTable) {
                    for r in 0..<8 {
                        let base = (y0 + r) * stride + x0
                        for c in 0..<8 { blk[r * 8 + c] = plane[base + c] }
                    }
                    Self.fdct(blk)
                    for k in 0..<64 {
                        let v = blk[zz[k]] * div[zz[k]]
                        qz[k] = Int32(v < 0 ? v - 0.5 : v + 0.5)
                    }
                    let diff = qz[0] - pred
                    pred = qz[0]
                    writer.writeCoefficient(diff, table: dc, runPrefix: 0)
                    var run = 0
                    for k in 1..<64 {
                        let v = qz[k]
                        if v == 0 { run += 1; continue }
                        while run > 15 {
                            writer.write(code: ac.code[0xF0], size: ac.size[0xF0])
                            run -= 16
                        }
                        writer.writeCoefficient(v, table: ac, runPrefix: run)
                        run = 0
                    }
                    if run > 0 { writer.write(code: ac.code[0x00], size: ac.size[0x00]) }
                }
                yP.withUnsafeBufferPointer { yb in
                    cbP.withUnsafeBufferPointer { cbb in
                        crP.withUnsafeBufferPointer { crb in
                            var my = 0
                            while my < ph {
                                var mx = 0
                                while mx < pw {
                                    if sampling == .yuv420 {
                                        for q in 0..<4 {
                                            encodeBlock(yb, stride: pw, x0: mx + (q & 1) * 8, y0: my + (q >> 1) * 8, div: fdY,
                                                        pred: &predY, dc: Self.dcLuma, ac: Self.acLuma)
                                        }
                                        encodeBlock(cbb, stride: cw, x0: mx / 2, y0: my / 2, div: fdC,
                                                    pred: &predCb, dc: Self.dcChroma, ac: Self.acChroma)
                                        encodeBlock(crb, stride: cw, x0: mx / 2, y0: my / 2, div: fdC,
                                                    pred: &predCr, dc: Self.dcChroma, ac: Self.acChroma)
                                    } else {
                                        encodeBlock(yb, stride: pw, x0: mx, y0: my, div: fdY,
                                                    pred: &predY, dc: Self.dcLuma, ac: Self.acLuma)
                                        encodeBlock(cbb, stride: cw, x0: mx, y0: my, div: fdC,
                                                    pred: &predCb, dc: Self.dcChroma, ac: Self.acChroma)
                                        encodeBlock(crb, stride: cw, x0: mx, y0: my, div: fdC,
                                                    pred: &predCr, dc: Self.dcChroma, ac: Self.acChroma)
                                    }
                                    mx += mcu
                                }
                                my += mcu
                            }
                        }
                    }
                }
            }
        }
        writer.flush()
        var result = writer.out
        result += [0xFF, 0xD9]
        return result
    }

    /// In-place AAN forward DCT of an 8×8 block (output scaled by the AAN factors × 8).
    @inline(__always)
    static func fdct(_ d: UnsafeMutableBufferPointer<Float>) {
        for pass in 0..<2 {
            for i in 0..<8 {
                let (o, s) = pass == 0 ? (i * 8, 1) : (i, 8)
                let t0 = d[o] + d[o + 7 * s], t7 = d[o] - d[o + 7 * s]
                let t1 = d[o + s] + d[o + 6 * s], t6 = d[o + s] - d[o + 6 * s]
                let t2 = d[o + 2 * s] + d[o + 5 * s], t5 = d[o + 2 * s] - d[o + 5 * s]
                let t3 = d[o + 3 * s] + d[o + 4 * s], t4 = d[o + 3 * s] - d[o + 4 * s]
                // Even part
                let t10 = t0 + t3, t13 = t0 - t3
                let t11 = t1 + t2, t12 = t1 - t2
                d[o] = t10 + t11
                d[o + 4 * s] = t10 - t11
                let z1 = (t12 + t13) * 0.707106781
                d[o + 2 * s] = t13 + z1
                d[o + 6 * s] = t13 - z1
                // Odd part
                let u10 = t4 + t5, u11 = t5 + t6, u12 = t6 + t7
                let z5 = (u10 - u12) * 0.382683433
                let z2 = 0.541196100 * u10 + z5
                let z4 = 1.306562965 * u12 + z5
                let z3 = u11 * 0.707106781
                let z11 = t7 + z3, z13 = t7 - z3
                d[o + 5 * s] = z13 + z2
                d[o + 3 * s] = z13 - z2
                d[o + 1 * s] = z11 + z4
                d[o + 7 * s] = z11 - z4
            }
        }
    }
}

/// Entropy-coded segment writer with 0xFF byte stuffing.
struct BitWriter {
    var out: [UInt8]
    var acc: UInt32 = 0
    var count: UInt32 = 0

    @inline(__always)
    mutating func write(code: UInt16, size: UInt8) {
        acc = (acc << UInt32(size)) | UInt32(code)
        count += UInt32(size)
        while count >= 8 {
            count -= 8
            let byte = UInt8(truncatingIfNeeded: acc >> count)
            out.append(byte)
            if byte == 0xFF { out.append(0x00) }
        }
        acc &= (1 << count) &- 1
    }

    /// Writes a (run, category) symbol and the value's magnitude bits.
    @inline(__always)
    mutating func writeCoefficient(_ v: Int32, table: JPEGEncoder.HuffTable, runPrefix: Int) {
        let mag = v < 0 ? -v : v
        var cat = 0
        var m = mag
        while m > 0 { cat += 1; m >>= 1 }
        let sym = (runPrefix << 4) | cat
        write(code: table.code[sym], size: table.size[sym])
        if cat > 0 {
            let bits = v < 0 ? v + (1 << cat) - 1 : v
            write(code: UInt16(truncatingIfNeeded: bits) & UInt16((1 << cat) - 1), size: UInt8(cat))
        }
    }

    mutating func flush() {
        if count > 0 { write(code: UInt16((1 << (8 - count)) - 1), size: UInt8(8 - count)) }
    }
}
