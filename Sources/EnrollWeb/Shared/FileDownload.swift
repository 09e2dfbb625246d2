import EnrollCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A file the web apps make for one download (a printed PDF, a masked workbook): written into a
/// private temporary directory (mode 0700), read back, removed, and answered as an attachment
/// that is never cached. Nothing of it stays on the disk once the response leaves.
public enum FileDownload {
    /// Writes a file with `write` and answers it for download.
    /// - Parameters:
    ///   - directory: Where the temporary directory is made; it is removed afterwards.
    ///   - contentType: The response's `Content-Type`.
    ///   - write: Writes the file to the path it is given and returns the download's file name
    ///     (ASCII letters, digits, `.`, `_`, `-`: it goes into a quoted header value).
    /// - Throws: what `write` throws; `io.failed` when the temporary file cannot be made or read.
    public static func response(in directory: String, contentType: String, _ write: (String) throws -> String) throws -> Response {
        let folder = directory + "/download-" + UUID().uuidString.lowercased()
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw EnrollError.io(
                .ioFailed, Location(file: folder), zh: "无法创建下载用的临时目录：\(error)。请检查临时目录的空间与权限。",
                en: "Cannot create the temporary directory for the download: \(error). Check the temporary directory's space and permissions.")
        }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/file"
        let name = try write(path)
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw EnrollError.io(.ioFailed, Location(file: path), zh: "无法读回刚生成的文件：\(error)", en: "Cannot read back the file just written: \(error)")
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: contentType,
                .contentDisposition: "attachment; filename=\"\(name)\"",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
