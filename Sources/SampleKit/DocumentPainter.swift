import EnrollCore
import Foundation

/// An 8-bit RGB raster used to paint synthetic document photos.
public struct Canvas: Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Interleaved RGB bytes, rows top to bottom.
    public var rgb: [UInt8]

    /// A canvas filled with one colour.
    public init(width: Int, height: Int, fill: RGB = RGB(255, 255, 255)) {
        self.width = width
        self.height = height
        var px = [UInt8](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: px.count, by: 3) {
            px[i] = fill.r
            px[i + 1] = fill.g
            px[i + 2] = fill.b
        }
        rgb = px
    }

    /// Fills the clipped rectangle `[x0, x1) × [y0, y1)`; `multiply` darkens like ink instead of covering.
    public mutating func fill(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ c: RGB, multiply: Bool = false) {
        let ax = max(0, x0), bx = min(width, x1), ay = max(0, y0), by = min(height, y1)
        guard ax < bx, ay < by else { return }
        let w = width
        rgb.withUnsafeMutableBufferPointer { p in
            for y in ay..<by {
                var i = (y * w + ax) * 3
                for _ in ax..<bx {
                    if multiply {
                        p[i] = UInt8((UInt16(p[i]) * UInt16(c.r)) / 255)
                        p[i + 1] = UInt8((UInt16(p[i + 1]) * UInt16(c.g)) / 255)
                        p[i + 2] = UInt8((UInt16(p[i + 2]) * UInt16(c.b)) / 255)
                    } else {
                        p[i] = c.r
                        p[i + 1] = c.g
                        p[i + 2] = c.b
                    }
                    i += 3
                }
            }
        }
    }

    /// Fills an axis-aligned ellipse, or a ring of the given thickness when `thickness` > 0.
    public mutating func ellipse(cx: Double, cy: Double, rx: Double, ry: Double, _ c: RGB,
                                 thickness: Double = 0, multiply: Bool = false) {
        let y0 = max(0, Int(cy - ry) - 1), y1 = min(height - 1, Int(cy + ry) + 1)
        guard y0 <= y1, rx > 0, ry > 0 else { return }
        for y in y0...y1 {
            let dy = (Double(y) + 0.5 - cy) / ry
            let outer = 1 - dy * dy
            if outer < 0 { continue }
            let half = rx * outer.squareRoot()
            if thickness <= 0 {
                fill(Int((cx - half).rounded()), y, Int((cx + half).rounded()), y + 1, c, multiply: multiply)
            } else {
                let irx = rx - thickness, iry = ry - thickness
                let idy = (Double(y) + 0.5 - cy) / max(iry, 0.5)
                let inner = 1 - idy * idy
                if inner <= 0 || irx <= 0 {
                    fill(Int((cx - half).rounded()), y, Int((cx + half).rounded()), y + 1, c, multiply: multiply)
                } else {
                    let ih = irx * inner.squareRoot()
                    fill(Int((cx - half).rounded()), y, Int((cx - ih).rounded()), y + 1, c, multiply: multiply)
                    fill(Int((cx + ih).rounded()), y, Int((cx + half).rounded()), y + 1, c, multiply: multiply)
                }
            }
        }
    }

    /// A one-channel copy (ITU-R BT.601 luma).
    public func grayscale() -> [UInt8] {
        var g = [UInt8](repeating: 0, count: width * height)
        rgb.withUnsafeBufferPointer { p in
            for i in 0..<(width * height) {
                let v = (77 * Int(p[3 * i]) + 150 * Int(p[3 * i + 1]) + 29 * Int(p[3 * i + 2])) >> 8
                g[i] = UInt8(v)
            }
        }
        return g
    }
}

/// An RGB colour.
public struct RGB: Sendable, Hashable {
    /// Red.
    public var r: UInt8
    /// Green.
    public var g: UInt8
    /// Blue.
    public var b: UInt8
    /// Creates a colour from 0...255 components.
    public init(_ r: Int, _ g: Int, _ b: Int) {
        self.r = UInt8(clamping: r)
        self.g = UInt8(clamping: g)
        self.b = UInt8(clamping: b)
    }
}

