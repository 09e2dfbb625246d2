import Foundation
import SystemPackage
import Testing

@testable import EnrollCore

/// FileIO over swift-system: the file helpers every part of EnrollCore reads and writes with.
@Suite("File I/O")
struct FileIOTests {
    /// The single diagnostic an `EnrollError` thrown by `body` carries.
    func diagnostic(_ body: () throws -> Void) -> Diagnostic? {
        do {
            try body()
            return nil
        } catch let error as EnrollError {
            return error.diagnostics.count == 1 ? error.diagnostics[0] : nil
        } catch {
            return nil
        }
    }

    @Test("a file larger than one block streams back byte for byte")
    func streamsInBlocks() throws {
        let dir = TemporaryDirectory()
        let bytes = (0..<(FileIO.blockSize * 2 + 12345)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        try FileIO.createExclusive(dir("big.bin"), bytes)
        var blocks: [Int] = []
        var read: [UInt8] = []
        let total = try FileIO.stream(dir("big.bin")) { block in
            blocks.append(block.count)
            read.append(contentsOf: block)
        }
        #expect(total == bytes.count)
        #expect(read == bytes)
        #expect(blocks.count >= 3 && blocks.allSatisfy { $0 <= FileIO.blockSize })
        let (size, head, tail) = try FileIO.headAndTail(dir("big.bin"), head: 10, tail: 7)
        #expect(size == Int64(bytes.count) && head == Array(bytes.prefix(10)) && tail == Array(bytes.suffix(7)))
        let small = try FileIO.headAndTail(dir("big.bin"), head: 1 << 30, tail: 0)
        #expect(small.head == bytes && small.tail.isEmpty)
    }

    @Test("createExclusive never replaces a file and sets the mode it is asked for")
    func exclusiveCreation() throws {
        let dir = TemporaryDirectory()
        try FileIO.createExclusive(dir("key.sec"), Array("secret".utf8), mode: 0o600)
        #expect(FileIO.permissions(dir("key.sec")) == 0o600)
        let refusal = diagnostic { try FileIO.createExclusive(dir("key.sec"), Array("other".utf8)) }
        #expect(refusal?.code == "io.exists")
        #expect(refusal?.location.file == dir("key.sec"))
        #expect(try FileIO.readAll(dir("key.sec")) == Array("secret".utf8))
    }

    @Test("a missing file is io.not-found, naming the file and the system's reason")
    func missingFile() {
        let dir = TemporaryDirectory()
        let missing = diagnostic { _ = try FileIO.readAll(dir("nothing.txt")) }
        #expect(missing?.code == "io.not-found")
        #expect(missing?.location.file == dir("nothing.txt"))
        #expect(missing?.message.en.contains("errno \(ENOENT)") == true)
    }

    @Test("writeAll writes every byte at the descriptor's position and reports a failed write with the file")
    func writeAllThroughAFileDescriptor() throws {
        let dir = TemporaryDirectory()
        let path = dir("out.bin")
        let file = try FileDescriptor.open(FilePath(path), .writeOnly, options: [.create, .exclusiveCreate], permissions: .ownerReadWrite)
        let bytes = [UInt8](repeating: 0xA5, count: 3 << 20)
        try file.closeAfter {
            try bytes.withUnsafeBytes { try FileIO.writeAll(file, $0, path: path) }
            try Array("end".utf8).withUnsafeBytes { try FileIO.writeAll(file, $0, path: path) }
        }
        #expect(try FileIO.readAll(path) == bytes + Array("end".utf8))

        // A descriptor opened for reading cannot be written: EBADF, as an EnrollError.
        let reader = try FileDescriptor.open(FilePath(path), .readOnly)
        defer { try? reader.close() }
        let failure = diagnostic { try Array("x".utf8).withUnsafeBytes { try FileIO.writeAll(reader, $0, path: path) } }
        #expect(failure?.code == "io.failed")
        #expect(failure?.location.file == path)
        #expect(failure?.message.en.contains("errno \(EBADF)") == true)
    }
}
