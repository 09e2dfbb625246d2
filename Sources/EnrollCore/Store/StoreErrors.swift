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
}
