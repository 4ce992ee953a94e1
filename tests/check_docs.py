#!/usr/bin/env python3
"""Checks the README and the docs/ book (Python 3 standard library only).

  (a) README.md has at most 250 lines and shows scripts/bench and scripts/test in its first 40 lines;
  (b) every relative link and image in README.md and docs/**/*.md resolves to a file or folder of the repository,
      and every #anchor (in-page or FILE.md#anchor) names a heading of its target by GitHub's slug rules;
  (c) every script under scripts/ that a doc names exists.

Exits 0 when all hold, 1 with a list of what is broken (file:line: problem), 2 on a bad command line.

  python3 tests/check_docs.py [--root REPO]
"""

import argparse
import os
import re
import sys
import unicodedata
import urllib.parse

README_MAX_LINES = 250
README_TOP_LINES = 40

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
# [text](target "title") and ![alt](target); the text may hold one level of brackets.
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^\s)]*)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
REFERENCE_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)", re.MULTILINE)
HTML_LINK = re.compile(r"""<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
SCRIPT_REF = re.compile(r"(?<![\w.-])scripts/[A-Za-z0-9_.\-/]*[A-Za-z0-9_]")


def blank_code(text, inline=True):
    """Text with fenced code blocks (and, with `inline`, code spans) replaced by spaces, newlines kept, so that
    links and headings are looked for in prose only and offsets still give line numbers."""
    lines = text.split("\n")
    out = []
    fence = None
    for line in lines:
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            out.append(" " * len(line))
        elif fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and line.strip() == match.group(1):
                fence = None
            out.append(" " * len(line))
        else:
            out.append(line)
    prose = "\n".join(out)
    if not inline:
        return prose
    # Inline code: a run of n backticks up to the next run of exactly n, not across a blank line.
    result = list(prose)
    i = 0
    while i < len(prose):
        if prose[i] != "`":
            i += 1
            continue
        j = i
        while j < len(prose) and prose[j] == "`":
            j += 1
        ticks = j - i
        closing = re.compile(r"(?<!`)`{%d}(?!`)" % ticks)
        end = closing.search(prose, j)
        if end is None or re.search(r"\n[ \t]*\n", prose[j:end.start()]):
            i = j
            continue
        for k in range(i, end.end()):
            if result[k] != "\n":
                result[k] = " "
        i = end.end()
    return "".join(result)


def heading_text(raw):
    """The text GitHub renders for a heading's markdown: code spans, links and emphasis reduced to their text."""
    text = re.sub(r"(`+)(.+?)\1", lambda m: m.group(2).strip(), raw)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"(\*+)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w])(_+)(\S(?:.*?\S)?)\1(?![\w])", r"\2", text)
    return text


def github_slug(text):
    """GitHub's heading anchor: lowercase; letters, marks, digits, '_' and '-' kept, spaces to '-', the rest dropped."""
    kept = []
    for char in text.strip().lower():
        category = unicodedata.category(char)
        if char in " -_" or category[0] in "LN" or category[0] == "M" or category == "Pc":
            kept.append("-" if char == " " else char)
    return "".join(kept)


def heading_slugs(text):
    """Every anchor of a markdown file's headings, duplicates numbered as GitHub numbers them (-1, -2, ...)."""
    slugs = set()
    seen = {}
    lines = blank_code(text, inline=False).split("\n")
    for index, line in enumerate(lines):
        match = ATX_HEADING.match(line)
        raw = None
        if match:
            raw = match.group(2)
        elif index > 0 and lines[index - 1].strip() and SETEXT_UNDERLINE.match(line) \
                and not ATX_HEADING.match(lines[index - 1]) and not lines[index - 1].lstrip().startswith(("|", "-", "*")):
            raw = lines[index - 1].strip()
        if raw is None:
            continue
        slug = github_slug(heading_text(raw))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        slugs.add(slug if count == 0 else f"{slug}-{count}")
    return slugs


def line_of(text, offset):
    return text.count("\n", 0, offset) + 1


