import Foundation
import JSONSchema

/// One attached file as the checks see it: where it is, how big, and enough of its bytes to
/// sniff its type, read its pixel size and see whether it is cut off.
public struct AttachmentFile: Sendable {
    /// The path inside the bag (`data/attachments/<slot>/<n>.<ext>`).
    public var path: String
    /// The size in bytes.
    public var size: Int64
    /// The file's first bytes (up to `headLength`).
    public var head: [UInt8]
    /// The file's last bytes (up to `tailLength`).
    public var tail: [UInt8]

    /// How much of the beginning is kept: enough for a JPEG's frame header after EXIF data.
    public static let headLength = 256 * 1024
    /// How much of the end is kept.
    public static let tailLength = 1024

    /// Creates the record.
    public init(path: String, size: Int64, head: [UInt8], tail: [UInt8]) {
        self.path = path
        self.size = size
        self.head = head
        self.tail = tail
    }

    /// Reads the head and tail of a file on disk (only those bytes: the whole file was already
    /// hashed by the bag check, and images are large).
    public init(path: String, file: String) throws {
        let (size, head, tail) = try FileIO.headAndTail(file, head: Self.headLength, tail: Self.tailLength)
        self.init(path: path, size: size, head: head, tail: tail)
    }

    /// The facts the head and tail give: type, size in pixels, completeness.
    var info: ImageInfo? {
        let bytes = size <= Int64(head.count) ? head : head + tail
        guard var info = ImageInfo.inspect(bytes) else { return nil }
        if size > Int64(head.count) {
            // The middle was not read; completeness is judged from the end marker alone.
            switch info.mediaType {
            case .jpeg:
                var end = tail[...]
                while let last = end.last, last == 0 || last == 0x0A || last == 0x0D { end = end.dropLast() }
                info.isComplete = end.suffix(2).elementsEqual([0xFF, 0xD9]) && info.width != nil
            case .png:
                info.isComplete = tail.suffix(12).starts(with: [0, 0, 0, 0]) && tail.suffix(8).starts(with: Array("IEND".utf8))
            case .pdf:
                info.isComplete = String(decoding: tail, as: UTF8.self).contains("%%EOF")
            }
        }
        return info
    }
}

/// Checks a bundle's attachments against the form's slots (docs/FORMS.md §3).
struct AttachmentChecker {
    let form: Form