/// The kind of document shown in a synthetic photo; changes layout (tables, cards, seals, signature).
public enum DocumentKind: String, Sendable, CaseIterable {
    /// A page of a hukou book (table with a red frame and a seal).
    case hukouPage
    /// A birth certificate (framed certificate with a seal).
    case birthCertificate
    /// Both sides of an identity card photographed on paper.
    case idCard
    /// A property certificate page (table, seal).
    case propertyCertificate
    /// A residence permit card.
    case residencePermit
    /// A passport or travel permit page.
    case travelDocument
    /// A signed commitment letter (text and a handwritten signature).
    case commitment
    /// Any other letter or form (lease, employment proof).
    case letter
}

/// Paints synthetic "photographed document" images and the blue-background student photo.
public enum DocumentPainter {
    /// A photographed page: table/desk surround, a lit paper sheet with sensor noise, a border,
    /// lines of glyph-like text blocks, and depending on the kind a table grid, cards, a red seal or a signature.
    public static func document(kind: DocumentKind, width: Int, height: Int, seed: UInt64) -> Canvas {
        var rng = SampleRandom(seed: seed)
        var c = Canvas(width: width, height: height)
        let W = Double(width), H = Double(height)
        // Paper placement (a phone photo: paper fills most of the frame).
        let mx = Int(W * (0.03 + 0.05 * rng.unit())), my = Int(H * (0.03 + 0.05 * rng.unit()))
        let px0 = mx, py0 = my, px1 = width - Int(W * (0.03 + 0.05 * rng.unit()))
        let py1 = height - Int(H * (0.03 + 0.05 * rng.unit()))
        let paperBase: RGB = kind == .hukouPage ? RGB(236, 226, 212) : RGB(238 - rng.below(8), 235 - rng.below(8), 226 - rng.below(10))
        let desk = rng.pick([RGB(120, 90, 62), RGB(92, 92, 96), RGB(160, 150, 132), RGB(70, 55, 45)])
        let lx = rng.unit(), ly = rng.unit() * 0.5
        let noiseAmp = 10 + rng.below(5)
        paintBackground(&c, paper: paperBase, desk: desk, paperRect: (px0, py0, px1, py1), light: (lx, ly),
                        noiseAmp: noiseAmp, seed: rng.next())
        let pw = Double(px1 - px0), ph = Double(py1 - py0)
        let unit = max(1.0, min(pw, ph) / 60)  // glyph cell size
        let ink = rng.pick([RGB(40, 40, 48), RGB(30, 34, 60), RGB(55, 50, 50)])
        let frame: RGB = kind == .hukouPage || kind == .birthCertificate || kind == .propertyCertificate
            ? RGB(200, 120, 110) : RGB(90, 90, 100)

        // Border.
        let inset = Int(unit * 1.5)
        let t = max(1, Int(unit / 6))
        drawFrame(&c, px0 + inset, py0 + inset, px1 - inset, py1 - inset, t, frame)
        if kind == .birthCertificate || kind == .propertyCertificate {
            drawFrame(&c, px0 + inset + 3 * t, py0 + inset + 3 * t, px1 - inset - 3 * t, py1 - inset - 3 * t, t, frame)
        }

        // Title.
        var y = Double(py0) + Double(inset) + unit * 2
        let titleChars = 4 + rng.below(6)
        let tcell = unit * 1.8
        var x = Double(px0) + pw / 2 - Double(titleChars) * tcell / 2
        for _ in 0..<titleChars {
            glyph(&c, x: x, y: y, size: tcell * 0.85, ink: ink, rng: &rng, bold: true)
            x += tcell
        }
        y += tcell * 2

        let left = Double(px0 + inset) + unit * 2, right = Double(px1 - inset) - unit * 2
        let bottom = Double(py1 - inset) - unit * 2
        switch kind {
        case .idCard, .residencePermit, .travelDocument:
            // Two cards (front and back) or a passport page.
            let cw = min(right - left, (bottom - y) * 0.45 * 85.6 / 54)
            let ch = cw * 54 / 85.6
            for side in 0..<2 {
                let cx0 = left + (right - left - cw) / 2
                let cy0 = y + Double(side) * (ch + unit * 2)
                let cardColor = kind == .travelDocument ? RGB(214, 226, 214) : RGB(212, 226, 238)
                c.fill(Int(cx0), Int(cy0), Int(cx0 + cw), Int(cy0 + ch), cardColor, multiply: true)
                drawFrame(&c, Int(cx0), Int(cy0), Int(cx0 + cw), Int(cy0 + ch), max(1, t / 2), RGB(150, 160, 170))
                let cu = ch / 12
                if side == 0 {
                    // Portrait box and text lines.
                    c.fill(Int(cx0 + cw * 0.66), Int(cy0 + ch * 0.15), Int(cx0 + cw * 0.92), Int(cy0 + ch * 0.75),
                           RGB(170, 175, 185), multiply: true)
                    c.ellipse(cx: cx0 + cw * 0.79, cy: cy0 + ch * 0.38, rx: cw * 0.07, ry: ch * 0.14, RGB(120, 110, 100),
                              multiply: true)
                    textBlock(&c, x0: cx0 + cu, y0: cy0 + cu, x1: cx0 + cw * 0.62, y1: cy0 + ch - cu, cell: cu * 1.1,
                              ink: ink, rng: &rng, ragged: true)
                } else {
                    c.ellipse(cx: cx0 + cw * 0.14, cy: cy0 + ch * 0.25, rx: ch * 0.13, ry: ch * 0.13, RGB(225, 90, 80),
                              multiply: true)
                    textBlock(&c, x0: cx0 + cw * 0.3, y0: cy0 + ch * 0.15, x1: cx0 + cw - cu, y1: cy0 + ch * 0.4,
                              cell: cu * 1.4, ink: ink, rng: &rng, ragged: false)
                    textBlock(&c, x0: cx0 + cw * 0.2, y0: cy0 + ch * 0.6, x1: cx0 + cw - cu, y1: cy0 + ch - cu,
                              cell: cu * 1.1, ink: ink, rng: &rng, ragged: false)
                }
            }
        case .hukouPage, .propertyCertificate, .birthCertificate:
            // A table grid with text in the cells.
            let rows = 8 + rng.below(6)
            let rowH = (bottom - y - unit * 6) / Double(rows)
            let cols = [0.0, 0.18, 0.5, 0.68, 1.0]
            for r in 0...rows {
                let yy = Int(y + Double(r) * rowH)
                c.fill(Int(left), yy, Int(right), yy + t, frame, multiply: true)
            }
            for cx in cols {
                let xx = Int(left + cx * (right - left))
                c.fill(xx, Int(y), xx + t, Int(y + Double(rows) * rowH), frame, multiply: true)
            }
            for r in 0..<rows {
                for k in 0..<(cols.count - 1) {
                    let cx0 = left + cols[k] * (right - left) + unit * 0.5
                    let cx1 = left + cols[k + 1] * (right - left) - unit * 0.5
                    let cy = y + Double(r) * rowH + (rowH - unit) / 2
                    let n = max(1, Int((cx1 - cx0) / (unit * 1.15)) - rng.below(4))
                    var gx = cx0
                    for _ in 0..<n where gx + unit < cx1 {
                        glyph(&c, x: gx, y: cy, size: unit * 0.9, ink: ink, rng: &rng, bold: false)
                        gx += unit * 1.15
                    }
                }
            }
            y += Double(rows) * rowH + unit * 2
            textBlock(&c, x0: left, y0: y, x1: right, y1: bottom, cell: unit * 1.1, ink: ink, rng: &rng, ragged: true)
        case .commitment, .letter:
            let textBottom = kind == .commitment ? bottom - unit * 8 : bottom - unit * 4
            textBlock(&c, x0: left, y0: y, x1: right, y1: textBottom, cell: unit * 1.15, ink: ink, rng: &rng,
                      ragged: true)
            if kind == .commitment {
                signature(&c, x0: right - pw * 0.35, y0: bottom - unit * 6, w: pw * 0.3, h: unit * 4,
                          rng: &rng)
            }
        }

        // Red seal (official documents and most letters).
        if kind != .commitment && kind != .travelDocument && rng.chance(0.8) {
            let r = min(pw, ph) * (0.08 + 0.03 * rng.unit())
            let sx = Double(px0) + pw * (0.55 + 0.3 * rng.unit())
            let sy = Double(py0) + ph * (0.6 + 0.25 * rng.unit())
            let red = RGB(235, 95, 95)
            c.ellipse(cx: sx, cy: sy, rx: r, ry: r, red, thickness: max(1.5, r / 11), multiply: true)
            c.ellipse(cx: sx, cy: sy, rx: r * 0.2, ry: r * 0.2, red, multiply: true)
            var a = -2.6
            while a < -0.5 {
                let gx = sx + cos(a) * r * 0.72, gy = sy + sin(a) * r * 0.72
                glyph(&c, x: gx - r * 0.08, y: gy - r * 0.08, size: r * 0.16, ink: red, rng: &rng, bold: false)
                a += 0.22
            }
        }
        return c
    }

