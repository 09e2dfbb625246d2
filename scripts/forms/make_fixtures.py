#!/usr/bin/env python3
"""Write the fixtures: fixtures/<form-id>/valid-*.json, invalid-*.json,
fixtures/expected.json (the error kinds each invalid fixture must produce,
read by check_forms.py) and fixtures/README.md.

Every family is FAKE. ID numbers come from gen_id.make_id with fixed
sequence numbers, so the output is reproducible.
"""
from __future__ import annotations

import copy
import json
import pathlib
import shutil
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from gen_id import make_hmt_permit, make_id  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
FIX = ROOT / "Tests" / "Fixtures" / "forms"

# ---------------------------------------------------------------------------
# Harbin public primary 2024  (window 2017-09-01 .. 2018-08-31)
# ---------------------------------------------------------------------------

H = "harbin-public-primary-2024"
harbin_valid = {
    # 香坊区, property held (不动产证), no residence permit, both guardians.
    "valid-xiangfang-property-two-guardians.json": {
        "application": {"district": "香坊区", "school": "哈尔滨市香坊小学校", "phone": "15804513726"},
        "student": {"name": "王子涵", "idType": "居民身份证", "idNumber": make_id("230110", "2018-03-15", "女", 206),
                    "birthDate": "2018-03-15", "sex": "女", "ethnicity": "汉族", "specialCategory": "无"},
        "hukou": {"householdNumber": "230110518", "collectiveHousehold": False,
                  "policeStation": "哈尔滨市公安局香坊分局和平路派出所", "householderName": "王海涛",
                  "address": "黑龙江省哈尔滨市香坊区和平路街道通乡街16号", "householderRelation": "父亲",
                  "villageGroup": "无", "sameBookWithGuardian": "与父母", "street": "通乡街16号通乡小区",
                  "addressMatchesProperty": True, "unitAndRoom": "3号楼2单元502室", "settledDate": "2018-05-02"},
        "property": {"held": True, "certificateType": "不动产证",
                     "owner": {"name": "王海涛", "relation": "父亲", "idType": "居民身份证",
                               "idNumber": make_id("230110", "1986-07-21", "男", 135)},
                     "address": "哈尔滨市香坊区通乡街16号通乡小区3号楼2单元502室",
                     "addressConfirm": "哈尔滨市香坊区通乡街16号通乡小区3号楼2单元502室",
                     "issueDate": "2016-09-12", "certificateNumber": "黑(2016)哈尔滨市不动产权第0471329号",
                     "usage": "住宅", "coOwnership": "单独所有(夫妻共有)"},
        "residencePermit": {"held": False},
        "guardian1": {"name": "王海涛", "relation": "父亲", "idType": "居民身份证",
                      "idNumber": make_id("230110", "1986-07-21", "男", 135), "employer": "哈尔滨东安机电设备有限公司",
                      "phone": "15804513726", "hukouAddress": "黑龙江省哈尔滨市香坊区通乡街16号通乡小区3号楼2单元502室"},
        "guardian2": {"name": "李静", "relation": "母亲", "idType": "居民身份证",
                      "idNumber": make_id("230103", "1988-02-09", "女", 248), "employer": "哈尔滨市香坊区第二社区卫生服务中心",
                      "phone": "13936607154", "hukouAddress": "黑龙江省哈尔滨市香坊区通乡街16号通乡小区3号楼2单元502室"},
        "filler": {"role": "监护人一信息", "backupPhone": "13936607154"},
        "commitment": {"signed": True, "method": "手写签名", "signedDate": "2024-06-05"},
    },
    # 南岗区, no property, residence permits held (2 of 3), guardian 1 only, twins.
    "valid-nangang-residence-permits-one-guardian.json": {
        "application": {"district": "南岗区", "school": "哈尔滨市南岗区复华小学校", "phone": "18646092381"},
        "student": {"name": "刘浩宇", "idType": "居民身份证", "idNumber": make_id("230103", "2017-11-02", "男", 57),
                    "birthDate": "2017-11-02", "sex": "男", "ethnicity": "满族", "specialCategory": "双多胞胎"},
        "hukou": {"householdNumber": "230103774", "collectiveHousehold": True,
                  "policeStation": "哈尔滨市公安局南岗分局革新街派出所", "householderName": "哈尔滨市南岗区革新街道集体户",
                  "address": "黑龙江省哈尔滨市南岗区革新街道集体户", "householderRelation": "其他",
                  "villageGroup": "无", "sameBookWithGuardian": "与母亲", "street": "革新街178号",
                  "addressMatchesProperty": False, "unitAndRoom": "无", "settledDate": "2018-01-10"},
        "property": {"held": False},
        "residencePermit": {"held": True, "permits": [
            {"holder": {"name": "刘晓燕", "relation": "母亲", "idType": "居民身份证",
                        "idNumber": make_id("230882", "1990-04-18", "女", 62)},
             "permitNumber": "230103202100318", "endorsementDate": "2023-10-12",
             "address": "哈尔滨市南岗区学府路街道和兴三道街26号5单元301室"},
            {"holder": {"name": "刘晓燕", "relation": "母亲", "idType": "居民身份证",
                        "idNumber": make_id("230882", "1990-04-18", "女", 62)},
             "permitNumber": "230103202100318", "endorsementDate": "2022-10-09",
             "address": "哈尔滨市南岗区学府路街道和兴三道街26号5单元301室"},
        ]},
        "guardian1": {"name": "刘晓燕", "relation": "母亲", "idType": "居民身份证",
                      "idNumber": make_id("230882", "1990-04-18", "女", 62), "employer": "哈尔滨凯达百货商场",
                      "phone": "18646092381", "hukouAddress": "黑龙江省哈尔滨市南岗区革新街道集体户"},
        "filler": {"role": "监护人一信息", "backupPhone": "13304517719"},
        "commitment": {"signed": True, "method": "拍照上传"},
    },
    # 道里区, foreign student (passport): hukou all 无; mixed-nationality guardians; filler is guardian 2.
    "valid-daoli-foreign-passport.json": {
        "application": {"district": "道里区", "school": "哈尔滨市道里区经纬小学校", "phone": "13199874420"},
        "student": {"name": "IVAN PETROV", "idType": "护照", "idNumber": "758213904",
                    "birthDate": "2018-05-20", "sex": "男", "ethnicity": "其他", "specialCategory": "无"},
        "hukou": {"householdNumber": "无", "collectiveHousehold": False, "policeStation": "无",
                  "householderName": "无", "address": "无", "householderRelation": "无", "villageGroup": "无",
                  "sameBookWithGuardian": "无", "street": "无", "addressMatchesProperty": False,
                  "unitAndRoom": "无", "settledDate": "无"},
        "property": {"held": False},
        "residencePermit": {"held": False},
        "guardian1": {"name": "SERGEI PETROV", "relation": "父亲", "idType": "护照", "idNumber": "751204863",
                      "employer": "哈尔滨远东贸易有限公司", "phone": "13199874420",
                      "hukouAddress": "哈尔滨市道里区友谊路298号（外籍，无户籍，填居住地址）"},
        "guardian2": {"name": "赵雪梅", "relation": "母亲", "idType": "居民身份证",
                      "idNumber": make_id("230102", "1989-12-03", "女", 84), "employer": "哈尔滨市道里区俄语培训中心",
                      "phone": "15945170362", "hukouAddress": "黑龙江省哈尔滨市道里区友谊路298号1单元1203室"},
        "filler": {"role": "监护人二信息", "backupPhone": "15945170362"},
        "commitment": {"signed": True, "method": "手写签名", "signedDate": "2024-06-10"},
    },
}

