#!/usr/bin/env python3
"""Counts the crate's public surface: the public items, inherent methods and public fields
reachable from the crate root, skipping `#[doc(hidden)]`, from rustdoc's JSON output.

    RUSTC_BOOTSTRAP=1 cargo rustdoc --lib --all-features -q -- -Z unstable-options --output-format json
    python3 scripts/surface.py target/doc/apigwv2.json [--list]

Prints the stable surface (everything outside `unversioned` and outside `testing`), the
`unversioned` and `testing` parts, and the totals. An item reachable by two paths counts
once, in the part of the path met first (modules in declaration order). Methods are the
public inherent methods of structs and enums and the items of traits; fields the public
named fields of structs. `--list` prints every item with its path, part, methods and
fields.
"""

import json
import sys

COUNTED = ("struct", "enum", "trait", "function", "type_alias", "constant", "static", "macro", "union")
PARTS = ("stable", "unversioned", "testing")


def kind(item):
    inner = item["inner"]
    return next(iter(inner)) if isinstance(inner, dict) else inner


def hidden(item):
    return "hidden" in " ".join(map(str, item.get("attrs", [])))


class Surface:
    def __init__(self, doc):
        self.index = doc["index"]
        self.seen = set()
        self.counts = {p: {"items": 0, "modules": 0, "methods": 0, "fields": 0, "kinds": {}} for p in PARTS}
        self.listing = []

    def item(self, id_):
        return self.index.get(str(id_))

    def inherent_methods(self, inner, check_hidden):
        names = []
        for impl_id in inner["impls"]:
            imp = self.item(impl_id)["inner"]["impl"]
            if imp.get("trait") is not None or imp.get("synthetic") or imp.get("blanket_impl"):
                continue
            for m in imp["items"]:
                mi = self.item(m)
                if mi.get("visibility") == "public" and not (check_hidden and hidden(mi)):
                    names.append(mi["name"])
        return names

    def visit(self, id_, path):
        id_ = str(id_)
        it = self.item(id_)
        if it is None or id_ in self.seen:
            return
        k = kind(it)
        if it.get("visibility") != "public" and k not in ("use", "impl"):
            return
        if hidden(it):
            return
        inner = it["inner"][k] if isinstance(it["inner"], dict) else None
        if k == "use":
            # The item a re-export names, under the re-export's name.
            if inner.get("id") is not None:
                self.visit(inner["id"], path[:-1] + [inner["name"]])
            return
        self.seen.add(id_)
        part = "unversioned" if path[:1] == ["unversioned"] else "testing" if path[:1] == ["testing"] else "stable"
        c = self.counts[part]
        if k == "module":
            c["items"] += 1
            c["modules"] += 1
            c["kinds"]["module"] = c["kinds"].get("module", 0) + 1
            self.listing.append((part, "module", "::".join(path) or "crate", [], []))
            for child in inner["items"]:
                ci = self.item(child)
                if ci is not None:
                    self.visit(child, path + [ci.get("name") or ""])
            return
        if k not in COUNTED:
            return
        c["items"] += 1
        c["kinds"][k] = c["kinds"].get(k, 0) + 1
        methods, fields = [], []
        if k == "struct":
            sk = inner["kind"]
            if isinstance(sk, dict) and "plain" in sk:
                fields = [
                    self.item(f)["name"]
                    for f in sk["plain"]["fields"]
                    if self.item(f).get("visibility") == "public"
                ]
            methods = self.inherent_methods(inner, check_hidden=True)
        elif k == "enum":
            methods = self.inherent_methods(inner, check_hidden=False)
        elif k == "trait":
            methods = [self.item(m)["name"] for m in inner["items"]]
        c["methods"] += len(methods)
        c["fields"] += len(fields)
        self.listing.append((part, k, "::".join(path), methods, fields))


def line(name, c):
    return (
        f"{name}: items {c['items']} (of which modules {c['modules']}), "
        f"methods {c['methods']}, public fields {c['fields']}"
    )


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.exit(__doc__)
    doc = json.load(open(args[0]))
    s = Surface(doc)
    s.visit(doc["root"], [])
    if "--list" in sys.argv:
        for part, k, path, methods, fields in s.listing:
            extra = ""
            if methods:
                extra += "  methods: " + " ".join(methods)
            if fields:
                extra += "  fields: " + " ".join(fields)
            print(f"{part:11} {k:10} {path}{extra}")
        print()
    total = {"items": 0, "modules": 0, "methods": 0, "fields": 0}
    for p in PARTS:
        for key in total:
            total[key] += s.counts[p][key]
    print(line("stable (outside unversioned and testing)", s.counts["stable"]))
    print(line("unversioned", s.counts["unversioned"]))
    print(line("testing (feature)", s.counts["testing"]))
    print(line("total", total))


if __name__ == "__main__":
    main()