    /// The blue-background student photo: head-and-shoulders with a face-like oval.
    public static func studentPhoto(width: Int, height: Int, seed: UInt64) -> Canvas {
        var rng = SampleRandom(seed: seed)
        var c = Canvas(width: width, height: height)
        let W = Double(width), H = Double(height)
        let top = RGB(56 + rng.below(10), 128 + rng.below(14), 200 + rng.below(16))
        // Vertical gradient with light noise.
        var state = UInt32(truncatingIfNeeded: rng.next()) | 1
        c.rgb.withUnsafeMutableBufferPointer { p in
            for y in 0..<height {
                let f = Double(y) / H
                let r = Double(top.r) * (1 - 0.12 * f), g = Double(top.g) * (1 - 0.1 * f), b = Double(top.b) * (1 - 0.05 * f)
                for x in 0..<width {
                    state ^= state << 13; state ^= state >> 17; state ^= state << 5
                    let n = Double(Int(state & 7) - 3)
                    let i = (y * width + x) * 3
                    p[i] = UInt8(clamping: Int(r + n)); p[i + 1] = UInt8(clamping: Int(g + n))
                    p[i + 2] = UInt8(clamping: Int(b + n))
                }
            }
        }
        let skin = RGB(226 + rng.below(20), 186 + rng.below(20), 160 + rng.below(20))
        let hair = RGB(25 + rng.below(20), 20 + rng.below(15), 20 + rng.below(15))
        let cloth = rng.pick([RGB(30, 32, 40), RGB(240, 240, 240), RGB(150, 30, 40), RGB(40, 60, 110)])
        // Shoulders and body.
        for y in Int(H * 0.74)..<height {
            let f = (Double(y) - H * 0.74) / (H * 0.26)
            let half = W * (0.22 + 0.3 * min(1, f * 1.6))
            c.fill(Int(W / 2 - half), y, Int(W / 2 + half), y + 1, cloth)
        }
        c.fill(Int(W * 0.43), Int(H * 0.58), Int(W * 0.57), Int(H * 0.78), RGB(Int(skin.r) - 15, Int(skin.g) - 15, Int(skin.b) - 15))
        // Hair, then face over it.
        c.ellipse(cx: W / 2, cy: H * 0.38, rx: W * 0.27, ry: H * 0.25, hair)
        c.ellipse(cx: W / 2, cy: H * 0.44, rx: W * 0.21, ry: H * 0.2, skin)
        c.ellipse(cx: W * 0.29, cy: H * 0.45, rx: W * 0.03, ry: H * 0.04, skin)
        c.ellipse(cx: W * 0.71, cy: H * 0.45, rx: W * 0.03, ry: H * 0.04, skin)
        // Eyes, brows, nose, mouth.
        for ex in [0.41, 0.59] {
            c.ellipse(cx: W * ex, cy: H * 0.41, rx: W * 0.035, ry: H * 0.012, RGB(250, 250, 250))
            c.ellipse(cx: W * ex, cy: H * 0.41, rx: W * 0.015, ry: H * 0.011, RGB(35, 25, 20))
            c.fill(Int(W * (ex - 0.045)), Int(H * 0.375), Int(W * (ex + 0.045)), Int(H * 0.382), hair)
        }
        c.fill(Int(W * 0.49), Int(H * 0.44), Int(W * 0.51), Int(H * 0.5), RGB(200, 160, 140), multiply: true)
        c.ellipse(cx: W / 2, cy: H * 0.54, rx: W * 0.06, ry: H * 0.012, RGB(200, 90, 90))
        return c
    }

