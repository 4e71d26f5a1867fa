#!/usr/bin/env python3
"""Turns the code pages a profiled lab touched into an lld symbol-ordering file.

Usage: hot_text.py BINARY PAGES > FILE

PAGES is the directory touched-pages.c wrote: per role (proxy, service, collector, cli) a byte
map with one byte per page of BINARY's executable LOAD segment, non-zero where a process of that
role ran code on that page. Prints the name of every function that overlaps a touched page.
lld places the section holding each listed symbol in the listed order: a function of its own
where the compiler gave it a section, else the object file's whole .text. Functions are grouped by the roles that run them, so that each long-running role's code
is one contiguous run (the kernel maps code 64 KB at a time, so interleaving another role's
code costs memory); within a group they keep their address order, which keeps each module's
functions together and the list stable from one run to the next.
"""
import os, re, subprocess, sys

PAGE = 4096


def code_segment(path):
    """Virtual address range of the executable LOAD segment, widened to whole pages."""
    out = subprocess.run(["readelf", "-lW", path], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if fields and fields[0] == "LOAD" and "E" in fields[6:-1]:
            start, size = int(fields[2], 16), int(fields[5], 16)
            return start // PAGE * PAGE, (start + size + PAGE - 1) // PAGE * PAGE
    sys.exit(f"{path} has no executable LOAD segment")


def text_section(path):
    out = subprocess.run(["readelf", "-SW", path], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        match = re.match(r"\s*\[\s*\d+\]\s+\.text\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", line)
        if match:
            return int(match.group(1), 16), int(match.group(2), 16)
    sys.exit(f"{path} has no .text section")


# Proxies and services are six processes each in the bookinfo lab, the collector one and the
# command line short-lived: the shared code sits between the proxy's and the service's own.
GROUPS = [
    {"proxy"}, {"proxy", "collector"}, {"proxy", "cli"}, {"proxy", "collector", "cli"},
    {"proxy", "service"}, {"proxy", "service", "cli"}, {"proxy", "service", "collector"},
    {"proxy", "service", "collector", "cli"},
    {"service", "collector"}, {"service", "collector", "cli"}, {"service", "cli"}, {"service"},
    {"collector", "cli"}, {"collector"}, {"cli"},
]


def order(path, pages_directory):
    code_start, _ = code_segment(path)
    touched = {}
    for role in ("proxy", "service", "collector", "cli"):
        map_path = os.path.join(pages_directory, role)
        flags = open(map_path, "rb").read() if os.path.exists(map_path) else b""
        touched[role] = {code_start // PAGE + index for index, flag in enumerate(flags) if flag}
    text_start, text_size = text_section(path)
    groups = {frozenset(group): [] for group in GROUPS}
    out = subprocess.run(["nm", "-S", "-n", "--defined-only", path], capture_output=True, text=True, check=True).stdout
    seen = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) != 4 or fields[2] not in "tTwW":
            continue
        start, size, name = int(fields[0], 16), int(fields[1], 16), fields[3]
        if not (text_start <= start < text_start + text_size) or name in seen:
            continue
        pages = range(start // PAGE, (start + max(size, 1) - 1) // PAGE + 1)
        roles = frozenset(role for role, set_ in touched.items() if any(page in set_ for page in pages))
        if roles:
            seen.add(name)
            groups[roles].append(name)
    for group in GROUPS:
        for name in groups[frozenset(group)]:
            print(name)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    order(sys.argv[1], sys.argv[2])