# ---------------------------------------------------------------------------
# Beijing
# ---------------------------------------------------------------------------


def bj_guardian(name, relation, idnum, edu, phone, employer, edist, province="北京市",
                nationality="中国", idtype="居民身份证"):
    return {"nationality": nationality, "province": province, "name": name, "relation": relation,
            "idType": idtype, "idNumber": idnum, "education": edu, "phone": phone,
            "employer": employer, "employerDistrict": edist}


def bj_student(name, idnum, birth, sex, ethnicity="汉族", nationality="中国", idtype="居民身份证",
               only=True, blood="A型", med="无", allergy="无", single=False, special=None):
    s = {"name": name, "nationality": nationality, "idType": idtype, "idNumber": idnum, "birthDate": birth,
         "sex": sex, "ethnicity": ethnicity, "onlyChild": only, "bloodType": blood, "medicalHistory": med,
         "allergies": allergy, "singleGuardian": single}
    if special:
        s["specialCategory"] = special
    return s


CONSENT_2024 = {"noticeAccepted": True, "privacyPolicyAccepted": True, "pledgeSigned": True}
CONSENT_2021 = {"noticeAccepted": True, "pledgeSigned": True}

BL = "beijing-local-primary-2024"
bl_valid = {
    # 海淀区: hukou and residence in the application district, two guardians.
    "valid-haidian-two-guardians.json": {
        "application": {"district": "海淀区"},
        "student": bj_student("陈思远", make_id("110108", "2018-01-23", "男", 315), "2018-01-23", "男", blood="O型"),
        "hukou": {"province": "北京市", "district": "海淀区", "address": "北京市海淀区学院路街道志新东路8号院4号楼1单元602",
                  "type": "非农业户口"},
        "residence": {"district": "海淀区", "address": "北京市海淀区学院路街道志新东路8号院4号楼1单元602"},
        "guardian1": bj_guardian("陈建国", "父亲", make_id("110108", "1985-09-14", "男", 173), "研究生毕业",
                                 "13801126457", "北京中科数联信息技术有限公司", "海淀区"),
        "guardian2": bj_guardian("周慧敏", "母亲", make_id("110105", "1987-03-30", "女", 92), "大学本科毕业",
                                 "13910567238", "北京市海淀区志新小学", "海淀区"),
        "commitment": CONSENT_2024,
    },
    # 朝阳区 application: hukou in 东城区, residence in 朝阳区 (match through residence); single guardian.
    "valid-chaoyang-residence-single-guardian.json": {
        "application": {"district": "朝阳区"},
        "student": bj_student("李欣然", make_id("110101", "2017-09-08", "女", 44), "2017-09-08", "女",
                              ethnicity="回族", blood="B型", allergy="青霉素过敏", single=True),
        "hukou": {"province": "北京市", "district": "东城区", "address": "北京市东城区东四街道东四六条42号",
                  "type": "居民户口"},
        "residence": {"district": "朝阳区", "address": "北京市朝阳区望京街道花家地北里5号楼3单元201"},
        "guardian1": bj_guardian("李娜", "母亲", make_id("110101", "1989-11-02", "女", 208), "大学专科毕业",
                                 "15001247783", "北京望京商业管理有限公司", "朝阳区"),
        "commitment": CONSENT_2024,
    },
    # 燕山地区: twins, a foreign mother (passport, province 无).
    "valid-yanshan-twins-foreign-mother.json": {
        "application": {"district": "燕山地区"},
        "student": bj_student("张一鸣", make_id("110111", "2018-07-30", "男", 51), "2018-07-30", "男",
                              only=False, blood="AB型", med="2022年肺炎住院治愈", special="双多胞胎"),
        "hukou": {"province": "北京市", "district": "房山区", "address": "北京市房山区燕山迎风街道迎风西里12号楼",
                  "type": "非农业户口"},
        "residence": {"district": "燕山地区", "address": "北京市房山区燕山迎风街道迎风西里12号楼2门303"},
        "guardian1": bj_guardian("张立军", "父亲", make_id("110111", "1984-05-19", "男", 117), "中等专科毕业",
                                 "13701089624", "北京燕山石化设备维修公司", "燕山地区"),
        "guardian2": bj_guardian("SATO YUKI", "母亲", "TR4587213", "大学本科毕业", "18511402397", "无",
                                 "无", province="无", nationality="日本", idtype="护照"),
        "commitment": CONSENT_2024,
    },
}

