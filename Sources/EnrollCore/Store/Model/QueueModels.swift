import Foundation

/// A page of the review queue: which applications, in which order, which slice.
public struct QueueQuery: Sendable, Hashable {
    /// The orders the queue can be sorted in.
    public enum Sort: String, Sendable, CaseIterable {
        /// By collection number (信息采集编号).
        case collectionNumber = "number"
        /// By the last change (import or decision).
        case updated
        /// By the first import.
        case received
        /// By status, then collection number.
        case status
        /// By station, then collection number.
        case station
    }

    /// Only this status.
    public var status: ApplicationStatus?
    /// Only applications carrying this flag.
    public var flag: ReviewFlag?
    /// Only this form.
    public var form: String?
    /// Only this station's applications.
    public var station: String?
    /// Only applications admitted to (or naming) this school.
    public var school: String?
    /// Only applications first imported on or after this day (`YYYY-MM-DD`, UTC).
    public var receivedFrom: String?
    /// Only applications first imported on or before this day (`YYYY-MM-DD`, UTC).
    public var receivedTo: String?
    /// The order.
    public var sort: Sort
    /// Newest or largest first.
    public var descending: Bool
    /// How many matching applications to skip.
    public var offset: Int
    /// How many to return at most (1…500).
    public var limit: Int

    /// Creates a query; by default the first 50 applications by collection number.
    public init(
        status: ApplicationStatus? = nil, flag: ReviewFlag? = nil, form: String? = nil, station: String? = nil, school: String? = nil,
        receivedFrom: String? = nil, receivedTo: String? = nil, sort: Sort = .collectionNumber, descending: Bool = false,
        offset: Int = 0, limit: Int = 50
    ) {
        self.status = status
        self.flag = flag
        self.form = form
        self.station = station
        self.school = school
        self.receivedFrom = receivedFrom
        self.receivedTo = receivedTo
        self.sort = sort
        self.descending = descending
        self.offset = max(0, offset)
        self.limit = min(max(1, limit), 500)
    }
}

/// One page of the queue.
public struct QueuePage: Sendable {
    /// How many applications match the filters in all.
    public var total: Int
    /// The applications on this page, in the query's order.
    public var items: [ApplicationSummary]

    /// Creates a page.
    public init(total: Int, items: [ApplicationSummary]) {
        self.total = total
        self.items = items
    }
}

/// A stored revision's form data, for the revision history.
public struct RevisionForm: Sendable, Hashable {
    /// The revision number.
    public var revision: Int
    /// The revision's tag-manifest digest.
    public var digest: String
    /// The part it plays in the history.
    public var state: RevisionState
    /// When it was imported.
    public var importedAt: String
    /// Its `data/form.json` (nil for a withdrawal).
    public var formJSON: String?
}
