import Foundation
import JSONSchema
import PrintKit

/// Writes the three printed documents as A4 PDFs (PrintKit: cairo, pango, libqrencode) from
/// any form's own labels: one layout for every form, no per-form template.
///
/// Every page carries the document's 编号, its 校验码 and the QR code of its ``PrintSeal``.
/// Values are printed as submitted; the QR code holds the masked ID number only.
public struct DocumentRenderer: Sendable {
    /// The program name written into the PDF's Creator field.
    public var creator = "enroll " + EnrollVersion.current

    /// Creates a renderer.
    public init() {}

    /// One labelled value of the form data.
    struct Entry {
        var label: String
        var value: String
    }

    /// A top-level section of the form data with its form label.
    struct Section {
        var title: String
        var entries: [Entry]
    }

    // MARK: Documents

    /// Writes the 学龄人口信息采集表 in the layout of the Beijing 2021 manual's 图13: 所在区,
    /// the title, 编号 and 校验码 at the top, then each section of the form (基本信息,
    /// 监护人（一）, 监护人（二）…) as a grid of label and value cells.
    /// - Throws: `print.render-failed` with PrintKit's message when the PDF cannot be written.
    public func writeCollectionForm(_ application: PrintedApplication, seal: PrintSeal, signer: String, to path: String) throws {
        try render(path: path, seal: seal) { document, frame in
            var y = try heading(document, frame: frame, seal: seal, left: "所在区：\(application.district)")
            for section in Self.sections(of: application) {
                y = try draw(section, in: document, frame: frame, y: y)
            }
            try footer(document, frame: frame, y: y, seal: seal, signer: signer)
        }
    }

    /// Writes the station's receipt: the application ID and collection number, the data
    /// submitted by section, the documents attached (slot and count), the station and time.
    /// - Throws: `print.render-failed` when the PDF cannot be written.
    public func writeReceipt(_ application: PrintedApplication, seal: PrintSeal, to path: String) throws {
        try render(path: path, seal: seal) { document, frame in
            var y = try heading(document, frame: frame, seal: seal, left: "采集点：\(application.station)")
            let facts = Section(title: "提交信息 Submission", entries: [
                Entry(label: "申请编号 Application ID", value: application.applicationID),
                Entry(label: "信息采集编号 Collection number", value: application.collectionNumber ?? "待区教育局分配 to be assigned by the district"),
                Entry(label: "表单 Form", value: application.form.label.zh),
                Entry(label: "版本 Revision", value: String(application.revision)),
                Entry(label: "采集点 Station", value: application.station),
                Entry(label: "提交日期 Submitted", value: application.submittedOn),
                Entry(label: "打印时间 Printed", value: seal.issuedAt),
            ])
            y = try draw(facts, in: document, frame: frame, y: y)
            for section in Self.sections(of: application) {
                y = try draw(section, in: document, frame: frame, y: y)
            }
            var list = Table(columnWidths: Table.columns(proportions: [0.5, 4, 1], totalWidth: frame.width), repeatedHeaderRows: 2)
            list.addRow([.section("所附材料 Documents attached", columnSpan: 3, style: TextStyle(size: 10).bold())], minHeight: 20)
            list.addRow([.label("序号", style: Self.labelStyle), .label("材料名称", style: Self.labelStyle), .label("份数", style: Self.labelStyle)])
            for (index, attachment) in application.attachments.enumerated() {
                list.addRow([
                    TableCell(String(index + 1), style: Self.valueStyle), TableCell(attachment.label.zh, style: Self.valueStyle),
                    TableCell(String(attachment.count), style: Self.valueStyle),
                ])
            }
            if application.attachments.isEmpty { list.addRow([TableCell("无 none", style: Self.valueStyle, columnSpan: 3)]) }
            y = try document.draw(list, at: Point(x: frame.minX, y: y + 8)).bottom
            try footer(document, frame: frame, y: y, seal: seal, signer: application.station)
        }
    }

    /// Writes the 入学通知书: the child, the school, the collection number.
    /// - Throws: `print.render-failed` when the PDF cannot be written.
    public func writeAdmissionNotice(_ application: PrintedApplication, seal: PrintSeal, signer: String, to path: String) throws {
        try render(path: path, seal: seal) { document, frame in
            var y = try heading(document, frame: frame, seal: seal, left: "所在区：\(application.district)")
            let school = application.school ?? ""
            let body = "\(application.childName)的家长：\n    经\(application.district)教育行政部门审核，\(application.childName)（信息采集编号 \(seal.number)）被\(school)录取，请按学校通知的时间办理入学手续。"
            y += try document.drawText(body, at: Point(x: frame.minX, y: y + 4), style: TextStyle(size: 12, wrapWidth: frame.width, lineSpacing: 1.3)).size.height + 12
            let facts = Section(title: "录取信息 Admission", entries: [
                Entry(label: "儿童姓名", value: application.childName),
                Entry(label: "证件号码", value: seal.maskedID),
                Entry(label: "信息采集编号", value: seal.number),
                Entry(label: "所在区", value: application.district),
                Entry(label: "录取学校", value: school),
                Entry(label: "签发日期", value: String(seal.issuedAt.prefix(10))),
            ])
            y = try draw(facts, in: document, frame: frame, y: y)
            try footer(document, frame: frame, y: y, seal: seal, signer: signer)
        }
    }

