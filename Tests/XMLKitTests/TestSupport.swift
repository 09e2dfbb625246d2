import Testing

@testable import XMLKit

/// One node as a test sees it: kind, depth, name or text.
struct Node: Equatable, CustomStringConvertible {
    var type: XMLNodeType
    var depth: Int
    var name: String
    var namespace: String?
    var value: String?

    var description: String {
        "\(type)@\(depth) \(name)\(namespace.map { " {\($0)}" } ?? "")\(value.map { " '\($0)'" } ?? "")"
    }
}

/// Reads a whole document into a list of nodes.
func nodes(of reader: XMLReader) throws(XMLError) -> [Node] {
    var all: [Node] = []
    while let type = try reader.next() {
        switch type {
        case .element, .endElement:
            all.append(Node(type: type, depth: reader.depth, name: reader.localName, namespace: reader.namespaceURI))
        default:
            all.append(Node(type: type, depth: reader.depth, name: "", value: reader.value))
        }
    }
    return all
}

/// Reads `text` (UTF-8) to its end and returns the error it raised, or `nil`.
func readingError(_ text: String, limits: XMLLimits = .default, checkingProlog: Bool = true) -> XMLError? {
    readingError(Array(text.utf8), limits: limits, checkingProlog: checkingProlog)
}

/// Reads `bytes` to their end and returns the error they raised, or `nil`.
func readingError(_ bytes: [UInt8], limits: XMLLimits = .default, checkingProlog: Bool = true) -> XMLError? {
    var offset = 0
    do {
        let reader = try XMLReader(documentName: "test.xml", limits: limits, checkingProlog: checkingProlog) { buffer in
            let count = min(buffer.count, bytes.count - offset)
            bytes.withUnsafeBytes { source in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count]))
            }
            offset += count
            return count
        }
        while try reader.next() != nil {}
        return nil
    } catch {
        return error
    }
}

/// A source that hands out `bytes` a few at a time, to cross every chunk boundary.
func trickle(_ bytes: [UInt8], by size: Int) -> (UnsafeMutableRawBufferPointer) throws -> Int {
    var offset = 0
    return { buffer in
        let count = min(size, buffer.count, bytes.count - offset)
        for index in 0..<count { buffer[index] = bytes[offset + index] }
        offset += count
        return count
    }
}

/// Collects a writer's output.
final class Collected {
    var bytes: [UInt8] = []
    var calls = 0
    var largestPiece = 0

    var text: String { String(decoding: bytes, as: UTF8.self) }

    func sink() -> (UnsafeRawBufferPointer) throws -> Void {
        { [self] piece in
            bytes.append(contentsOf: piece)
            calls += 1
            largestPiece = max(largestPiece, piece.count)
        }
    }
}

/// UTF-16 little-endian bytes with a byte order mark.
func utf16LE(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = [0xFF, 0xFE]
    for unit in text.utf16 {
        bytes.append(UInt8(unit & 0xFF))
        bytes.append(UInt8(unit >> 8))
    }
    return bytes
}