B21 = "beijing-nonlocal-primary-2021"
b21_valid = {
    # 丰台区: hukou 河北省, both guardians working in Beijing.
    "valid-fengtai-hebei-two-guardians.json": {
        "application": {"district": "丰台区"},
        "student": bj_student("赵子轩", make_id("130682", "2015-01-01", "男", 193), "2015-01-01", "男", blood="A型"),
        "hukou": {"province": "河北省", "address": "河北省保定市定州市北城区长安路17号", "type": "农业户口"},
        "residence": {"district": "丰台区", "address": "北京市丰台区卢沟桥街道小瓦窑西里9号楼1单元404"},
        "guardian1": bj_guardian("赵国强", "父亲", make_id("130682", "1987-08-11", "男", 35), "普通高中毕业",
                                 "13651152049", "北京丰台华宇装饰工程有限公司", "丰台区", province="河北省"),
        "guardian2": bj_guardian("孙丽", "母亲", make_id("130682", "1989-06-25", "女", 146), "研究生肄业",
                                 "13520774816", "北京新发地农产品批发市场", "丰台区", province="河北省"),
        "commitment": CONSENT_2021,
    },
    # 通州区: a Hong Kong child (mainland travel permit), hukou 无 type, single guardian.
    "valid-tongzhou-hongkong-permit.json": {
        "application": {"district": "通州区"},
        "student": bj_student("黄嘉欣", "H60218734", "2014-10-17", "女", idtype="港澳居民来往内地通行证",
                              blood="不详", single=True),
        "hukou": {"province": "香港特别行政区", "address": "香港九龙旺角弥敦道612号", "type": "无"},
        "residence": {"district": "通州区", "address": "北京市通州区新华街道新华北路52号院3号楼1102"},
        "guardian1": bj_guardian("黄志伟", "父亲", "H51730926", "大学本科毕业", "18610935527",
                                 "北京通州港信投资咨询有限公司", "通州区", province="香港特别行政区",
                                 idtype="港澳居民来往内地通行证"),
        "commitment": CONSENT_2021,
    },
    # 大兴区: hukou 四川省, mother works outside Beijing.
    "valid-daxing-sichuan.json": {
        "application": {"district": "大兴区"},
        "student": bj_student("杨雨桐", make_id("510722", "2015-05-06", "女", 88), "2015-05-06", "女",
                              ethnicity="彝族", only=False, blood="O型"),
        "hukou": {"province": "四川省", "address": "四川省绵阳市三台县潼川镇北坝路33号", "type": "居民户口"},
        "residence": {"district": "大兴区", "address": "北京市大兴区黄村镇兴政街18号院2号楼501"},
        "guardian1": bj_guardian("杨波", "父亲", make_id("510722", "1986-12-20", "男", 77), "大学专科毕业",
                                 "18810346672", "北京大兴京南物流有限公司", "大兴区", province="四川省"),
        "guardian2": bj_guardian("何小红", "母亲", make_id("510722", "1988-03-03", "女", 64), "初中毕业",
                                 "15828163094", "三台县潼川镇个体服装店", "北京市以外", province="四川省"),
        "commitment": CONSENT_2021,
    },
}

