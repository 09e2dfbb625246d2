import Foundation
import PrintKit

/// The values a test form was filled with, to compare with what comes back out of the PDF.
struct CollectionFormValues {
    var district = "东城区"
    var number = "11010042"
    var checkCode = "K7Q2"
    var childName: String
    var childID: String
    var guardianOne: String
    var guardianOneID: String
    var guardianOnePhone: String
    var guardianTwo: String
    var guardianTwoID: String
    var guardianTwoPhone: String
    var address = "北京市东城区景山前街四号院二号楼三单元五〇一室（测试地址，非真实门牌）"

    init(seed: UInt64) {
        var people = FakePeople(seed: seed)
        childName = people.name()
        childID = people.idNumber(birth: "20180307")
        guardianOne = people.name()
        guardianOneID = people.idNumber(birth: "19870521")
        guardianOnePhone = people.phone()
        guardianTwo = people.name()
        guardianTwoID = people.idNumber(birth: "19890914")
        guardianTwoPhone = people.phone()
    }

    /// What the QR code holds: number, name, masked ID, district, as the printed forms do.
    var qrPayload: String {
        let masked = childID.prefix(6) + "********" + childID.suffix(4)
        return "enroll:1|\(number)|\(childName)|\(masked)|\(district)"
    }
}

/// What writing the form measured.
struct CollectionFormLayout {
    var form: TablePlacement
    var guardians: TablePlacement
    var attachments: TablePlacement
    var photoFrame: Rect
    var logoFrame: Rect
    var qrFrame: Rect
    var pageCount: Int
}

