import Foundation
import CalendarDates
import JSONSchema

/// Evaluates a form's named cross-field rules (`x-rules`, docs/FORMS.md §5).
///
/// A rule whose values are missing or of the wrong type passes: missing and malformed values are
/// the schema's business, so one mistake gives one error.
struct FormRuleEvaluator {
    let form: Form

    func evaluate(_ document: JSONValue, file: String, locate: (JSONPointer) -> Location) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for rule in form.rules {
            if let when = rule.when, !when.isValid(document) { continue }
            if let failure = check(rule, document) {
                let location = locate(failure.pointer)
                diagnostics.append(Diagnostic(
                    code: .rule(rule.rule), severity: .error, location: location,
                    // Reports are shared: a value the message quotes is masked.
                    message: LocalizedText(
                        zh: "未通过规则“\(rule.label.zh)”：\(Privacy.maskText(failure.detail.zh))",
                        en: "The rule \"\(rule.label.en)\" fails: \(Privacy.maskText(failure.detail.en))")))
            }
        }
        return diagnostics
    }

    private struct Failure {
        var pointer: JSONPointer
        var detail: LocalizedText
    }

    private func pointer(_ rule: FormRule, _ name: String) -> JSONPointer? {
        rule.params[name]?.stringValue.flatMap { try? JSONPointer(parsing: $0) }
    }

    private func string(_ document: JSONValue, _ pointer: JSONPointer?) -> String? {
        pointer.flatMap { document.value(at: $0)?.stringValue }
    }

    private func check(_ rule: FormRule, _ document: JSONValue) -> Failure? {
        switch rule.rule {
        case "id-number-birth-date":
            guard let idPointer = pointer(rule, "idNumber"), let id = string(document, idPointer),
                  let birth = string(document, pointer(rule, "birthDate"))
            else { return nil }
            let compact = birth.replacingOccurrences(of: "-", with: "")
            guard id.count == 18, String(Array(id)[6..<14]) == compact else {
                return Failure(pointer: idPointer, detail: LocalizedText(
                    zh: "证件号码中的出生日期与填写的出生日期 \(birth) 不一致，请核对",
                    en: "the birth date inside the ID number differs from the birth date \(birth); check both"))
            }
            return nil
        case "id-number-sex":
            guard let idPointer = pointer(rule, "idNumber"), let id = string(document, idPointer),
                  let sex = string(document, pointer(rule, "sex"))
            else { return nil }
            let male = rule.params["male"]?.stringValue ?? "男"
            let female = rule.params["female"]?.stringValue ?? "女"
            guard let isMale = ResidentID.isMale(id) else {
                return Failure(pointer: idPointer, detail: LocalizedText(zh: "证件号码第 17 位不是数字", en: "character 17 of the ID number is not a digit"))
            }
            let expected = isMale ? male : female
            if sex != expected {
                return Failure(pointer: idPointer, detail: LocalizedText(
                    zh: "证件号码表明性别为“\(expected)”，但填写的是“\(sex)”",
                    en: "the ID number says the sex is \"\(expected)\" but \"\(sex)\" was entered"))
            }
            return nil
        case "birth-date-window":
            guard let birthPointer = pointer(rule, "birthDate"), let text = string(document, birthPointer),
                  let birth = CalendarDate(iso: text),
                  var from = rule.params["from"]?.stringValue.flatMap({ CalendarDate(iso: $0) }),
                  let to = rule.params["to"]?.stringValue.flatMap({ CalendarDate(iso: $0) })
            else { return nil }
            // 特殊标识 暂缓入学 (deferred entry): the child was of age a year (or `deferredYears`)
            // earlier and put off school, so the window opens that much earlier.
            if let deferral = rule.params["deferredIf"], let pointer = deferral["pointer"]?.stringValue.flatMap({ try? JSONPointer(parsing: $0) }),
               let value = deferral["equals"], document.value(at: pointer) == value {
                from = from.adding(years: -(rule.params["deferredYears"]?.numberValue?.intValue ?? 1))
            }
            if birth < from || birth > to {
                let window = "\(from)…\(rule.params["to"]!.stringValue!)"
                return Failure(pointer: birthPointer, detail: LocalizedText(
                    zh: "出生日期 \(text) 不在本次招生的适龄范围 \(window) 内",
                    en: "the birth date \(text) is outside this intake's eligible window \(window)"))
            }
            return nil
        case "district-match":
            guard let districtPointer = pointer(rule, "district"), let district = document.value(at: districtPointer) else { return nil }
            let candidates = (rule.params["anyOf"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap { try? JSONPointer(parsing: $0) } }
            if !candidates.contains(where: { document.value(at: $0) == district }) {
                let name = district.stringValue ?? ""
                return Failure(pointer: districtPointer, detail: LocalizedText(
                    zh: "申请入学的区“\(name)”与户籍地或居住地所在区都不一致",
                    en: "the application district \"\(name)\" matches neither the hukou district nor the residence district"))
            }
            return nil
        case "date-order":
            guard let laterPointer = pointer(rule, "later"), let earlierText = string(document, pointer(rule, "earlier")),
                  let laterText = string(document, laterPointer),
                  let earlier = CalendarDate(iso: earlierText), let later = CalendarDate(iso: laterText)
            else { return nil }
            let allowEqual = rule.params["allowEqual"]?.boolValue ?? true
            if earlier > later || (!allowEqual && earlier == later) {
                return Failure(pointer: laterPointer, detail: LocalizedText(
                    zh: "日期 \(laterText) 早于 \(earlierText)", en: "the date \(laterText) is before \(earlierText)"))
            }
            return nil
        case "equal":
            guard let bPointer = pointer(rule, "b"), let a = pointer(rule, "a").flatMap({ document.value(at: $0) }),
                  let b = document.value(at: bPointer)
            else { return nil }
            if a != b {
                return Failure(pointer: bPointer, detail: LocalizedText(zh: "两处填写的内容不一致", en: "the two entries differ"))
            }
            return nil
        default:
            return Failure(pointer: JSONPointer(tokens: []), detail: LocalizedText(
                zh: "表单定义使用了未知的规则类型“\(rule.rule)”，请更新 enroll", en: "the form uses the unknown rule kind \"\(rule.rule)\"; update enroll"))
        }
    }
}