    // MARK: Helpers

    static func paintBackground(_ c: inout Canvas, paper: RGB, desk: RGB, paperRect: (Int, Int, Int, Int),
                                light: (Double, Double), noiseAmp: Int, seed: UInt64) {
        let w = c.width, h = c.height
        var state = UInt32(truncatingIfNeeded: seed) | 1
        let (x0, y0, x1, y1) = paperRect
        let invW = 1.0 / Double(w), invH = 1.0 / Double(h)
        // Per-row lighting with a per-column term, noise from a xorshift32 stream.
        var colLight = [Float](repeating: 0, count: w)
        for x in 0..<w {
            let dx = Double(x) * invW - light.0
            colLight[x] = Float(dx * dx)
        }
        let amp = UInt32(noiseAmp * 2 + 1)
        c.rgb.withUnsafeMutableBufferPointer { p in
            colLight.withUnsafeBufferPointer { cl in
                for y in 0..<h {
                    let dy = Double(y) * invH - light.1
                    let rowL = Float(dy * dy)
                    let inRow = y >= y0 && y < y1
                    var i = y * w * 3
                    for x in 0..<w {
                        let shade = 1.0 - 0.22 * (cl[x] + rowL)
                        let base = inRow && x >= x0 && x < x1 ? paper : desk
                        state ^= state << 13; state ^= state >> 17; state ^= state << 5
                        let n = Float(Int32(state % amp) - Int32(noiseAmp))
                        let n2 = Float(Int32((state >> 8) % 5) - 2)
                        p[i] = UInt8(clamping: Int(Float(base.r) * shade + n + n2))
                        p[i + 1] = UInt8(clamping: Int(Float(base.g) * shade + n))
                        p[i + 2] = UInt8(clamping: Int(Float(base.b) * shade + n - n2))
                        i += 3
                    }
                }
            }
        }
    }

