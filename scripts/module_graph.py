#!/usr/bin/env python3
"""One-way modules: lists, for each file of src/testing/ and of the command
(src/bin/apigwv2/), the sibling modules it names through `crate::` or `super::`, and fails
when they name each other in a circle.

It also checks the files that another crate of the package compiles as a module of its own
(`#[path = "..."] mod x;` in src/, tests/, benches/ or fuzz/, e.g. src/escape.rs in the
command, src/rng.rs and src/testing/http.rs in the integration tests): such a file must name
nothing through `crate::` or `super::` (but `use super::*` in its own tests), since those
paths mean something else in each crate that compiles it.

    python3 scripts/module_graph.py [ROOT]        ROOT: the repository (default: this one)

Reads the sources as text: comments, strings and character literals are left out first.
Exit status 0 when every graph is one-way and every shared file stands alone, 1 otherwise.
"""

import os
import re
import sys

# Each group: the folder, its root file (the one that declares the others), and the name
# by which `crate::` reaches that root's items from a file of the folder.
GROUPS = [
    ("src/testing", "mod.rs", "crate::testing"),
    ("src/bin/apigwv2", "main.rs", "crate"),
]
SHARED_SEARCH = ["src", "tests", "benches", "fuzz"]

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def code_only(text):
    """The text without comments, strings and character literals (each replaced by a
    space, so that what stood on either side does not join)."""
    token = re.compile(
        r"""
        (?P<raw>b?r(?P<hashes>\#*)".*?"(?P=hashes))    # raw strings
        | (?P<str>b?"(?:[^"\\]|\\.)*")                 # strings
        | (?P<char>b?'(?:\\u\{[0-9a-fA-F]+\}|\\.|[^'\\\n])')  # character literals
        | (?P<line>//[^\n]*)                            # line and doc comments
        | (?P<block>/\*.*?\*/)                          # block comments
        """,
        re.S | re.X,
    )
    return token.sub(" ", text)


