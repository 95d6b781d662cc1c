"""Base-year trade against published import sources (used by build.py).

A *corridor* is one importer's sourcing of one product as a published statistic gives it: a list
of entries (exporter region, share of the importer's imports) plus, where the source lists only its
leading partners, the unnamed remainder ("other"). estimate() builds the 5 x 5 trade matrix of one
product so that

    column sums = output X, row sums = use U                   (mass balance, exact)
    T[s -> r] = sum of the entry quantities of every corridor cell   (published flows, exact)

in four steps:

1. Imports of a corridor importer r: I[r] = U[r] - X[r] + FE[r] (its own output, less its fixed
   exports FE, stays at home), or the absolute total the corridor gives (a net exporter's imports).
   Each named entry fixes T[s -> r] = share x I[r].
2. The remainder (1 - sum of named shares) x I[r] is ESTIMATED: it goes to the exporters the
   source does not name (a named model region's share is complete), first in proportion to their
   exportable surplus; what surplus cannot cover comes from the unnamed exporters that are net
   importers themselves, in proportion to their output net of fixed exports (two-way trade: they
   import the difference). Steps 1-2 repeat until the fixed exports stop changing (they feed back
   into I through FE).
3. Domestic supply first: D[r] = min(X[r] - FE[r], U[r] - FI[r]).
4. The surpluses left are allocated to the deficits left by RAS (biproportional fitting, prior =
   surplus x deficit), exactly as before this module existed. Corridor importers have no deficit
   left by construction, so RAS never touches a corridor cell.

Python 3 standard library only.
"""

REGIONS = ["CA", "KR", "US", "CN", "ROW"]
TOL = 1e-6        # relative tolerance of the balance checks (build.py's TOL)
CELL_TOL = 1e-8   # relative tolerance of a corridor cell against the CSV (values have 10 significant digits)


class Entry:
    """One published (or remainder) component of a corridor cell.

    share: of the importer's imports (in the product's model unit); observed: True when the
    figure is published (or follows from published figures alone), False when it is estimated.
    """

    def __init__(self, exporter, partners, share, observed, basis, source, period):
        self.exporter = exporter
        self.partners = partners
        self.share = share
        self.observed = observed
        self.basis = basis
        self.source = source
        self.period = period
        self.quantity = 0.0


class Corridor:
    """An importer's published sourcing of one product.

    entries: named Entry list (shares of imports); total: absolute imports (None = use minus
    output plus fixed exports); remainder_basis/source: text for the estimated remainder;
    exclude: exporters that may not supply the remainder (with the reason in remainder_basis);
    checks: published figures reported next to the model but not imposed (kind 'cross-check').
    """

    def __init__(self, product, importer, entries, period, remainder_basis="", remainder_source="",
                 total=None, exclude=(), checks=()):
        self.product = product
        self.importer = importer
        self.entries = entries
        self.period = period
        self.remainder_basis = remainder_basis
        self.remainder_source = remainder_source
        self.total = total
        self.exclude = set(exclude)
        self.checks = list(checks)
        self.remainder = []
        self.imports = 0.0

    def named(self):
        return {e.exporter for e in self.entries if e.exporter != "ROW"}

    def named_share(self):
        return sum(e.share for e in self.entries)


def _fixed_totals(alloc):
    fe = {r: 0.0 for r in REGIONS}
    fi = {r: 0.0 for r in REGIONS}
    for (s, r), entries in alloc.items():
        q = sum(e.quantity for e in entries)
        fe[s] += q
        fi[r] += q
    return fe, fi


