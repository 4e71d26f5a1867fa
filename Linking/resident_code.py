#!/usr/bin/env python3
"""Which modules a running process's resident code belongs to.

Usage: python3 Linking/resident_code.py PID BINARY   (as root, or as the process's user)

Reads /proc/PID/pagemap for the binary's executable mapping, maps every present 4 KB page to
the symbols (nm -n) that start in it, and sums the pages by the Swift module of the symbol
that owns most of each page (standard library, runtime, C/C++ named apart). Fault-around maps
code 64 KB at a time, so a module counts for pages near what ran, not only what ran: this is
what the process pays in RSS, which is the point (issue 25's RSS target).
"""
import sys, struct, subprocess, bisect, re, collections
if len(sys.argv) != 3:
    sys.exit(__doc__)
pid, binary = int(sys.argv[1]), sys.argv[2]
maps = [l.split() for l in open(f'/proc/{pid}/maps')]
text = [m for m in maps if len(m) >= 6 and m[5].endswith(binary.split('/')[-1]) and 'x' in m[1]]
start, end = [int(x, 16) for x in text[0][0].split('-')]
pm = open(f'/proc/{pid}/pagemap', 'rb')
present = []
for page in range(start, end, 4096):
    pm.seek(page // 4096 * 8)
    v = struct.unpack('<Q', pm.read(8))[0]
    if v >> 63: present.append(page)
syms = []
for line in subprocess.run(['nm', '--defined-only', '-n', binary], capture_output=True, text=True).stdout.splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[1] in 'tTwW':
        syms.append((int(parts[0], 16), parts[2]))
addrs = [a for a, _ in syms]
def owner(name):
    if re.match(r'^\$s[sS]', name) or name.startswith('$ss'): return 'Swift stdlib'
    m = re.match(r'^\$s(\d+)([A-Za-z_][A-Za-z0-9_]*)', name)
    if m:
        n = int(m.group(1)); return m.group(2)[:n]
    if name.startswith('_ZN') or name.startswith('_Z'):
        if 'icu' in name: return 'ICU (C++)'
        if 'swift' in name: return 'Swift runtime (C++)'
        return 'C++ other'
    if name.startswith('swift_') or name.startswith('_swift'): return 'Swift runtime'
    if 'ssl' in name.lower() or 'CNIOBoringSSL' in name or name.startswith('CRYPTO') or name.startswith('EVP'): return 'BoringSSL'
    if 'llhttp' in name: return 'llhttp'
    return 'C: ' + name[:12]
counts = collections.Counter()
for page in present:
    # attribute a page to the owner with most symbols starting in it (or the one covering its start)
    i = bisect.bisect_right(addrs, page) - 1
    j = bisect.bisect_left(addrs, page + 4096)
    owners = collections.Counter(owner(syms[k][1]) for k in range(max(i, 0), max(j, i + 1)))
    counts[owners.most_common(1)[0][0]] += 1
total = len(present)
print(f'resident code pages: {total} ({total*4/1024:.1f} MB) of {(end-start)//4096}')
for name, n in counts.most_common(30):
    print(f'{n*4/1024:7.2f} MB  {name}')
