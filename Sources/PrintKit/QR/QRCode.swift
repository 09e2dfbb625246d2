import CQRencode
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A QR code (ISO/IEC 18004) encoded by libqrencode: a square matrix of dark and light
/// modules, without the quiet zone.
///
/// The smallest version (1…40) that holds the data at the chosen error correction level is
/// used. The modules are copied out of libqrencode's `QRcode` and the `QRcode` is freed with
/// `QRcode_free` before the initialiser returns, so this is a plain value.
public struct QRCode: Sendable, Hashable {
    /// How much of the code may be damaged and still be read (`QRecLevel`).
    public enum ErrorCorrection: Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// About 7 % of the codewords can be restored (`QR_ECLEVEL_L`).
        case low
        /// About 15 % (`QR_ECLEVEL_M`); the default.
        case medium
        /// About 25 % (`QR_ECLEVEL_Q`).
        case quartile
        /// About 30 % (`QR_ECLEVEL_H`).
        case high

        var level: QRecLevel {
            switch self {
            case .low: QR_ECLEVEL_L
            case .medium: QR_ECLEVEL_M
            case .quartile: QR_ECLEVEL_Q
            case .high: QR_ECLEVEL_H
            }
        }

        /// The level's letter: L, M, Q or H.
        public var description: String {
            switch self {
            case .low: "L"
            case .medium: "M"
            case .quartile: "Q"
            case .high: "H"
            }
        }
    }

    /// The QR version, 1…40.
    public let version: Int
    /// Modules per side: 17 + 4 × ``version``.
    public let size: Int
    /// The error correction level the code was made with.
    public let errorCorrection: ErrorCorrection
    /// Row-major, `true` for a dark module.
    private let modules: [Bool]

    /// Encodes text as UTF-8.
    ///
    /// Calls `QRcode_encodeString` with the `QR_MODE_8` hint, case-sensitive: runs of
    /// digits and of upper-case alphanumerics are put in the denser numeric and alphanumeric
    /// modes, everything else (Chinese included) is 8-bit bytes, so the decoded bytes are
    /// exactly the text's UTF-8. Text containing U+0000, which a C string cannot carry, is
    /// encoded with ``init(bytes:errorCorrection:)`` instead.
    /// - Parameters:
    ///   - text: the text; not empty.
    ///   - errorCorrection: the level; ``ErrorCorrection/medium`` unless given.
    /// - Throws: ``PrintError/qrDataEmpty``,
    ///   ``PrintError/qrDataTooLong(byteCount:errorCorrection:)``,
    ///   ``PrintError/qrEncodingFailed(byteCount:errno:)``.
    public init(text: String, errorCorrection: ErrorCorrection = .medium) throws(PrintError) {
        let bytes = Array(text.utf8)
        if bytes.contains(0) {
            try self.init(bytes: bytes, errorCorrection: errorCorrection)
            return
        }
        guard !bytes.isEmpty else { throw .qrDataEmpty }
        let code = QRcode_encodeString(text, 0, errorCorrection.level, QR_MODE_8, 1)
        try self.init(code, byteCount: bytes.count, errorCorrection: errorCorrection)
    }

    /// Encodes arbitrary bytes in 8-bit mode (`QRcode_encodeData`).
    /// - Parameters:
    ///   - bytes: the data; not empty. At most 2953 bytes fit (version 40, level L).
    ///   - errorCorrection: the level; ``ErrorCorrection/medium`` unless given.
    /// - Throws: ``PrintError/qrDataEmpty``,
    ///   ``PrintError/qrDataTooLong(byteCount:errorCorrection:)``,
    ///   ``PrintError/qrEncodingFailed(byteCount:errno:)``.
    public init(bytes: [UInt8], errorCorrection: ErrorCorrection = .medium) throws(PrintError) {
        guard !bytes.isEmpty else { throw .qrDataEmpty }
        let code = bytes.withUnsafeBufferPointer {
            QRcode_encodeData(Int32($0.count), $0.baseAddress, 0, errorCorrection.level)
        }
        try self.init(code, byteCount: bytes.count, errorCorrection: errorCorrection)
    }

    /// Encodes text as UTF-8 in 8-bit mode behind an ECI designator for UTF-8 (ECI 26), so
    /// that readers decode the bytes as UTF-8 instead of guessing (zbar, for one, takes
    /// undeclared Chinese bytes for Shift JIS).
    ///
    /// Calls `QRinput_new2`, `QRinput_appendECIheader(26)`, `QRinput_append(QR_MODE_8)`,
    /// `QRcode_encodeInput` and `QRinput_free`.
    /// - Parameters:
    ///   - utf8Text: the text; not empty.
    ///   - errorCorrection: the level; ``ErrorCorrection/medium`` unless given.
    /// - Throws: ``PrintError/qrDataEmpty``,
    ///   ``PrintError/qrDataTooLong(byteCount:errorCorrection:)``,
    ///   ``PrintError/qrEncodingFailed(byteCount:errno:)``.
    public init(utf8Text: String, errorCorrection: ErrorCorrection = .medium) throws(PrintError) {
        let bytes = Array(utf8Text.utf8)
        guard !bytes.isEmpty else { throw .qrDataEmpty }
        guard let input = QRinput_new2(0, errorCorrection.level) else {
            throw .qrEncodingFailed(byteCount: bytes.count, errno: Errno(rawValue: errno))
        }
        defer { QRinput_free(input) }
        let appended = QRinput_appendECIheader(input, 26) == 0
            && bytes.withUnsafeBufferPointer { QRinput_append(input, QR_MODE_8, Int32($0.count), $0.baseAddress) } == 0
        guard appended else { throw .qrEncodingFailed(byteCount: bytes.count, errno: Errno(rawValue: errno)) }
        try self.init(QRcode_encodeInput(input), byteCount: bytes.count, errorCorrection: errorCorrection)
    }

    /// Takes the modules out of a `QRcode` (bit 0 of each byte is "dark") and frees it.
    private init(
        _ code: UnsafeMutablePointer<QRcode>?, byteCount: Int, errorCorrection: ErrorCorrection
    ) throws(PrintError) {
        guard let code else {
            let failure = Errno(rawValue: errno)
            if failure == .outOfRange {
                throw .qrDataTooLong(byteCount: byteCount, errorCorrection: errorCorrection)
            }
            throw .qrEncodingFailed(byteCount: byteCount, errno: failure)
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        version = Int(code.pointee.version)
        size = width
        self.errorCorrection = errorCorrection
        let data = UnsafeBufferPointer(start: code.pointee.data, count: width * width)
        modules = data.map { $0 & 1 == 1 }
    }

    /// Whether the module in column `x`, row `y` (both from 0 at the top-left) is dark.
    /// - Precondition: `0 <= x < size` and `0 <= y < size`.
    public func isDark(x: Int, y: Int) -> Bool {
        precondition((0..<size).contains(x) && (0..<size).contains(y), "module (\(x), \(y)) is outside a \(size)×\(size) QR code")
        return modules[y * size + x]
    }
}