B24 = "beijing-nonlocal-primary-2024"
b24_valid = {
    # 通州区: hukou 河南省, two guardians (seed 001, the non-local 2024 service).
    "valid-tongzhou-henan-two-guardians.json": {
        "application": {"district": "通州区"},
        "student": bj_student("周子涵", make_id("410105", "2018-03-21", "女", 118), "2018-03-21", "女", blood="A型"),
        "hukou": {"province": "河南省", "address": "河南省郑州市金水区经三路66号", "type": "农业户口"},
        "residence": {"district": "通州区", "address": "北京市通州区梨园镇云景东路21号院3号楼602"},
        "guardian1": bj_guardian("周磊", "父亲", make_id("410105", "1987-07-11", "男", 35), "大学专科毕业",
                                 "18612045573", "北京通州物流配送有限公司", "通州区", province="河南省"),
        "guardian2": bj_guardian("郑丽", "母亲", make_id("410105", "1989-09-02", "女", 88), "普通高中毕业",
                                 "13716620948", "北京通州区梨园社区卫生服务中心", "通州区", province="河南省"),
        "commitment": CONSENT_2024,
    },
    # 丰台区: a foreign (Japanese) child with a passport; both guardians Japanese.
    "valid-fengtai-foreign-japanese.json": {
        "application": {"district": "丰台区"},
        "student": bj_student("SATO HARUTO", "TR8816402", "2017-12-05", "男", ethnicity="其他",
                              nationality="日本", idtype="护照", blood="O型"),
        "hukou": {"province": "无", "address": "无", "type": "无"},
        "residence": {"district": "丰台区", "address": "北京市丰台区丽泽路16号院2号楼1203"},
        "guardian1": bj_guardian("SATO KENJI", "父亲", "TR5520193", "研究生毕业", "13911520476",
                                 "北京丰台日资商贸有限公司", "丰台区", province="无", nationality="日本", idtype="护照"),
        "guardian2": bj_guardian("SATO YUKI", "母亲", "TR5520877", "大学本科毕业", "13911523391",
                                 "无", "无", province="无", nationality="日本", idtype="护照"),
        "commitment": CONSENT_2024,
    },
    # 西城区: a Hong Kong child with a 港澳台居民居住证 (810000…), single guardian.
    "valid-xicheng-hongkong-single-guardian.json": {
        "application": {"district": "西城区"},
        "student": bj_student("陈乐怡", make_hmt_permit("香港", "2018-07-30", "女", 42), "2018-07-30", "女",
                              idtype="港澳台居民居住证", blood="B型", single=True),
        "hukou": {"province": "香港特别行政区", "address": "香港特别行政区九龙旺角弥敦道700号", "type": "无"},
        "residence": {"district": "西城区", "address": "北京市西城区德胜门外大街11号院5号楼401"},
        "guardian1": bj_guardian("陈嘉豪", "父亲", make_hmt_permit("香港", "1984-05-14", "男", 17), "大学本科毕业",
                                 "15011374620", "北京西城区港资金融服务有限公司", "西城区", province="香港特别行政区",
                                 idtype="港澳台居民居住证"),
        "commitment": CONSENT_2024,
    },
}

