import AgeKit
import ArchiveKit
import Foundation

extension ArchiveError {
    /// The entry the error is about, if any.
    var entryName: String? {
        switch self {
        case .sourceSizeChanged(let entry, _, _), .unsafePath(let entry, _), .invalidUTF8Name(let entry, _),
             .unsupportedEntryType(let entry, _), .duplicateEntry(let entry), .nameCollision(let entry, _),
             .pathConflict(let entry, _), .outsideRequiredRoot(let entry, _), .tooManyEntries(let entry, _),
             .entryTooLarge(let entry, _, _), .totalSizeExceeded(let entry, _), .compressionRatioExceeded(let entry, _, _, _),
             .sizeMismatch(let entry, _, _), .entryDataUnavailable(let entry):
            return entry
        case .corruptArchive(let entry, _), .libarchive(_, let entry), .streamFailed(let entry, _):
            return entry
        case .targetExists, .writerClosed, .sourceNotRegularFile, .destinationExists, .io:
            return nil
        }
    }

    /// Whether the failure is about the machine (I/O, an existing target) rather than the
    /// archive's content: exit status 2 instead of 1.
    var isIO: Bool {
        switch self {
        case .targetExists, .writerClosed, .sourceNotRegularFile, .destinationExists, .io: true
        case .corruptArchive(_, let failure), .libarchive(let failure, _): Self.isDeviceFailure(failure.errno)
        case .streamFailed(_, let failure):
            switch failure.underlying {
            case let error as EnrollError: error.exitStatus == .usageOrIO
            case let error as AgeError: { if case .fileAccess = error { true } else { false } }()
            default: true
            }
        default: false
        }
    }

    /// Whether libarchive's errno says the device failed (a read error, a full disk, a stick
    /// pulled out), not the archive's bytes.
    static func isDeviceFailure(_ code: Int32) -> Bool {
        [EIO, ENOSPC, ENXIO, ENODEV, EDQUOT, EROFS].contains(code)
    }

