import EnrollWeb
import Foundation
import Hummingbird
import NIOCore

/// An `application/x-www-form-urlencoded` request body as ordered pairs (EnrollWeb's
/// `URLEncodedForm` decodes it), read with a limit.
struct FormBody: Sendable {
    /// The pairs, in order.
    var pairs: [(name: String, value: String)]

    /// The largest form body the desk reads (no uploads reach it).
    static let limit = 1 << 20

    init(pairs: [(name: String, value: String)]) { self.pairs = pairs }

    /// Reads a request's body (at most ``limit`` bytes).
    static func read(_ request: inout Request) async throws -> FormBody {
        let buffer = try await request.collectBody(upTo: limit)
        return FormBody(pairs: URLEncodedForm.pairs(buffer.readableBytesView))
    }

    /// The first value of a field.
    subscript(_ name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Every value of a field, in order.
    func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }
}
