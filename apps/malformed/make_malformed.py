#!/usr/bin/env python3
"""Makes deliberately malformed copies of a good TBF image (hello.tbf) for
the kernel's loader tests: each breaks exactly one rule of kernel/ABI.md
("TBF images") and, except for the checksum case, carries a correct checksum
so that the kernel must notice the field itself.

usage: make_malformed.py GOOD.tbf OUT.tbf...   (each OUT named malformed_CASE.tbf)
"""

import os
import struct
import sys

TLV_PACKAGE_NAME = 3
TLV_PROGRAM = 9
FAR_PAST_FLASH = 0x00100000  # 1 MiB: more than any board's app flash


def checksum(img, header_size):
    words = struct.unpack_from("<%dI" % (header_size // 4), img, 0)
    total = 0
    for i, w in enumerate(words):
        if i != 3:
            total ^= w
    return total


def fix_checksum(img):
    header_size = struct.unpack_from("<H", img, 2)[0]
    struct.pack_into("<I", img, 12, checksum(img, min(header_size, len(img)) & ~3))


def find_tlv(img, wanted):
    header_size = struct.unpack_from("<H", img, 2)[0]
    off = 16
    while off + 4 <= header_size:
        tlv_type, length = struct.unpack_from("<HH", img, off)
        if tlv_type == wanted:
            return off
        off += 4 + ((length + 3) & ~3)
    sys.exit("make_malformed.py: no TLV of type %d in the input" % wanted)


def set_header_size(img, value):
    struct.pack_into("<H", img, 2, value)


def bad_checksum(img):
    struct.pack_into("<I", img, 12, struct.unpack_from("<I", img, 12)[0] ^ 1)
    return img


def header_too_small(img):
    set_header_size(img, 12)
    fix_checksum(img)
    return img


def header_unaligned(img):
    set_header_size(img, struct.unpack_from("<H", img, 2)[0] + 2)
    fix_checksum(img)
    return img


def total_past_flash(img):
    struct.pack_into("<I", img, 4, FAR_PAST_FLASH)
    fix_checksum(img)
    return img


def init_outside(img):
    header_size = struct.unpack_from("<H", img, 2)[0]
    total_size = struct.unpack_from("<I", img, 4)[0]
    program = find_tlv(img, TLV_PROGRAM)
    struct.pack_into("<I", img, program + 4, total_size - header_size + 0x100)
    fix_checksum(img)
    return img


def tlv_overrun(img):
    name = find_tlv(img, TLV_PACKAGE_NAME)
    struct.pack_into("<H", img, name + 2, 0x100)
    fix_checksum(img)
    return img


CASES = {
    "bad_checksum": bad_checksum,
    "header_too_small": header_too_small,
    "header_unaligned": header_unaligned,
    "total_past_flash": total_past_flash,
    "init_outside": init_outside,
    "tlv_overrun": tlv_overrun,
}


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    good = open(sys.argv[1], "rb").read()
    for out in sys.argv[2:]:
        case = os.path.basename(out)[len("malformed_"):-len(".tbf")]
        if case not in CASES:
            sys.exit("make_malformed.py: unknown case in %s (known: %s)" %
                     (out, ", ".join(sorted(CASES))))
        with open(out, "wb") as f:
            f.write(CASES[case](bytearray(good)))


if __name__ == "__main__":
    main()