    /// The error as a located, bilingual diagnostic with an `archive.*` code.
    func diagnostic(archive: String) -> Diagnostic {
        let location = Location(file: archive, entry: entryName)
        func make(_ code: DiagnosticCode, zh: String) -> Diagnostic {
            Diagnostic(code: code, severity: .error, location: location, message: LocalizedText(zh: zh, en: description))
        }
        let refuse = "此归档不可信，已拒绝处理，未写出任何文件。请向采集点索取重新打包的归档。"
        switch self {
        case .targetExists(let path):
            return make(.archiveTargetExists, zh: "归档文件 \(path) 已存在，不会覆盖。请换一个文件名。")
        case .destinationExists(let path):
            return make(.archiveTargetExists, zh: "目标目录 \(path) 已存在，不会覆盖。请换一个目录。")
        case .writerClosed, .sourceNotRegularFile, .sourceSizeChanged:
            return make(.archiveWriteFailed, zh: "写归档时源文件发生变化或不是普通文件。请在文件不再变化时重新打包。")
        case .unsafePath(_, let problem):
            let what: String = switch problem {
            case .absolute: "绝对路径"
            case .parentComponent: "含“..”的路径"
            case .backslash: "含反斜杠的路径"
            case .controlCharacter: "含控制字符的名称"
            case .tooLong: "过长的名称"
            case .empty, .emptyOrDotComponent: "空的或含“.”的路径段"
            }
            return make(.archiveUnsafePath, zh: "归档条目使用了\(what)，可能写到目标目录之外。\(refuse)")
        case .invalidUTF8Name:
            return make(.archiveNameEncoding, zh: "归档条目名称不是有效的 UTF-8。\(refuse)")
        case .unsupportedEntryType(_, let type):
            let what: String = switch type {
            case .symlink: "符号链接"
            case .hardLink: "硬链接"
            case .characterDevice, .blockDevice: "设备文件"
            case .fifo: "命名管道"
            case .socket: "套接字"
            case .sparseFile: "稀疏文件"
            case .other: "未知类型的文件"
            }
            return make(.archiveEntryType, zh: "归档中有\(what)，只接受普通文件和目录。\(refuse)")
        case .duplicateEntry:
            return make(.archiveDuplicateEntry, zh: "归档中同一名称出现了两次。\(refuse)")
        case .nameCollision(_, let earlier):
            return make(.archiveNameCollision, zh: "该条目与前面的“\(earlier)”仅大小写或 Unicode 规范化不同，解压后会互相覆盖。\(refuse)")
        case .pathConflict(_, let earlier):
            return make(.archiveNameCollision, zh: "该条目与前面的“\(earlier)”路径冲突（文件与目录同名）。\(refuse)")
        case .outsideRequiredRoot(_, let root):
            return make(.archiveOutsideBatch, zh: "条目不在批次目录“\(root)”之内。\(refuse)")
        case .tooManyEntries(_, let limit):
            return make(.archiveLimit, zh: "归档条目数超过上限 \(limit)。若确属正常，请用 --max-entries 调高上限。")
        case .entryTooLarge(_, let size, let limit):
            return make(.archiveLimit, zh: "条目大小 \(size) 字节超过单个文件上限 \(limit) 字节。若确属正常，请用 --max-entry-size 调高上限。")
        case .totalSizeExceeded(_, let limit):
            return make(.archiveLimit, zh: "解压后总大小超过上限 \(limit) 字节。若确属正常，请用 --max-total-size 调高上限。")
        case .compressionRatioExceeded(_, _, _, let limit):
            return make(.archiveCompressionRatio, zh: "压缩比超过 \(Int(limit)):1，疑似“压缩炸弹”。\(refuse)")
        case .sizeMismatch(_, let declared, let actual):
            return make(.archiveSizeMismatch, zh: "条目声明 \(declared) 字节，实际 \(actual) 字节。归档已损坏或被篡改。\(refuse)")
        case .corruptArchive(_, let failure) where Self.isDeviceFailure(failure.errno),
             .libarchive(let failure, _) where Self.isDeviceFailure(failure.errno):
            let reason = String(cString: strerror(failure.errno))
            return Diagnostic(
                code: .archiveIo, severity: .error, location: location,
                message: LocalizedText(
                    zh: "读取归档时设备出错：\(reason)（errno \(failure.errno)）。U 盘或磁盘可能已损坏、已拔出或已满；请从完好的设备重新复制后再试，已导入的内容不受影响。",
                    en: "\(description) The device failed: \(reason) (errno \(failure.errno)). The stick or disk may be damaged, pulled out or full; copy the archive again from a sound device and retry. Nothing already imported is affected."))
        case .corruptArchive(_, let failure):
            return make(.archiveCorrupt, zh: "归档已损坏或被截断（\(failure.message)）。U 盘可能在写入时被拔出，请重新复制或重新打包。")
        case .entryDataUnavailable:
            return make(.archiveCorrupt, zh: "无法读取条目数据，归档可能已损坏。请重新复制。")
        case .libarchive(let failure, _):
            return make(.archiveFailed, zh: "libarchive 报错：\(failure.message)")
        case .streamFailed(_, let failure):
            // The decryptor's (or the ciphertext file's) own error, at the entry being read.
            var diagnostic: Diagnostic
            switch failure.underlying {
            case let error as AgeError: diagnostic = error.diagnostic(file: archive)
            case let error as EnrollError where !error.diagnostics.isEmpty: diagnostic = error.diagnostics[0]
            default: return make(.archiveIo, zh: "读取归档的数据流失败：\(failure)。请重新复制。")
            }
            diagnostic.location = location
            return diagnostic
        case .io(let operation, let path, let errno):
            return make(.archiveIo, zh: "文件操作失败（\(operation) \(path)，errno \(errno)）。请检查磁盘空间和权限。")
        }
    }

    /// The error as an `EnrollError`.
    func enrollError(archive: String) -> EnrollError {
        EnrollError([diagnostic(archive: archive)], exitStatus: isIO ? .usageOrIO : .invalid)
    }
}
