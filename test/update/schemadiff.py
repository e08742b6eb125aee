#!/usr/bin/env python3
"""Compare the extension's objects in two `pg_dump --binary-upgrade --schema-only` dumps.

Binary-upgrade mode is the only pg_dump mode that writes an extension's member objects one by
one (a plain dump writes only CREATE EXTENSION).  Each dump is cut into pg_dump's entries
("-- Name: x; Type: T; Schema: s"); kept are the entries of schema commgrid and those that
name the extension or its schema; dropped are the OID-preserving binary_upgrade_* calls and
pg_class updates (different in every database) and the placeholders of dropped columns.
Inside CREATE TABLE the column and constraint lines are sorted: ALTER TABLE ... ADD COLUMN
appends, so an updated table's column order differs from a fresh install's, which the check
reports apart (--column-order) instead of as a difference.

usage: schemadiff.py UPDATED.sql FRESH.sql   exit 0 when equal, 1 with a report of each entry
       that is only in one dump or differs (a unified diff per entry).
"""
import difflib
import re
import sys

HEADER = re.compile(r'^-- (?:Data for )?Name: (.*?); Type: (.*?); Schema: (.*?); Owner: .*$')


def split_top(text):
    """Split at top-level commas (outside parentheses and quotes)."""
    parts, depth, cur, quote = [], 0, [], None
    for ch in text:
        if quote:
            cur.append(ch)
            if ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
        elif ch == '(':
            depth += 1
        elif ch == ')':
            depth -= 1
        elif ch == ',' and depth == 0:
            parts.append(''.join(cur).strip())
            cur = []
            continue
        cur.append(ch)
    if ''.join(cur).strip():
        parts.append(''.join(cur).strip())
    return parts


def normalise_body(body, orders):
    lines = []
    skip_stmt = False
    for line in body.split('\n'):
        if skip_stmt:
            skip_stmt = not line.rstrip().endswith(';')
            continue
        if line.startswith('--') or not line.strip() or re.match(r'\\(un)?restrict ', line):
            continue
        if 'binary_upgrade_' in line and not line.startswith('SELECT pg_catalog.binary_upgrade_create_empty_extension'):
            skip_stmt = not line.rstrip().endswith(';')
            continue
        if line.startswith('UPDATE pg_catalog.pg_class') or line.startswith('UPDATE pg_catalog.pg_attribute'):
            skip_stmt = not line.rstrip().endswith(';')
            continue
        if 'pg.dropped.' in line:
            continue
        lines.append(line)
    text = '\n'.join(lines)
    # CREATE TABLE name ( cols ): columns sorted, original order kept apart
    m = re.search(r'^(CREATE (?:UNLOGGED )?TABLE (\S+) \()\n(.*?)\n(\)[^;]*;)', text, re.S | re.M)
    if m:
        cols = split_top(m.group(3))
        cols = [c for c in cols if 'pg.dropped.' not in c]
        orders[m.group(2)] = [c.split()[0] for c in cols if not c.startswith('CONSTRAINT ')]
        text = text[:m.start()] + m.group(1) + '\n    ' + ',\n    '.join(sorted(cols)) + '\n' + m.group(4) + text[m.end():]
    return text


def entries(path):
    out, orders = {}, {}
    with open(path, encoding='utf-8') as f:
        raw = f.read()
    chunks = re.split(r'\n--\n(?=-- (?:Data for )?Name: )', raw)
    for chunk in chunks:
        first, _, body = chunk.partition('\n')
        m = HEADER.match(first)
        if not m:
            continue
        name, kind, schema = m.groups()
        body = body.lstrip('-\n')
        if kind == 'SEQUENCE SET':
            continue  # the sequences' positions are data: the data check compares them
        if kind == 'EXTENSION' and name != 'pg_commgrid':
            continue
        # the extension's schema, and the schema-less entries (casts, event triggers, the
        # extension itself) that name it; not the objects a district (or the demo) made elsewhere
        if schema != 'commgrid' and (schema not in ('-', '') or 'commgrid' not in body):
            continue
        text = normalise_body(body, orders)
        if kind == 'EXTENSION':
            # the config tables' OIDs differ in every database: the checker lists them by name
            # (run.sh appends them by name as the entry "EXTENSION CONFIG")
            text = re.sub(r"binary_upgrade_create_empty_extension\('pg_commgrid', ('[^']*'), (\w+), ('[^']*'), .*",
                          r"binary_upgrade_create_empty_extension('pg_commgrid', \1, \2, \3, <config tables>)",
                          text, flags=re.S)
        if kind == 'ACL':
            # aclitem order follows the order of the grants, not what they allow: REVOKEs first
            # (as pg_dump writes them), then the GRANTs sorted
            text = '\n'.join(sorted(text.split('\n'), key=lambda l: (not l.startswith('REVOKE'), l)))
        key = (kind, schema, name)
        if key in out:
            out[key] += '\n' + text
        else:
            out[key] = text
    return out, orders


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    a, order_a = entries(sys.argv[1])
    b, order_b = entries(sys.argv[2])
    diffs = 0
    for key in sorted(set(a) | set(b)):
        label = '%s %s.%s' % (key[0], key[1], key[2])
        if key not in a:
            print('ONLY IN FRESH 0.2.0 (the update does not create it): ' + label)
            print('  ' + b[key].replace('\n', '\n  '))
            diffs += 1
        elif key not in b:
            print('ONLY AFTER UPDATE (the update leaves it behind): ' + label)
            print('  ' + a[key].replace('\n', '\n  '))
            diffs += 1
        elif a[key] != b[key]:
            print('DIFFERS: ' + label)
            for line in difflib.unified_diff(a[key].split('\n'), b[key].split('\n'),
                                             'after update', 'fresh install', lineterm='', n=2):
                print('  ' + line)
            diffs += 1
    moved = sorted(t for t in set(order_a) & set(order_b) if order_a[t] != order_b[t])
    for t in moved:
        print('column order (not a difference; ADD COLUMN appends): %s: update %s, fresh %s'
              % (t, ','.join(order_a[t]), ','.join(order_b[t])))
    print('%d entries compared, %d differ' % (len(set(a) | set(b)), diffs))
    sys.exit(1 if diffs else 0)


if __name__ == '__main__':
    main()
