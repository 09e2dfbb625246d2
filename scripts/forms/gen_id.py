#!/usr/bin/env python3
"""Fake GB 11643-1999 identity numbers for fixtures (never a real person's).

    python3 scripts/gen_id.py 230110 2018-03-15 男 [--seq 123]
    python3 scripts/gen_id.py --check 230110201803151234

An 18-character number is: 6-digit region code (GB/T 2260) + birth date
YYYYMMDD + 3-digit sequence (odd = male, even = female) + check character.
Check character: sum(d_i * w_i) for the first 17 digits with weights
7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, mod 11, mapped through "10X98765432".

The same structure (and check) is used by the 港澳台居民居住证 (region 810000
Hong Kong, 820000 Macao, 830000 Taiwan) and by the 2023 外国人永久居留身份证
(first digit 9); helpers for those are here too.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import random
import sys

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_MAP = "10X98765432"
PROVINCE_CODES = frozenset(
    [f"{n}" for n in range(11, 16)] + [f"{n}" for n in range(21, 24)] + [f"{n}" for n in range(31, 38)]
    + [f"{n}" for n in range(41, 47)] + [f"{n}" for n in range(50, 55)] + [f"{n}" for n in range(61, 66)]
    + ["71", "81", "82"])


def check_char(body17: str) -> str:
    """Check character for the first 17 digits."""
    if len(body17) != 17 or not body17.isdigit():
        raise ValueError("need exactly 17 digits")
    return CHECK_MAP[sum(int(c) * w for c, w in zip(body17, WEIGHTS)) % 11]


def _seq_for(sex: str, seq: int | None, rng: random.Random) -> int:
    male = sex in ("男", "M", "m", "male")
    if seq is None:
        seq = rng.randrange(0, 1000)
    if (seq % 2 == 1) != male:
        seq = (seq + 1) % 1000
        if (seq % 2 == 1) != male:  # 999 -> 0 wraps parity correctly, but be safe
            seq = (seq + 1) % 1000
    return seq


def make_id(region: str, birth: str, sex: str, seq: int | None = None, rng: random.Random | None = None) -> str:
    """A fake 18-character ID for `region` (6 digits), `birth` (YYYY-MM-DD) and sex 男/女."""
    rng = rng or random.Random()
    if len(region) != 6 or not region.isdigit():
        raise ValueError("region must be 6 digits")
    _dt.date.fromisoformat(birth)
    body = region + birth.replace("-", "") + f"{_seq_for(sex, seq, rng):03d}"
    return body + check_char(body)


def make_hmt_permit(area: str, birth: str, sex: str, seq: int | None = None,
                    rng: random.Random | None = None) -> str:
    """港澳台居民居住证 number; area is 香港/澳门/台湾."""
    region = {"香港": "810000", "澳门": "820000", "台湾": "830000"}[area]
    return make_id(region, birth, sex, seq, rng)


def date_ok(yyyymmdd: str, today: _dt.date | None = None) -> bool:
    try:
        d = _dt.date(int(yyyymmdd[0:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return _dt.date(1900, 1, 1) <= d <= (today or _dt.date.today())


def checksum_ok(s: str) -> bool:
    return len(s) == 18 and s[:17].isdigit() and s[17] == check_char(s[:17])


def is_resident_id(s: str, today: _dt.date | None = None) -> bool:
    """cn-resident-id as documented in docs/FORMS.md."""
    return (isinstance(s, str) and len(s) == 18 and s[:17].isdigit() and s[17] in "0123456789X"
            and s[:2] in PROVINCE_CODES and date_ok(s[6:14], today) and checksum_ok(s))


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("region", nargs="?", help="6-digit GB/T 2260 region code, e.g. 230110 or 110108")
    ap.add_argument("birth", nargs="?", help="YYYY-MM-DD")
    ap.add_argument("sex", nargs="?", choices=["男", "女"])
    ap.add_argument("--seq", type=int, help="3-digit sequence (parity is fixed to match the sex)")
    ap.add_argument("--check", metavar="ID", help="check an ID number instead")
    a = ap.parse_args(argv)
    if a.check:
        ok = is_resident_id(a.check)
        print("valid" if ok else "invalid")
        return 0 if ok else 1
    if not (a.region and a.birth and a.sex):
        ap.error("region, birth and sex are required")
    print(make_id(a.region, a.birth, a.sex, a.seq))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
