import JSONSchema
import EnrollCore
import Foundation

/// One generated attachment file.
public struct SampleAttachment: Sendable {
    /// The `x-attachments` slot id.
    public var slot: String
    /// File name inside the slot directory, `<n>.<ext>` with n from 1.
    public var fileName: String
    /// `image/jpeg` or `image/png`.
    public var mediaType: String
    /// Pixel width.
    public var width: Int
    /// Pixel height.
    public var height: Int
    /// The encoded file.
    public var bytes: [UInt8]
}

/// One generated application: the form document and its attachments.
public struct SampleApplication: Sendable {
    /// The form id.
    public var form: String
    /// 0-based position in the generator's sequence.
    public var index: Int
    /// The document as an ordered JSON value.
    public var document: JSONValue
    /// `form.json`: pretty-printed UTF-8 JSON ending with a newline.
    public var formJSON: [UInt8]
    /// Attachments in slot order.
    public var attachments: [SampleAttachment]
    /// The child's ID number (unique in a run).
    public var idNumber: String
    /// All guardian and filler phones (unique across families in a run).
    public var phones: [String]

    /// Total attachment bytes.
    public var attachmentBytes: Int { attachments.reduce(0) { $0 + $1.bytes.count } }

    /// Writes `form.json` and `attachments/<slot>/<file>` under `directory` (created if needed).
    public func write(to directory: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(formJSON).write(to: URL(fileURLWithPath: directory + "/form.json"))
        for a in attachments {
            let dir = directory + "/attachments/" + a.slot
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try Data(a.bytes).write(to: URL(fileURLWithPath: dir + "/" + a.fileName))
        }
    }
}

/// Generates realistic, entirely fictitious enrollment applications for one form, deterministically from a seed.
///
/// Every application of one generator has a distinct child ID number and distinct guardian phones.
public struct SampleGenerator: Sendable {
    /// Image sizes.
    public enum ImageScale: Sendable {
        /// Phone-photo sizes (about 2000×1500, a few hundred KB to ~1 MB per JPEG).
        case full
        /// Tiny images (about 160×120) for fast tests; the student photo keeps its required pixel size.
        case small
    }

    /// The forms this generator can fill.
    public static let supportedForms = [
        "harbin-public-primary-2024", "beijing-local-primary-2024", "beijing-nonlocal-primary-2021",
        "beijing-nonlocal-primary-2024", "beijing-nonlocal-primary-2025",
    ]

    /// What was read from the form schema.
    public let spec: FormSpec
    /// Image scale.
    public var imageScale: ImageScale
    /// Whether optional slots sometimes get files too.
    public var includeOptionalSlots: Bool
    private var master: SampleRandom
    private var used = UsedValues()
    private var count = 0

    /// Loads the form's schema from `schemaDirectory` (the directory holding `<form>.schema.json` and `defs/`).
    public init(form: String, schemaDirectory: String, seed: UInt64, imageScale: ImageScale = .full,
                includeOptionalSlots: Bool = true) throws {
        guard Self.supportedForms.contains(form) else { throw SampleError.unsupportedForm(form) }
        spec = try FormSpec.load(form: form, schemaDirectory: schemaDirectory)
        self.imageScale = imageScale
        self.includeOptionalSlots = includeOptionalSlots
        master = SampleRandom(seed: seed)
    }

    /// The next application.
    public mutating func next() throws -> SampleApplication {
        try nextPlan().render()
    }

    /// Draws the next family and plans its attachments without rendering them.
    ///
    /// Families must be drawn one after another (every family is distinct), but rendering the
    /// images — most of the work — is independent, so callers may render plans concurrently.
    public mutating func nextPlan() throws -> SamplePlan {
        let familySeed = master.next()
        let imageSeed = master.next()
        var factory = FamilyFactory(rng: SampleRandom(seed: familySeed), used: used)
        let (doc, idNumber, phones): (JSONValue, String, [String])
        switch spec.id {
        case "harbin-public-primary-2024": (doc, idNumber, phones) = try factory.harbinDocument(spec: spec)
        case "beijing-local-primary-2024": (doc, idNumber, phones) = try factory.beijingLocalDocument(spec: spec)
        default: (doc, idNumber, phones) = try factory.beijingNonlocalDocument(spec: spec)
        }
        used = factory.used
        let planned = try AttachmentPlanner.plan(for: doc, spec: spec, seed: imageSeed, scale: imageScale,
                                                 includeOptional: includeOptionalSlots)
        defer { count += 1 }
        return SamplePlan(form: spec.id, index: count, document: doc, planned: planned, idNumber: idNumber, phones: phones)
    }
}

/// A generated family whose attachments are planned but not yet rendered.
public struct SamplePlan: Sendable {
    /// The form id.
    public var form: String
    /// 0-based position in the run.
    public var index: Int
    /// The form data.
    public var document: JSONValue
    /// The attachments to render.
    public var planned: [AttachmentPlanner.PlannedFile]
    /// The child's ID number (for de-duplication checks).
    public var idNumber: String
    /// The family's phones.
    public var phones: [String]

    /// Renders the attachments.
    public func render() throws -> SampleApplication {
        SampleApplication(form: form, index: index, document: document, formJSON: document.prettyPrintedBytes(),
                          attachments: try planned.map(AttachmentPlanner.render), idNumber: idNumber, phones: phones)
    }
}

