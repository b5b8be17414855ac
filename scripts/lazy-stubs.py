#!/usr/bin/env python3
"""Writes Sources/CLazyLibraries/*.generated.c: one C function per GDAL,
cairo/pango/librsvg/GLib and libxlsxwriter function the wrapper modules
call, with the library's own name and signature, forwarding to the real
function found by dlsym once the library is loaded (lazy.c). See the
« Démarrage » section of the README for why.

Run after a wrapper module starts calling a new function of one of these
libraries (the test `testVersionLoadsNeitherGDALNorCairo` fails until then:
the new function still comes from the linked library, which is loaded at
start-up again):

    swift build && python3 scripts/lazy-stubs.py

The list of functions is what the built wrapper objects leave undefined
(nm -u .build/debug/MODULE.build/*.o) and the library defines (nm -D); the
signatures are the headers' own, read from clang's AST of the wrapper's
shim.h, and the C compiler checks each generated definition against the
header's declaration (a wrong one is a « conflicting types » error).
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, ".build", "debug")
OUT = os.path.join(ROOT, "Sources", "CLazyLibraries")

# group: (wrapper modules, pkg-config names, shim headers, libraries to read symbols from, prelude)
GROUPS = {
    "gdal": (["GUPFormats"], ["gdal"], ["CGDAL/shim.h"], ["gdal"],
             # GDAL marks its functions visibility("default"); the stubs must
             # stay hidden inside gup (see lazy.h).
             "#define CPL_DLL\n"),
    "pdf": (["GUPPDF"], ["librsvg-2.0", "pangocairo"], ["CRsvg/shim.h", "CPangoCairo/shim.h"],
            ["cairo", "pango-1.0", "pangocairo-1.0", "rsvg-2", "gobject-2.0", "glib-2.0"], ""),
    "xlsxwriter": (["GUPWorkbook"], ["xlsxwriter"], ["CXLSXWriter/shim.h"], ["xlsxwriter"], ""),
}


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def undefined(modules):
    names = set()
    for m in modules:
        d = os.path.join(BUILD, m + ".build")
        objs = [os.path.join(d, f) for f in os.listdir(d) if f.endswith(".o")]
        for line in run(["nm", "-u"] + objs).splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "U":
                names.add(parts[1])
    return names


def defined(libs):
    """Function and data symbols each library exports."""
    functions, data = set(), set()
    for lib in libs:
        path = run(["clang", "-print-file-name=lib%s.so" % lib]).strip()
        if not os.path.isabs(path):
            sys.exit("lib%s.so introuvable" % lib)
        for line in run(["nm", "-D", "--defined-only", path]).splitlines():
            parts = line.split()
            if len(parts) != 3:
                continue
            name = parts[2].split("@")[0]
            (functions if parts[1] in "TWi" else data).add(name)
    return functions, data


def prototypes(pkgs, shims, prelude):
    """name -> (qualType, variadic) of every top-level function the shims declare."""
    src = prelude + "".join('#include "%s"\n' % os.path.join(ROOT, "Sources", s) for s in shims)
    cflags = run(["pkg-config", "--cflags"] + pkgs).split()
    p = subprocess.Popen(["clang", "-x", "c", "-fsyntax-only", "-Xclang", "-ast-dump=json"] + cflags + ["-"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    p.stdin.write(src)
    p.stdin.close()
    # The dump is pretty-printed: a top-level declaration's keys are indented
    # by 6 spaces and its type by 8; scanning lines avoids loading the
    # hundreds of megabytes GLib's headers make.
    found = {}
    kind = name = qual = None
    variadic = False
    for line in p.stdout:
        if line.startswith("    {"):
            if kind == "FunctionDecl" and name and qual:
                found.setdefault(name, (qual, variadic))
            kind = name = qual = None
            variadic = False
        elif line.startswith('      "kind": '):
            kind = line.split('"')[3]
        elif line.startswith('      "name": '):
            name = line.split('"')[3]
        elif line.startswith('        "qualType": ') and qual is None and kind == "FunctionDecl":
            qual = line[len('        "qualType": '):].strip().rstrip(",")
            qual = qual[1:-1].replace('\\"', '"')
        elif line.startswith('      "variadic": true'):
            variadic = True
    if kind == "FunctionDecl" and name and qual:
        found.setdefault(name, (qual, variadic))
    if p.wait() != 0:
        sys.exit("clang a échoué sur " + ", ".join(shims))
    return found


def split_function_type(qual):
    """'RET (A, B)' -> ('RET', ['A', 'B'])."""
    assert qual.endswith(")"), qual
    depth = 0
    for i in range(len(qual) - 1, -1, -1):
        c = qual[i]
        if c == ")":
            depth += 1
        elif c == "(":
            depth -= 1
            if depth == 0:
                ret, params = qual[:i].strip(), qual[i + 1:-1]
                break
    out, depth, cur = [], 0, ""
    for c in params:
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        if c == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += c
    if cur.strip() and cur.strip() != "void":
        out.append(cur.strip())
    return ret, out


def declarator(ctype, name):
    if "(*)" in ctype:
        return ctype.replace("(*)", "(*%s)" % name, 1)
    m = re.match(r"^(.*?)(\[.*\])$", ctype)
    if m:
        return "%s %s%s" % (m.group(1), name, m.group(2))
    return "%s %s" % (ctype, name)


def generate(group):
    modules, pkgs, shims, libs, prelude = GROUPS[group]
    used = undefined(modules)
    functions, data = defined(libs)
    names = sorted(used & functions)
    extra_data = sorted(used & data)
    if extra_data:
        sys.stderr.write("%s : variables des bibliothèques lues directement (%s) : passer par lazy.c\n"
                         % (group, ", ".join(extra_data)))
    protos = prototypes(pkgs, shims, prelude)
    lines = [
        "// GENERATED by scripts/lazy-stubs.py from the functions %s calls: do not edit." % " and ".join(modules),
        "// Each function has the library's name and signature (checked by the",
        "// compiler against the header) and calls the library's own, found by",
        "// dlsym when the library is loaded on first use (lazy.c).",
        '#include "lazy.h"',
        "#if GUP_LAZY_LIBRARIES",
        prelude.rstrip("\n"),
    ] + ['#include "../%s"' % s for s in shims] + [
        "",
        "const char *const gup_lazy_%s_names[] = {" % group,
    ] + ['    "%s",' % n for n in names] + [
        "};",
        "void *gup_lazy_%s_pointers[%d];" % (group, len(names)),
        "const size_t gup_lazy_%s_count = %d;" % (group, len(names)),
        "",
    ]
    for i, n in enumerate(names):
        if n not in protos:
            sys.exit("%s : déclaration de %s introuvable dans %s" % (group, n, ", ".join(shims)))
        qual, variadic = protos[n]
        if variadic:
            sys.exit("%s : %s est variadique (Swift ne l'appelle pas)" % (group, n))
        ret, params = split_function_type(qual)
        args = ["a%d" % k for k in range(len(params))]
        decl = ", ".join(declarator(t, a) for t, a in zip(params, args)) or "void"
        call = "((__typeof__(&%s))gup_lazy_%s_pointers[%d])(%s)" % (n, group, i, ", ".join(args))
        lines.append("GUP_LAZY_STUB %s %s(%s) {" % (ret, n, decl))
        lines.append("    GUP_LAZY_REQUIRE(%s);" % group)
        lines.append("    %s%s;" % ("" if ret == "void" else "return ", call))
        lines.append("}")
    lines.append("#endif")
    path = os.path.join(OUT, "%s.generated.c" % group)
    with open(path, "w") as f:
        f.write("\n".join(l for l in lines if l is not None) + "\n")
    print("%s : %d fonctions -> %s" % (group, len(names), os.path.relpath(path, ROOT)))


if __name__ == "__main__":
    for g in sys.argv[1:] or list(GROUPS):
        generate(g)
