import CArchive
import Foundation
import Testing

@testable import ArchiveKit

#if canImport(Glibc)
import Glibc
#endif

/// One entry of a hand-crafted (possibly hostile) archive, with its name as raw bytes.
struct RawEntry {
    var name: [UInt8]
    var type: UInt32 = enroll_AE_IFREG
    var data: [UInt8] = []
    var symlink: String? = nil
    var hardlink: String? = nil

    static func file(_ name: String, _ data: String = "data") -> RawEntry {
        RawEntry(name: Array(name.utf8), data: Array(data.utf8))
    }
    static func directory(_ name: String) -> RawEntry {
        RawEntry(name: Array(name.utf8), type: enroll_AE_IFDIR)
    }
}

enum RawFormat { case ustar, pax, gnutar }
enum RawFilter { case none, gzip, zstd }

/// Builds an archive with libarchive directly, bypassing ArchiveWriter's own checks, the
/// way libarchive's test_write_disk_secure crafts its hostile entries.
func buildRawArchive(at path: String, format: RawFormat = .pax, filter: RawFilter = .none, _ entries: [RawEntry]) throws {
    try UTF8Locale.run {
        let handle = try #require(archive_write_new())
        defer { archive_write_free(handle) }
        switch format {
        case .ustar: #expect(archive_write_set_format_ustar(handle) == ARCHIVE_OK)
        case .pax: #expect(archive_write_set_format_pax_restricted(handle) == ARCHIVE_OK)
        case .gnutar: #expect(archive_write_set_format_gnutar(handle) == ARCHIVE_OK)
        }
        switch filter {
        case .none: break
        case .gzip: #expect(archive_write_add_filter_gzip(handle) == ARCHIVE_OK)
        case .zstd: #expect(archive_write_add_filter_zstd(handle) == ARCHIVE_OK)
        }
        try #require(archive_write_open_filename(handle, path) == ARCHIVE_OK)
        for raw in entries {
            let entry = try #require(archive_entry_new())
            defer { archive_entry_free(entry) }
            var name = raw.name.map { CChar(bitPattern: $0) }
            name.append(0)
            archive_entry_copy_pathname(entry, name)
            archive_entry_set_filetype(entry, raw.type)
            archive_entry_set_perm(entry, raw.type == enroll_AE_IFDIR ? 0o755 : 0o644)
            archive_entry_set_mtime(entry, 1_700_000_000, 0)
            if let symlink = raw.symlink { archive_entry_copy_symlink(entry, symlink) }
            if let hardlink = raw.hardlink { archive_entry_copy_hardlink(entry, hardlink) }
            if raw.type == enroll_AE_IFCHR { archive_entry_set_rdevmajor(entry, 1); archive_entry_set_rdevminor(entry, 3) }
            archive_entry_set_size(entry, raw.type == enroll_AE_IFREG && raw.hardlink == nil ? Int64(raw.data.count) : 0)
            let header = archive_write_header(handle, entry)
            // ARCHIVE_WARN is expected for names that cannot be stored as UTF-8 (pax then
            // records hdrcharset=BINARY).
            try #require(header == ARCHIVE_OK || header == ARCHIVE_WARN, "\(String(cString: archive_error_string(handle)))")
            if !raw.data.isEmpty {
                let written = raw.data.withUnsafeBytes { archive_write_data(handle, $0.baseAddress, $0.count) }
                #expect(written == raw.data.count)
            }
        }
        try #require(archive_write_close(handle) == ARCHIVE_OK)
    }
}

/// A hand-built zip file (stored entries only), so headers can say anything.
struct RawZipEntry {
    var name: [UInt8]
    var data: [UInt8]
    /// The uncompressed size to declare; defaults to the real one.
    var declaredSize: UInt32? = nil
    /// General purpose flag bit 11: names are UTF-8.
    var utf8Flag = false
    var unixMode: UInt32 = 0o100644
}

func buildRawZip(at path: String, _ entries: [RawZipEntry]) throws {
    var out: [UInt8] = []
    var central: [UInt8] = []
    func le16(_ v: UInt32, _ buf: inout [UInt8]) { buf += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
    func le32(_ v: UInt32, _ buf: inout [UInt8]) { for shift in stride(from: 0, to: 32, by: 8) { buf.append(UInt8((v >> UInt32(shift)) & 0xFF)) } }
    for entry in entries {
        let offset = UInt32(out.count)
        let crc = crc32(entry.data)
        let flags: UInt32 = entry.utf8Flag ? 0x0800 : 0
        let size = UInt32(entry.data.count)
        let declared = entry.declaredSize ?? size
        le32(0x0403_4B50, &out); le16(20, &out); le16(flags, &out); le16(0, &out)
        le16(0, &out); le16(0x21, &out)  // DOS time/date: 1980-01-01
        le32(crc, &out); le32(size, &out); le32(declared, &out)
        le16(UInt32(entry.name.count), &out); le16(0, &out)
        out += entry.name
        out += entry.data

        le32(0x0201_4B50, &central); le16(0x031E, &central); le16(20, &central); le16(flags, &central); le16(0, &central)
        le16(0, &central); le16(0x21, &central)
        le32(crc, &central); le32(size, &central); le32(declared, &central)
        le16(UInt32(entry.name.count), &central); le16(0, &central); le16(0, &central); le16(0, &central); le16(0, &central)
        le32(entry.unixMode << 16, &central); le32(offset, &central)
        central += entry.name
    }
    let centralOffset = UInt32(out.count)
    out += central
    le32(0x0605_4B50, &out); le16(0, &out); le16(0, &out)
    le16(UInt32(entries.count), &out); le16(UInt32(entries.count), &out)
    le32(UInt32(central.count), &out); le32(centralOffset, &out); le16(0, &out)
    try Data(out).write(to: URL(fileURLWithPath: path))
}

func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
    }
    return ~crc
}
