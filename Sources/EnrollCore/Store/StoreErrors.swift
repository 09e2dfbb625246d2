/// The store's errors that every backend raises alike.
enum StoreErrors {
    /// No application, or several, match a reference.
    static func unknownApplication(_ reference: String, ambiguous: Bool) -> EnrollError {
        EnrollError.invalid(
            .storeUnknownApplication, Location(),
            zh: ambiguous ? "“\(reference)”对应多个申请，请写完整的申请编号。" : "找不到申请“\(reference)”（可用申请编号或 8 位采集编号）。",
            en: ambiguous
                ? "\"\(reference)\" matches several applications; give the full application id."
                : "No application \"\(reference)\" (use the application id or the 8-digit collection number).")
    }

    /// A school list to import names a school twice.
    static func duplicateSchool(_ name: String) -> EnrollError {
        EnrollError.invalid(
            .schoolsDuplicate, Location(),
            zh: "要导入的学校名单中“\(name)”出现了两次；每所学校只能出现一次。名单未作任何改动。",
            en: "The school list to import names \"\(name)\" twice; each school may appear once. Nothing was changed.")
    }
}

/// The errors of the clerks' accounts.
enum AccountErrors {
    /// The account name is taken.
    static func exists(_ name: String) -> EnrollError {
        EnrollError.invalid(
            .accountExists, Location(),
            zh: "账号“\(name)”已存在。要改密码请用 `enroll district user passwd`。",
            en: "The account \"\(name)\" exists already. To change its password use `enroll district user passwd`.")
    }

    /// No account of that name.
    static func unknown(_ name: String) -> EnrollError {
        EnrollError.invalid(
            .accountUnknown, Location(),
            zh: "没有账号“\(name)”。用 `enroll district user list` 查看已有账号。",
            en: "There is no account \"\(name)\". See `enroll district user list` for the accounts.")
    }
}