B25 = "beijing-nonlocal-primary-2025"
b25_valid = {
    # 昌平区: hukou 山东省, two guardians.
    "valid-changping-shandong.json": {
        "application": {"district": "昌平区"},
        "student": bj_student("孙浩然", make_id("370102", "2019-02-14", "男", 231), "2019-02-14", "男", blood="B型"),
        "hukou": {"province": "山东省", "address": "山东省济南市历下区文化东路59号", "type": "居民户口"},
        "residence": {"district": "昌平区", "address": "北京市昌平区回龙观街道龙禧苑二区7号楼2单元901"},
        "guardian1": bj_guardian("孙伟", "父亲", make_id("370102", "1988-10-08", "男", 19), "大学本科毕业",
                                 "17310428856", "北京回龙观软件园科技有限公司", "昌平区", province="山东省"),
        "guardian2": bj_guardian("吴倩", "母亲", make_id("370112", "1990-01-27", "女", 102), "大学本科毕业",
                                 "13269035518", "北京昌平区回龙观医院", "昌平区", province="山东省"),
        "commitment": CONSENT_2024,
    },
    # 朝阳区: a foreign (Korean) child with a passport; both guardians Korean.
    "valid-chaoyang-foreign-korean.json": {
        "application": {"district": "朝阳区"},
        "student": bj_student("KIM MINJUN", "M47120563", "2018-11-30", "男", ethnicity="其他",
                              nationality="韩国", idtype="护照", blood="A型"),
        "hukou": {"province": "无", "address": "无", "type": "无"},
        "residence": {"district": "朝阳区", "address": "北京市朝阳区望京街道望京西园三区312号楼1805"},
        "guardian1": bj_guardian("KIM JIHOON", "父亲", "M40518277", "研究生毕业", "13522817740",
                                 "北京韩星电子贸易有限公司", "朝阳区", province="无", nationality="韩国", idtype="护照"),
        "guardian2": bj_guardian("LEE SOYEON", "母亲", "M40733196", "大学本科毕业", "13522819931",
                                 "无", "无", province="无", nationality="韩国", idtype="护照"),
        "commitment": CONSENT_2024,
    },
    # 海淀区: a Taiwan child with a 港澳台居民居住证 (830000…), single guardian.
    "valid-haidian-taiwan-residence-permit.json": {
        "application": {"district": "海淀区"},
        "student": bj_student("林宥辰", make_hmt_permit("台湾", "2019-06-09", "男", 23), "2019-06-09", "男",
                              idtype="港澳台居民居住证", blood="O型", allergy="花生过敏", single=True),
        "hukou": {"province": "台湾省", "address": "台湾省台北市大安区复兴南路一段107号", "type": "无"},
        "residence": {"district": "海淀区", "address": "北京市海淀区中关村街道科育路5号院2号楼303"},
        "guardian1": bj_guardian("林志明", "父亲", make_hmt_permit("台湾", "1983-02-17", "男", 61), "研究生毕业",
                                 "15901186243", "北京中关村台商科技有限公司", "海淀区", province="台湾省",
                                 idtype="港澳台居民居住证"),
        "commitment": CONSENT_2024,
    },
}

