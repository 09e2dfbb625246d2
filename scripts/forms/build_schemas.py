#!/usr/bin/env python3
"""Generate the form schemas and shared definitions under Schemas/.

The JSON files in Schemas/ are the deliverable; this script is how they were
written, so that the four forms share one vocabulary and one set of
sub-structures. Re-run it after editing (python3 scripts/build_schemas.py);
do not hand-edit the generated JSON and this script in diverging ways.

Conventions (see docs/FORMS.md):
  * property names are lowerCamelCase English; enumeration values are the
    manuals' Chinese option texts;
  * yes/no questions (是/否) are JSON booleans (true = 是);
  * every object has additionalProperties: false;
  * every field and section carries "x-label": {"zh", "en"}.
"""
from __future__ import annotations

import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
SCHEMAS = ROOT / "Schemas"
BASE = "https://schemas.enroll.invalid/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
MIB20 = 20 * 1024 * 1024


def L(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def lab(schema: dict, zh: str, en: str) -> dict:
    out = dict(schema)
    out["x-label"] = L(zh, en)
    return out


def ref(file: str, name: str) -> dict:
    return {"$ref": f"defs/{file}.json#/$defs/{name}"}


def obj(zh: str, en: str, props: list, extra: dict | None = None) -> dict:
    """props: list of (key, schema, required: bool)."""
    o = {
        "type": "object",
        "x-label": L(zh, en),
        "properties": {k: s for k, s, _ in props},
        "required": [k for k, _, r in props if r],
        "additionalProperties": False,
    }
    if not o["required"]:
        del o["required"]
    if extra:
        o.update(extra)
    return o


def const_none() -> dict:
    return {"const": "无"}


def is_(pointer_parts: list[str], schema: dict) -> dict:
    """A schema on the whole document: the value at path `pointer_parts`
    exists and validates against `schema`."""
    inner = schema
    for key in reversed(pointer_parts):
        inner = {"properties": {key: inner}, "required": [key]}
    return inner


# ---------------------------------------------------------------------------
# Shared definitions
# ---------------------------------------------------------------------------

ETHNIC_GROUPS = [  # GB/T 3304-1991, codes 01..56, then 97 and 98
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族",
    "朝鲜族", "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族",
    "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族",
    "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族",
    "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族",
    "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族",
    "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
    "其他", "外国血统中国籍人士",
]
assert len(ETHNIC_GROUPS) == 58 and len(set(ETHNIC_GROUPS)) == 58

PROVINCES = [  # GB/T 2260 provincial-level divisions (34)
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
    "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省",
    "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省",
    "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
    "台湾省", "香港特别行政区", "澳门特别行政区",
]
assert len(PROVINCES) == 34

BEIJING_DISTRICTS = [  # 16 districts + the two education areas of the 2025 manual
    "东城区", "西城区", "朝阳区", "海淀区", "丰台区", "石景山区", "门头沟区", "房山区",
    "通州区", "顺义区", "昌平区", "大兴区", "平谷区", "怀柔区", "密云区", "延庆区",
    "燕山地区", "经济技术开发区",
]

HARBIN_DISTRICTS = [  # 9 districts, 7 counties, 2 county-level cities
    "道里区", "南岗区", "道外区", "平房区", "松北区", "香坊区", "呼兰区", "阿城区", "双城区",
    "依兰县", "方正县", "宾县", "巴彦县", "木兰县", "通河县", "延寿县",
    "尚志市", "五常市",
]

XIANGFANG_SCHOOLS = [  # as listed in the Harbin 2024 manual (香坊区 screen + examples)
    "哈尔滨市中山路小学校", "哈尔滨市风华小学校", "哈尔滨市风华诺丁山学校",
    "哈尔滨市工农兵小学校", "哈尔滨市汽轮小学校", "哈尔滨市东风小学校",
    "哈尔滨市锅炉小学校", "哈尔滨市公滨小学校", "哈尔滨市电工小学校",
    "哈尔滨市香坊小学校", "哈尔滨市王兆新村小学校", "哈尔滨市兴华小学校",
    "哈尔滨市香明小学校",
]

ID_TYPES = [
    "居民身份证", "护照", "港澳居民来往内地通行证", "台湾居民来往大陆通行证",
    "港澳台居民居住证", "外国人永久居留身份证", "军官证", "其他",
]
STUDENT_ID_TYPES = ID_TYPES[:6]

RELATIONS = [
    "父亲", "母亲", "祖父", "祖母", "外祖父", "外祖母", "继父", "继母", "养父", "养母",
    "兄", "姐", "其他亲属", "其他",
]

EDUCATION = [
    "研究生毕业", "研究生肄业", "大学本科毕业", "大学本科肄业", "大学专科毕业", "大学专科肄业",
    "中等专科毕业", "中等专科肄业", "职业高中毕业", "职业高中肄业", "技工学校毕业", "技工学校肄业",
    "普通高中毕业", "普通高中肄业", "初中毕业", "初中肄业", "小学毕业", "小学肄业", "其他",
]

RESIDENT_ID_PATTERN = (
    r"^(1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[12])\d{4}"
    r"(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[0-9X]$"
)
HMT_PERMIT_PATTERN = (
    r"^8[123]0000(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[0-9X]$"
)

# ID type -> (def name, format, pattern, zh, en)
ID_NUMBER_DEFS = {
    "居民身份证": ("residentIdNumber", "cn-resident-id", RESIDENT_ID_PATTERN,
              "居民身份证号码", "Resident identity card number"),
    "护照": ("passportNumber", "passport", r"^[A-Z0-9]{5,20}$", "护照号码", "Passport number"),
    "港澳居民来往内地通行证": ("hkMacaoPermitNumber", "cn-hk-macao-permit", r"^[HM]\d{8}(\d{2})?$",
                     "港澳居民来往内地通行证号码", "Mainland travel permit for HK/Macao residents number"),
    "台湾居民来往大陆通行证": ("taiwanPermitNumber", "cn-taiwan-permit", r"^\d{8}(\d{2})?$",
                     "台湾居民来往大陆通行证号码", "Mainland travel permit for Taiwan residents number"),
    "港澳台居民居住证": ("hmtResidencePermitNumber", "cn-hmt-residence-permit", HMT_PERMIT_PATTERN,
                 "港澳台居民居住证号码", "Residence permit for HK/Macao/Taiwan residents number"),
    "外国人永久居留身份证": ("foreignPermanentResidenceIdNumber", "cn-foreign-permanent-residence-id",
                   r"^([A-Z]{3}\d{12}|9\d{16}[0-9X])$",
                   "外国人永久居留身份证号码", "Foreign permanent resident ID card number"),
}


def defs_file(name: str, zh: str, en: str, defs: dict) -> dict:
    return {
        "$schema": DRAFT,
        "$id": f"{BASE}defs/{name}.json",
        "x-label": L(zh, en),
        "$comment": "Shared definitions. Generated by scripts/build_schemas.py.",
        "$defs": defs,
    }


def enum_def(values: list, zh: str, en: str) -> dict:
    return {"type": "string", "enum": values, "x-label": L(zh, en)}


def build_common() -> dict:
    d: dict = {}
    d["text"] = lab({"type": "string", "minLength": 1, "maxLength": 200,
                     "pattern": r"^\S([\s\S]*\S)?$"}, "文本", "Text")
    d["longText"] = lab({"type": "string", "minLength": 1, "maxLength": 1000,
                         "pattern": r"^\S([\s\S]*\S)?$"}, "长文本", "Long text")
    d["personName"] = lab({"type": "string", "minLength": 1, "maxLength": 50,
                           "pattern": r"^\S(.*\S)?$"}, "姓名", "Name")
    d["address"] = lab({"type": "string", "minLength": 1, "maxLength": 200,
                        "pattern": r"^\S(.*\S)?$"}, "地址", "Address")
    d["date"] = lab({"type": "string", "format": "date",
                     "pattern": r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"},
                    "日期", "Date (YYYY-MM-DD)")
    d["mobile"] = lab({"type": "string", "format": "cn-mobile", "pattern": r"^1[3-9]\d{9}$"},
                      "手机号码", "Mainland mobile number")
    for _t, (name, fmt, pat, zh, en) in ID_NUMBER_DEFS.items():
        d[name] = lab({"type": "string", "format": fmt, "pattern": pat}, zh, en)
    d["otherIdNumber"] = lab({"type": "string", "minLength": 1, "maxLength": 40,
                              "pattern": r"^\S(.*\S)?$"}, "其他证件号码", "Other document number")
    d["idDocumentType"] = enum_def(ID_TYPES, "证件类型", "ID document type")
    d["studentIdDocumentType"] = enum_def(STUDENT_ID_TYPES, "学生证件类型", "Student ID document type")
    # Applied (with $ref) to any object that has idType + idNumber properties.
    rules = []
    for t, (name, *_rest) in ID_NUMBER_DEFS.items():
        rules.append({
            "if": {"properties": {"idType": {"const": t}}, "required": ["idType"]},
            "then": {"properties": {"idNumber": {"$ref": f"#/$defs/{name}"}}},
        })
    rules.append({
        "if": {"properties": {"idType": {"enum": ["军官证", "其他"]}}, "required": ["idType"]},
        "then": {"properties": {"idNumber": {"$ref": "#/$defs/otherIdNumber"}}},
    })
    d["idNumberMatchesType"] = {
        "x-label": L("证件号码与证件类型相符", "ID number matches its document type"),
        "$comment": "Use next to properties idType/idNumber; picks the number format by type.",
        "allOf": rules,
    }
    d["sex"] = enum_def(["男", "女"], "性别", "Sex")
    d["ethnicity"] = enum_def(ETHNIC_GROUPS, "民族（GB/T 3304）", "Ethnic group (GB/T 3304)")
    d["relation"] = enum_def(RELATIONS, "与学生关系", "Relation to the student")
    d["educationLevel"] = enum_def(EDUCATION, "学历", "Education level")
    d["bloodType"] = enum_def(["A型", "B型", "AB型", "O型", "其他", "不详"], "血型", "Blood type")
    d["specialCategory"] = enum_def(["无", "双多胞胎", "残疾儿童", "暂缓入学"],
                                    "特殊标识", "Special category")
    return defs_file("common", "通用定义", "Common definitions", d)


def build_regions() -> dict:
    d = {
        "province": enum_def(PROVINCES, "省级行政区", "Provincial-level division"),
        "beijingDistrict": enum_def(BEIJING_DISTRICTS, "北京市区", "Beijing district"),
        "beijingDistrictOrOutside": enum_def(BEIJING_DISTRICTS + ["北京市以外", "无"],
                                             "所属区（含京外、无）",
                                             "Beijing district, outside Beijing, or none"),
        "harbinDistrict": enum_def(HARBIN_DISTRICTS, "哈尔滨市区县", "Harbin district or county"),
        "nationality": lab({"type": "string", "minLength": 1, "maxLength": 50,
                            "pattern": r"^\S(.*\S)?$", "examples": ["中国"]},
                           "国籍", "Nationality"),
    }
    return defs_file("regions", "行政区划", "Administrative divisions", d)


def build_property() -> dict:
    d = {
        "certificateType": enum_def(["不动产证", "房屋所有权证"], "房屋产权类型",
                                    "Property certificate type"),
        "usage": enum_def(["住宅", "商住两用", "商业", "办公", "其他"], "房屋用途", "Property usage"),
        "coOwnership": enum_def(["单独所有(夫妻共有)", "共同共有", "按份共有"],
                                "房屋产权共有情况", "Co-ownership"),
    }
    return defs_file("property", "房屋产权", "Property", d)


def build_harbin() -> dict:
    d = {
        "xiangfangSchool": enum_def(XIANGFANG_SCHOOLS, "香坊区公办小学",
                                    "Public primary school in Xiangfang district"),
        "sameBookWithGuardian": enum_def(["与父母", "与父亲", "与母亲", "与其他监护人", "否"],
                                         "学生与监护人是否在同册户籍",
                                         "Student in the same hukou book as the guardians"),
        "fillerRole": enum_def(["监护人一信息", "监护人二信息"], "填表人信息", "Form filler"),
        "signatureMethod": enum_def(["手写签名", "拍照上传"], "承诺书签署方式",
                                    "How the commitment was signed"),
    }
    return defs_file("harbin", "哈尔滨市定义", "Harbin definitions", d)


def build_beijing() -> dict:
    d = {
        "hukouType": enum_def(["非农业户口", "农业户口", "居民户口"], "户口类型", "Hukou type"),
    }
    return defs_file("beijing", "北京市定义", "Beijing definitions", d)


# ---------------------------------------------------------------------------
# Shared form pieces
# ---------------------------------------------------------------------------

def id_pair(prefix_zh: str, prefix_en: str, types: str = "idDocumentType") -> list:
    return [
        ("idType", lab(ref("common", types), f"{prefix_zh}证件类型", f"{prefix_en} ID document type"), True),
        ("idNumber", lab({"type": "string"}, f"{prefix_zh}证件号码", f"{prefix_en} ID number"), True),
    ]


def person_obj(zh: str, en: str, pzh: str, pen: str) -> dict:
    """Owner / holder of a certificate: name, relation, ID type and number."""
    o = obj(zh, en, [
        ("name", lab(ref("common", "personName"), f"{pzh}姓名", f"{pen} name"), True),
        ("relation", lab(ref("common", "relation"), f"{pzh}与学生关系", f"{pen}'s relation to the student"), True),
        *id_pair(pzh, pen),
    ])
    o["$ref"] = "defs/common.json#/$defs/idNumberMatchesType"
    return o


def attachment(id_: str, zh: str, en: str, required: bool, min_count: int, max_count: int,
               media: list, required_if: dict | None = None, pixel: dict | None = None,
               note: str | None = None) -> dict:
    a = {"id": id_, "label": L(zh, en), "required": required}
    if required_if is not None:
        a["requiredIf"] = required_if
    a.update({"minCount": min_count, "maxCount": max_count, "mediaTypes": media, "maxBytes": MIB20})
    if pixel:
        a["pixelSize"] = pixel
    if note:
        a["$comment"] = note
    return a


IMG = ["image/jpeg", "image/png"]
PHOTO = attachment("student-photo", "学生证件照片（一寸蓝底）", "Student photo (1-inch, blue background)",
                   True, 1, 1, ["image/jpeg"], pixel={"width": 295, "height": 413})

RESIDENT_LIKE = ["居民身份证", "港澳台居民居住证"]


def id_rules(birth_window: tuple[str, str], src_note: str) -> list:
    when = is_(["student", "idType"], {"enum": RESIDENT_LIKE})
    return [
        {"id": "student-id-birth-date", "rule": "id-number-birth-date",
         "label": L("学生证件号码与出生日期一致", "Student ID number matches the birth date"),
         "params": {"idNumber": "/student/idNumber", "birthDate": "/student/birthDate"},
         "when": when},
        {"id": "student-id-sex", "rule": "id-number-sex",
         "label": L("学生证件号码与性别一致", "Student ID number matches the sex"),
         "params": {"idNumber": "/student/idNumber", "sex": "/student/sex", "male": "男", "female": "女"},
         "when": when},
        {"id": "student-birth-window", "rule": "birth-date-window",
         "label": L("学生出生日期在适龄范围内", "Student born within the eligible window"),
         "params": {"birthDate": "/student/birthDate", "from": birth_window[0], "to": birth_window[1]},
         "$comment": src_note},
    ]


def root(form_id: str, version: str, zh: str, en: str, region: str, year: int, source: str,
         props: list, allof: list, attachments: list, rules: list, xrules: list) -> dict:
    r = {
        "$schema": DRAFT,
        "$id": f"{BASE}{form_id}.schema.json",
        "$comment": "Generated by scripts/build_schemas.py; vocabulary documented in docs/FORMS.md.",
        "title": zh,
        "x-label": L(zh, en),
        "x-form": {"id": form_id, "version": version, "label": L(zh, en), "region": region,
                   "year": year, "source": source, "applicationDistrict": "/application/district"},
        "x-attachments": attachments,
        "x-rules": rules,
        "x-cross-application-rules": xrules,
        "type": "object",
        "properties": {k: s for k, s, _ in props},
        "required": [k for k, _, r_ in props if r_],
        "additionalProperties": False,
    }
    if allof:
        r["allOf"] = allof
    return r


def unique_rule() -> dict:
    return {"id": "one-application-per-child", "rule": "unique",
            "label": L("每名儿童只能有一份申请", "One application per child"),
            "params": {"key": "/student/idNumber"}}


def quota_rule(keys: list, mx: int, note: str) -> dict:
    return {"id": "guardian-phone-quota", "rule": "quota",
            "label": L(f"每个监护人手机号最多{mx}名儿童", f"At most {mx} child{'ren' if mx > 1 else ''} per guardian phone"),
            "params": {"keys": keys, "max": mx}, "$comment": note}


# ---------------------------------------------------------------------------
# Harbin public primary 2024
# ---------------------------------------------------------------------------

def harbin() -> dict:
    application = obj("报名注册信息", "Registration", [
        ("district", lab(ref("regions", "harbinDistrict"), "填报区县", "Application district or county"), True),
        ("school", lab(ref("common", "text"), "填报学校", "School applied to"), True),
        ("phone", lab(ref("common", "mobile"), "注册联系电话", "Registration phone"), True),
    ], {"$comment": "The registration screen's 学校 is chosen within a district (修改填报学校: 选择填报区域及填报学校). "
                    "For 香坊区 the school must be one the manual lists.",
        "if": {"properties": {"district": {"const": "香坊区"}}, "required": ["district"]},
        "then": {"properties": {"school": ref("harbin", "xiangfangSchool")}}})
    student = obj("学生基本信息", "Student", [
        ("name", lab(ref("common", "personName"), "学生姓名", "Student name"), True),
        *id_pair("学生", "Student", "studentIdDocumentType"),
        ("birthDate", lab(ref("common", "date"), "出生日期", "Birth date"), True),
        ("sex", lab(ref("common", "sex"), "学生性别", "Student sex"), True),
        ("ethnicity", lab(ref("common", "ethnicity"), "民族", "Ethnic group"), True),
        ("specialCategory", lab(ref("common", "specialCategory"), "特殊标识（双多胞胎、残疾儿童、暂缓入学）",
                                "Special category (twins/multiples, disabled child, deferred entry)"), True),
    ], {"$ref": "defs/common.json#/$defs/idNumberMatchesType"})
    student["properties"]["birthDate"]["$comment"] = (
        "Not a separate input in the manual (derived from the ID number there); required here so "
        "the age window can be checked for passport holders too.")
    t = lambda zh, en: lab(ref("common", "text"), zh, en)  # noqa: E731
    hukou = obj("学生户籍信息", "Student hukou", [
        ("householdNumber", t("户口编号(户号)", "Household number (hukou book page 1)"), True),
        ("collectiveHousehold", lab({"type": "boolean"}, "集体户口", "Collective household"), True),
        ("policeStation", t("户籍所属派出所", "Hukou police station"), True),
        ("householderName", t("户主姓名", "Head of household name"), True),
        ("address", lab(ref("common", "address"), "户籍地址（户籍首页完整地址）",
                        "Hukou address (full address on page 1)"), True),
        ("householderRelation", lab({"anyOf": [ref("common", "relation"), const_none()]},
                                    "户主与学生关系", "Head of household's relation to the student"), True),
        ("villageGroup", t("户籍所在村屯委组", "Village / group of the hukou"), True),
        ("sameBookWithGuardian", lab({"anyOf": [ref("harbin", "sameBookWithGuardian"), const_none()]},
                                     "学生与监护人是否在同册户籍",
                                     "Student in the same hukou book as the guardians"), True),
        ("street", t("街号小区", "Street and residential compound"), True),
        ("addressMatchesProperty", lab({"type": "boolean"}, "户籍地址与住宅产权证地址是否一致",
                                       "Hukou address equals the property certificate address"), True),
        ("unitAndRoom", t("单元楼门", "Building, unit and room"), True),
        ("settledDate", lab({"anyOf": [ref("common", "date"), const_none()]},
                            "学生落入户籍地址时间", "Date the student was registered at the hukou address"), True),
    ], {"$comment": "For a student without a mainland hukou (ID type other than 居民身份证, e.g. a foreign "
                    "passport holder) every text field is 无 (manual: 如是外籍学生,以下户籍信息均填无)."})
    hukou_text_keys = ["householdNumber", "policeStation", "householderName", "address",
                       "householderRelation", "villageGroup", "sameBookWithGuardian", "street",
                       "unitAndRoom", "settledDate"]

    prop_fields = [
        ("certificateType", lab(ref("property", "certificateType"), "房屋产权类型", "Property certificate type"), True),
        ("owner", person_obj("产权人", "Property owner", "产权人", "Owner"), True),
        ("address", lab(ref("common", "address"), "产权证坐落地址", "Property address on the certificate"), True),
        ("addressConfirm", lab(ref("common", "address"), "产权证坐落地址（再次输入）",
                               "Property address (entered again)"), True),
        ("issueDate", lab(ref("common", "date"), "产权证发证时间", "Certificate issue date"), True),
        ("certificateNumber", t("产权证号", "Certificate number"), True),
        ("usage", lab(ref("property", "usage"), "房屋用途", "Property usage"), True),
        ("coOwnership", lab(ref("property", "coOwnership"), "房屋产权共有情况", "Co-ownership"), True),
    ]
    prop_required = [k for k, _, _ in prop_fields]
    property_ = obj("房屋产权信息", "Property", [
        ("held", lab({"type": "boolean"}, "是否持有房屋产权", "Holds property"), True),
        *[(k, s, False) for k, s, _ in prop_fields],
    ], {"$comment": "有必填, 无不填: all property fields are required when held and absent otherwise.",
        "if": {"properties": {"held": {"const": True}}, "required": ["held"]},
        "then": {"required": prop_required},
        "else": {"propertyNames": {"const": "held"}}})

    permit_entry = obj("居住证信息", "Residence permit", [
        ("holder", person_obj("持证人", "Permit holder", "持证人", "Holder"), True),
        ("permitNumber", t("居住证号", "Residence permit number"), True),
        ("endorsementDate", lab(ref("common", "date"), "签注日期", "Endorsement date"), True),
        ("address", lab(ref("common", "address"), "居住证地址", "Address on the residence permit"), True),
    ])
    permits = {
        "type": "array",
        "x-label": L("居住证列表（第一个必填，其余两个选填）", "Residence permits (first required, two more optional)"),
        "minItems": 1, "maxItems": 3,
        "prefixItems": [
            {"$ref": "#/$defs/residencePermitEntry", "x-label": L("居住证信息（必填项）", "Residence permit (required)")},
            {"$ref": "#/$defs/residencePermitEntry", "x-label": L("居住证信息一（选填项）", "Residence permit 1 (optional)")},
            {"$ref": "#/$defs/residencePermitEntry", "x-label": L("居住证信息二（选填项）", "Residence permit 2 (optional)")},
        ],
        "items": False,
    }
    residence_permit = obj("居住证信息（选填）", "Residence permits (optional)", [
        ("held", lab({"type": "boolean"}, "是否持有居住证", "Holds a residence permit"), True),
        ("permits", permits, False),
    ], {"if": {"properties": {"held": {"const": True}}, "required": ["held"]},
        "then": {"required": ["permits"]},
        "else": {"propertyNames": {"const": "held"}}})

    def guardian(n: int, zh: str, en: str) -> dict:
        g = obj(zh, en, [
            ("name", lab(ref("common", "personName"), "监护人姓名", "Guardian name"), True),
            ("relation", lab(ref("common", "relation"), "监护人与学生关系", "Guardian's relation to the student"), True),
            *id_pair("监护人", "Guardian"),
            ("employer", t("监护人工作单位", "Guardian employer"), True),
            ("phone", lab(ref("common", "mobile"), "联系电话", "Phone"), True),
            ("hukouAddress", lab(ref("common", "address"), "户籍详细地址", "Hukou address"), True),
        ])
        g["$ref"] = "defs/common.json#/$defs/idNumberMatchesType"
        return g

    filler = obj("填表人信息", "Form filler", [
        ("role", lab(ref("harbin", "fillerRole"), "填表人信息", "Who fills in the form"), True),
        ("backupPhone", lab(ref("common", "mobile"), "填表人备用手机号", "Form filler's backup phone"), True),
    ])
    commitment = obj("填表人手写承诺书", "Form filler's signed commitment", [
        ("signed", lab({"const": True}, "已签署承诺书", "Commitment signed"), True),
        ("method", lab(ref("harbin", "signatureMethod"), "签署方式", "Signing method"), True),
        ("signedDate", lab(ref("common", "date"), "签署日期", "Date signed"), False),
    ])

    props = [
        ("application", application, True),
        ("student", student, True),
        ("hukou", hukou, True),
        ("property", property_, True),
        ("residencePermit", residence_permit, True),
        ("guardian1", guardian(1, "监护人一信息（必填项）", "Guardian 1 (required)"), True),
        ("guardian2", guardian(2, "监护人二信息（选填项）", "Guardian 2 (optional; all or nothing)"), False),
        ("filler", filler, True),
        ("commitment", commitment, True),
    ]
    no_hukou = {"properties": {"hukou": {"properties": {
        **{k: const_none() for k in hukou_text_keys},
        "collectiveHousehold": {"const": False},
        "addressMatchesProperty": {"const": False}}}}}
    has_hukou = {"properties": {"hukou": {"properties": {
        "householderRelation": ref("common", "relation"),
        "sameBookWithGuardian": ref("harbin", "sameBookWithGuardian"),
        "settledDate": ref("common", "date")}}}}
    allof = [
        {"$comment": "Students without a 居民身份证 (foreign, HK/Macao/Taiwan) have no mainland hukou: hukou fields are 无.",
         "if": is_(["student", "idType"], {"const": "居民身份证"}), "then": has_hukou, "else": no_hukou},
        {"$comment": "户籍地址与住宅产权证地址一致 (是) presupposes a property certificate.",
         "if": is_(["hukou", "addressMatchesProperty"], {"const": True}),
         "then": {"properties": {"property": {"properties": {"held": {"const": True}}}}}},
        {"$comment": "The filler chosen as 监护人二信息 must exist.",
         "if": is_(["filler", "role"], {"const": "监护人二信息"}), "then": {"required": ["guardian2"]}},
    ]
    attachments = [
        PHOTO,
        attachment("hukou-documents", "户籍相关证件照片（出生证明、户口簿首页/户主页/学生页/监护人页/关系证明页、结婚证）",
                   "Hukou documents (birth certificate, hukou book pages, marriage certificate)",
                   False, 1, 30, IMG, required_if=is_(["student", "idType"], {"const": "居民身份证"})),
        attachment("student-travel-document", "学生有效证件照片（外籍护照须含有效签证页和VISA页）",
                   "Student's travel document (foreign passports: valid visa and VISA pages)",
                   False, 1, 10, IMG, required_if=is_(["student", "idType"], {"not": {"const": "居民身份证"}})),
        attachment("property-documents", "房产相关证件照片（产权人身份证正反面、产权证编号页、产权人页、登记日期页）",
                   "Property documents (owner ID both sides, certificate number, owner and registration pages)",
                   False, 1, 20, IMG, required_if=is_(["property", "held"], {"const": True})),
        attachment("residence-permit", "居住证照片", "Residence permit photos",
                   False, 1, 6, IMG, required_if=is_(["residencePermit", "held"], {"const": True}),
                   note="Not a separate upload screen in the manual (it falls under 其他证件照片); added so a held permit is evidenced."),
        attachment("guardian1-documents", "监护人一证件照片（身份证正反面、户口页）",
                   "Guardian 1 documents (ID both sides, hukou page)", True, 1, 10, IMG),
        attachment("other-documents", "其他证件照片（离婚证及抚养权证明、军官证、残疾儿童证明、进户手续、租房协议等）",
                   "Other documents (divorce and custody papers, officer ID, disability certificate, "
                   "hukou transfer papers, lease)", False, 0, 30, IMG),
        attachment("commitment", "填表人手写承诺书（手写签名或纸质承诺书照片）",
                   "Form filler's signed commitment (handwritten signature or photo of the paper form)",
                   True, 1, 1, IMG),
    ]
    rules = id_rules(("2017-09-01", "2018-08-31"),
                     "Manual silent on age; usual rule (6 years old by 2024-08-31). The manual's sample ID "
                     "230109 20171001 …. (born 2017-10-01, shown masked here) falls inside.")
    rules += [
        {"id": "hukou-settled-after-birth", "rule": "date-order",
         "label": L("落户时间不早于出生日期", "Hukou registration not before birth"),
         "params": {"earlier": "/student/birthDate", "later": "/hukou/settledDate", "allowEqual": True},
         "when": is_(["student", "idType"], {"const": "居民身份证"})},
        {"id": "property-address-confirmed", "rule": "equal",
         "label": L("两次输入的产权证坐落地址一致", "Both property address entries agree"),
         "params": {"a": "/property/address", "b": "/property/addressConfirm"},
         "when": is_(["property", "held"], {"const": True})},
    ]
    xrules = [unique_rule(),
              quota_rule(["/application/phone"], 1,
                         "Manual: 一个手机号码仅可一名学生使用 (one phone number registers one student).")]
    r = root("harbin-public-primary-2024", "2024.1", "2024年哈尔滨市公办小学招生报名",
             "Harbin public primary school enrollment 2024", "harbin", 2024,
             "000_345dd1e71e050ae1.txt", props, allof, attachments, rules, xrules)
    r["$defs"] = {"residencePermitEntry": permit_entry}
    return r


# ---------------------------------------------------------------------------
# Beijing (three forms share one shape)
# ---------------------------------------------------------------------------

HMT = ["香港特别行政区", "澳门特别行政区", "台湾省"]


def beijing(form_id: str, version: str, year: int, local: bool, zh: str, en: str, source: str,
            window: tuple[str, str], window_note: str, privacy: bool) -> dict:
    application = obj("入学申请信息", "Application", [
        ("district", lab(ref("regions", "beijingDistrict"), "入学所在区", "Application district"), True),
    ])
    student_props = [
        ("name", lab(ref("common", "personName"), "儿童姓名", "Child name"), True),
        ("nationality", lab({"const": "中国"} if local else ref("regions", "nationality"),
                            "儿童国籍", "Child nationality"), True),
        *id_pair("儿童", "Child", "studentIdDocumentType"),
        ("birthDate", lab(ref("common", "date"), "儿童出生日期", "Child birth date"), True),
        ("sex", lab(ref("common", "sex"), "儿童性别", "Child sex"), True),
        ("ethnicity", lab(ref("common", "ethnicity"), "民族", "Ethnic group"), True),
        ("onlyChild", lab({"type": "boolean"}, "是否独生子女", "Only child"), True),
        ("bloodType", lab(ref("common", "bloodType"), "血型", "Blood type"), True),
        ("medicalHistory", lab(ref("common", "longText"), "既往病史（无则填“无”）",
                               "Medical history (无 if none)"), True),
        ("allergies", lab(ref("common", "longText"), "过敏史（无则填“无”）", "Allergies (无 if none)"), True),
        ("singleGuardian", lab({"type": "boolean"}, "是否单方面监护人", "Single guardian"), True),
        ("specialCategory", lab(ref("common", "specialCategory"), "特殊标识（双多胞胎、残疾儿童、暂缓入学）",
                                "Special category (twins/multiples, disabled child, deferred entry)"), False),
    ]
    student = obj("儿童基本信息", "Child", student_props,
                  {"$ref": "defs/common.json#/$defs/idNumberMatchesType"})
    student["properties"]["specialCategory"]["$comment"] = (
        "Not shown in the Beijing manuals; optional here so districts can record it.")
    if local:
        student["properties"]["idType"] = lab({"const": "居民身份证"}, "儿童证件类型", "Child ID document type")
    if local:
        hukou = obj("户籍信息", "Hukou", [
            ("province", lab({"const": "北京市"}, "户籍所在地", "Hukou province"), True),
            ("district", lab(ref("regions", "beijingDistrict"), "户籍所在区", "Hukou district"), True),
            ("address", lab(ref("common", "address"), "户籍所在地详细地址", "Hukou address"), True),
            ("type", lab(ref("beijing", "hukouType"), "户口类型", "Hukou type"), True),
        ])
    else:
        hukou = obj("户籍信息", "Hukou", [
            ("province", lab({"anyOf": [{"allOf": [ref("regions", "province"), {"not": {"const": "北京市"}}]},
                                        const_none()]},
                             "儿童户籍所在地省/自治区/特别行政区",
                             "Hukou province / autonomous region / SAR (not Beijing)"), True),
            ("address", lab(ref("common", "address"), "户籍所在地详细地址", "Hukou address"), True),
            ("type", lab({"anyOf": [ref("beijing", "hukouType"), const_none()]}, "户口类型", "Hukou type"), True),
        ])
    residence = obj("居住地信息", "Residence", [
        ("district", lab(ref("regions", "beijingDistrict"), "居住地所在区", "Residence district"), True),
        ("address", lab(ref("common", "address"), "居住地详细地址", "Residence address"), True),
    ])

    def guardian(zh: str, en: str) -> dict:
        g = obj(zh, en, [
            ("nationality", lab(ref("regions", "nationality"), "监护人国籍", "Guardian nationality"), True),
            ("province", lab({"anyOf": [ref("regions", "province"), const_none()]},
                             "监护人户籍省/直辖市（外籍填“无”）", "Guardian hukou province (无 for foreigners)"), True),
            ("name", lab(ref("common", "personName"), "监护人姓名", "Guardian name"), True),
            ("relation", lab(ref("common", "relation"), "监护人关系", "Guardian's relation to the child"), True),
            *id_pair("监护人", "Guardian"),
            ("education", lab(ref("common", "educationLevel"), "监护人学历", "Guardian education"), True),
            ("phone", lab(ref("common", "mobile"), "监护人联系电话", "Guardian phone"), True),
            ("employer", lab(ref("common", "text"), "监护人工作单位（无则填“无”）", "Guardian employer (无 if none)"), True),
            ("employerDistrict", lab(ref("regions", "beijingDistrictOrOutside"), "监护人工作单位所属区",
                                     "Guardian employer's district"), True),
        ], {"allOf": [
            {"$ref": "defs/common.json#/$defs/idNumberMatchesType"},
            {"$comment": "A foreign guardian has no hukou province (无); a Chinese one has one.",
             "if": {"properties": {"nationality": {"const": "中国"}}, "required": ["nationality"]},
             "then": {"properties": {"province": ref("regions", "province")}},
             "else": {"properties": {"province": const_none(),
                                     "idType": {"enum": ["护照", "外国人永久居留身份证"]}}}},
        ]})
        return g

    consent = [("noticeAccepted", lab({"const": True}, "我已认真阅读并同意监护人须知条款",
                                      "Guardian notice read and accepted"), True)]
    if privacy:
        consent.append(("privacyPolicyAccepted", lab({"const": True}, "我已阅读并同意《个人信息保护政策》",
                                                     "Personal information protection policy accepted"), True))
    consent.append(("pledgeSigned", lab({"const": True}, "监护人已签署承诺（确保所填信息真实、准确，承担虚假信息责任）",
                                        "Guardian signed the pledge (information true and accurate)"), True))
    commitment = obj("承诺与同意", "Commitment and consent", consent)

    props = [
        ("application", application, True),
        ("student", student, True),
        ("hukou", hukou, True),
        ("residence", residence, True),
        ("guardian1", guardian("监护人（一）信息", "Guardian 1"), True),
        ("guardian2", guardian("监护人（二）信息", "Guardian 2 (required unless single guardian; all or nothing)"), False),
        ("commitment", commitment, True),
    ]
    allof = [
        {"$comment": "是否单方面监护人: 否 → guardian 2 required; 是 → no guardian 2.",
         "if": is_(["student", "singleGuardian"], {"const": True}),
         "then": {"not": {"required": ["guardian2"]}},
         "else": {"required": ["guardian2"]}},
    ]
    if not local:
        allof.append({
            "$comment": "A foreign child has no Chinese hukou (all 无) and a passport or permanent residence ID; "
                        "a Chinese child has a real hukou province and a Chinese document.",
            "if": is_(["student", "nationality"], {"const": "中国"}),
            "then": {"properties": {
                "student": {"properties": {"idType": {"enum": ["居民身份证", "港澳居民来往内地通行证",
                                                               "台湾居民来往大陆通行证", "港澳台居民居住证"]}}},
                "hukou": {"properties": {"province": {"not": const_none()}},
                          "if": {"properties": {"province": {"enum": HMT}}},
                          "then": {"properties": {"type": const_none()}},
                          "else": {"properties": {"type": {"not": const_none()}}}}}},
            "else": {"properties": {
                "student": {"properties": {"idType": {"enum": ["护照", "外国人永久居留身份证"]}}},
                "hukou": {"properties": {"province": const_none(), "address": const_none(),
                                         "type": const_none()}}}},
        })
    attachments = [
        dict(PHOTO, required=False, **{"$comment": "Not shown in the Beijing manuals; optional."}),
        attachment("hukou-book", "户口簿（户主页、儿童页、监护人页）", "Hukou book (householder, child and guardian pages)",
                   local, 1, 20, IMG,
                   required_if=None if local else is_(["student", "nationality"], {"const": "中国"}),
                   note="The Beijing manuals show no upload screen; documents follow the information-collection form "
                        "(学龄人口信息采集表) and district pre-registration."),
        attachment("birth-certificate", "出生医学证明", "Birth certificate", False, 0, 2, IMG),
        attachment("guardian-ids", "监护人身份证件", "Guardian ID documents", True, 1, 10, IMG),
    ]
    if not local:
        attachments += [
            attachment("student-travel-document", "儿童护照或通行证", "Child's passport or travel permit",
                       False, 1, 10, IMG, required_if=is_(["student", "idType"], {"not": {"const": "居民身份证"}})),
            attachment("beijing-residence-permit", "监护人北京市居住证", "Guardian's Beijing residence permit",
                       False, 0, 4, IMG, note="Non-local material review (材料审核); which papers each district "
                                              "requires is set by its policy, not the manual."),
            attachment("employment-proof", "在京务工就业证明", "Proof of employment in Beijing", False, 0, 10, IMG),
            attachment("residence-proof", "在京实际住所居住证明", "Proof of actual residence in Beijing",
                       False, 0, 10, IMG),
        ]
    attachments.append(attachment("commitment", "监护人签字的承诺书/信息采集表", "Guardian-signed commitment / collection form",
                                  True, 1, 2, IMG))
    rules = id_rules(window, window_note)
    rules.append({
        "id": "application-district-match", "rule": "district-match",
        "label": L("户籍或居住地所在区须为入学所在区", "Hukou or residence district must be the application district"),
        "params": {"district": "/application/district",
                   "anyOf": ["/hukou/district", "/residence/district"] if local else ["/residence/district"]},
        "$comment": ("Manual: 适龄儿童户籍和居住地中的任意一项,必须与用户确定选择的入学区一致." if local or year == 2025 else
                     "Manual: 居住地所在区默认选中儿童入学所在区,且不允许修改.") +
                    ("" if local else " A non-local child's hukou is outside Beijing, so only the residence counts."),
    })
    xrules = [unique_rule(),
              quota_rule(["/guardian1/phone", "/guardian2/phone"], 3,
                         "Manual: 每个监护人手机号码最多允许注册三个账号/采集编号.")]
    return root(form_id, version, zh, en, "beijing", year, source, props, allof, attachments, rules, xrules)


def main() -> None:
    (SCHEMAS / "defs").mkdir(parents=True, exist_ok=True)
    out = {
        "defs/common.json": build_common(),
        "defs/regions.json": build_regions(),
        "defs/property.json": build_property(),
        "defs/harbin.json": build_harbin(),
        "defs/beijing.json": build_beijing(),
        "harbin-public-primary-2024.schema.json": harbin(),
        "beijing-local-primary-2024.schema.json": beijing(
            "beijing-local-primary-2024", "2024.1", 2024, True,
            "2024年北京市本市户籍适龄儿童小学入学信息采集", "Beijing local-hukou primary enrollment 2024",
            "001_2bc5a84c5ad18ec5.txt", ("2017-09-01", "2018-08-31"),
            "Manual silent on dates; Beijing rule: 6 years old by 2024-08-31 (born 2017-09-01..2018-08-31); "
            "the manual sends 超龄儿童 to the district.", True),
        "beijing-nonlocal-primary-2021.schema.json": beijing(
            "beijing-nonlocal-primary-2021", "2021.1", 2021, False,
            "2021年北京市非本市户籍适龄儿童小学入学信息采集", "Beijing non-local-hukou primary enrollment 2021",
            "002_0ebc5f26a388e88d.txt", ("2014-09-01", "2015-08-31"),
            "Manual silent on dates; Beijing rule: 6 years old by 2021-08-31. The manual's sample "
            "collection form shows 出生日期 2015-01-01, inside the window.", False),
        "beijing-nonlocal-primary-2025.schema.json": beijing(
            "beijing-nonlocal-primary-2025", "2025.1", 2025, False,
            "2025年北京市非本市户籍适龄儿童小学入学信息采集", "Beijing non-local-hukou primary enrollment 2025",
            "003_374cff72c1a2b5f3.txt", ("2018-09-01", "2019-08-31"),
            "Manual silent on dates; Beijing rule: 6 years old by 2025-08-31.", True),
    }
    for rel, doc in out.items():
        p = SCHEMAS / rel
        p.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print("wrote", p.relative_to(ROOT))


if __name__ == "__main__":
    main()