def _allocate(product, X, U, corridors, fe_prev):
    """One pass of steps 1-2 with the fixed exports of the previous pass."""
    alloc = {}
    for c in corridors:
        c.imports = c.total if c.total is not None else U[c.importer] - X[c.importer] + fe_prev[c.importer]
        if c.imports <= 0:
            raise SystemExit("%s -> %s: the corridor needs imports > 0 (use %g, output %g)"
                             % (product, c.importer, U[c.importer], X[c.importer]))
        if c.named_share() > 1 + 1e-12:
            raise SystemExit("%s -> %s: named shares add up to %g > 1" % (product, c.importer, c.named_share()))
        for e in c.entries:
            e.quantity = e.share * c.imports
            alloc.setdefault((e.exporter, c.importer), []).append(e)
    for c in corridors:
        c.remainder = []
        rest = (1.0 - c.named_share()) * c.imports
        if rest <= 1e-12 * c.imports:
            continue
        r = c.importer
        fe, fi = _fixed_totals(alloc)
        adm = [s for s in REGIONS if s != r and s not in c.named() and s not in c.exclude and X[s] > 0]
        surplus = {s: max(0.0, (X[s] - fe[s]) - (U[s] - fi[s])) for s in adm}
        total = sum(surplus.values())
        take = min(rest, total)
        parts = {s: take * surplus[s] / total if total > 0 else 0.0 for s in adm}
        left = rest - take
        if left > 0:
            # Two-way trade: the exporters that are net importers themselves (their surplus is
            # zero) supply it in proportion to their output net of fixed exports, and import the
            # difference; those whose surplus was just used up are left alone.
            room = {s: max(0.0, X[s] - fe[s] - parts[s]) for s in adm}
            two_way = [s for s in adm if surplus[s] <= 0 and room[s] > 0] or [s for s in adm if room[s] > 0]
            if sum(room[s] for s in two_way) < left:
                raise SystemExit("%s -> %s: the unnamed exporters %s cannot supply the remainder %g"
                                 % (product, r, adm, rest))
            total_room = sum(room[s] for s in two_way)
            for s in two_way:
                parts[s] += left * room[s] / total_room
        for s in adm:
            if parts[s] <= 0:
                continue
            how = ("in proportion to exportable surplus" if take >= rest * (1 - 1e-12)
                   else "surplus first, the rest from the unnamed exporters that are net importers themselves, in "
                        "proportion to their output net of fixed exports (two-way trade)")
            e = Entry(s, "other", parts[s] / c.imports, False,
                      "assumption: the unnamed remainder %.1f%% of %s's imports is spread over the exporters the "
                      "source does not name, %s; %s" % (100 * rest / c.imports, r, how, c.remainder_basis),
                      c.remainder_source, c.period)
            e.quantity = parts[s]
            c.remainder.append(e)
            alloc.setdefault((s, r), []).append(e)
    return alloc


def estimate(product, X, U, corridors):
    """Trade matrix T[(s, r)] of one product and the corridor entries behind each fixed cell.

    X, U: output and use by region (product units); corridors: this product's Corridor list.
    Raises SystemExit when the corridors are infeasible (with what is wrong)."""
    tx, tu = sum(X.values()), sum(U.values())
    if abs(tx - tu) > TOL * max(tx, 1.0):
        raise SystemExit("%s: world output %g != world use %g" % (product, tx, tu))
    fe_prev = {r: 0.0 for r in REGIONS}
    for _ in range(500):
        alloc = _allocate(product, X, U, corridors, fe_prev)
        fe, fi = _fixed_totals(alloc)
        if all(abs(fe[r] - fe_prev[r]) <= 1e-13 * max(X[r], 1.0) for r in REGIONS):
            break
        fe_prev = fe
    else:
        raise SystemExit("%s: fixed flows did not converge" % product)
    F = {(s, r): 0.0 for s in REGIONS for r in REGIONS}
    for cell, entries in alloc.items():
        F[cell] = sum(e.quantity for e in entries)
    E, M = {}, {}
    cor_imp = {c.importer for c in corridors}
    for r in REGIONS:
        avail = X[r] - fe[r]
        need = U[r] - fi[r]
        if avail < -TOL * max(X[r], 1.0):
            raise SystemExit("%s %s: fixed exports %g exceed output %g" % (product, r, fe[r], X[r]))
        if need < -TOL * max(U[r], 1.0):
            raise SystemExit("%s %s: fixed imports %g exceed use %g" % (product, r, fi[r], U[r]))
        d = max(0.0, min(avail, need))
        F[(r, r)] = d
        E[r] = avail - d if avail - d > 1e-9 * max(X[r], 1.0) else 0.0
        M[r] = need - d if need - d > 1e-9 * max(U[r], 1.0) else 0.0
        if r in cor_imp and M[r] > 0:
            raise SystemExit("%s %s: corridor importer left with an unallocated deficit %g" % (product, r, M[r]))
    free = [(s, r) for s in REGIONS for r in REGIONS if s != r and E[s] > 0 and M[r] > 0]
    Q = {c: E[c[0]] * M[c[1]] for c in free}
    for _ in range(10000):
        for r in REGIONS:
            if M[r] > 0:
                t = sum(Q[c] for c in free if c[1] == r)
                if t <= 0:
                    raise SystemExit("%s %s: importer deficit with no admissible supplier" % (product, r))
                for c in free:
                    if c[1] == r:
                        Q[c] *= M[r] / t
        err = 0.0
        for s in REGIONS:
            if E[s] > 0:
                t = sum(Q[c] for c in free if c[0] == s)
                if t <= 0:
                    raise SystemExit("%s %s: exporter surplus with no admissible importer" % (product, s))
                err = max(err, abs(t - E[s]) / E[s])
                for c in free:
                    if c[0] == s:
                        Q[c] *= E[s] / t
        if err < 1e-13:
            break
    else:
        raise SystemExit("RAS did not converge for %s" % product)
    for c in free:
        F[c] += Q[c]
    return F, alloc