/// Lays out a bilingual 学龄人口信息采集表 in the seeds' 8-column grid (page 1), then an
/// attachment list long enough to continue on page 3 with its header repeated.
func writeCollectionForm(
    to path: String, values: CollectionFormValues, photo: RasterImage, logo: RasterImage, metadata: PDFMetadata
) throws -> CollectionFormLayout {
    let document = try PDFDocument(path: path, metadata: metadata)
    document.beginPage()
    let frame = document.contentFrame
    let small = TextStyle(size: 9)

    // Heading: district on the left, title in the middle, number and check code on the right.
    let logoFrame = document.draw(logo, in: Rect(x: frame.minX, y: frame.minY, width: 40, height: 40))
    try document.drawText("所在区：\(values.district)", at: Point(x: frame.minX + 48, y: frame.minY + 12), style: small)
    try document.drawText(
        "学龄人口信息采集表", at: Point(x: frame.minX, y: frame.minY),
        style: TextStyle(size: 18, alignment: .center, wrapWidth: frame.width).bold())
    try document.drawText(
        "School-age Population Information Collection Form", at: Point(x: frame.minX, y: frame.minY + 26),
        style: TextStyle(family: "DejaVu Sans", size: 9, alignment: .center, wrapWidth: frame.width))
    try document.drawText(
        "编号：\(values.number)\n校验码：\(values.checkCode)", at: Point(x: frame.maxX - 170, y: frame.minY + 4),
        style: small.aligned(.trailing).wrapped(at: 100))
    let qr = try QRCode(text: values.qrPayload, errorCorrection: .medium)
    let qrFrame = document.drawQRCode(qr, in: Rect(x: frame.maxX - 64, y: frame.minY - 8, width: 64, height: 64))

    let value = TextStyle(size: 9.5)
    func label(_ text: String, span: Int = 1) -> TableCell { .label(text, columnSpan: span, style: small) }
    func cell(_ text: String, span: Int = 1) -> TableCell { TableCell(text, style: value, columnSpan: span) }

    // 基本信息: six columns beside the photo.
    var basic = Table(columnWidths: [64, 80, 56, 60, 56, 114])
    basic.addRow([.section("基本信息 Basic information", columnSpan: 6)], minHeight: 20)
    basic.addRow([label("姓名"), cell(values.childName), label("性别"), cell("男"), label("民族"), cell("汉族")], minHeight: 22)
    basic.addRow([label("出生日期"), cell("2018-03-07"), label("国籍"), cell("中国"), label("证件类型"), cell("居民身份证")], minHeight: 22)
    basic.addRow([label("证件号码"), cell(values.childID, span: 5)], minHeight: 22)
    basic.addRow([label("户籍所在地"), cell("北京市东城区"), label("户口所在地详细地址"), cell(values.address, span: 3)], minHeight: 22)
    basic.addRow([label("居住地所在区"), cell("东城区"), label("居住地详细地址"), cell(values.address, span: 3)], minHeight: 22)
    let top = frame.minY + 56
    let form = try document.draw(basic, at: Point(x: frame.minX, y: top))

    // The photo beside the basic information, as tall as it.
    let photoBox = Rect(x: frame.minX + basic.width, y: top, width: frame.width - basic.width, height: form.bottom - top)
    document.strokeRect(photoBox)
    let photoFrame = document.draw(photo, in: photoBox.insetBy(dx: 4, dy: 4))

    // 监护人(一) and 监护人(二): label and value pairs, full width.
    var guardians = Table(columnWidths: Table.columns(proportions: [1, 1.8, 1, 1.8], totalWidth: frame.width))
    for (title, name, id, phone, relation) in [
        ("监护人(一)信息 Guardian 1", values.guardianOne, values.guardianOneID, values.guardianOnePhone, "父亲"),
        ("监护人(二)信息 Guardian 2", values.guardianTwo, values.guardianTwoID, values.guardianTwoPhone, "母亲"),
    ] {
        guardians.addRow([.section(title, columnSpan: 4)], minHeight: 20)
        guardians.addRow([label("监护人姓名"), cell(name), label("监护人关系"), cell(relation)], minHeight: 22)
        guardians.addRow([label("监护人证件类型"), cell("居民身份证"), label("监护人证件号码"), cell(id)], minHeight: 22)
        guardians.addRow([label("监护人学历"), cell("大学本科"), label("监护人联系电话"), cell(phone)], minHeight: 22)
        guardians.addRow([label("监护人工作单位"), cell("北京市某某科技有限公司（测试数据）", span: 3)], minHeight: 22)
    }
    let guardianPlacement = try document.draw(guardians, at: Point(x: frame.minX, y: form.bottom))

    try document.drawText(
        "本表由系统生成，请核对后签字。This form was generated by enroll; check it before signing.",
        at: Point(x: frame.minX, y: guardianPlacement.bottom + 12), style: TextStyle(size: 8, wrapWidth: frame.width))
    document.strokeLine(
        from: Point(x: frame.minX, y: guardianPlacement.bottom + 40), to: Point(x: frame.maxX, y: guardianPlacement.bottom + 40), stroke: .cutLine)

    // Page 2 onwards: an attachment list long enough to break onto page 3.
    document.beginPage()
    try document.drawText("附件清单 Attachments", at: Point(x: frame.minX, y: frame.minY), style: TextStyle(size: 14).bold())
    var list = Table(columnWidths: Table.columns(proportions: [0.5, 3, 1.2, 1.5], totalWidth: frame.width), repeatedHeaderRows: 1)
    list.addRow([label("序号"), label("材料名称 Document"), label("页数"), label("审核状态")])
    for index in 1...40 {
        let name = index % 7 == 0
            ? "户口簿（户主页、本人页）及监护人关系证明材料复印件，第 \(index) 份，需加盖公章并注明“与原件一致”字样"
            : "居住证明材料第 \(index) 份"
        list.addRow([cell("\(index)"), cell(name), cell("\(index % 3 + 1)"), cell(index % 5 == 0 ? "待补充" : "已核验")])
    }
    let attachments = try document.draw(list, at: Point(x: frame.minX, y: frame.minY + 30))
    let pageCount = document.pageCount
    try document.finish()
    return CollectionFormLayout(
        form: form, guardians: guardianPlacement, attachments: attachments, photoFrame: photoFrame, logoFrame: logoFrame, qrFrame: qrFrame,
        pageCount: pageCount)
}
