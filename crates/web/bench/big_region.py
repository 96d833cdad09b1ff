#!/usr/bin/env python3
"""A region of ~1,000 schools and ~3 million results for the web benchmark,
made from the demo region's files (opora demo --out DIR): the region is
copied COPIES times (school codes and municipality names get a suffix) and
every pupil row is written REPEAT times under different pupil keys.

    opora demo --out /tmp/demo && python3 big_region.py /tmp/demo /tmp/big 4 2
    for f in schools scales results_2023 results_2024 results_2025 context checklist; do ...
"""
import csv, os, sys

src, dst = sys.argv[1], sys.argv[2]
copies = int(sys.argv[3]) if len(sys.argv) > 3 else 4
repeat = int(sys.argv[4]) if len(sys.argv) > 4 else 2
os.makedirs(dst, exist_ok=True)

def copy(name, code_col, fix_row=None, rep=1, key_col=None):
    with open(os.path.join(src, name), newline='', encoding='utf-8') as f, \
         open(os.path.join(dst, name), 'w', newline='', encoding='utf-8') as g:
        r, w = csv.reader(f), csv.writer(g, lineterminator='\n')
        header = next(r)
        w.writerow(header)
        ci = header.index(code_col)
        ki = header.index(key_col) if key_col else None
        rows = list(r)
        n = 0
        for k in range(copies):
            for row in rows:
                for j in range(rep):
                    out = list(row)
                    out[ci] = f"{row[ci]}-{k}" if k else row[ci]
                    if ki is not None and j:
                        out[ki] = f"{row[ki]}-{j}"
                    if fix_row:
                        fix_row(header, out, k)
                    w.writerow(out)
                    n += 1
        return n

def municipality(header, row, k):
    i = header.index('municipality')
    if k:
        row[i] = f"{row[i]} ({k + 1})"

print('schools', copy('schools.csv', 'school_id', municipality))
with open(os.path.join(src, 'scales.csv'), encoding='utf-8') as f, open(os.path.join(dst, 'scales.csv'), 'w', encoding='utf-8') as g:
    g.write(f.read())
for name in sorted(os.listdir(src)):
    if name.startswith('results'):
        print(name, copy(name, 'school_id', rep=repeat, key_col='student_key'))
print('context', copy('context.csv', 'school_id'))
print('checklist', copy('checklist.csv', 'school_id'))
