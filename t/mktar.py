#!/usr/bin/env python3
# Crafts (possibly bad) tar archives for the aci tests.
# usage: mktar.py OUT < SPEC; compression from OUT's suffix (.tar none,
# .aci/.gz gzip, .bz2 bzip2, .xz xz). SPEC lines, tab-separated:
#   f NAME TEXT    regular file holding TEXT
#   F NAME PATH    regular file holding the bytes of PATH
#   d NAME         directory
#   l NAME TARGET  symlink
#   h NAME TARGET  hard link
#   c NAME         character device 1,3
#   p NAME         fifo
#   b NAME         block device 7,0
#   m NAME MODE TEXT  regular file with octal MODE (e.g. 4755)
#   T NAME SIZE    header declaring SIZE bytes, then 10 bytes: a truncated archive
# With MKTAR_ESC=1, NAME and TARGET take backslash escapes (\n, \x80, ...).
import codecs
import io
import os
import sys
import tarfile

out = sys.argv[1]
mode = {"tar": "w", "bz2": "w:bz2", "xz": "w:xz"}.get(out.rsplit(".", 1)[-1], "w:gz")
types = {"d": tarfile.DIRTYPE, "l": tarfile.SYMTYPE, "h": tarfile.LNKTYPE,
         "c": tarfile.CHRTYPE, "p": tarfile.FIFOTYPE, "f": tarfile.REGTYPE,
         "F": tarfile.REGTYPE, "b": tarfile.BLKTYPE, "m": tarfile.REGTYPE,
         "T": tarfile.REGTYPE}
esc = os.environ.get("MKTAR_ESC") == "1"


def unesc(s):
    if not esc:
        return s
    return codecs.escape_decode(s.encode())[0].decode("utf-8", "surrogateescape")



with tarfile.open(out, mode, format=tarfile.PAX_FORMAT) as tf:
    for line in sys.stdin.read().splitlines():
        if not line.strip():
            continue
        parts = line.split("\t")
        kind, name = parts[0], unesc(parts[1])
        arg = parts[2] if len(parts) > 2 else ""
        ti = tarfile.TarInfo(name)
        ti.type = types[kind]
        ti.mtime = 1000000000
        ti.mode = 0o755 if kind == "d" else 0o644
        data = None
        if kind == "f":
            data = arg.encode()
        elif kind == "F":
            data = open(arg, "rb").read()
        elif kind in "lh":
            ti.linkname = unesc(arg)
        elif kind == "c":
            ti.devmajor, ti.devminor = 1, 3
        elif kind == "b":
            ti.devmajor, ti.devminor = 7, 0
        elif kind == "m":
            ti.mode = int(arg, 8)
            data = parts[3].encode()
        elif kind == "T":
            ti.size = int(arg)
            tf.fileobj.write(ti.tobuf(tf.format, tf.encoding, tf.errors) + b"x" * 10)
            break
        if data is not None:
            ti.size = len(data)
            tf.addfile(ti, io.BytesIO(data))
        else:
            tf.addfile(ti)