# --------------------------------------------------------------------------- committed-file checks
CORRIDOR_HEADER = ["product", "importer", "exporter", "partners", "kind", "share_of_imports", "quantity",
                   "period", "basis", "source"]


def corridor_rows(products, corridors_by_product):
    """Rows of Scenarios/data/corridors.csv: every entry (named, remainder) and cross-check."""
    rows = []
    for p in products:
        for c in corridors_by_product.get(p, []):
            for e in c.entries + c.remainder:
                rows.append([p, c.importer, e.exporter, e.partners, "observed" if e.observed else "estimated",
                             e.share, e.quantity, e.period, e.basis, e.source])
            for k in c.checks:
                rows.append([p, c.importer, k["exporter"], k["partners"], "cross-check", k["share"], "",
                             k["period"], k["basis"], k["source"]])
    return rows


def check_corridors(T, rows, products):
    """Print the per-corridor report; return (ok, observed quantity by (product, exporter, importer)).

    For each corridor cell: the published entries (share of the importer's imports), then the
    model's base share. A cell fails when its base_trade quantity or its share of the importer's
    imports differs from the sum of its entries by more than CELL_TOL (relative), or when an
    importer with imposed entries imports on a cell no entry covers."""
    ok = True
    observed = {}
    by_cor = {}
    for row in rows:
        by_cor.setdefault((row["product"], row["importer"]), []).append(row)
    print("== corridors: published share of the importer's imports vs the model's base share ==")
    print("kind: observed = a published figure, fixed; estimated = fixed, but not published (remainder or "
          "assumption); cross-check = published, not imposed. 'model' = the cell's share in base_trade.csv.")
    for p in products:
        for r in REGIONS:
            cor = by_cor.get((p, r))
            if not cor:
                continue
            imports = sum(T[p].get((s, r), 0.0) for s in REGIONS if s != r)
            print("\n%s -> %s  (model imports %.6g)" % (p, r, imports))
            print("  %-4s %-24s %-11s %9s %9s  %s" % ("from", "partners", "kind", "published", "model", "period; source"))
            imposed = [row for row in cor if row["kind"] != "cross-check"]
            for s in REGIONS:
                cell = [row for row in imposed if row["exporter"] == s] + \
                       [row for row in cor if row["exporter"] == s and row["kind"] == "cross-check"]
                if s == r or not cell:
                    continue
                q = T[p].get((s, r), 0.0)
                model = q / imports if imports > 0 else 0.0
                fixed_share = fixed_qty = 0.0
                for i, row in enumerate(cell):
                    pub = "%8.2f%%" % (100 * float(row["share_of_imports"])) if row["share_of_imports"] else "        –"
                    last = i == len(cell) - 1
                    print("  %-4s %-24s %-11s %9s %9s  %s; %s"
                          % (s, row["partners"][:24], row["kind"], pub, "%8.2f%%" % (100 * model) if last else "",
                             row["period"], row["source"][:80]))
                    if row["kind"] == "cross-check":
                        continue
                    fixed_share += float(row["share_of_imports"])
                    fixed_qty += float(row["quantity"])
                    if row["kind"] == "observed":
                        observed[(p, s, r)] = observed.get((p, s, r), 0.0) + float(row["quantity"])
                if any(row["kind"] != "cross-check" for row in cell) and (
                        abs(q - fixed_qty) > CELL_TOL * max(fixed_qty, 1e-12)
                        or abs(model - fixed_share) > CELL_TOL * max(fixed_share, 1e-12)):
                    ok = False
                    print("  FAIL %s -> %s: base_trade %.10g (share %.10g) but the fixed flow is %.10g (share %.10g)"
                          % (s, r, q, model, fixed_qty, fixed_share))
            if imposed:
                covered = {row["exporter"] for row in imposed}
                for s in REGIONS:
                    q = T[p].get((s, r), 0.0)
                    if s != r and s not in covered and q > CELL_TOL * max(imports, 1.0):
                        ok = False
                        print("  FAIL %s -> %s: %g imported on a cell no corridor entry covers" % (s, r, q))
            else:
                for s in REGIONS:
                    q = T[p].get((s, r), 0.0)
                    if s != r and q > 0 and not any(row["exporter"] == s for row in cor):
                        print("  %-4s %-24s %-11s %9s %8.2f%%" % (s, "", "(RAS)", "", 100 * q / imports))
    return ok, observed


