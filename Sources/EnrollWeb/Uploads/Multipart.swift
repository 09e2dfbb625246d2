import EnrollCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SystemPackage

/// The limits of one `multipart/form-data` request.
public struct MultipartLimits: Sendable {
    /// The largest file part, in bytes.
    public var fileBytes: Int64
    /// The largest request body, in bytes.
    public var requestBytes: Int64
    /// The largest text field, in bytes.
    public var fieldBytes: Int
    /// The most parts.
    public var parts: Int

    /// Creates limits.
    public init(fileBytes: Int64 = 20 << 20, requestBytes: Int64 = 256 << 20, fieldBytes: Int = 64 << 10, parts: Int = 2_000) {
        self.fileBytes = fileBytes
        self.requestBytes = requestBytes
        self.fieldBytes = fieldBytes
        self.parts = parts
    }
}

/// A file received in a multipart request, written to a temporary file of the server's own
/// naming (the client's file name is kept for display only and never reaches the file system).
public struct UploadedFile: Sendable {
    /// The control's name (`attachment:SLOT`).
    public var name: String
    /// The file name the browser gave (display only).
    public var clientFileName: String
    /// Where the server wrote it.
    public var path: String
    /// Its size in bytes.
    public var size: Int64
}

/// A parsed multipart request: text fields in order, and files on disk.
public struct MultipartForm: Sendable {
    /// The text fields, in request order.
    public var fields: [(name: String, value: String)] = []
    /// The files.
    public var files: [UploadedFile] = []

    /// Removes the temporary files.
    public func removeFiles() {
        for file in files { try? FileManager.default.removeItem(atPath: file.path) }
    }
}

/// Streams a `multipart/form-data` body (RFC 7578) part by part: files go straight to disk
/// under the given directory, never held whole in memory; every limit is enforced while the
/// bytes arrive.
public enum Multipart {
    /// The boundary of a `multipart/form-data` content type, or nil.
    public static func boundary(contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0].lowercased() == "boundary" {
                let value = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty || value.utf8.count > 70 ? nil : value
            }
        }
        return nil
    }

    /// Reads a multipart body.
    /// - Parameters:
    ///   - body: The request body.
    ///   - boundary: The boundary from the content type.
    ///   - directory: Where file parts are written (created if missing).
    ///   - limits: The limits.
    /// - Returns: The fields and files; on any error the files written so far are removed.
    /// - Throws: ``WebError`` 413 (`web.upload-too-large`) over a limit, 400
    ///   (`web.upload-malformed`) for a body that is not multipart.
    public static func read<Body: AsyncSequence>(
        _ body: Body, boundary: String, into directory: String, limits: MultipartLimits
    ) async throws -> MultipartForm where Body.Element == ByteBuffer {
        let parser = MultipartParser(boundary: boundary, directory: directory, limits: limits)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for try await chunk in body {
                try parser.feed(chunk.readableBytesView)
            }
            return try parser.finish()
        } catch {
            parser.abandon()
            throw error
        }
    }
}

extension Multipart {
    /// How far into a body ``firstField(_:boundary:)`` looks for the end of the first part.
    public static let firstFieldLimit = 8 << 10

    /// The first part of a multipart body when it is a text field (the hidden `_csrf` a form
    /// puts first), read without taking it from the handler: the request is given a body that
    /// replays the bytes read, then streams the rest (files are still never held whole).
    /// - Returns: The field's name and value, or nil when the first part is a file or does not
    ///   end within ``firstFieldLimit`` bytes.
    public static func firstField(_ request: inout Request, boundary: String) async throws -> (name: String, value: String)? {
        var iterator = request.body.makeAsyncIterator()
        var read: [ByteBuffer] = []
        var bytes: [UInt8] = []
        var field: (name: String, value: String)?
        while field == nil, bytes.count < firstFieldLimit, let chunk = try await iterator.next() {
            read.append(chunk)
            bytes += chunk.readableBytesView
            field = firstField(in: bytes, boundary: boundary)
        }
        request.body = RequestBody(asyncSequence: ReplayedBody(read: read, rest: iterator))
        return field
    }

