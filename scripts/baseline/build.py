#!/usr/bin/env python3
"""Build the real-data 2024 baseline scenario for minsim.

Reads the reference data set (default: <repo>/../shared/reference-data) and writes

    Scenarios/baseline-2024.yaml
    Scenarios/data/{recipes,final_demand,base_trade,base_prices,capacities,tariffs}.csv

deterministically (fixed row order, shortest round-trip floats of values rounded to
10 significant digits), then runs the consistency checks:

    (a) value added v >= 0 for every active node (MODEL.md section 3 calibration)
    (b) every region that uses a product has at least one supplier
    (c) every exporter (node with base_trade quantity > 0) has a base price
    (d) base_trade row sums == use (recipe x own output + final demand) and
        column sums == output; in build mode also output == the source figures.

Usage:
    python3 scripts/baseline/build.py [--ref PATH]     # build + check
    python3 scripts/baseline/build.py --check          # only check the committed CSVs

Python 3 standard library only. The method and every assumption are documented in
Scenarios/data/README.md.
"""

import argparse
import csv
import io
import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEFAULT_REF = os.path.join(REPO, "..", "shared", "reference-data")
SCEN_DIR = os.path.join(REPO, "Scenarios")
DATA_DIR = os.path.join(SCEN_DIR, "data")

REGIONS = ["CA", "KR", "US", "CN", "ROW"]
REGION_NAMES = {"CA": "Canada", "KR": "South Korea", "US": "United States",
                "CN": "China", "ROW": "Rest of world"}
STAGES = ["mining", "refining", "battery", "ev"]
PRODUCTS = [  # name, stage, unit
    ("ni_ore", "mining", "t"), ("co_ore", "mining", "t"),
    ("li_ore", "mining", "t"), ("graphite_ore", "mining", "t"),
    ("ni_refined", "refining", "t"), ("co_refined", "refining", "t"),
    ("li_refined", "refining", "t"), ("graphite_anode", "refining", "t"),
    ("cells", "battery", "GWh"), ("ev", "ev", "vehicle"),
]
PNAMES = [p[0] for p in PRODUCTS]
MINERALS = ["ni", "co", "li", "graphite"]
ORE = {"ni": "ni_ore", "co": "co_ore", "li": "li_ore", "graphite": "graphite_ore"}
REF = {"ni": "ni_refined", "co": "co_refined", "li": "li_refined", "graphite": "graphite_anode"}

# Reference-data file tags used in source strings
F_MINE = "reference-data/mine_production.csv"
F_REFS = "reference-data/refining_shares.csv"
F_DEM = "reference-data/demand_scenarios.csv"
F_INT = "reference-data/intensities.csv"
F_BSC = "reference-data/battery_size_chemistry.csv"
F_EVS = "reference-data/ev_sales.csv"
F_EVP = "reference-data/ev_production.csv"
F_CELL = "reference-data/cell_capacity.csv"
F_PLANT = "reference-data/battery_plants.csv"
F_RCAP = "reference-data/refining_capacity.csv"
F_P1 = "reference-data/prices.csv"
F_P2 = "reference-data/prices2.csv"
F_TAR = "reference-data/tariffs.csv"
F_TF = "reference-data/trade_flows.csv"
F_EL = "reference-data/elasticities.csv"

TOL = 1e-6  # relative tolerance of the balance checks


# --------------------------------------------------------------------------- helpers
def fnum(x):
    """Shortest round-trip repr of x rounded to 10 significant digits."""
    v = float("%.10g" % x)
    if v == 0:
        v = 0.0
    return repr(v)