class Checker:
    def __init__(self, root):
        self.root = os.path.realpath(root)
        self.problems = []
        self.slug_cache = {}
        self.counts = {"files": 0, "links": 0, "anchors": 0, "scripts": 0}

    def rel(self, path):
        return os.path.relpath(path, self.root)

    def problem(self, path, line, message):
        self.problems.append(f"{self.rel(path)}:{line}: {message}")

    def slugs_of(self, path):
        if path not in self.slug_cache:
            with open(path, encoding="utf-8") as handle:
                self.slug_cache[path] = heading_slugs(handle.read())
        return self.slug_cache[path]

    def doc_files(self):
        files = [os.path.join(self.root, "README.md")]
        docs = os.path.join(self.root, "docs")
        for folder, dirs, names in os.walk(docs):
            dirs.sort()
            files.extend(os.path.join(folder, name) for name in sorted(names) if name.endswith(".md"))
        return files

    def check_readme(self):
        path = os.path.join(self.root, "README.md")
        if not os.path.isfile(path):
            self.problem(path, 1, "README.md is missing")
            return
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) > README_MAX_LINES:
            self.problem(path, len(lines), f"README.md has {len(lines)} lines; at most {README_MAX_LINES}: move "
                                           "detail into docs/")
        top = "\n".join(lines[:README_TOP_LINES])
        for command in ("scripts/bench", "scripts/test"):
            if not re.search(re.escape(command) + r"(?![\w-])", top):
                self.problem(path, 1, f"{command} is not shown in the first {README_TOP_LINES} lines of README.md")

    def check_link(self, path, line, target):
        target = target.strip()
        if target.startswith("<") and target.endswith(">"):
            target = target[1:-1]
        if not target or SCHEME.match(target) or target.startswith("//"):
            return
        self.counts["links"] += 1
        link_path, _, anchor = target.partition("#")
        link_path = urllib.parse.unquote(link_path.split("?", 1)[0])
        if link_path:
            base = self.root if link_path.startswith("/") else os.path.dirname(path)
            resolved = os.path.realpath(os.path.join(base, link_path.lstrip("/")))
            if resolved != self.root and not resolved.startswith(self.root + os.sep):
                self.problem(path, line, f"link '{target}' leaves the repository")
                return
            if not os.path.exists(resolved):
                self.problem(path, line, f"link '{target}': {self.rel(resolved)} does not exist")
                return
        else:
            resolved = path
        if not anchor:
            return
        if not (os.path.isfile(resolved) and resolved.endswith(".md")):
            return
        self.counts["anchors"] += 1
        anchor = urllib.parse.unquote(anchor)
        if anchor not in self.slugs_of(resolved):
            self.problem(path, line, f"link '{target}': no heading of {self.rel(resolved)} has the anchor "
                                     f"'#{anchor}'")

    def check_file(self, path):
        self.counts["files"] += 1
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        prose = blank_code(text)
        for match in INLINE_LINK.finditer(prose):
            self.check_link(path, line_of(prose, match.start()), match.group(1))
        for match in REFERENCE_DEF.finditer(prose):
            self.check_link(path, line_of(prose, match.start()), match.group(1))
        for match in HTML_LINK.finditer(prose):
            self.check_link(path, line_of(prose, match.start()), match.group(1))
        # Scripts are named in code blocks and code spans as often as in prose: look in the whole text.
        for match in SCRIPT_REF.finditer(text):
            self.counts["scripts"] += 1
            name = match.group(0).rstrip(".")
            if not os.path.exists(os.path.join(self.root, name)):
                self.problem(path, line_of(text, match.start()), f"names {name}, which does not exist")

    def run(self):
        self.check_readme()
        for path in self.doc_files():
            if os.path.isfile(path):
                self.check_file(path)
        return self.problems


def main(argv):
    parser = argparse.ArgumentParser(description="Check README.md and docs/: length, links, anchors, scripts.")
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir),
                        help="the repository's root (default: the parent of this script's folder)")
    args = parser.parse_args(argv)
    if not os.path.isdir(args.root):
        parser.error(f"--root {args.root}: not a folder")
    checker = Checker(args.root)
    problems = checker.run()
    counts = checker.counts
    summary = (f"{counts['files']} files, {counts['links']} relative links, {counts['anchors']} anchors, "
               f"{counts['scripts']} script references")
    if problems:
        print(f"check_docs: {len(problems)} problem(s) ({summary}):", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"check_docs: OK ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