/// Decides which slots get files and renders them.
public enum AttachmentPlanner {
    /// One planned file (before rendering).
    public struct PlannedFile: Sendable {
        /// Slot id.
        public var slot: String
        /// 1-based number in the slot.
        public var number: Int
        /// `image/jpeg` or `image/png`.
        public var mediaType: String
        /// What the picture shows.
        public var kind: DocumentKind?
        /// Pixel size.
        public var width: Int
        /// Pixel height.
        public var height: Int
        /// Seed of the picture content.
        public var seed: UInt64
        /// JPEG quality.
        public var quality: Int
        /// Maximum bytes.
        public var maxBytes: Int
    }

    static func kind(for slot: String, number: Int) -> DocumentKind? {
        switch slot {
        case "student-photo": return nil
        case "hukou-book": return .hukouPage
        case "hukou-documents": return number == 1 ? .birthCertificate : .hukouPage
        case "birth-certificate": return .birthCertificate
        case "guardian-ids": return .idCard
        case "guardian1-documents": return number == 1 ? .idCard : .hukouPage
        case "student-travel-document": return .travelDocument
        case "property-documents": return number == 1 ? .idCard : .propertyCertificate
        case "residence-permit", "beijing-residence-permit": return .residencePermit
        case "commitment": return .commitment
        default: return .letter
        }
    }

    /// The files to attach to `document`: every required slot (by `required` or `requiredIf`) gets
    /// between max(minCount, 1) and min(maxCount, 3) files; optional slots sometimes get some too.
    public static func plan(for document: JSONValue, spec: FormSpec, seed: UInt64, scale: SampleGenerator.ImageScale,
                            includeOptional: Bool = true) throws -> [PlannedFile] {
        var rng = SampleRandom(seed: seed)
        var files: [PlannedFile] = []
        for slot in spec.slots {
            let required = try slot.isRequired(for: document)
            let optionalDraw = rng.unit()
            let p = slot.id == "student-photo" ? 0.6 : slot.id == "beijing-residence-permit" ? 0.5 : 0.3
            guard required || (includeOptional && optionalDraw < p) else { continue }
            let lo = max(slot.minCount, 1)
            let hi = max(lo, min(slot.maxCount, 3))
            guard lo <= slot.maxCount else { throw SampleError.attachment("slot \(slot.id) cannot hold \(lo) files") }
            let n = rng.int(lo...hi)
            for i in 1...n {
                let k = kind(for: slot.id, number: i)
                let wantPNG = slot.pixelSize == nil && slot.mediaTypes.contains("image/png") && rng.chance(0.08)
                guard wantPNG || slot.mediaTypes.contains("image/jpeg") else {
                    throw SampleError.attachment("slot \(slot.id) accepts neither JPEG nor PNG")
                }
                var w: Int, h: Int
                if let px = slot.pixelSize {
                    (w, h) = px
                } else if wantPNG {
                    (w, h) = scale == .full ? (1240, 1754) : (124, 175)
                } else {
                    let sizes = scale == .full ? [(2000, 1500), (1600, 1200), (2048, 1536)] : [(160, 120), (128, 96)]
                    (w, h) = rng.pick(sizes)
                    if rng.chance(0.4) { (w, h) = (h, w) }
                }
                files.append(PlannedFile(slot: slot.id, number: i, mediaType: wantPNG ? "image/png" : "image/jpeg",
                                         kind: k, width: w, height: h, seed: rng.next(),
                                         quality: k == nil ? 92 : rng.int(80...90), maxBytes: slot.maxBytes))
            }
        }
        return files
    }

    /// Renders one planned file, lowering JPEG quality if it would exceed the slot's byte limit.
    public static func render(_ f: PlannedFile) throws -> SampleAttachment {
        let canvas = f.kind.map { DocumentPainter.document(kind: $0, width: f.width, height: f.height, seed: f.seed) }
            ?? DocumentPainter.studentPhoto(width: f.width, height: f.height, seed: f.seed)
        var bytes: [UInt8]
        if f.mediaType == "image/png" {
            bytes = PNGEncoder.encode(pixels: canvas.grayscale(), width: f.width, height: f.height, color: .gray)
        } else {
            var q = f.quality
            bytes = JPEGEncoder(quality: q).encode(rgb: canvas.rgb, width: f.width, height: f.height)
            while bytes.count > f.maxBytes && q > 20 {
                q -= 15
                bytes = JPEGEncoder(quality: q).encode(rgb: canvas.rgb, width: f.width, height: f.height)
            }
        }
        guard bytes.count <= f.maxBytes else {
            throw SampleError.attachment("\(f.slot)/\(f.number): \(bytes.count) bytes exceed \(f.maxBytes)")
        }
        return SampleAttachment(slot: f.slot, fileName: "\(f.number).\(f.mediaType == "image/png" ? "png" : "jpg")",
                                mediaType: f.mediaType, width: f.width, height: f.height, bytes: bytes)
    }

    /// Plans and renders all attachments of a document.
    public static func attachments(for document: JSONValue, spec: FormSpec, seed: UInt64,
                                   scale: SampleGenerator.ImageScale, includeOptional: Bool = true) throws
        -> [SampleAttachment] {
        try plan(for: document, spec: spec, seed: seed, scale: scale, includeOptional: includeOptional).map(render)
    }
}