    // MARK: Layout

    static let labelStyle = TextStyle(size: 9)
    /// The least side of a printed QR module, in points.
    static let qrModule = 1.5
    static let valueStyle = TextStyle(size: 9.5)

    private func render(path: String, seal: PrintSeal, _ body: (PDFDocument, Rect) throws -> Void) throws {
        do {
            let document = try PDFDocument(
                path: path,
                metadata: PDFMetadata(
                    title: seal.kind.title.zh, subject: "\(seal.kind.title.en) \(seal.number)", keywords: "\(seal.number),\(seal.checkCode)",
                    creator: creator))
            document.beginPage()
            try body(document, document.contentFrame)
            try document.finish()
        } catch let error as PrintError {
            throw EnrollError.io(
                .printRenderFailed, Location(file: path),
                zh: "无法生成 PDF：\(error.chinese)", en: "The PDF cannot be written: \(error.english)")
        }
    }

    /// The top of the first page: `left` (所在区 or 采集点), the title, 编号 and 校验码, and the
    /// QR code with the 校验码 under it. Returns where the content starts.
    private func heading(_ document: PDFDocument, frame: Rect, seal: PrintSeal, left: String) throws -> Double {
        let code = try QRCode(utf8Text: seal.qrText, errorCorrection: .medium)
        let quietZone = 4
        // At least 1.5 pt (0.53 mm) a module, so that a phone camera, or a 150 dpi scan, reads
        // the code: a seal of a form with long names is a version 10 code or more, whose
        // modules in a fixed inch came to 0.37 mm and failed to scan now and then.
        let qrSide = max(72.0, Double(code.size + 2 * quietZone) * Self.qrModule)
        try document.drawText(
            seal.kind.title.zh, at: Point(x: frame.minX, y: frame.minY + 6),
            style: TextStyle(size: 18, alignment: .center, wrapWidth: frame.width).bold())
        try document.drawText(
            seal.kind.title.en, at: Point(x: frame.minX, y: frame.minY + 32),
            style: TextStyle(size: 8.5, alignment: .center, wrapWidth: frame.width))
        // 所在区 (or 采集点) on the left, 编号 and 校验码 on the right of the same line, beside the
        // QR code; a line too long for both (a receipt's 编号 is the 36-character application
        // ID) puts the number under it instead.
        let numberLine = "编号：\(seal.number)    校验码：\(seal.checkCode)"
        let lineStyle = TextStyle(size: 10)
        let lineWidth = frame.width - qrSide - 8
        let leftWidth = try document.drawText(left, at: Point(x: frame.minX, y: frame.minY + 52), style: lineStyle).size.width
        let numberWidth = try document.measure(numberLine, style: lineStyle).size.width
        var textBottom = frame.minY + 72
        if leftWidth + 16 + numberWidth <= lineWidth {
            try document.drawText(
                numberLine, at: Point(x: frame.minX, y: frame.minY + 52), style: TextStyle(size: 10, alignment: .trailing, wrapWidth: lineWidth))
        } else {
            try document.drawText(numberLine, at: Point(x: frame.minX, y: frame.minY + 67), style: TextStyle(size: 10, wrapWidth: lineWidth))
            textBottom = frame.minY + 87
        }
        let square = document.drawQRCode(
            code, in: Rect(x: frame.maxX - qrSide, y: frame.minY - 14, width: qrSide, height: qrSide), quietZone: quietZone)
        try document.drawText(
            seal.checkCode, at: Point(x: square.minX, y: square.maxY - 4), style: TextStyle(size: 7.5, alignment: .center, wrapWidth: square.width))
        return max(textBottom, square.maxY + 8)
    }