def split_top(group):
    """The items of a `use` group's inside, split at its top-level commas."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(group):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(group[start:i])
            start = i + 1
    items.append(group[start:])
    return [i.strip() for i in items if i.strip()]


def inline_module_depth(code):
    """For each offset of the text, how many inline modules (`mod x { ... }`) enclose it."""
    depth = [0] * (len(code) + 1)
    for m in re.finditer(r"\bmod\s+" + IDENT + r"\s*\{", code):
        level = 0
        for i in range(m.end() - 1, len(code)):
            level += code[i] == "{"
            level -= code[i] == "}"
            if level == 0:
                break
        for j in range(m.end(), i):
            depth[j] += 1
    return depth


def first_segments(code, prefix):
    """The first path segment after each `prefix::` (`crate::a::b` gives `a`; a group
    `crate::{a, b::c}` gives `a` and `b`). For `super`, as seen from the file's own level:
    inside an inline module (its tests), each enclosing module takes one `super::` more,
    and a path that does not climb out of the file is left out."""
    found = []
    enclosing = inline_module_depth(code) if prefix == "super" else None
    pattern = r"(?<![A-Za-z0-9_:])" + re.escape(prefix) + r"\s*::\s*"
    if prefix == "super":
        pattern = r"(?<![A-Za-z0-9_:])(?:super\s*::\s*)+"
    for m in re.finditer(pattern, code):
        if enclosing is not None:
            climbs = m.group(0).count("super")
            if climbs <= enclosing[m.start()]:
                continue
        rest = code[m.end():]
        if rest.startswith("{"):
            depth = 0
            for i, ch in enumerate(rest):
                depth += ch == "{"
                depth -= ch == "}"
                if depth == 0:
                    break
            for item in split_top(rest[1:i]):
                seg = re.match(IDENT + "|\\*", item)
                if seg:
                    found.append(seg.group(0))
        else:
            seg = re.match(IDENT + "|\\*", rest)
            if seg:
                found.append(seg.group(0))
    return found


def declared_modules(root_code):
    """The modules a root file declares (`mod x;`, with or without `#[path]`)."""
    return re.findall(r"\bmod\s+(" + IDENT + r")\s*;", root_code)


def group_graph(repo, folder, root_file, root_path):
    """Nodes and edges of one folder: the root file is the node named by the folder."""
    root_name = os.path.basename(folder)
    with open(os.path.join(repo, folder, root_file), encoding="utf-8") as f:
        root_code = code_only(f.read())
    modules = declared_modules(root_code)
    edges = {root_name: sorted(set(modules))}
    for mod in modules:
        path = os.path.join(repo, folder, mod + ".rs")
        if not os.path.exists(path):
            # A module compiled from elsewhere (`#[path]`): checked as a shared file.
            edges[mod] = []
            continue
        with open(path, encoding="utf-8") as f:
            code = code_only(f.read())
        names = set()
        # `super::` from a file of the folder is the root; `crate::` is the crate's root,
        # which is the folder's root in the command, and reaches it through a path
        # (`crate::testing::`) in the library.
        prefixes = ["super"]
        if root_path == "crate":
            prefixes.append("crate")
        else:
            names.update(first_segments(code, root_path))
        for prefix in prefixes:
            names.update(first_segments(code, prefix))
        targets = set()
        for name in names:
            if name in ("*", "self", "super", "crate"):
                continue
            targets.add(name if name in modules else root_name)
        targets.discard(mod)
        edges[mod] = sorted(targets)
    return edges


def find_cycle(edges):
    """A circle of the graph as a list of nodes (first == last), or None."""
    state = {}
    stack = []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in edges.get(node, []):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(edges):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def shared_files(repo):
    """(declaring file, shared file) for every `#[path = "..."]` module declaration."""
    pairs = []
    for top in SHARED_SEARCH:
        for dirpath, dirnames, filenames in os.walk(os.path.join(repo, top)):
            dirnames[:] = [d for d in dirnames if d not in ("target", "corpus", "artifacts")]
            for name in filenames:
                if not name.endswith(".rs"):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                for m in re.finditer(r'#\[path\s*=\s*"([^"]+)"\]\s*(?:pub(?:\([a-z]+\))?\s+)?mod\s', text):
                    target = os.path.normpath(os.path.join(dirpath, m.group(1)))
                    pairs.append((os.path.relpath(path, repo), os.path.relpath(target, repo)))
    return pairs


def main():
    repo = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    failed = False
    for folder, root_file, root_path in GROUPS:
        edges = group_graph(repo, folder, root_file, root_path)
        print(f"{folder}:")
        for node in sorted(edges):
            print(f"  {node} -> {', '.join(edges[node]) or '(nothing)'}")
        if len(edges) < 2:
            print(f"  too few modules found in {folder}: is the script out of date?", file=sys.stderr)
            failed = True
        cycle = find_cycle(edges)
        if cycle:
            print(f"  circle in {folder}: {' -> '.join(cycle)}", file=sys.stderr)
            failed = True
    pairs = shared_files(repo)
    print("compiled by another crate as well:")
    for declared_in, shared in sorted(set(pairs)):
        print(f"  {shared} (in {declared_in})")
        if not os.path.exists(os.path.join(repo, shared)):
            print(f"  {declared_in} names a missing file {shared}", file=sys.stderr)
            failed = True
            continue
        with open(os.path.join(repo, shared), encoding="utf-8") as f:
            code = code_only(f.read())
        bad = [f"crate::{n}" for n in first_segments(code, "crate")]
        bad += [f"super::{n}" for n in first_segments(code, "super") if n != "*"]
        if bad:
            print(f"  {shared} is compiled in more than one crate but names {', '.join(sorted(set(bad)))}", file=sys.stderr)
            failed = True
    if not pairs:
        print("  no #[path] module found: is the script out of date?", file=sys.stderr)
        failed = True
    print("module graph: " + ("FAILED" if failed else "one-way, shared files stand alone"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