def read_csv(ref, name):
    with open(os.path.join(ref, name), newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def pick(rows, **kw):
    """Return the single distinct row matching all key=value (exact) filters."""
    hits = [r for r in rows if all(r.get(k) == v for k, v in kw.items())]
    uniq = []
    for h in hits:
        if h not in uniq:
            uniq.append(h)
    if len(uniq) != 1:
        raise SystemExit("reference data: expected 1 row for %r, found %d" % (kw, len(uniq)))
    return uniq[0]


def pick_contains(rows, col, text, **kw):
    hits = [r for r in rows if text in r.get(col, "") and all(r.get(k) == v for k, v in kw.items())]
    uniq = []
    for h in hits:
        if h not in uniq:
            uniq.append(h)
    if len(uniq) != 1:
        raise SystemExit("reference data: expected 1 row with %s~%r %r, found %d" % (col, text, kw, len(uniq)))
    return uniq[0]


def num(s):
    s = s.strip().replace(",", "")
    for ch in ">~<":
        s = s.replace(ch, "")
    return float(s)


def write_csv(path, header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(buf.getvalue())


def yq(s):
    """YAML double-quoted scalar."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --------------------------------------------------------------------------- build
def build(ref):
    mine = read_csv(ref, "mine_production.csv")
    refs = read_csv(ref, "refining_shares.csv")
    dem = read_csv(ref, "demand_scenarios.csv")
    inten = read_csv(ref, "intensities.csv")
    bsc = read_csv(ref, "battery_size_chemistry.csv")
    evs = read_csv(ref, "ev_sales.csv")
    evp = read_csv(ref, "ev_production.csv")
    cellc = read_csv(ref, "cell_capacity.csv")
    rcap = read_csv(ref, "refining_capacity.csv")
    p1 = read_csv(ref, "prices.csv")
    p2 = read_csv(ref, "prices2.csv")
    tf = read_csv(ref, "trade_flows.csv")
    el = read_csv(ref, "elasticities.csv")

    notes = {}  # free-text cross-checks printed in the summary

    # ---------------------------------------------------------------- mine output (USGS only)
    def usgs(mineral, region):
        return num(pick(mine, mineral=mineral, region=region, year="2024")["tonnes"])

    X = {p: {r: 0.0 for r in REGIONS} for p in PNAMES}   # output per node
    XS = {p: {r: "" for r in REGIONS} for p in PNAMES}   # source text of outputs
    us = "USGS MCS 2025 %s 2024e (" + F_MINE + ")"
    # nickel
    X["ni_ore"]["CA"] = usgs("nickel", "Canada")
    X["ni_ore"]["US"] = usgs("nickel", "United States")
    X["ni_ore"]["CN"] = usgs("nickel", "China")
    w_ni = usgs("nickel", "World")
    X["ni_ore"]["ROW"] = w_ni - X["ni_ore"]["CA"] - X["ni_ore"]["US"] - X["ni_ore"]["CN"]
    # cobalt: China row not captured -> included in ROW
    X["co_ore"]["CA"] = usgs("cobalt", "Canada")
    X["co_ore"]["US"] = usgs("cobalt", "United States")
    w_co = usgs("cobalt", "World")
    X["co_ore"]["ROW"] = w_co - X["co_ore"]["CA"] - X["co_ore"]["US"]
    # lithium: US withheld (W) -> 0, world excludes US
    X["li_ore"]["CA"] = usgs("lithium", "Canada")
    X["li_ore"]["CN"] = usgs("lithium", "China")
    w_li = usgs("lithium", "World (excl. US)")
    X["li_ore"]["ROW"] = w_li - X["li_ore"]["CA"] - X["li_ore"]["CN"]
    # graphite (natural)
    for r, name in (("CA", "Canada"), ("KR", "South Korea"), ("US", "United States"), ("CN", "China")):
        X["graphite_ore"][r] = usgs("graphite_natural", name)
    w_gr = usgs("graphite_natural", "World")
    X["graphite_ore"]["ROW"] = w_gr - sum(X["graphite_ore"][r] for r in ("CA", "KR", "US", "CN"))
    world_mine = {"ni": w_ni, "co": w_co, "li": w_li, "graphite": w_gr}

    # ---------------------------------------------------------------- refined output (IEA only)
    iea_name = {"ni": "nickel", "co": "cobalt", "li": "lithium", "graphite": "graphite (battery-grade/refined)"}
    world_ref = {}
    for m in MINERALS:
        w = num(pick(refs, mineral=iea_name[m], region="World total", year="2024")["kt"]) * 1000
        world_ref[m] = w
        p = REF[m]
        for r, name in (("CA", "Canada"), ("US", "United States"), ("CN", "China")):
            hit = [x for x in refs if x["mineral"] == iea_name[m] and x["region"] == name and x["year"] == "2024"]
            if hit:
                X[p][r] = num(hit[0]["kt"]) * 1000
        X[p]["ROW"] = w - sum(X[p][r] for r in ("CA", "KR", "US", "CN"))

    # ---------------------------------------------------------------- ore -> refined recipe
    ore_coef = {m: world_mine[m] / world_ref[m] for m in MINERALS}

    # ---------------------------------------------------------------- battery chemistry -> cells recipe
    def kg(chem, mineral):
        return num(pick(inten, chemistry=chem, mineral=mineral)["kg_per_kwh"])

    imin = {"ni": "nickel", "co": "cobalt", "li": "lithium", "graphite": "graphite"}
    nonlfp = ["NMC622", "NMC811"]
    SCRAP = 1.04  # Busch et al. 4 % cathode scrap, applied to cathode metals (Li, Ni, Co)
    lfp = {
        "CN": num(pick(bsc, region="CN", metric="LFP share of EV battery market", year="2024")["value"]) / 100,
        "KR": 0.0,
        "default": num(pick(bsc, region="ROW:Americas+EMEA", year="2024",
                            metric="LFP share of EV battery capacity (Jan-May)")["value"]) / 100,
    }
    us_lfp_gwh = num(pick(bsc, region="US", metric="LFP EV battery capacity deployed (Jan-May)")["value"])
    w_evbat = num(pick(bsc, region="WORLD", metric="EV battery demand", year="2024")["value"])  # 950 GWh
    sh_cn = num(pick(bsc, region="CN", metric="Share of world EV battery demand", year="2024")["value"]) / 100
    sh_us = num(pick(bsc, region="US", metric="Share of world EV battery demand", year="2024")["value"]) / 100
    lfp["US"] = us_lfp_gwh / (sh_us * w_evbat * 5.0 / 12.0)

    def cell_intensity(lfp_share):
        out = {}
        for m in MINERALS:
            k = lfp_share * kg("LFP", imin[m]) + (1 - lfp_share) * sum(kg(c, imin[m]) for c in nonlfp) / len(nonlfp)
            if m != "graphite":
                k *= SCRAP
            out[m] = k * 1000.0  # kg/kWh -> t/GWh
        return out

    cint = {r: cell_intensity(lfp[r]) for r in ("CN", "KR", "US", "default")}

    def cells_b(r):
        return cint[r] if r in cint else cint["default"]

    # ---------------------------------------------------------------- EV sales, kWh per EV
    ev_us = num(pick(evs, region="United States", year="2024", parameter="EV sales")["value"])
    ev_cn = num(pick(evs, region="China", year="2024", parameter="EV sales")["value"])
    ev_w = num(pick_contains(evp, "metric", "Electric car sales (not production)", region="WORLD")["value"])
    ev_ca = sum(num(pick(evs, region="Canada", year="2023", parameter="EV sales", powertrain=pt)["value"])
                for pt in ("BEV", "PHEV"))
    kr_exp_row = pick(evp, region="KR", metric="EV exports", year="2024")
    ev_kr_exp = num(kr_exp_row["value"])
    ev_kr = 147000.0
    assert "domestic EV sales 147,000" in kr_exp_row["flag_note"], "KR domestic sales note changed"
    ev_row = ev_w - ev_ca - ev_kr - ev_us - ev_cn
    D = {p: {r: 0.0 for r in REGIONS} for p in PNAMES}
    DS = {p: {r: "" for r in REGIONS} for p in PNAMES}
    D["ev"].update({"CA": ev_ca, "KR": ev_kr, "US": ev_us, "CN": ev_cn, "ROW": ev_row})

    kwh = {"CN": sh_cn * w_evbat * 1e6 / ev_cn, "US": sh_us * w_evbat * 1e6 / ev_us,  # kWh per EV
           "default": (1 - sh_cn - sh_us) * w_evbat * 1e6 / (ev_w - ev_cn - ev_us)}

    def ev_b(r):
        return (kwh[r] if r in kwh else kwh["default"]) / 1e6  # GWh per vehicle

    # EV production
    cn_exp = num(pick(evp, region="CN", metric="NEV exports (CAAM)", year="2024")["value"])
    us_prod23 = num(pick(evp, region="US", metric="EV production", year="2023")["value"])
    X["ev"]["CN"] = ev_cn + cn_exp
    X["ev"]["KR"] = ev_kr_exp + ev_kr
    X["ev"]["US"] = us_prod23
    X["ev"]["CA"] = 0.0
    X["ev"]["ROW"] = ev_w - sum(X["ev"][r] for r in ("CA", "KR", "US", "CN"))

    # ---------------------------------------------------------------- cells: final demand and output
    evtank_w = num(pick(cellc, region="WORLD", metric="Li-ion battery shipments (EV Tank)")["value"])
    evtank_cn = num(pick(cellc, region="CN", metric="Li-ion battery shipments (EV Tank)")["value"])
    evtank_note = pick(cellc, region="WORLD", metric="Li-ion battery shipments (EV Tank)")["flag_note"]
    assert "EV 1,051 GWh" in evtank_note and "ESS 370 GWh" in evtank_note
    evtank_ev = 1051.0
    evtank_ess = 370.0
    nonev = evtank_w - evtank_ev                      # ESS + consumer/other
    rest_sales = D["ev"]["CA"] + D["ev"]["KR"] + D["ev"]["ROW"]
    for r in REGIONS:
        if r == "CN":
            D["cells"][r] = nonev * sh_cn
        elif r == "US":
            D["cells"][r] = nonev * sh_us
        else:
            D["cells"][r] = nonev * (1 - sh_cn - sh_us) * D["ev"][r] / rest_sales

    ev_cells_use = {r: ev_b(r) * X["ev"][r] for r in REGIONS}
    U_cells = {r: ev_cells_use[r] + D["cells"][r] for r in REGIONS}
    us_cellprod23 = num(pick(cellc, region="US", metric="EV battery production", year="2023")["value"])
    X["cells"]["CN"] = evtank_cn
    X["cells"]["US"] = us_cellprod23
    X["cells"]["CA"] = 0.0
    # known US import shares (S&P Global / Panjiva, 2024Q1 tonnes)
    usimp = pick(tf, hs_code="850760", reporter="US", partner="WORLD", year="2024Q1")
    assert "China 84.5%, KR 4.7%, JP 2.8%" in usimp["note"]
    cell_us_sh = {"CN": 0.845, "KR": 0.047}
    cell_us_sh["ROW"] = 1.0 - cell_us_sh["CN"] - cell_us_sh["KR"]
    us_cell_imp = U_cells["US"] - X["cells"]["US"]
    X["cells"]["KR"] = U_cells["KR"] + cell_us_sh["KR"] * us_cell_imp
    X["cells"]["ROW"] = sum(U_cells.values()) - sum(X["cells"][r] for r in ("CA", "KR", "US", "CN"))

    # ---------------------------------------------------------------- refined: battery use, final demand
    bat_use = {m: {r: cells_b(r)[m] * X["cells"][r] for r in REGIONS} for m in MINERALS}
    iea_dem = {}
    for m, nm in (("ni", "Nickel"), ("co", "Cobalt"), ("li", "Lithium"), ("graphite", "Graphite")):
        tot = num(pick(dem, scenario="STEPS", mineral=nm, year="2024", measure="total_demand")["kt"]) * 1000
        evd = num(pick(dem, scenario="STEPS", mineral=nm, year="2024", measure="sector:Electric vehicles")["kt"]) * 1000
        grid = num(pick(dem, scenario="STEPS", mineral=nm, year="2024", measure="sector:Grid battery storage")["kt"]) * 1000
        iea_dem[m] = (tot, evd, grid)
    fd_world = {}
    for m in MINERALS:
        p = REF[m]
        fd_world[m] = world_ref[m] - sum(bat_use[m].values())
        assert fd_world[m] > 0, m
        for r in REGIONS:
            D[p][r] = fd_world[m] * X[p][r] / world_ref[m]

    # ---------------------------------------------------------------- recipes
    recipe = {r: {p: {} for p in PNAMES} for r in REGIONS}  # b[r][p][q]
    for r in REGIONS:
        for m in MINERALS:
            recipe[r][REF[m]][ORE[m]] = ore_coef[m]
            recipe[r]["cells"][REF[m]] = cells_b(r)[m]
        recipe[r]["ev"]["cells"] = ev_b(r)

    # ---------------------------------------------------------------- use per node
    def use(p):
        return {r: sum(recipe[r][pp].get(p, 0.0) * X[pp][r] for pp in PNAMES) + D[p][r] for r in REGIONS}

    U = {p: use(p) for p in PNAMES}

    # ---------------------------------------------------------------- known flows (fixed shares of net imports)
    LIOH_LI = 6.941 / (6.941 + 15.999 + 1.008 + 18.015)   # LiOH.H2O
    LCE = 5.323  # Li -> Li2CO3 (baseline.md section 5)

    def tfq(hs, partner, year="2024", reporter="KR"):
        return num(pick(tf, hs_code=hs, reporter=reporter, partner=partner, year=year, flow="import")["tonnes"])

    kr_li = {
        "CN": tfq("282520", "CN") * LIOH_LI + tfq("283691", "CN") / LCE,
        "ROW": (tfq("282520", "ROW:CL") + tfq("282520", "ROW:AU")) * LIOH_LI
        + (tfq("283691", "ROW:CL") + tfq("283691", "ROW:AR")) / LCE,
        "US": tfq("282520", "US") * LIOH_LI,
    }
    kr_li_tot = sum(kr_li.values())
    kr_li_sh = {"CN": kr_li["CN"] / kr_li_tot, "ROW": (kr_li["ROW"] + kr_li["US"]) / kr_li_tot}
    kr_co = pick(tf, hs_code="282200/8105", reporter="KR", partner="CN", year="2022")
    kr_co_sh = num(kr_co["usd"]) / num(pick(tf, hs_code="282200/8105", reporter="KR", partner="WORLD", year="2022")["usd"])
    usev = pick(tf, hs_code="870380", reporter="US", partner="WORLD", year="2024")
    assert "Mexico 43.6%, Germany 25.7%" in usev["note"]
    kiet = pick(tf, hs_code="870380", product="Battery-electric vehicles (share of imported EVs)")
    assert "23.68%" in kiet["note"] and "14.09%" in kiet["note"]
    ev_us_sh = {"KR": 0.2368, "ROW": 1 - 0.2368}
    ev_ca_sh = {"KR": 0.1409}

    S_TF = "S&P Global/Panjiva 2024Q1 US Li-ion import tonnes (" + F_TF + ") [SECONDARY]"
    fixed_spec = {  # product -> importer -> {exporter: share of importer's net imports}
        "cells": {"US": (cell_us_sh, "US import shares by tonnes 2024Q1: CN 84.5%, KR 4.7%, JP 2.8% + other 8.0% -> ROW; "
                         "assumption: tonnes proportional to GWh; " + S_TF)},
        "ev": {"US": (ev_us_sh, "US EV import shares: KR 23.68% (KIET 2023, value) [SECONDARY]; MX 43.6% + DE 25.7% (gtaic 2024 value) "
                      "+ remainder (JP, others) -> ROW; CN assumed 0 (Section 301) (" + F_TF + ")"),
               "CA": (ev_ca_sh, "CA EV imports from KR 14.09% (KIET 2023, value) [SECONDARY] (" + F_TF + "); rest allocated")},
        "li_refined": {"KR": (kr_li_sh, "KR customs 2024 via Argus: LiOH + Li2CO3 imports by partner converted to Li "
                              "(LiOH.H2O 16.54%% Li, Li2CO3 1/5.323); CN %.1f%%, ROW %.1f%% (US 2,122 t LiOH folded into ROW: "
                              "IEA reports US refined Li inside RoW) (%s) [SECONDARY]" % (100 * kr_li_sh["CN"], 100 * kr_li_sh["ROW"], F_TF))},
        "co_refined": {"KR": ({"CN": kr_co_sh}, "KR cobalt oxide/hydroxide imports from CN %.1f%% (KITA 2022, value) (%s) "
                              "[SECONDARY]; rest allocated among non-CN exporters" % (100 * kr_co_sh, F_TF))},
    }

    # ---------------------------------------------------------------- output source texts
    def out_src(p, r):
        st = [x[1] for x in PRODUCTS if x[0] == p][0]
        if st == "mining":
            m = [k for k, v in ORE.items() if v == p][0]
            base = "USGS MCS 2025 2024e (%s)" % F_MINE
            if m == "graphite":
                base += " [SECONDARY]"
            if r == "ROW":
                return base + " [DERIVED] world minus CA, KR, US, CN" + (
                    " (incl. China: CN row not captured)" if m == "co" else "") + (
                    " (world excl. US)" if m == "li" else "")
            if X[p][r] == 0:
                return {"KR": "assumption: 0, not listed by USGS (" + F_MINE + ")",
                        "US": "assumption: 0, US output withheld (W) by USGS (" + F_MINE + ")",
                        "CN": "assumption: 0, China row not captured; China's output is inside ROW (" + F_MINE + ")",
                        }.get(r, base)
            return base
        if st == "refining":
            base = "IEA Critical Minerals Dataset 2025, refined supply 2024 (%s)" % F_REFS
            if r == "ROW":
                return base + " [DERIVED] world minus CA, KR, US, CN"
            if X[p][r] == 0:
                if (p == "graphite_anode" and r == "CA"):
                    return base + ": 0"
                return "assumption: 0, not reported separately by IEA (inside IEA 'Rest of world') (" + F_REFS + ")"
            return base
        if p == "cells":
            return {"CN": "EV Tank 2024 China-made Li-ion shipments 1215 GWh (%s) [SECONDARY]" % F_CELL,
                    "US": "assumption: 2024 not captured; IEA 2023 US EV battery production 70 GWh held (%s)" % F_CELL,
                    "CA": "assumption: 0, NextStar Windsor made modules from Oct 2024, cells from 2025 (%s)" % F_PLANT,
                    "KR": "assumption: in-Korea output not captured; = Korean use + KR->US flow from US import share",
                    "ROW": "assumption: balancing item = world modelled use minus CA, KR, US, CN (absorbs the gap to "
                           "EV Tank world shipments 1545 GWh)"}[r]
        return {"CN": "[DERIVED] IEA 2024 CN EV sales 11.0 M (%s) + CAAM NEV exports 1.28 M (%s) [SECONDARY]; "
                      "CAAM production 12.89 M incl. commercial vehicles not used" % (F_EVS, F_EVP),
                "US": "assumption: 2024 not captured; IEA 2023 US EV production 1.2 M held (%s)" % F_EVP,
                "KR": "assumption: KAMA 2024 EV exports 254k + domestic sales 147k (imports not captured) (%s) "
                      "[SECONDARY]" % F_EVP,
                "CA": "assumption: 0, no production count found (only BrightDrop vans) (%s)" % F_EVP,
                "ROW": "assumption: balancing item = world sales 17.3 M minus CA, KR, US, CN output"}[r]

    # ---------------------------------------------------------------- trade matrix estimation
    T = {}      # T[p][(s, r)] quantity
    TS = {}     # source text per cell
    for p in PNAMES:
        Xp, Up = X[p], U[p]
        tx, tu = sum(Xp.values()), sum(Up.values())
        assert abs(tx - tu) <= TOL * max(tx, 1.0), (p, tx, tu)
        F = {(s, r): 0.0 for s in REGIONS for r in REGIONS}
        fixed = set()
        excl = {r: set() for r in REGIONS}
        fsrc = {}
        for r, (shares, txt) in fixed_spec.get(p, {}).items():
            imp = Up[r] - Xp[r]
            assert imp > 0, (p, r, "fixed shares need a net importer")
            for s, sh in shares.items():
                F[(s, r)] = sh * imp
                fixed.add((s, r))
                excl[r].add(s)
                fsrc[(s, r)] = "fixed share: " + txt
        fexp = {s: sum(F[(s, r)] for r in REGIONS if (s, r) in fixed) for s in REGIONS}
        fimp = {r: sum(F[(s, r)] for s in REGIONS if (s, r) in fixed) for r in REGIONS}
        E, M = {}, {}
        for r in REGIONS:
            avail = Xp[r] - fexp[r]
            need = Up[r] - fimp[r]
            assert avail >= -TOL * max(Xp[r], 1), (p, r, "fixed exports exceed output")
            assert need >= -TOL * max(Up[r], 1), (p, r, "fixed imports exceed use")
            d = max(0.0, min(avail, need))
            F[(r, r)] = d
            E[r] = avail - d if avail - d > 1e-9 * max(Xp[r], 1.0) else 0.0
            M[r] = need - d if need - d > 1e-9 * max(Up[r], 1.0) else 0.0
        # RAS on free off-diagonal cells (exporter surplus -> importer deficit)
        free = [(s, r) for s in REGIONS for r in REGIONS
                if s != r and E[s] > 0 and M[r] > 0 and s not in excl[r]]
        Q = {c: E[c[0]] * M[c[1]] for c in free}
        for it in range(10000):
            for r in REGIONS:
                if M[r] > 0:
                    t = sum(Q[c] for c in free if c[1] == r)
                    assert t > 0, (p, r, "importer deficit with no admissible supplier")
                    for c in free:
                        if c[1] == r:
                            Q[c] *= M[r] / t
            err = 0.0
            for s in REGIONS:
                if E[s] > 0:
                    t = sum(Q[c] for c in free if c[0] == s)
                    assert t > 0, (p, s, "exporter surplus with no admissible importer")
                    err = max(err, abs(t - E[s]) / E[s])
                    for c in free:
                        if c[0] == s:
                            Q[c] *= E[s] / t
            if err < 1e-13:
                break
        else:
            raise SystemExit("RAS did not converge for %s" % p)
        for c in free:
            F[c] += Q[c]
        T[p] = F
        for s in REGIONS:
            for r in REGIONS:
                if (s, r) in fixed:
                    TS[(p, s, r)] = fsrc[(s, r)]
                elif s == r:
                    TS[(p, s, r)] = ("assumption: domestic supply = min(output, use) after fixed flows; output: "
                                     + out_src(p, s))
                elif F[(s, r)] > 0:
                    TS[(p, s, r)] = ("assumption: exporter surplus allocated to importer deficits in proportion "
                                     "(RAS, excluding routes fixed from " + F_TF + ")")
                else:
                    TS[(p, s, r)] = ("assumption: no flow (exporter has no surplus, importer no deficit, "
                                     "or route fixed elsewhere)")

    # ---------------------------------------------------------------- prices
    P = {}
    PS = {}
    lme_ni = num(pick(p1, mineral="nickel", product="LME cash annual average", year="2024")["value"])
    mhp = pick_contains(p2, "product", "Nickel MHP payable")
    assert mhp["value"] == "78-80"
    mhp_pay = 0.79
    co_lme = pick(p1, mineral="cobalt", product="LME cash", year="2024")
    assert co_lme["value"].startswith("12 USD/lb")
    co_lme_t = 12 * 2204.62
    co_int = num(pick_contains(p2, "product", "Cobalt hydroxide intermediates")["value"])
    li2co3 = num(pick(p1, mineral="lithium", product="lithium carbonate (USGS salient price series)", year="2024")["value"])
    spod = pick(p1, mineral="lithium", product="Australian spodumene SC6 Jan->Nov 2024")
    assert spod["value"] == "1250 -> 730"
    spod_avg = (1250 + 730) / 2.0
    sc6_li = 0.06 * (2 * 6.941) / (2 * 6.941 + 15.999)
    flake = num(pick(p1, mineral="graphite_natural", year="2024")["value"])
    sph = pick_contains(p2, "product", "Spherical graphite 99.95% C")
    assert sph["value"] == "2000-2300"
    sph_mid = 2150.0
    pdrop = pick(p2, product="Battery-mineral price change", year="2024")
    assert pdrop["value"] == "-10 to -20"
    anode = sph_mid * (1 - 0.15)
    pack_cn = num(pick(p2, basis="China average (BNEF)", year="2024")["value"])
    pack_us = num(pick(p2, basis="US average (BNEF, implied)", year="2024")["value"])
    pack_w = num(pick(p2, product="Li-ion battery pack (all uses)", year="2024")["value"])
    cellsh_row = pick(p2, product="Li-ion battery pack (all uses)", year="2023")
    assert "cells = 78% of pack" in cellsh_row["flag_note"]
    cellsh = 0.78
    ev_us_price = num(pick(p2, basis="US, Kelley Blue Book, July 2024")["value"])
    jato = pick(p2, basis="China / EU / US, H1 2022 (JATO)")
    assert jato["value"] == "33400 / 58600 / 67000"
    r_cn, r_eu = 33400 / 67000.0, 58600 / 67000.0

    def setp(p, val, src, regions=REGIONS):
        for r in regions:
            P[(r, p)] = val
            PS[(r, p)] = src

    setp("ni_ore", lme_ni * mhp_pay,
         "assumption: ore priced at MHP payable 79%% (mid of 78-80%%, Fastmarkets Aug 2024, %s) x LME Ni 2024 %g USD/t "
         "(USGS MCS 2025, %s); all regions" % (F_P2, lme_ni, F_P1))
    setp("co_ore", co_int, "China customs import unit value of Co hydroxide intermediates Oct 2024, USD/t Co contained "
         "(SMM, %s); assumption: applies to all Co ore/intermediate feed and regions" % F_P2)
    setp("li_ore", spod_avg / sc6_li,
         "assumption: SC6 spodumene mean of Jan 1250 and Nov 730 USD/t (USGS MCS 2025, %s) / Li content of SC6 "
         "(6%% Li2O = %.4f t Li/t) [DERIVED]; all regions" % (F_P1, sc6_li))
    setp("graphite_ore", flake, "US import unit value natural flake graphite 2024 (USGS MCS 2025, %s) [SECONDARY]; "
         "assumption: all regions" % F_P1)
    setp("ni_refined", lme_ni, "LME cash Ni 2024 annual average (USGS MCS 2025 Nickel, %s) [EST]; all regions" % F_P1)
    setp("co_refined", co_lme_t, "LME cash cobalt 2024 12 USD/lb x 2204.62 (USGS MCS 2025 Cobalt, %s) [EST]; "
         "all regions" % F_P1)
    setp("li_refined", li2co3 * LCE, "USGS lithium carbonate price 2024 %g USD/t x 5.323 t LCE/t Li (USGS MCS 2025 "
         "Lithium, %s) [EST]; all regions" % (li2co3, F_P1))
    setp("graphite_anode", anode,
         "assumption: coated anode price not found; spherical graphite fob China May 2023 mid 2150 USD/t (Fastmarkets, "
         "%s) less 15%% (mid of IEA GCMO 2025 -10..-20%% 2024 change, %s); all regions" % (F_P2, F_P2))
    cs = "x 1e6 kWh/GWh x 0.78 assumption: cell share of pack cost (BNEF 2023 'cells = 78%% of pack', %s)" % F_P2
    P[("CN", "cells")] = pack_cn * 1e6 * cellsh
    PS[("CN", "cells")] = "BNEF 2024 China pack price %g USD/kWh (%s) %s" % (pack_cn, F_P2, cs)
    P[("US", "cells")] = pack_us * 1e6 * cellsh
    PS[("US", "cells")] = "BNEF 2024 US pack price %g USD/kWh (China +31%%) (%s) [DERIVED] %s" % (pack_us, F_P2, cs)
    for r in ("CA", "KR", "ROW"):
        P[(r, "cells")] = pack_w * 1e6 * cellsh
        PS[(r, "cells")] = ("assumption: no regional figure; BNEF 2024 global average pack price %g USD/kWh (%s) %s"
                            % (pack_w, F_P2, cs))
    P[("US", "ev")] = ev_us_price
    PS[("US", "ev")] = "US EV average transaction price Jul 2024, Kelley Blue Book (%s)" % F_P2
    P[("CN", "ev")] = ev_us_price * r_cn
    PS[("CN", "ev")] = ("assumption: US 2024 price x China/US ratio 33400/67000 of JATO H1 2022 EV prices "
                        "(%s) [SECONDARY]" % F_P2)
    P[("ROW", "ev")] = ev_us_price * r_eu
    PS[("ROW", "ev")] = ("assumption: US 2024 price x EU/US ratio 58600/67000 of JATO H1 2022 EV prices (EU as proxy "
                         "for ROW) (%s) [SECONDARY]" % F_P2)
    for r in ("CA", "KR"):
        P[(r, "ev")] = ev_us_price
        PS[(r, "ev")] = "assumption: no regional figure; US EV average transaction price Jul 2024 (KBB, %s)" % F_P2

    # ---------------------------------------------------------------- tariffs (2024 base = day-weighted)
    DAYS = 366.0
    d_301 = 96.0    # 2024-09-27 .. 2024-12-31
    d_ca = 92.0     # 2024-10-01 .. 2024-12-31
    trows = {(x["importer"], x["exporter"], x["product"]): x for x in read_csv(ref, "tariffs.csv")}
    t_ev = trows[("US", "CN", "Electric vehicles")]
    assert t_ev["rate"] == "100%" and t_ev["start_date"] == "2024-09-27" and "up from 25%" in t_ev["measure"]
    t_bat = trows[("US", "CN", "Lithium-ion EV batteries")]
    assert t_bat["rate"] == "25%" and "up from 7.5%" in t_bat["measure"]
    t_nbat = trows[("US", "CN", "Lithium-ion non-EV batteries")]
    assert t_nbat["start_date"] == "2026-01-01" and "up from 7.5%" in t_nbat["measure"]
    t_cm = [v for k, v in trows.items() if k[0] == "US" and k[1] == "CN" and "cobalt ores" in k[2]][0]
    assert t_cm["rate"] == "25%" and t_cm["start_date"] == "2024-09-27" and "up from 0%" in t_cm["measure"]
    t_ca = [v for k, v in trows.items() if k[0] == "CA" and k[1] == "CN" and k[2].startswith("Electric and certain")][0]
    assert t_ca["rate"] == "100% surtax + 6.1% MFN" and t_ca["start_date"] == "2024-10-01"

    pr = "day-weighted 2024 average (2024 = 366 days)"
    tar = []
    tau_ev_us = ((DAYS - d_301) * 0.25 + d_301 * 1.00) / DAYS
    tar.append(("ev", "US", "CN", tau_ev_us,
                "Section 301 on CN EVs 25%% to 2024-09-26, 100%% from 2024-09-27 (%s); %s" % (F_TAR, pr)))
    tau_bat_ev = ((DAYS - d_301) * 0.075 + d_301 * 0.25) / DAYS
    w_ev_us = ev_cells_use["US"] / U_cells["US"]
    tau_cells = w_ev_us * tau_bat_ev + (1 - w_ev_us) * 0.075
    tar.append(("cells", "US", "CN", tau_cells,
                "Section 301 Li-ion EV batteries 7.5%% -> 25%% from 2024-09-27 (%s; day-weighted %.4f), non-EV Li-ion "
                "7.5%% all 2024 (25%% only from 2026); assumption: weighted by US EV share of cell use %.3f" %
                (F_TAR, tau_bat_ev, w_ev_us)))
    tau_co = d_301 * 0.25 / DAYS
    tar.append(("co_ore", "US", "CN", tau_co,
                "Section 301 'other critical minerals incl. cobalt ores' 0%% -> 25%% from 2024-09-27 (%s); %s" % (F_TAR, pr)))
    tau_ca = 0.061 + d_ca * 1.00 / DAYS
    tar.append(("ev", "CA", "CN", tau_ca,
                "Canada 6.1%% MFN all year + 100%% China surtax from 2024-10-01 (%s); %s" % (F_TAR, pr)))
    tau = {(p, imp, exp): t for p, imp, exp, t, _ in tar}

    # ---------------------------------------------------------------- capacities
    caps = []
    cap_w = num(pick(cellc, region="WORLD", metric="Li-ion battery manufacturing capacity", year="2024")["value"])
    cn_capsh = num(pick(cellc, region="CN", metric="Share of global battery cell production capacity", year="2023")["value"]) / 100
    caps.append(("CN", "cells", cap_w * cn_capsh,
                 "IEA world Li-ion manufacturing capacity 2024 %g GWh x China share of cell capacity %g%% (2023, IEA GEVO "
                 "2024) (%s) [SECONDARY][DERIVED]" % (cap_w, 100 * cn_capsh, F_CELL)))
    lh_co = num(pick(rcap, facility="Long Harbour processing plant (NL)", product="cobalt")["capacity"])
    fs_co = num(pick(rcap, facility="Fort Saskatchewan refinery (AB)", product="cobalt")["capacity"])
    caps.append(("CA", "co_refined", lh_co + fs_co,
                 "assumption: sum of captured plants, Long Harbour design %g t Co + Fort Saskatchewan 2019 output %g t Co "
                 "(%s); Port Colborne not captured (lower bound)" % (lh_co, fs_co, F_RCAP)))

    # ---------------------------------------------------------------- source texts for outputs/final demand
    srcs = {
        "X": X, "ore_coef": ore_coef, "lfp": lfp, "kwh": kwh, "cint": cint, "fd_world": fd_world,
        "iea_dem": iea_dem, "bat_use": bat_use, "world_ref": world_ref, "world_mine": world_mine,
        "evtank": (evtank_w, evtank_cn, evtank_ev, evtank_ess, nonev),
        "ev": (ev_ca, ev_kr, ev_us, ev_cn, ev_row, ev_w, cn_exp, ev_kr_exp, us_prod23),
        "U_cells": U_cells, "ev_cells_use": ev_cells_use, "sh": (sh_cn, sh_us, w_evbat),
        "nonlfp": nonlfp, "kr_li_sh": kr_li_sh, "kr_co_sh": kr_co_sh,
    }

    # final demand source text
    fds = {}
    for r in REGIONS:
        fds[("ev", r)] = {
            "CA": "assumption: 2024 not captured; 2023 IEA GEVO 2024 BEV 130k + PHEV 41k held for 2024 (%s)" % F_EVS,
            "KR": "KAMA 2024 domestic EV sales 147,000 (includes imports) via IANS (%s) [SECONDARY]" % F_EVP,
            "US": "IEA GEVO 2025 2024 EV (BEV+PHEV) car sales 1.6 M (%s)" % F_EVS,
            "CN": "IEA GEVO 2025 2024 EV car sales '>11 M' taken as 11.0 M (lower bound) (%s)" % F_EVS,
            "ROW": "[DERIVED] world 17.3 M (IEA GEVO 2025 via Rahal, %s) [SECONDARY] minus CA, KR, US, CN" % F_EVP,
        }[r]
        if r == "CN":
            fds[("cells", r)] = ("[DERIVED] non-EV Li-ion shipments 2024 = EV Tank world %g - EV %g GWh (ESS %g + other) "
                                 "(%s) [SECONDARY]; assumption: split by IEA 2024 EV battery demand shares, CN %g%% (%s)"
                                 % (evtank_w, evtank_ev, evtank_ess, F_CELL, 100 * sh_cn, F_BSC))
        elif r == "US":
            fds[("cells", r)] = ("[DERIVED] non-EV Li-ion shipments 2024 = EV Tank world %g - EV %g GWh (%s) [SECONDARY]; "
                                 "assumption: split by IEA 2024 EV battery demand shares, US %g%% (%s)"
                                 % (evtank_w, evtank_ev, F_CELL, 100 * sh_us, F_BSC))
        else:
            fds[("cells", r)] = ("[DERIVED] non-EV Li-ion shipments 2024 = EV Tank world %g - EV %g GWh (%s) [SECONDARY]; "
                                 "assumption: the %g%% not in CN/US split by 2024 EV sales" %
                                 (evtank_w, evtank_ev, F_CELL, 100 * (1 - sh_cn - sh_us)))
        for m in MINERALS:
            p = REF[m]
            tot, evd, grid = iea_dem[m]
            fds[(p, r)] = ("assumption: world non-battery use + stock change = IEA 2024 refined supply %.0f t (%s) - "
                           "modelled cell use %.0f t (IEA STEPS 2024 total demand %.0f t, EV %.0f t, grid %.0f t, %s); "
                           "split by regional refined-output share (no regional end-use data)"
                           % (round(world_ref[m]), F_REFS, round(sum(bat_use[m].values())), round(tot), round(evd),
                              round(grid), F_DEM))
    for r in REGIONS:
        for m in MINERALS:
            fds[(ORE[m], r)] = None  # no final demand for ores

    out = dict(X=X, D=D, U=U, T=T, TS=TS, P=P, PS=PS, recipe=recipe, tar=tar, tau=tau, caps=caps,
               fds=fds, srcs=srcs, el=el, notes=notes)
    return out


# --------------------------------------------------------------------------- writers
def recipe_rows(b, s):
    rows = []
    oc = s["ore_coef"]
    wm, wr = s["world_mine"], s["world_ref"]
    for m in MINERALS:
        rows.append(("", REF[m], ORE[m], b["CA"][REF[m]][ORE[m]],
                     "assumption: no primary recovery rate in reference data; coefficient = world mine output %g t "
                     "(USGS MCS 2025, %s) / world refined output %.0f t (IEA 2025, %s) [DERIVED]: apparent input incl. "
                     "losses, stock change%s" % (wm[m], F_MINE, wr[m], F_REFS,
                                                 ", synthetic-graphite feedstock (<1)" if m == "graphite" else "")))
    lfp = s["lfp"]
    chem = "BatPaC 5.1 kg/kWh x 1000 (%s); non-LFP = assumption: equal mix NMC622/NMC811 (split not captured); " \
           "Ni/Co/Li x1.04 cathode scrap (Busch et al., baseline.md)" % F_INT
    lfp_src = {
        "": "LFP %.1f%% = Americas+EMEA EV share Jan-May 2024 (Adamas, %s); default for CA, ROW" % (100 * lfp["default"], F_BSC),
        "KR": "assumption: LFP 0%% (K-trio mainly NCM/NCMA/NCA, qualitative, %s)" % F_BSC,
        "US": "LFP %.2f%% [DERIVED] = US LFP 2.6 GWh Jan-May 2024 (Adamas) / (13%% x 950 GWh x 5/12) (%s)" % (100 * lfp["US"], F_BSC),
        "CN": "LFP %.0f%% of CN EV battery market 2024 (Benchmark via Visual Capitalist, %s) [SECONDARY]" % (100 * lfp["CN"], F_BSC),
    }
    for reg, key in (("", "CA"), ("KR", "KR"), ("US", "US"), ("CN", "CN")):
        for m in MINERALS:
            rows.append((reg, "cells", REF[m], b[key]["cells"][REF[m]], lfp_src[reg] + "; " + chem))
    sh_cn, sh_us, w = s["sh"]
    kw = s["kwh"]
    rows.append(("", "ev", "cells", b["CA"]["ev"]["cells"],
                 "[DERIVED] %.2f kWh/EV = IEA 2024 EV battery demand %g GWh x (1 - CN %g%% - US %g%%) / EV sales outside "
                 "CN+US (%s, %s, %s) [SECONDARY]; upper bound (incl. bus/truck batteries); default for CA, KR, ROW"
                 % (kw["default"], w, 100 * sh_cn, 100 * sh_us, F_BSC, F_EVS, F_EVP)))
    rows.append(("US", "ev", "cells", b["US"]["ev"]["cells"],
                 "[DERIVED] %.2f kWh/EV = 13%% x %g GWh IEA 2024 EV battery demand / 1.6 M US EV sales (%s, %s) "
                 "[SECONDARY]; upper bound" % (kw["US"], w, F_BSC, F_EVS)))
    rows.append(("CN", "ev", "cells", b["CN"]["ev"]["cells"],
                 "[DERIVED] %.2f kWh/EV = 59%% x %g GWh IEA 2024 EV battery demand / 11.0 M CN EV sales (%s, %s) "
                 "[SECONDARY]; upper bound" % (kw["CN"], w, F_BSC, F_EVS)))
    return rows


def write_all(o):
    os.makedirs(DATA_DIR, exist_ok=True)
    s = o["srcs"]
    # recipes
    rr = recipe_rows(o["recipe"], s)
    write_csv(os.path.join(DATA_DIR, "recipes.csv"), ["region", "product", "input", "quantity_per_unit", "source"],
              [(a, b_, c, fnum(d), e) for a, b_, c, d, e in rr])
    # final demand
    rows = []
    for p in PNAMES:
        for r in REGIONS:
            src = o["fds"].get((p, r))
            if src is None:
                continue
            rows.append((r, p, fnum(o["D"][p][r]), src))
    write_csv(os.path.join(DATA_DIR, "final_demand.csv"), ["region", "product", "quantity", "source"], rows)
    # base trade
    rows = []
    for p in PNAMES:
        for s_ in REGIONS:
            for r in REGIONS:
                rows.append((p, s_, r, fnum(o["T"][p][(s_, r)]), o["TS"][(p, s_, r)]))
    write_csv(os.path.join(DATA_DIR, "base_trade.csv"), ["product", "exporter", "importer", "quantity", "source"], rows)
    # prices: every node with output > 0
    rows = []
    for p in PNAMES:
        for r in REGIONS:
            if o["X"][p][r] > 0:
                rows.append((r, p, fnum(o["P"][(r, p)]), o["PS"][(r, p)]))
    write_csv(os.path.join(DATA_DIR, "base_prices.csv"), ["region", "product", "price_usd_per_unit", "source"], rows)
    # capacities
    write_csv(os.path.join(DATA_DIR, "capacities.csv"), ["region", "product", "capacity", "source"],
              [(r, p, fnum(c), src) for r, p, c, src in o["caps"]])
    # tariffs
    write_csv(os.path.join(DATA_DIR, "tariffs.csv"), ["product", "importer", "exporter", "base_rate", "rate", "source"],
              [(p, i, e, fnum(t), fnum(t), src) for p, i, e, t, src in o["tar"]])
    write_yaml(o)


def elasticity_rows(el):
    def g(sector):
        r = [x for x in el if x["parameter"].startswith("ESUBM") and x["sector_or_mineral"].startswith(sector + " ")]
        assert len(r) == 1, sector
        return float(r[0]["value"])
    gt = "GTAP default ESUBM (%s) [UNVERIFIED]" % F_EL
    om, nf, cr, ee, mv = g("omn"), g("nfm"), g("crp"), g("eeq"), g("mvh")
    return {
        "ni_ore": (om, "%s: omn (other mining) %g" % (gt, om)),
        "co_ore": (om, "%s: omn (other mining) %g" % (gt, om)),
        "li_ore": (om, "%s: omn (other mining) %g" % (gt, om)),
        "graphite_ore": (om, "%s: omn (other mining) %g" % (gt, om)),
        "ni_refined": (nf, "%s: nfm (non-ferrous metals) %g" % (gt, nf)),
        "co_refined": (nf, "%s: nfm (non-ferrous metals) %g" % (gt, nf)),
        "li_refined": (cr, "%s: crp (chemicals) %g; assumption: Li carbonate/hydroxide are HS 28 chemicals" % (gt, cr)),
        "graphite_anode": (cr, "%s: crp (chemicals) %g; assumption: anode graphite (HS 3801/2504 processed) "
                               "mapped to chemicals" % (gt, cr)),
        "cells": (ee, "%s: eeq (electrical equipment) %g; assumption: Li-ion cells (HS 8507) mapped to eeq" % (gt, ee)),
        "ev": (mv, "%s: mvh (motor vehicles) %g; assumption: EVs mapped to mvh" % (gt, mv)),
    }


def write_yaml(o):
    el = elasticity_rows(o["el"])
    L = []
    L.append("# minsim scenario: baseline-2024")
    L.append("#")
    L.append("# Real-data baseline of the battery-mineral supply chain (nickel, cobalt, lithium, graphite ->")
    L.append("# refined products -> Li-ion cells -> electric cars) for Canada, South Korea, the United States,")
    L.append("# China and the rest of the world. Base (calibration) year: 2024.")
    L.append("#")
    L.append("# Built by scripts/baseline/build.py from the reference data set (shared/reference-data:")
    L.append("# USGS MCS 2025 mine output, IEA Critical Minerals Dataset 2025 refined output and demand,")
    L.append("# BatPaC 5.1 intensities, IEA/Adamas/EV Tank battery and EV figures, BNEF prices, trade measures).")
    L.append("# Do not edit the CSVs by hand: rerun the script (it also checks value added >= 0 and mass balance).")
    L.append("# No complete bilateral trade matrix exists: base_trade is ESTIMATED (domestic use first, known")
    L.append("# partial flows fixed, surpluses allocated to deficits by RAS). Method, every assumption and the")
    L.append("# reference files used: Scenarios/data/README.md")
    L.append("format_version: 1")
    L.append("name: baseline-2024")
    L.append("description: " + yq("Observed 2024 base year (calibration point): production, sourcing shares, prices "
                                  "and tariffs in force in 2024, estimated from public data. No shocks."))
    L.append("base_year: 2024")
    L.append("currency: USD")
    L.append("regions:")
    for r in REGIONS:
        L.append("  - {code: %s, name: %s}" % (r, yq(REGION_NAMES[r])))
    L.append("products:")
    for name, stage, unit in PRODUCTS:
        sig, src = el[name]
        L.append("  - name: %s" % name)
        L.append("    stage: %s" % stage)
        L.append("    unit: %s" % unit)
        L.append("    elasticity: %s" % fnum(sig))
        L.append("    source: %s" % yq(src))
    L.append("stages: [%s]" % ", ".join(STAGES))
    for t in ("recipes", "final_demand", "base_trade", "base_prices", "capacities", "tariffs"):
        L.append("%s: {file: data/%s.csv}" % (t, t))
    with open(os.path.join(SCEN_DIR, "baseline-2024.yaml"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(L) + "\n")


# --------------------------------------------------------------------------- checks
def load_committed():
    def rd(n):
        with open(os.path.join(DATA_DIR, n), newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))
    rec = rd("recipes.csv")
    fd = rd("final_demand.csv")
    bt = rd("base_trade.csv")
    bp = rd("base_prices.csv")
    cp = rd("capacities.csv")
    tr = rd("tariffs.csv")
    for name, rows in (("recipes", rec), ("final_demand", fd), ("base_trade", bt), ("base_prices", bp),
                       ("capacities", cp), ("tariffs", tr)):
        for row in rows:
            if not row.get("source", "").strip():
                raise SystemExit("%s: row without source: %r" % (name, row))
    # recipe expansion (region rows replace the product's default recipe in that region)
    b = {r: {p: {} for p in PNAMES} for r in REGIONS}
    default = {p: {} for p in PNAMES}
    specific = {(r, p): {} for r in REGIONS for p in PNAMES}
    for row in rec:
        reg = row["region"].strip()
        if reg in ("", "*"):
            default[row["product"]][row["input"]] = float(row["quantity_per_unit"])
        else:
            specific[(reg, row["product"])][row["input"]] = float(row["quantity_per_unit"])
    for r in REGIONS:
        for p in PNAMES:
            b[r][p] = dict(specific[(r, p)]) if specific[(r, p)] else dict(default[p])
    D = {p: {r: 0.0 for r in REGIONS} for p in PNAMES}
    for row in fd:
        D[row["product"]][row["region"]] += float(row["quantity"])
    T = {p: {} for p in PNAMES}
    for row in bt:
        T[row["product"]][(row["exporter"], row["importer"])] = float(row["quantity"])
    P = {(row["region"], row["product"]): float(row["price_usd_per_unit"]) for row in bp}
    K = {(row["region"], row["product"]): float(row["capacity"]) for row in cp}
    tau = {(row["product"], row["importer"], row["exporter"]): float(row["base_rate"]) for row in tr}
    return b, D, T, P, K, tau


def run_checks(b, D, T, P, K, tau, X_src=None):
    ok = True
    Xo = {p: {s: sum(T[p].get((s, r), 0.0) for r in REGIONS) for s in REGIONS} for p in PNAMES}
    rows_ = {p: {r: sum(T[p].get((s, r), 0.0) for s in REGIONS) for r in REGIONS} for p in PNAMES}
    active = {(s, p) for p in PNAMES for s in REGIONS if Xo[p][s] > 0}

    print("== (d) mass balance: base_trade row sums vs use, column sums vs output ==")
    print("%-15s %-4s %16s %16s %16s %10s" % ("product", "reg", "output(col)", "use(row)", "use(model)", "rel.err"))
    for p in PNAMES:
        for r in REGIONS:
            use = sum(b[r][pp].get(p, 0.0) * Xo[pp][r] for pp in PNAMES) + D[p][r]
            err = abs(rows_[p][r] - use) / max(use, rows_[p][r], 1e-12)
            flag = ""
            if err > TOL and max(use, rows_[p][r]) > 1e-9:
                ok = False
                flag = "  <-- MISMATCH"
            if X_src is not None:
                e2 = abs(Xo[p][r] - X_src[p][r]) / max(X_src[p][r], Xo[p][r], 1e-12)
                if e2 > TOL and max(X_src[p][r], Xo[p][r]) > 1e-9:
                    ok = False
                    flag += "  <-- OUTPUT != SOURCE %g" % X_src[p][r]
            print("%-15s %-4s %16.6g %16.6g %16.6g %10.2e%s" % (p, r, Xo[p][r], rows_[p][r], use, err, flag))
    for p in PNAMES:
        for k, q in T[p].items():
            if q < 0:
                ok = False
                print("NEGATIVE trade", p, k, q)

    print("\n== (b) every user has a supplier ==")
    nb = 0
    for p in PNAMES:
        for r in REGIONS:
            uses = D[p][r] > 0 or any(b[r][pp].get(p, 0.0) > 0 for pp in PNAMES if (r, pp) in active)
            if uses and rows_[p][r] <= 0:
                ok = False
                nb += 1
                print("NO SUPPLIER:", r, p)
    print("ok" if nb == 0 else "%d failures" % nb)

    print("\n== (c) every exporter has a base price ==")
    nc = 0
    for (s, p) in sorted(active, key=lambda x: (PNAMES.index(x[1]), REGIONS.index(x[0]))):
        if (s, p) not in P or P[(s, p)] <= 0:
            ok = False
            nc += 1
            print("NO PRICE:", s, p)
    print("ok (%d active nodes)" % len(active) if nc == 0 else "%d failures" % nc)

    print("\n== capacity >= base output ==")
    for (r, p), k in sorted(K.items()):
        st = "ok" if k >= Xo[p][r] * (1 - 1e-12) else "VIOLATION"
        if st != "ok":
            ok = False
        print("%-4s %-15s capacity %12.6g output %12.6g  %s" % (r, p, k, Xo[p][r], st))

    print("\n== (a) value added per unit v = P0 - sum_q b * sum_s S0 * P0[s] * (1+tau0) ==")
    print("%-4s %-15s %14s %14s %14s %8s" % ("reg", "product", "P0", "input cost", "v", "v/P0"))
    na = 0
    for p in PNAMES:
        for r in REGIONS:
            if (r, p) not in active:
                continue
            cost = 0.0
            for q, coef in b[r][p].items():
                if coef == 0:
                    continue
                tot = rows_[q][r]
                if tot <= 0:
                    ok = False
                    print("NO SOURCING for input", q, "of", r, p)
                    continue
                for s in REGIONS:
                    f = T[q].get((s, r), 0.0)
                    if f > 0:
                        cost += coef * (f / tot) * P[(s, q)] * (1 + tau.get((q, r, s), 0.0))
            v = P[(r, p)] - cost
            flag = ""
            if v < 0:
                ok = False
                na += 1
                flag = "  <-- NEGATIVE"
            print("%-4s %-15s %14.6g %14.6g %14.6g %8.3f%s" % (r, p, P[(r, p)], cost, v, v / P[(r, p)], flag))
    print("ok" if na == 0 else "%d negative" % na)

    print("\n== sourcing shares of selected products (importer: exporter share) ==")
    for p in ("li_refined", "cells", "ev"):
        for r in REGIONS:
            tot = rows_[p][r]
            if tot > 0:
                print("%-12s %-4s " % (p, r) + "  ".join("%s %.3f" % (s, T[p].get((s, r), 0.0) / tot) for s in REGIONS))
    print("\nRESULT:", "ALL CHECKS PASSED" if ok else "CHECKS FAILED")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", default=DEFAULT_REF, help="reference-data folder (default: %(default)s)")
    ap.add_argument("--check", action="store_true", help="only run the checks on the committed CSVs")
    a = ap.parse_args()
    if a.check:
        ok = run_checks(*load_committed())
        sys.exit(0 if ok else 1)
    ref = os.path.abspath(a.ref)
    if not os.path.isdir(ref):
        raise SystemExit("reference data not found: %s" % ref)
    o = build(ref)
    write_all(o)
    s = o["srcs"]
    print("wrote Scenarios/baseline-2024.yaml and Scenarios/data/*.csv from", ref)
    print("\n== derived parameters ==")
    print("ore->refined coefficients:", {m: round(v, 5) for m, v in s["ore_coef"].items()})
    print("LFP shares:", {k: round(v, 4) for k, v in s["lfp"].items()}, "non-LFP:", s["nonlfp"])
    print("kWh per EV:", {k: round(v, 3) for k, v in s["kwh"].items()})
    print("cell intensities t/GWh:", {k: {m: round(x, 2) for m, x in v.items()} for k, v in s["cint"].items()})
    print("\n== cross-check: modelled battery use vs IEA 2024 EV + grid demand (t) ==")
    for m in MINERALS:
        tot, evd, grid = s["iea_dem"][m]
        bu = sum(s["bat_use"][m].values())
        print("%-9s modelled cell use %10.0f  IEA EV+grid %10.0f  ratio %.3f  | world FD (non-battery + stock) %10.0f"
              % (m, bu, evd + grid, bu / (evd + grid), s["fd_world"][m]))
    evw = sum(s["ev_cells_use"].values())
    print("EV cell use %.1f GWh (IEA EV battery demand 950; Adamas EVs sold 864); total cell use %.1f GWh "
          "(EV Tank shipments %g)" % (evw, sum(s["U_cells"].values()), s["evtank"][0]))
    print()
    # re-read what was written and check it (so the check covers the committed files exactly)
    ok = run_checks(*load_committed(), X_src=o["X"])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