    /// The first part's name and value once `bytes` hold all of it; nil before, or for a file part.
    static func firstField(in bytes: [UInt8], boundary: String) -> (name: String, value: String)? {
        let opening = Array("--\(boundary)\r\n".utf8)
        guard bytes.starts(with: opening), let headersEnd = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let headers = String(decoding: bytes[opening.count..<headersEnd.lowerBound], as: UTF8.self)
        guard !headers.contains("filename="), let nameStart = headers.range(of: "name=\"") else { return nil }
        let name = String(headers[nameStart.upperBound...].prefix { $0 != "\"" })
        let rest = bytes[headersEnd.upperBound...]
        guard let end = rest.firstRange(of: Array("\r\n--\(boundary)".utf8)) else { return nil }
        return (name, String(decoding: rest[..<end.lowerBound], as: UTF8.self))
    }
}

/// A request body that yields the chunks already read, then the rest of the original stream.
///
/// `@unchecked Sendable`: the original body's iterator is not Sendable; it is handed on once,
/// to the request's single reader (the handler), and never touched by the middleware again.
struct ReplayedBody: AsyncSequence, @unchecked Sendable {
    typealias Element = ByteBuffer

    let read: [ByteBuffer]
    let rest: RequestBody.AsyncIterator

    struct AsyncIterator: AsyncIteratorProtocol {
        var read: [ByteBuffer]
        var rest: RequestBody.AsyncIterator

        mutating func next() async throws -> ByteBuffer? {
            if !read.isEmpty { return read.removeFirst() }
            return try await rest.next()
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(read: read, rest: rest) }
}

/// The state machine behind ``Multipart/read(_:boundary:into:limits:)``. Not Sendable: one
/// request's parser, used by one task.
final class MultipartParser {
    private enum State {
        case preamble
        case afterDelimiter
        case headers
        case body
        case done
    }

    private let delimiter: [UInt8]
    private let directory: String
    private let limits: MultipartLimits
    private var buffer: [UInt8] = [0x0D, 0x0A]
    private var state = State.preamble
    private var total: Int64 = 0
    private var form = MultipartForm()
    private var partCount = 0
    // The current part.
    private var name = ""
    private var fileName: String?
    private var field: [UInt8] = []
    private var file: SystemPackage.FileDescriptor?
    private var filePath = ""
    private var fileSize: Int64 = 0

    init(boundary: String, directory: String, limits: MultipartLimits) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        self.directory = directory
        self.limits = limits
    }

    deinit {
        try? file?.close()
    }

    func feed(_ bytes: some Collection<UInt8>) throws {
        total += Int64(bytes.count)
        if total > limits.requestBytes {
            throw tooLarge(zh: "本次提交共超过 \(limits.requestBytes >> 20) MiB，已拒绝。请分几次上传照片（每次暂存一部分）。",
                           en: "This request is over \(limits.requestBytes >> 20) MiB in all and was refused. Upload the photos in several goes (save the draft in between).")
        }
        buffer.append(contentsOf: bytes)
        try process()
    }

    func finish() throws -> MultipartForm {
        guard state == .done else { throw malformed() }
        return form
    }

    func abandon() {
        try? file?.close()
        file = nil
        if !filePath.isEmpty { try? FileManager.default.removeItem(atPath: filePath) }
        form.removeFiles()
    }

