import Foundation

/// What the web apps' HTTP tests share: reading a downloaded PDF back as text.
public enum PDFText {
    /// pdftotext failed on a PDF (its exit status).
    public struct Failure: Error, CustomStringConvertible {
        /// pdftotext's exit status.
        public var status: Int32
        /// The message.
        public var description: String { "pdftotext exited with \(status): the bytes are not a readable PDF" }
    }

    /// The text pdftotext (poppler) reads from a PDF's bytes, without whitespace (CJK cells
    /// may break across lines).
    /// - Throws: ``Failure`` when pdftotext cannot read it.
    public static func of(_ pdf: [UInt8]) throws -> String {
        let file = NSTemporaryDirectory() + "web-print-" + UUID().uuidString + ".pdf"
        try Data(pdf).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        process.arguments = ["-raw", "-enc", "UTF-8", file, "-"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(status: process.terminationStatus) }
        return String(decoding: text, as: UTF8.self).filter { !$0.isWhitespace }
    }
}