# ---------------------------------------------------------------------------
# Invalid fixtures: (file name, base valid fixture, mutation, expected kinds, description)
# ---------------------------------------------------------------------------


def setp(d, path, value):
    cur = d
    for k in path[:-1]:
        cur = cur[k]
    cur[path[-1]] = value


def delp(d, path):
    cur = d
    for k in path[:-1]:
        cur = cur[k]
    del cur[path[-1]]


def bad_check(idnum: str) -> str:
    last = idnum[-1]
    return idnum[:-1] + ("0" if last != "0" else "1")


def common_invalid(valid: dict, first: str, window_before: tuple[str, str, str], phone_path, region):
    """Invalid fixtures every form has. window_before: (region, birth outside window, sex)."""
    b = valid[first]
    sid = b["student"]["idNumber"]
    sex = b["student"]["sex"]
    other_sex = "女" if sex == "男" else "男"
    # a birth date 2 days off the ID's (same month, inside the window)
    bd = b["student"]["birthDate"]
    shifted = bd[:8] + f"{int(bd[8:]) + 2:02d}" if int(bd[8:]) < 27 else bd[:8] + f"{int(bd[8:]) - 2:02d}"
    out_reg, out_birth, _ = window_before
    out_id = make_id(out_reg, out_birth, sex, int(sid[14:17]))
    return [
        ("invalid-missing-student-name.json", first, lambda d: delp(d, ["student", "name"]),
         ["required@/student"], "student name (required, `*`) is missing", "`required`"),
        ("invalid-bad-enum-ethnicity.json", first, lambda d: setp(d, ["student", "ethnicity"], "汉"),
         ["enum@/student/ethnicity"], "ethnicity `汉` is not a GB 3304 name (`汉族`)", "`enum` (defs/common.json ethnicity)"),
        ("invalid-bad-id-check-digit.json", first,
         lambda d: setp(d, ["student", "idNumber"], bad_check(sid)),
         ["format@/student/idNumber"], "student ID number with a wrong check character (date, region, sex digit intact)",
         "`format: cn-resident-id` (the `pattern` still matches)"),
        ("invalid-id-birth-date-mismatch.json", first, lambda d: setp(d, ["student", "birthDate"], shifted),
         ["rule:id-number-birth-date"], f"birth date {shifted} differs from the ID's {bd} (both inside the window)",
         "x-rules `id-number-birth-date`"),
        ("invalid-id-sex-mismatch.json", first, lambda d: setp(d, ["student", "sex"], other_sex),
         ["rule:id-number-sex"], f"sex {other_sex} but the ID's 17th digit says {sex}", "x-rules `id-number-sex`"),
        ("invalid-born-outside-window.json", first,
         lambda d: (setp(d, ["student", "idNumber"], out_id), setp(d, ["student", "birthDate"], out_birth)),
         ["rule:birth-date-window"], f"child born {out_birth} (consistent ID {out_reg}…), outside the form's window",
         "x-rules `birth-date-window`"),
        ("invalid-bad-phone.json", first, lambda d: setp(d, phone_path, "12812345678"),
         [f"format@/{'/'.join(phone_path)}", f"pattern@/{'/'.join(phone_path)}"],
         "guardian 1 phone 12812345678 (second digit 2)", "`format: cn-mobile` and its `pattern`"),
        ("invalid-unknown-key.json", first, lambda d: setp(d, ["student", "nickname"], "小远"),
         ["additionalProperties@/student"], "unknown key `student.nickname`", "`additionalProperties: false`"),
    ]


