#!/usr/bin/env python3
"""`minsim validate` of two builds, compared byte for byte on bad and good input.

    Benchmarks/compare_validate.py BEFORE_MINSIM AFTER_MINSIM [--mutants 300] [--work DIR]

Runs both binaries' `validate` on every scenario file under Scenarios/ and
Tests/MinsimScenarioTests/Fixtures/ and on mutants of a small generated scenario (`generate
--regions 6 --stages 3 --products-per-stage 3 --suppliers 2 --seed 7`, made with BEFORE): one to
three edits each to random cells of its CSV tables (blank, `*`, unknown names, `nan`, `inf`,
`1e999`, `1e-400`, hexadecimal, negative numbers, quoted text with a comma, an extra comma, a
duplicated row, a blank line, a renamed header, a 31-digit number, multi-byte text, a quote
inside a field, long text, leading spaces). Compares what each prints (stdout and stderr) and its
exit status; prints the files that differ and a summary; exit status 1 when any differ. The
mutants are seeded, so a run can be repeated exactly. Used for the loader passes in
docs/performance.md.
"""
import argparse, csv, io, os, random, shutil, subprocess, sys, tempfile

EDITS = ['', '*', 'ZZ', 'nope', 'nan', '1e999', '-3.5', 'quoted, text', 'EXTRA_COMMA', 'DUP', 'HEADER',
         '1234567890123456789012345678901', 'Größe', 'a"b', 'x' * 300, 'inf', '+.5e-3', '0x1p3', '1e-400', '  7',
         'BLANK_LINE']


def mutate(folder, rng):
    """One to three edits to random cells of the CSV tables under folder/data."""
    tables = sorted('data/' + f for f in os.listdir(os.path.join(folder, 'data')) if f.endswith('.csv'))
    for _ in range(rng.randint(1, 3)):
        path = os.path.join(folder, rng.choice(tables))
        lines = open(path, encoding='utf-8').read().split('\n')
        body = [i for i in range(1, len(lines)) if lines[i]]
        edit = rng.choice(EDITS)
        if edit == 'HEADER':
            cols = lines[0].split(',')
            k = rng.randrange(len(cols))
            cols[k] += 'x'
            lines[0] = ','.join(cols)
        elif edit == 'DUP' and body:
            i = rng.choice(body)
            lines.insert(i + 1, lines[i])
        elif edit == 'BLANK_LINE' and body:
            lines.insert(rng.choice(body), '')
        elif edit == 'EXTRA_COMMA' and body:
            i = rng.choice(body)
            lines[i] += ','
        elif body:
            i = rng.choice(body)
            cells = next(csv.reader([lines[i]]))
            cells[rng.randrange(len(cells))] = edit
            if edit == 'a"b':  # a quote inside an unquoted field
                lines[i] = ','.join(cells)
            else:
                out = io.StringIO()
                csv.writer(out, lineterminator='').writerow(cells)
                lines[i] = out.getvalue()
        open(path, 'w', encoding='utf-8').write('\n'.join(lines))


def validate(binary, scenario):
    r = subprocess.run([binary, 'validate', scenario], capture_output=True)
    return r.stdout + b'\n--stderr--\n' + r.stderr, r.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('before')
    parser.add_argument('after')
    parser.add_argument('--mutants', type=int, default=300)
    parser.add_argument('--work', default=None, help='folder for the mutants (default: a temporary one)')
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    work = args.work or tempfile.mkdtemp(prefix='compare-validate-')
    small = os.path.join(work, 'small')
    shutil.rmtree(small, ignore_errors=True)
    subprocess.run([args.before, 'generate', '--regions', '6', '--stages', '3', '--products-per-stage', '3',
                    '--suppliers', '2', '--seed', '7', '--out', small, '--quiet'], check=True)
    files = sorted(os.path.join(d, f) for top in ('Scenarios', 'Tests/MinsimScenarioTests/Fixtures')
                   for d, _, fs in os.walk(top) for f in fs if f.endswith('.yaml'))
    rng = random.Random(12)
    for m in range(args.mutants):
        folder = os.path.join(work, f'm{m:03d}')
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(small, folder)
        mutate(folder, rng)
        files.append(os.path.join(folder, 'scenario.yaml'))
    differ = invalid = 0
    for f in files:
        a, b = validate(args.before, f), validate(args.after, f)
        invalid += a[1] != 0
        if a != b:
            differ += 1
            print(f'DIFF {f}')
    print(f'{len(files)} files ({invalid} invalid): {differ} differ')
    sys.exit(1 if differ else 0)


if __name__ == '__main__':
    main()