def quality_table(T, observed, products, units):
    """Markdown table: per product and region, the share of its imports and of its exports (in
    the product's unit) that rests on an observed bilateral figure; world = all traded tonnage."""
    lines = ["| product | unit | " + " | ".join(REGIONS) + " | world |", "|" + "---|" * (len(REGIONS) + 3)]

    def pct(obs, tot):
        return "–" if tot <= 0 else "%.0f %%" % (100 * obs / tot)

    for p in products:
        cells = []
        wtot = wobs = 0.0
        for r in REGIONS:
            imp = sum(T[p].get((s, r), 0.0) for s in REGIONS if s != r)
            exp = sum(T[p].get((r, s), 0.0) for s in REGIONS if s != r)
            oimp = sum(observed.get((p, s, r), 0.0) for s in REGIONS if s != r)
            oexp = sum(observed.get((p, r, s), 0.0) for s in REGIONS if s != r)
            wtot += imp
            wobs += oimp
            cells.append("%s / %s" % (pct(oimp, imp), pct(oexp, exp)))
        cells.append(pct(wobs, wtot))
        lines.append("| %s | %s | %s |" % (p, units[p], " | ".join(cells)))
    return "\n".join(lines)


def corridor_table(T, rows, products):
    """Markdown table of every CA/KR/US import corridor with imports in the base year: product,
    importer, exporters with the model's base share of imports (the observed part marked where a
    cell is partly estimated), period, source ("none found" where nothing is published)."""
    lines = ["| product | importer | exporters: model base share of imports | period | source |",
             "|---|---|---|---|---|"]
    by_cor = {}
    for row in rows:
        by_cor.setdefault((row["product"], row["importer"]), []).append(row)
    for p in products:
        for r in ("CA", "KR", "US"):
            cor = by_cor.get((p, r), [])
            imports = sum(T[p].get((s, r), 0.0) for s in REGIONS if s != r)
            if imports <= 0:
                continue
            parts = []
            for s in sorted((s for s in REGIONS if s != r), key=lambda s: (-T[p].get((s, r), 0.0), REGIONS.index(s))):
                q = T[p].get((s, r), 0.0)
                if q <= 0:
                    continue
                obs = sum(float(x["share_of_imports"]) for x in cor if x["exporter"] == s and x["kind"] == "observed")
                if obs >= q / imports * (1 - 1e-9):
                    tag = ""
                elif obs > 0:
                    tag = " (%.0f %% observed)" % (100 * obs)
                else:
                    tag = " (estimated)"
                parts.append("%s %.1f %%%s" % (s, 100 * q / imports, tag))
            used = [x for x in cor if x["kind"] == "observed"] or [x for x in cor if x["kind"] == "cross-check"]
            if not cor:
                lines.append("| %s | %s | %s | – | none found: estimated |" % (p, r, ", ".join(parts)))
                continue
            note = "" if any(x["kind"] == "observed" for x in cor) else " (cross-checks only, nothing fixed)"
            periods = sorted({x["period"] for x in used})
            srcs = []
            for x in used:
                name = x["source"].replace("[SECONDARY]", "").replace("[DERIVED]", "").strip().split(",")[0]
                name = name.split(" (")[0].strip()
                if name not in srcs:
                    srcs.append(name)
            flag = " [SECONDARY]" if any("[SECONDARY]" in x["source"] for x in used) else ""
            lines.append("| %s | %s | %s | %s | %s%s%s |" % (p, r, ", ".join(parts), "; ".join(periods), "; ".join(srcs),
                                                             flag, note))
    return "\n".join(lines)