    static func drawFrame(_ c: inout Canvas, _ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ t: Int, _ col: RGB) {
        c.fill(x0, y0, x1, y0 + t, col, multiply: true)
        c.fill(x0, y1 - t, x1, y1, col, multiply: true)
        c.fill(x0, y0 + t, x0 + t, y1 - t, col, multiply: true)
        c.fill(x1 - t, y0 + t, x1, y1 - t, col, multiply: true)
    }

    /// A glyph-like cluster of strokes in a square cell.
    static func glyph(_ c: inout Canvas, x: Double, y: Double, size: Double, ink: RGB, rng: inout SampleRandom,
                      bold: Bool) {
        let s = max(2.0, size)
        let th = max(1, Int(s / (bold ? 6 : 9)))
        let strokes = 3 + rng.below(4)
        for _ in 0..<strokes {
            let a = rng.unit(), b = rng.unit(), len = 0.4 + 0.6 * rng.unit()
            if rng.chance(0.55) {
                let yy = Int(y + a * (s - Double(th)))
                let xx = x + b * s * (1 - len)
                c.fill(Int(xx), yy, Int(xx + len * s), yy + th, ink, multiply: true)
            } else {
                let xx = Int(x + a * (s - Double(th)))
                let yy = y + b * s * (1 - len)
                c.fill(xx, Int(yy), xx + th, Int(yy + len * s), ink, multiply: true)
            }
        }
    }

    /// Lines of glyphs filling a rectangle; `ragged` ends paragraphs early.
    static func textBlock(_ c: inout Canvas, x0: Double, y0: Double, x1: Double, y1: Double, cell: Double, ink: RGB,
                          rng: inout SampleRandom, ragged: Bool) {
        guard cell >= 1, x1 > x0, y1 > y0 else { return }
        let lineH = cell * 1.6
        var y = y0
        var first = true
        while y + cell <= y1 {
            var x = x0 + (first ? cell * 2 : 0)
            let end = ragged && rng.chance(0.2) ? x0 + (x1 - x0) * (0.2 + 0.6 * rng.unit()) : x1
            first = end < x1
            while x + cell <= end {
                if rng.chance(0.06) {
                    x += cell  // punctuation gap
                } else {
                    glyph(&c, x: x, y: y, size: cell * 0.88, ink: ink, rng: &rng, bold: false)
                    x += cell
                }
            }
            y += lineH
        }
    }

    /// A handwritten-looking scribble.
    static func signature(_ c: inout Canvas, x0: Double, y0: Double, w: Double, h: Double, rng: inout SampleRandom) {
        let ink = RGB(30, 40, 110)
        let th = max(1, Int(h / 14))
        let f1 = 2 + 4 * rng.unit(), f2 = 7 + 6 * rng.unit(), ph = rng.unit() * 6
        let steps = max(20, Int(w * 2))
        for i in 0..<steps {
            let t = Double(i) / Double(steps)
            let x = x0 + t * w
            let y = y0 + h / 2 + sin(t * f1 * 6.283 + ph) * h * 0.3 + sin(t * f2 * 6.283) * h * 0.15
            c.fill(Int(x), Int(y), Int(x) + th, Int(y) + th, ink, multiply: true)
        }
    }
}