    /// A section as a grid of label and value cells, two pairs a row; a long value takes a
    /// row of its own.
    private func draw(_ section: Section, in document: PDFDocument, frame: Rect, y: Double) throws -> Double {
        var table = Table(columnWidths: Table.columns(proportions: [1.1, 1.7, 1.1, 1.7], totalWidth: frame.width), repeatedHeaderRows: 1)
        table.addRow([.section(section.title, columnSpan: 4, style: TextStyle(size: 10).bold())], minHeight: 20)
        var pending: Entry?
        func label(_ text: String) -> TableCell { .label(text, style: Self.labelStyle) }
        func value(_ text: String, span: Int = 1) -> TableCell { TableCell(text, style: Self.valueStyle, columnSpan: span) }
        func flush() {
            if let held = pending { table.addRow([label(held.label), value(held.value, span: 3)], minHeight: 20) }
            pending = nil
        }
        for entry in section.entries {
            if entry.value.count > 16 || entry.label.count > 12 {
                flush()
                table.addRow([label(entry.label), value(entry.value, span: 3)], minHeight: 20)
            } else if let held = pending {
                table.addRow([label(held.label), value(held.value), label(entry.label), value(entry.value)], minHeight: 20)
                pending = nil
            } else {
                pending = entry
            }
        }
        flush()
        return try document.draw(table, at: Point(x: frame.minX, y: y + 6)).bottom
    }

    /// How to check the printout, under the last table (on a new page if it does not fit).
    private func footer(_ document: PDFDocument, frame: Rect, y: Double, seal: PrintSeal, signer: String) throws {
        var top = y + 12
        if top + 60 > frame.maxY {
            document.beginPage()
            top = frame.minY
        }
        let text = """
            签发：\(signer)（密钥 \(seal.keyID)）  签发时间：\(seal.issuedAt)
            本件可离线核验：扫描右上角二维码，或输入编号 \(seal.number) 与校验码 \(seal.checkCode)（enroll print verify）。
            Check offline: scan the QR code, or enter number \(seal.number) and check code \(seal.checkCode) (enroll print verify).
            """
        try document.drawText(text, at: Point(x: frame.minX, y: top), style: TextStyle(size: 8, color: .gray(0.25), wrapWidth: frame.width))
    }

    // MARK: Data

    /// The form data's top-level sections in the form's (schema) order, each titled with the
    /// form's label, its values labelled from the form (nested objects as `owner › name`);
    /// members the form does not know come after the known ones, in the data's order.
    static func sections(of application: PrintedApplication) -> [Section] {
        guard let object = application.data.objectValue else { return [] }
        var order: [String: Int] = [:]
        for (index, field) in application.form.fieldList().enumerated() where order[field.pointer] == nil {
            order[field.pointer] = index
        }
        var sections: [Section] = []
        for (key, value) in ordered(object, tokens: [], order: order) {
            var entries: [Entry] = []
            collect(value, tokens: [key], form: application.form, order: order, into: &entries)
            guard !entries.isEmpty else { continue }
            let title = application.form.label(at: JSONPointer(tokens: [key]))?.zh ?? key
            sections.append(Section(title: title, entries: entries))
        }
        return sections
    }

    /// An object's members in the form's order.
    private static func ordered(_ object: JSONObject, tokens: [String], order: [String: Int]) -> [(String, JSONValue)] {
        let members = Array(zip(object.keys, object.values)).enumerated().map { position, member in
            (rank: order[Form.pattern(tokens + [member.0])] ?? Int.max, position: position, member: member)
        }
        return members.sorted { ($0.rank, $0.position) < ($1.rank, $1.position) }.map(\.member)
    }

    private static func collect(_ value: JSONValue, tokens: [String], form: Form, order: [String: Int], into entries: inout [Entry]) {
        switch value {
        case .object(let object):
            for (key, member) in ordered(object, tokens: tokens, order: order) {
                collect(member, tokens: tokens + [key], form: form, order: order, into: &entries)
            }
        case .array(let items) where items.contains { $0.objectValue != nil }:
            for (index, item) in items.enumerated() {
                collect(item, tokens: tokens + [String(index)], form: form, order: order, into: &entries)
            }
        default:
            entries.append(Entry(label: label(tokens, form: form), value: text(value)))
        }
    }

    /// The labels below the section (`产权人 › 姓名`; an array position as `(2)`).
    private static func label(_ tokens: [String], form: Form) -> String {
        var parts: [String] = []
        for count in 2...max(2, tokens.count) where count <= tokens.count {
            let token = tokens[count - 1]
            if !token.isEmpty && token.allSatisfy(\.isNumber) {
                parts.append("(\(Int(token)! + 1))")
            } else {
                parts.append(form.label(at: JSONPointer(tokens: Array(tokens.prefix(count))))?.zh ?? token)
            }
        }
        return parts.joined(separator: " › ")
    }

    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: ""
        case .bool(let flag): flag ? "是" : "否"
        case .number(let number): number.description
        case .string(let string): string
        case .array(let items): items.map(text).joined(separator: "、")
        case .object: ""
        }
    }
}