    func check(_ files: [AttachmentFile], document: JSONValue?, root: String) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var bySlot: [String: [AttachmentFile]] = [:]
        for file in files {
            let parts = file.path.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 4, parts[0] == "data", parts[1] == "attachments" else {
                diagnostics.append(.error(
                    .attachmentLayout, Location(file: root + "/" + file.path),
                    zh: "附件应放在 data/attachments/<槽位>/<序号>.<扩展名>，这个文件不在此位置。",
                    en: "Attachments belong in data/attachments/<slot>/<n>.<ext>; this file is elsewhere."))
                continue
            }
            bySlot[String(parts[2]), default: []].append(file)
        }
        let known = Set(form.slots.map(\.id))
        for slot in bySlot.keys.sorted() where !known.contains(slot) {
            let list = form.slots.map(\.id).joined(separator: ", ")
            diagnostics.append(.error(
                .attachmentUnknownSlot, Location(file: root + "/data/attachments/" + slot),
                zh: "表单“\(form.label.zh)”没有附件槽位“\(slot)”。可用的槽位：\(list)。",
                en: "The form \"\(form.label.en)\" has no attachment slot \"\(slot)\". Its slots are: \(list)."))
        }
        for slot in form.slots {
            let present = bySlot[slot.id] ?? []
            let required = slot.required || (document.map { slot.requiredIf?.isValid($0) ?? false } ?? false)
            let location = Location(file: root + "/data/attachments/" + slot.id)
            if present.isEmpty {
                if required {
                    diagnostics.append(.error(
                        .attachmentMissing, location,
                        zh: "缺少必需的附件“\(slot.label.zh)”。请拍照上传后再提交。",
                        en: "The required attachment \"\(slot.label.en)\" is missing. Photograph the document and attach it."))
                }
            } else if present.count < max(slot.minCount, required ? 1 : 0) || present.count > slot.maxCount {
                let bounds = slot.maxCount == Int.max ? "≥ \(slot.minCount)" : "\(slot.minCount)–\(slot.maxCount)"
                diagnostics.append(.error(
                    .attachmentCount, location,
                    zh: "附件“\(slot.label.zh)”有 \(present.count) 个文件，应为 \(bounds) 个。",
                    en: "The attachment \"\(slot.label.en)\" has \(present.count) files; it must have \(bounds)."))
            }
            for file in present.sorted(by: { $0.path < $1.path }) {
                diagnostics += checkFile(file, slot, root: root)
            }
        }
        return diagnostics
    }

    /// One file against one slot, without the slot's count rules.
    func checkOne(_ file: AttachmentFile, slot id: String, root: String) -> [Diagnostic] {
        guard let slot = form.slots.first(where: { $0.id == id }) else {
            let list = form.slots.map(\.id).joined(separator: ", ")
            return [.error(
                .attachmentUnknownSlot, Location(file: root + "/data/attachments/" + id),
                zh: "表单“\(form.label.zh)”没有附件槽位“\(id)”。可用的槽位：\(list)。",
                en: "The form \"\(form.label.en)\" has no attachment slot \"\(id)\". Its slots are: \(list).")]
        }
        return checkFile(file, slot, root: root)
    }

    private func checkFile(_ file: AttachmentFile, _ slot: AttachmentSlot, root: String) -> [Diagnostic] {
        let location = Location(file: root + "/" + file.path)
        var diagnostics: [Diagnostic] = []
        if file.size > slot.maxBytes {
            diagnostics.append(.error(
                .attachmentTooLarge, location,
                zh: "附件“\(slot.label.zh)”有 \(Self.mebibytes(file.size))，超过上限 \(Self.mebibytes(slot.maxBytes))。请降低分辨率后重新拍照。",
                en: "The attachment \"\(slot.label.en)\" is \(Self.mebibytes(file.size)), over the limit of \(Self.mebibytes(slot.maxBytes)). Take it again at a lower resolution."))
        }
        guard let info = file.info else {
            diagnostics.append(.error(
                .attachmentMediaType, location,
                zh: "附件“\(slot.label.zh)”不是可识别的图片（按文件内容判断）。允许的类型：\(slot.mediaTypes.map(\.rawValue).joined(separator: ", "))。",
                en: "The attachment \"\(slot.label.en)\" is not a recognised image (judged by its content). Allowed: \(slot.mediaTypes.map(\.rawValue).joined(separator: ", "))."))
            return diagnostics
        }
        let allowed = slot.mediaTypes.isEmpty || slot.mediaTypes.contains(info.mediaType)
        if !allowed {
            diagnostics.append(.error(
                .attachmentMediaType, location,
                zh: "附件“\(slot.label.zh)”的内容是 \(info.mediaType.rawValue)，此槽位只接受 \(slot.mediaTypes.map(\.rawValue).joined(separator: ", "))。",
                en: "The attachment \"\(slot.label.en)\" contains \(info.mediaType.rawValue); this slot accepts only \(slot.mediaTypes.map(\.rawValue).joined(separator: ", "))."))
        }
        let fileExtension = PathName(file.path).fileExtension.lowercased()
        let extensionType: MediaType? = switch fileExtension {
        case "jpg", "jpeg": .jpeg
        case "png": .png
        case "pdf": .pdf
        default: nil
        }
        if allowed, extensionType != info.mediaType {
            diagnostics.append(.error(
                .attachmentTypeMismatch, location,
                zh: "文件扩展名为“.\(fileExtension)”，但内容是 \(info.mediaType.rawValue)。文件可能被改名或替换。",
                en: "The file is named \".\(fileExtension)\" but contains \(info.mediaType.rawValue). It may have been renamed or replaced."))
        }
        if !info.isComplete {
            diagnostics.append(.error(
                .attachmentTruncated, location,
                zh: "附件“\(slot.label.zh)”的图片数据不完整（文件被截断或损坏）。请重新拍照。",
                en: "The attachment \"\(slot.label.en)\" is incomplete (the file is cut off or damaged). Take it again."))
        } else if let size = slot.pixelSize, info.width != size.width || info.height != size.height {
            diagnostics.append(.error(
                .attachmentPixelSize, location,
                zh: "照片“\(slot.label.zh)”为 \(info.width ?? 0)×\(info.height ?? 0) 像素，要求恰好 \(size.width)×\(size.height) 像素。",
                en: "The photo \"\(slot.label.en)\" is \(info.width ?? 0)×\(info.height ?? 0) pixels; it must be exactly \(size.width)×\(size.height)."))
        }
        return diagnostics
    }

    static func mebibytes(_ bytes: Int64) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}
