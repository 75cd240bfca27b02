#!/usr/bin/env python3
"""Lists the import cycles between the modules of each crate and fails on a new one.

A module imports another when its code (not its comments, not its `#[cfg(test)] mod tests`)
names `crate::other` — in a `use` (grouped imports included) or in a path. Every strongly
connected group of more than one module is a cycle. The accepted cycles are listed in
scripts/module-cycles.txt, one group per line (`crate: a b c`); a group found in the code must lie
inside an accepted one. Fewer or smaller cycles pass and the script says which lines can go.

    python3 scripts/module-cycles.py            # check
    python3 scripts/module-cycles.py --list     # print today's cycles in the accepted format
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRATES = {"people-sdk": ROOT / "sdk" / "src", "people-mock": ROOT / "mock-server" / "src"}
ACCEPTED = ROOT / "scripts" / "module-cycles.txt"

TESTS = re.compile(r"^\s*#\[cfg\(test\)\]\s*\n\s*(pub(\(crate\))?\s+)?mod\s+tests\b", re.M)
CRATE_PATH = re.compile(r"\bcrate::([A-Za-z_][A-Za-z0-9_]*)")
GROUP = re.compile(r"\buse\s+crate::\{([^;]*)\};", re.S)
GROUP_HEAD = re.compile(r"(?:^|[{,])\s*([A-Za-z_][A-Za-z0-9_]*)")


def modules(src: Path) -> dict:
    """Module name -> file, for the crate's top-level modules (a folder's files count as it)."""
    found = {}
    for path in sorted(src.rglob("*.rs")):
        rel = path.relative_to(src)
        top = rel.parts[0].removesuffix(".rs")
        if top in ("lib", "main"):
            continue
        found.setdefault(top, []).append(path)
    return found


def code_of(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    cut = TESTS.search(text)
    if cut:
        text = text[: cut.start()]
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("//")]
    return "\n".join(lines)


def graph(src: Path) -> dict:
    mods = modules(src)
    edges = {name: set() for name in mods}
    for name, files in mods.items():
        for path in files:
            code = code_of(path)
            named = set(CRATE_PATH.findall(code))
            for group in GROUP.findall(code):
                depth, heads = 0, []
                # Only the names at the top level of the braces are modules of the crate.
                top = []
                for ch in group:
                    if ch == "{":
                        depth += 1
                    elif ch == "}":
                        depth -= 1
                    top.append(ch if depth == 0 or ch in "{}" else " ")
                heads = GROUP_HEAD.findall("".join(top))
                named.update(heads)
            edges[name].update(n for n in named if n in mods and n != name)
    return edges


def cycles(edges: dict) -> list:
    """Strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(out)


def accepted() -> dict:
    groups = {}
    if not ACCEPTED.exists():
        return groups
    for line in ACCEPTED.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        crate, _, names = line.partition(":")
        groups.setdefault(crate.strip(), []).append(set(names.split()))
    return groups


def main() -> int:
    found = {crate: cycles(graph(src)) for crate, src in CRATES.items()}
    if "--list" in sys.argv[1:]:
        for crate, groups in found.items():
            for group in groups:
                print(f"{crate}: {' '.join(group)}")
        return 0
    allowed = accepted()
    failed = False
    for crate, groups in found.items():
        for group in groups:
            if not any(set(group) <= ok for ok in allowed.get(crate, [])):
                failed = True
                print(f"new import cycle in {crate} among: {' '.join(group)}")
    for crate, oks in allowed.items():
        for ok in oks:
            if not any(set(group) <= ok for group in found.get(crate, [])):
                print(f"note: accepted cycle no longer present, remove its line: {crate}: {' '.join(sorted(ok))}")
            elif not any(set(group) == ok for group in found.get(crate, [])):
                print(f"note: accepted cycle has shrunk, narrow its line: {crate}: {' '.join(sorted(ok))}")
    total = sum(len(g) for g in found.values())
    if failed:
        print("fix the import, or (if the cycle is meant) add it to scripts/module-cycles.txt")
        return 1
    print(f"module cycles: {total} group(s), none new")
    return 0


if __name__ == "__main__":
    sys.exit(main())
