import Foundation
import Hummingbird

/// An `application/x-www-form-urlencoded` body (or query string) as ordered pairs: the one
/// form parser of both web apps.
public struct URLEncodedForm: Sendable {
    /// The pairs, in request order.
    public var pairs: [(name: String, value: String)]

    /// The largest form body read (forms without uploads: search, decisions, sign-in).
    public static let limit = 1 << 20

    /// Parses a body.
    public init(_ bytes: some Collection<UInt8>) {
        pairs = Self.pairs(bytes)
    }

    /// Reads and parses a request's body (at most `limit` bytes). The body is kept in the
    /// request, so the CSRF middleware and then the handler can both read it.
    /// - Throws: Hummingbird's 413 when the body is larger than `limit`.
    public static func read(_ request: inout Request, limit: Int = limit) async throws -> URLEncodedForm {
        URLEncodedForm(try await request.collectBody(upTo: limit).readableBytesView)
    }

    /// The first value of a field.
    public subscript(_ name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Every value of a field, in order.
    public func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// The pairs of a body, in order; `+` is a space and `%XX` a byte (UTF-8, invalid bytes replaced).
    static func pairs(_ bytes: some Collection<UInt8>) -> [(name: String, value: String)] {
        var pairs: [(String, String)] = []
        for item in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = item.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            pairs.append((name, value))
        }
        return pairs
    }

    static func decode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var iterator = Array(bytes)[...]
        while let byte = iterator.popFirst() {
            switch byte {
            case UInt8(ascii: "+"): out.append(0x20)
            case UInt8(ascii: "%"):
                if iterator.count >= 2, let high = hex(iterator[iterator.startIndex]), let low = hex(iterator[iterator.startIndex + 1]) {
                    out.append(high << 4 | low)
                    iterator = iterator.dropFirst(2)
                } else {
                    out.append(byte)
                }
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
