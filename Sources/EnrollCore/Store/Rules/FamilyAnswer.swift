/// A school in the district's school list (`enroll schools add`): what an admitted family is
/// told about it (Harbin's 报名结果: 学校名称, 学校地址, 学校负责人, 学校联系电话).
public struct SchoolInfo: Sendable, Codable, Hashable {
    /// 学校名称, as `review admit --school` names it.
    public var name: String
    /// The district it belongs to, if given.
    public var district: String?
    /// 学校地址.
    public var address: String
    /// 学校负责人 (the enrollment contact).
    public var contact: String
    /// 学校联系电话.
    public var phone: String

    public init(name: String, district: String? = nil, address: String, contact: String, phone: String) {
        self.name = name
        self.district = district
        self.address = address
        self.contact = contact
        self.phone = phone
    }
}

/// What `enroll schools import` changed in the district's school list.
public struct SchoolImportCounts: Sendable, Codable, Hashable {
    /// Schools that were not in the list.
    public var added: Int
    /// Schools already in the list, their entries replaced (whether or not anything differed).
    public var updated: Int
    /// Schools removed because the imported list (with `replacing`) does not name them.
    public var removed: Int

    public init(added: Int, updated: Int, removed: Int) {
        self.added = added
        self.updated = updated
        self.removed = removed
    }
}

/// What a family is told about its application, in the seeds' own words for its form (DESIGN
/// §12), as a pure function: the status archive carries it and `enroll status show` prints it.
///
/// - Harbin (000 §五, §六): "报名资料已提交, 审核中"; "驳回" with every 驳回原因;
///   "录取成功,录取学校【…】" with 学校名称, 学校地址, 学校负责人, 学校联系电话.
/// - Beijing (001–003): "身份证及户籍信息待验证"; verified: "身份证及户籍信息已验证" and 审核通过
///   (non-local forms: the 采集表 may be printed); "您的孩子已经被…录取入学". The Beijing manuals
///   show no rejection screen: a rejection is "驳回" with its reasons, as in Harbin.
/// Which words a form uses is read from its id (`harbin-…`, `beijing-…`, `…-nonlocal-…`).
public enum FamilyAnswer {
    /// The answer's lines, first the status line.
    /// - Parameters:
    ///   - form: The form id.
    ///   - status: The status.
    ///   - reasons: The reviewer's reasons (shown for a rejection).
    ///   - school: The admitting school's name.
    ///   - info: The school's entry in the district's list, if it has one.
    ///   - authorization: Beijing 2025's 授权 status, shown last as its page shows it
    ///     ("授予法定监护人查看孩子的登记信息或办理入学业务的权限。当前已授权 / 当前未授权").
    public static func lines(
        form: String, status: ApplicationStatus, reasons: [String], school: String?, info: SchoolInfo?,
        authorization: AuthorizationStatus? = nil
    ) -> [LocalizedText] {
        let beijing = form.hasPrefix("beijing")
        let nonlocal = form.contains("nonlocal")
        let name = school ?? ""
        var lines: [LocalizedText] = []
        switch status {
        case .received:
            lines.append(beijing
                ? LocalizedText(zh: "身份证及户籍信息待验证", en: "ID and hukou information to be verified")
                : LocalizedText(zh: "报名资料已提交, 审核中", en: "Application submitted, under review"))
        case .verified:
            if beijing {
                lines.append(LocalizedText(zh: "身份证及户籍信息已验证", en: "ID and hukou information verified"))
                lines.append(nonlocal
                    ? LocalizedText(zh: "审核通过，可打印信息采集表", en: "Approved; the information collection form may be printed")
                    : LocalizedText(zh: "审核通过", en: "Approved"))
            } else {
                lines.append(LocalizedText(zh: "报名资料已提交, 审核中", en: "Application submitted, under review"))
            }
        case .rejected:
            lines.append(LocalizedText(zh: "驳回", en: "rejected"))
            lines += reasons.map { LocalizedText(zh: "驳回原因：\($0)", en: "Reason: \($0)") }
        case .admitted:
            lines.append(beijing
                ? LocalizedText(zh: "您的孩子已经被\(name)录取入学", en: "Your child has been admitted to \(name)")
                : LocalizedText(zh: "录取成功,录取学校【\(name)】", en: "Admitted, school: \(name)"))
            lines.append(LocalizedText(zh: "学校名称 \(name)", en: "School \(name)"))
            if let info {
                lines.append(LocalizedText(zh: "学校地址 \(info.address)", en: "Address \(info.address)"))
                lines.append(LocalizedText(zh: "学校负责人 \(info.contact)", en: "Contact \(info.contact)"))
                lines.append(LocalizedText(zh: "学校联系电话 \(info.phone)", en: "Phone \(info.phone)"))
            }
        case .withdrawn:
            lines.append(LocalizedText(zh: "已撤销", en: "Withdrawn"))
        }
        if let authorization, status != .withdrawn { lines.append(authorization.line) }
        return lines
    }
}