def harbin_invalid():
    first = "valid-xiangfang-property-two-guardians.json"
    inv = common_invalid(harbin_valid, first, ("230110", "2016-03-15", "女"), ["guardian1", "phone"], "230110")
    inv += [
        ("invalid-wrong-type-collective-household.json", first,
         lambda d: setp(d, ["hukou", "collectiveHousehold"], "否"),
         ["type@/hukou/collectiveHousehold"], "集体户口 given as the string 否 instead of a boolean", "`type: boolean`"),
        ("invalid-guardian2-half-filled.json", first,
         lambda d: setp(d, ["guardian2"], {"name": "李静", "relation": "母亲", "phone": "13936607154"}),
         ["required@/guardian2"], "guardian 2 has name, relation and phone only (all or nothing)", "`required` in guardian2"),
        ("invalid-property-held-fields-missing.json", first,
         lambda d: (delp(d, ["property", "usage"]), delp(d, ["property", "coOwnership"])),
         ["required@/property"], "property held but 房屋用途 and 房屋产权共有情况 missing", "`if held then required`"),
        ("invalid-property-not-held-with-fields.json", "valid-nangang-residence-permits-one-guardian.json",
         lambda d: setp(d, ["property", "certificateNumber"], "哈房权证南字第1020345号"),
         ["const@/property"], "property not held (否) but a certificate number given (无不填)",
         "`else: propertyNames const held`"),
        ("invalid-residence-permit-held-none-given.json", first,
         lambda d: setp(d, ["residencePermit"], {"held": True}),
         ["required@/residencePermit"], "居住证 held (是) but permit 1 missing", "`if held then required permits`"),
        ("invalid-residence-permit-four.json", "valid-nangang-residence-permits-one-guardian.json",
         lambda d: d["residencePermit"]["permits"].extend(copy.deepcopy(d["residencePermit"]["permits"])),
         ["maxItems@/residencePermit/permits", "items@/residencePermit/permits"],
         "four residence permits (at most 1 required + 2 optional)", "`maxItems: 3` / `items: false`"),
        ("invalid-foreign-student-with-hukou.json", "valid-daoli-foreign-passport.json",
         lambda d: setp(d, ["hukou", "policeStation"], "哈尔滨市公安局道里分局友谊路派出所"),
         ["const@/hukou/policeStation"], "passport student with a hukou police station (must be 无)",
         "root `allOf` if idType≠居民身份证 then hukou fields const 无"),
        ("invalid-school-not-in-district.json", first,
         lambda d: setp(d, ["application", "school"], "哈尔滨市南岗区复华小学校"),
         ["enum@/application/school"], "香坊区 application naming a school not in the district's list",
         "`if district=香坊区 then school enum`"),
        ("invalid-filler-guardian2-absent.json", "valid-nangang-residence-permits-one-guardian.json",
         lambda d: setp(d, ["filler", "role"], "监护人二信息"),
         ["required@"], "填表人 is 监护人二 but no guardian 2", "root `allOf` if filler.role then required guardian2"),
        ("invalid-property-address-confirm.json", first,
         lambda d: setp(d, ["property", "addressConfirm"], "哈尔滨市香坊区通乡街18号通乡小区3号楼2单元502室"),
         ["rule:equal"], "the two 产权证坐落地址 entries differ", "x-rules `equal`"),
        ("invalid-hukou-settled-before-birth.json", first,
         lambda d: setp(d, ["hukou", "settledDate"], "2018-03-01"),
         ["rule:date-order"], "落户时间 2018-03-01 before the birth 2018-03-15", "x-rules `date-order`"),
    ]
    return inv