    private func process() throws {
        var position = 0
        defer { buffer.removeFirst(position) }
        while true {
            switch state {
            case .done:
                position = buffer.count
                return
            case .preamble, .body:
                if let found = find(delimiter, from: position) {
                    if state == .body { try emit(buffer[position..<found]); try endPart() }
                    position = found + delimiter.count
                    state = .afterDelimiter
                } else {
                    let keep = max(position, buffer.count - (delimiter.count - 1))
                    if state == .body { try emit(buffer[position..<keep]) }
                    position = keep
                    return
                }
            case .afterDelimiter:
                guard buffer.count - position >= 2 else { return }
                if buffer[position] == UInt8(ascii: "-"), buffer[position + 1] == UInt8(ascii: "-") {
                    state = .done
                } else if buffer[position] == 0x0D, buffer[position + 1] == 0x0A {
                    position += 2
                    state = .headers
                } else {
                    throw malformed()
                }
            case .headers:
                guard let end = find(Array("\r\n\r\n".utf8), from: position) else {
                    if buffer.count - position > 16 << 10 { throw malformed() }
                    return
                }
                try startPart(String(decoding: buffer[position..<end], as: UTF8.self))
                position = end + 4
                state = .body
            }
        }
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard buffer.count - start >= needle.count else { return nil }
        let first = needle[0]
        var index = start
        let last = buffer.count - needle.count
        while index <= last {
            if buffer[index] == first {
                var matches = true
                for offset in 1..<needle.count where buffer[index + offset] != needle[offset] {
                    matches = false
                    break
                }
                if matches { return index }
            }
            index += 1
        }
        return nil
    }

    private func startPart(_ headers: String) throws {
        partCount += 1
        if partCount > limits.parts { throw tooLarge(zh: "提交的项目过多。", en: "The request has too many parts.") }
        name = ""
        fileName = nil
        field = []
        fileSize = 0
        for line in headers.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-disposition" else { continue }
            for parameter in parts[1].split(separator: ";").dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { continue }
                var value = pair[1]
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                value = value.replacingOccurrences(of: "%22", with: "\"")
                switch pair[0].lowercased() {
                case "name": name = value
                case "filename": fileName = value
                default: break
                }
            }
        }
        if name.isEmpty { throw malformed() }
        if fileName != nil {
            filePath = directory + "/upload-" + UUID().uuidString.lowercased()
            file = try SystemPackage.FileDescriptor.open(
                FilePath(filePath), .writeOnly, options: [.create, .exclusiveCreate], permissions: [.ownerReadWrite])
        }
    }

    private func emit(_ bytes: ArraySlice<UInt8>) throws {
        guard !bytes.isEmpty else { return }
        if let file {
            fileSize += Int64(bytes.count)
            if fileSize > limits.fileBytes {
                throw tooLarge(zh: "文件“\(fileName ?? "")”超过 \(limits.fileBytes >> 20) MiB 的上限，已拒绝。请降低分辨率后重新拍照。",
                               en: "The file \"\(fileName ?? "")\" is over the \(limits.fileBytes >> 20) MiB limit and was refused. Take it again at a lower resolution.")
            }
            _ = try bytes.withUnsafeBytes { try file.writeAll($0) }
        } else {
            field.append(contentsOf: bytes)
            if field.count > limits.fieldBytes {
                throw tooLarge(zh: "字段“\(name)”的内容过长。", en: "The field \"\(name)\" is too long.")
            }
        }
    }

    private func endPart() throws {
        if let file {
            try file.close()
            self.file = nil
            if fileSize == 0 && (fileName ?? "").isEmpty {
                // An empty file input: nothing was chosen.
                try? FileManager.default.removeItem(atPath: filePath)
            } else {
                form.files.append(UploadedFile(name: name, clientFileName: fileName ?? "", path: filePath, size: fileSize))
            }
            filePath = ""
        } else {
            form.fields.append((name, String(decoding: field, as: UTF8.self)))
        }
    }

    private func tooLarge(zh: String, en: String) -> WebError {
        WebError(.contentTooLarge, .webUploadTooLarge, zh: zh, en: en)
    }

    private func malformed() -> WebError {
        WebError(.badRequest, .webUploadMalformed,
                 zh: "提交的内容不是有效的表单数据（multipart/form-data），已拒绝。请重新打开本页后再提交。",
                 en: "The request body is not valid form data (multipart/form-data) and was refused. Open the page again and resubmit.")
    }
}
