import Foundation

/// Where remote schemas come from: in-memory documents and directories mapped to URI
/// prefixes. The network is never used.
///
/// The 2020-12 metaschemas are always available without registration.
public struct SchemaRegistry: Sendable {
    private(set) var documents: [String: JSONValue] = [:]
    private(set) var directories: [(prefix: String, directory: String)] = []

    /// Creates an empty registry.
    public init() {}

    /// Registers an in-memory schema document under an absolute URI.
    ///
    /// - Parameters:
    ///   - document: The schema document.
    ///   - uri: The absolute URI that `$ref`s use to reach it (a fragment is ignored).
    public mutating func add(_ document: JSONValue, uri: String) {
        documents[URIReference.split(uri).base] = document
    }

    /// Maps a URI prefix to a local directory.
    ///
    /// A reference to `prefix + "a/b.json"` is read from `directory/a/b.json`.
    ///
    /// - Parameters:
    ///   - prefix: An absolute URI prefix such as `http://localhost:1234/`.
    ///   - directory: The local directory holding the documents.
    public mutating func map(prefix: String, toDirectory directory: String) {
        directories.append((prefix, directory))
    }

    /// Looks up a document by its fragment-less absolute URI.
    ///
    /// - Parameter uri: The absolute URI.
    /// - Returns: The parsed document, or `nil` when nothing is registered for it.
    /// - Throws: ``JSONParseError`` when a mapped file exists but is not valid JSON.
    func load(_ uri: String) throws -> JSONValue? {
        if let d = documents[uri] { return d }
        if let text = Metaschemas.documents[uri] { return try JSONParser.parse(text) }
        for (prefix, dir) in directories where uri.hasPrefix(prefix) {
            let rel = String(uri.dropFirst(prefix.count))
            if rel.split(separator: "/").contains("..") { continue }
            let path = (dir as NSString).appendingPathComponent(rel)
            if FileManager.default.fileExists(atPath: path) {
                return try JSONParser.parse(contentsOfFile: path)
            }
        }
        return nil
    }
}
