import Foundation

/// The document information a PDF carries (shown by viewers and `pdfinfo`).
///
/// Written with `cairo_pdf_surface_set_metadata`. Dates are written in UTC; when
/// ``creationDate`` is nil cairo writes the time the document was created.
public struct PDFMetadata: Sendable, Hashable {
    /// The title, e.g. "学龄人口信息采集表".
    public var title: String?
    /// The author, e.g. the district office.
    public var author: String?
    /// The subject.
    public var subject: String?
    /// Keywords, comma-separated.
    public var keywords: String?
    /// The program that made the document, e.g. "enroll 1.0".
    public var creator: String?
    /// When the document was created; nil for now.
    public var creationDate: Date?
    /// When the document was last changed; nil for none.
    public var modificationDate: Date?

    /// Creates metadata; every field is optional.
    public init(
        title: String? = nil, author: String? = nil, subject: String? = nil, keywords: String? = nil,
        creator: String? = nil, creationDate: Date? = nil, modificationDate: Date? = nil
    ) {
        self.title = title
        self.author = author
        self.subject = subject
        self.keywords = keywords
        self.creator = creator
        self.creationDate = creationDate
        self.modificationDate = modificationDate
    }

    /// `date` as cairo expects it: ISO 8601, "2024-05-01T08:30:00Z".
    static func iso8601(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String {
            let number = value ?? 0
            return number < 10 ? "0\(number)" : "\(number)"
        }
        let year = String(parts.year ?? 1970)
        let padded = String(repeating: "0", count: max(0, 4 - year.count)) + year
        return "\(padded)-\(two(parts.month))-\(two(parts.day))T\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second))Z"
    }
}