def beijing_invalid(valid, first, window_before, local: bool, single_file: str):
    inv = common_invalid(valid, first, window_before, ["guardian1", "phone"], window_before[0])
    inv += [
        ("invalid-wrong-type-only-child.json", first, lambda d: setp(d, ["student", "onlyChild"], "是"),
         ["type@/student/onlyChild"], "是否独生子女 given as the string 是 instead of a boolean", "`type: boolean`"),
        ("invalid-guardian2-half-filled.json", first,
         lambda d: setp(d, ["guardian2"], {k: v for k, v in d["guardian2"].items()
                                           if k in ("name", "relation", "phone")}),
         ["required@/guardian2"], "guardian 2 has name, relation and phone only (all or nothing)",
         "`required` in guardian2"),
        ("invalid-guardian2-missing.json", first, lambda d: delp(d, ["guardian2"]),
         ["required@"], "是否单方面监护人 = 否 but no guardian 2", "root `allOf` if singleGuardian else required guardian2"),
        ("invalid-single-guardian-with-guardian2.json", single_file,
         lambda d: setp(d, ["guardian2"], copy.deepcopy(d["guardian1"])),
         ["not@"], "是否单方面监护人 = 是 yet a guardian 2 is given", "root `allOf` if singleGuardian then not required guardian2"),
        ("invalid-district-mismatch.json", first,
         lambda d: setp(d, ["application", "district"], "西城区" if d["application"]["district"] != "西城区" else "东城区"),
         ["rule:district-match"], "application district is neither the hukou nor the residence district",
         "x-rules `district-match`"),
        ("invalid-notice-not-accepted.json", first, lambda d: setp(d, ["commitment", "noticeAccepted"], False),
         ["const@/commitment/noticeAccepted"], "监护人须知 not accepted", "`const: true`"),
    ]
    if not local:
        inv.append(("invalid-hukou-province-beijing.json", first,
                    lambda d: setp(d, ["hukou", "province"], "北京市"),
                    ["anyOf@/hukou/province"], "non-local form with hukou province 北京市", "`anyOf` (province, not 北京市, or 无)"))
    else:
        inv.append(("invalid-hukou-district-outside-beijing.json", first,
                    lambda d: setp(d, ["hukou", "district"], "香坊区"),
                    ["enum@/hukou/district"], "local form with a hukou district that is not a Beijing district",
                    "`enum` (defs/regions.json beijingDistrict)"))
    return inv


FORMS = {
    H: (harbin_valid, harbin_invalid()),
    BL: (bl_valid, beijing_invalid(bl_valid, "valid-haidian-two-guardians.json", ("110108", "2016-01-23", "男"),
                                   True, "valid-chaoyang-residence-single-guardian.json")),
    B21: (b21_valid, beijing_invalid(b21_valid, "valid-fengtai-hebei-two-guardians.json",
                                     ("130682", "2013-01-01", "男"), False, "valid-tongzhou-hongkong-permit.json")),
    B24: (b24_valid, beijing_invalid(b24_valid, "valid-tongzhou-henan-two-guardians.json", ("410105", "2019-03-21", "女"),
                                     False, "valid-xicheng-hongkong-single-guardian.json")),
    B25: (b25_valid, beijing_invalid(b25_valid, "valid-changping-shandong.json", ("370102", "2020-02-14", "男"),
                                     False, "valid-haidian-taiwan-residence-permit.json")),
}


def main() -> None:
    expected = {}
    readme = [
        "# Fixtures",
        "",
        "All families are FAKE. Names, addresses, phones and ID numbers are invented; ID numbers are",
        "generated by `scripts/gen_id.py` (correct GB 11643 check character, region code of the",
        "family's hukou place: Harbin 2301xx, Beijing 1101xx, and for the non-local Beijing forms the",
        "child's home province, since a non-local child's ID is issued there). Regenerate with",
        "`python3 scripts/make_fixtures.py`; check with `python3 scripts/check_forms.py`.",
        "",
        "Each `invalid-*` fixture is a copy of one valid fixture with exactly ONE kind of error. The",
        "error kinds it must produce (and nothing else) are listed in `expected.json`, as",
        "`<keyword>@<instance pointer>` for schema errors and `rule:<rule>` for x-rules.",
        "",
    ]
    for fid, (valid, invalid) in FORMS.items():
        d = FIX / fid
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        readme += [f"## {fid}", "", "| fixture | what it shows | caught by | expected errors |", "|---|---|---|---|"]
        for name, doc in valid.items():
            (d / name).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            readme.append(f"| `{name}` | valid | — | none |")
        for name, base, mutate, kinds, what, keyword in invalid:
            doc = copy.deepcopy(valid[base])
            mutate(doc)
            (d / name).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            expected[f"{fid}/{name}"] = kinds
            readme.append(f"| `{name}` | {what} (from `{base}`) | {keyword} | {', '.join(f'`{k}`' for k in kinds)} |")
        readme.append("")
    (FIX / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (FIX / "README.md").write_text("\n".join(readme), encoding="utf-8")
    print(f"wrote {sum(len(v) + len(i) for v, i in FORMS.values())} fixtures")


if __name__ == "__main__":
    main()
