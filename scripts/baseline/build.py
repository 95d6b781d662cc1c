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
    (e) every published corridor flow (Scenarios/data/corridors.csv) is reproduced exactly by
        base_trade, and the corridor / data-quality tables in the READMEs are current.

It also writes Scenarios/data/corridors.csv (the published import sources behind the fixed
base_trade cells) and the tables between the <!-- corridors --> and <!-- data-quality -->
markers of Scenarios/data/README.md and README.md.

Usage:
    python3 scripts/baseline/build.py [--ref PATH]     # build + check
    python3 scripts/baseline/build.py --check          # only check the committed CSVs (run by scripts/test)

Python 3 standard library only. The method and every assumption are documented in
Scenarios/data/README.md.
"""

import argparse
import csv
import io
import os
import sys

import trade

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
F_IMP = "reference-data/import_sources.csv"
F_CU = "reference-data/capacity_utilisation.csv"
F_PUB = "scripts/baseline/published.csv"
PUBLISHED = os.path.join(REPO, "scripts", "baseline", "published.csv")
CORRIDORS = os.path.join(DATA_DIR, "corridors.csv")
README = os.path.join(REPO, "README.md")
DATA_README = os.path.join(DATA_DIR, "README.md")
UNITS = {p[0]: p[2] for p in PRODUCTS}

TOL = 1e-6  # relative tolerance of the balance checks
LCE = 5.323  # t Li2CO3 per t Li (baseline.md section 5)


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
    imps = read_csv(ref, "import_sources.csv")
    cutil = read_csv(ref, "capacity_utilisation.csv")
    plants = read_csv(ref, "battery_plants.csv")
    with open(PUBLISHED, newline="", encoding="utf-8") as fh:
        pub = {row["id"]: row for row in csv.DictReader(fh)}

    def pv(key):
        return num(pub[key]["value"])

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
    # Korea's EV imports (KAMA's domestic sales include them): the Teslas sold in Jan-Nov 2024, all
    # Shanghai-built, are China's part; MOTIE/KITA's Jan-Jul 2024 BEV import values give the rest
    # (assumption: equal unit values across origins, so value shares = unit shares).
    kr_v = {k: pv("kita_kr_bev_imports_" + k) for k in ("total", "cn", "de", "us", "gb")}
    kr_ev_imports = pv("tesla_kr_sales_jan_nov") * kr_v["total"] / kr_v["cn"]
    X["ev"]["CN"] = ev_cn + cn_exp
    X["ev"]["KR"] = ev_kr_exp + ev_kr - kr_ev_imports
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
    # US Li-ion import VALUE shares 2024 converted to GWh shares with the base cell prices as unit
    # values (China's pack price below the global average, so China's GWh share is above its value
    # share). Korea's output = its own use + its sales to the US (in-Korea output not captured).
    pack = {"CN": num(pick(p2, basis="China average (BNEF)", year="2024")["value"]),
            "other": num(pick(p2, product="Li-ion battery pack (all uses)", year="2024")["value"])}
    cell_val = {k: num(pick(imps, product="cells", importer="US", exporter=k, year="2024")["share"])
                for k in ("CN", "KR", "ROW:JP", "ROW:HU", "CA")}
    cell_val["other"] = 1.0 - sum(cell_val.values())
    cell_gwh = {k: v / (pack["CN"] if k == "CN" else pack["other"]) for k, v in cell_val.items()}
    cell_us_sh = {k: v / sum(cell_gwh.values()) for k, v in cell_gwh.items()}
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
    # Regional non-battery use of refined Ni and Co where a published consumption figure exists:
    # US = USGS apparent consumption less the model's US cell use (the US has no primary refinery,
    # so its use is its imports); CA = NRCan's last published Canadian use. The rest of the world's
    # non-battery use is split over the other regions by refined output, as before.
    fd_fixed = {  # (refined product, region) -> (t, source)
        ("ni_refined", "US"): (max(0.0, pv("usgs_ni_us_apparent_primary") - bat_use["ni"]["US"]),
                               "[DERIVED] USGS apparent primary nickel consumption 2024 %.0f t (%s: %s) minus the "
                               "model's US cell use %.0f t; assumption: the model's US ni_refined market is USGS's "
                               "primary-nickel market, its cell plants' nickel (in reality mostly in imported cathode) "
                               "taken out of it" % (pv("usgs_ni_us_apparent_primary"), F_PUB,
                                                     pub["usgs_ni_us_apparent_primary"]["source"][:80],
                                                     bat_use["ni"]["US"])),
        ("co_refined", "US"): (max(0.0, pv("usgs_co_us_apparent") - bat_use["co"]["US"]),
                               "[DERIVED] USGS apparent consumption of refined cobalt 2024 %.0f t (%s) minus the "
                               "model's US cell use %.0f t, floored at 0: the model's US cell use already exceeds "
                               "USGS's figure (cell cobalt arrives mostly in imported cathode)"
                               % (pv("usgs_co_us_apparent"), F_PUB, bat_use["co"]["US"])),
        ("ni_refined", "CA"): (pv("nrcan_ca_ni_use"),
                               "Canadian use of primary nickel %.0f t, NRCan Canadian Minerals Yearbook 2009 (%s); "
                               "assumption: the last published figure (2009) held for 2024" % (pv("nrcan_ca_ni_use"), F_PUB)),
        ("co_refined", "CA"): (pv("nrcan_ca_co_use"),
                               "Canadian reported cobalt usage %.0f t, NRCan Canadian Minerals Yearbook 2006 (%s); "
                               "assumption: the last published figure (2006) held for 2024" % (pv("nrcan_ca_co_use"), F_PUB)),
    }
    fd_world = {}
    for m in MINERALS:
        p = REF[m]
        fd_world[m] = world_ref[m] - sum(bat_use[m].values())
        assert fd_world[m] > 0, m
        fixed_r = {r: fd_fixed[(p, r)][0] for r in REGIONS if (p, r) in fd_fixed}
        rest = fd_world[m] - sum(fixed_r.values())
        assert rest > 0, m
        out_rest = sum(X[p][r] for r in REGIONS if r not in fixed_r)
        for r in REGIONS:
            D[p][r] = fixed_r[r] if r in fixed_r else rest * X[p][r] / out_rest

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
                    "KR": "assumption: in-Korea output not captured; = Korean use + KR->US flow from the US import "
                          "value share (Scenarios/data/corridors.csv)",
                    "ROW": "assumption: balancing item = world modelled use minus CA, KR, US, CN (absorbs the gap to "
                           "EV Tank world shipments 1545 GWh)"}[r]
        return {"CN": "[DERIVED] IEA 2024 CN EV sales 11.0 M (%s) + CAAM NEV exports 1.28 M (%s) [SECONDARY]; "
                      "CAAM production 12.89 M incl. commercial vehicles not used" % (F_EVS, F_EVP),
                "US": "assumption: 2024 not captured; IEA 2023 US EV production 1.2 M held (%s)" % F_EVP,
                "KR": "[DERIVED] KAMA 2024 EV exports 254k + domestic sales 147k (%s) [SECONDARY] - imports %.0f "
                      "(Teslas sold Jan-Nov 2024 / China's value share of BEV imports, %s) [SECONDARY]"
                      % (F_EVP, kr_ev_imports, F_PUB),
                "CA": "assumption: 0, no production count found (only BrightDrop vans) (%s)" % F_EVP,
                "ROW": "assumption: balancing item = world sales 17.3 M minus CA, KR, US, CN output"}[r]

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

    # ---------------------------------------------------------------- corridors: published import sources
    # Each corridor is one importer's published sourcing of one product (Scenarios/data/README.md,
    # "base_trade.csv"); trade.estimate() fixes those flows exactly and estimates the rest.
    LIOH_LI = 6.941 / (6.941 + 15.999 + 1.008 + 18.015)   # LiOH.H2O
    Entry, Corridor = trade.Entry, trade.Corridor

    def imp_row(p, importer, exporter, year):
        return pick(imps, product=p, importer=importer, exporter=exporter, year=year)

    def imp_share(p, importer, exporter, year):
        return num(imp_row(p, importer, exporter, year)["share"])

    def usgs_corridor(p, partners_by_region, other, basis, listed_as=None):
        """USGS MCS 2026 import sources (2021-24 average, share of US imports) for product p (listed
        under listed_as in import_sources.csv when that differs)."""
        y = "2021-2024"
        q = listed_as or p
        entries = []
        for region, codes in partners_by_region:
            rows = [imp_row(q, "US", c, y) for c in codes]
            entries.append(Entry(region, ", ".join(c.split(":")[-1] for c in codes), sum(num(r["share"]) for r in rows),
                                 True, basis + " [2021-24 AVERAGE]", rows[0]["source"] + " (" + F_IMP + ")",
                                 "2021-24 average"))
        rest = imp_share(q, "US", "ROW", y)
        assert abs(1.0 - sum(e.share for e in entries) - rest) < 1e-12, (p, "USGS 'other' share changed")
        return Corridor(p, "US", entries, "2021-24 average",
                        remainder_basis="USGS 'other' %.0f%% of US imports" % (100 * rest),
                        remainder_source=imp_row(q, "US", "ROW", y)["source"] + " (" + F_IMP + ")", exclude=other)

    cors = {p: [] for p in PNAMES}
    cors["ni_refined"].append(usgs_corridor(
        "ni_refined", [("CA", ["CA"]), ("ROW", ["ROW:NO", "ROW:AU", "ROW:BR"])], (),
        "share of US imports of primary nickel (USGS states no value or tonnage basis; taken as tonnage)"))
    cors["co_refined"].append(usgs_corridor(
        "co_refined", [("CA", ["CA"]), ("ROW", ["ROW:NO", "ROW:FI", "ROW:JP"])], (),
        "share of US imports of cobalt metal, oxide and salts (taken as tonnage of Co)"))
    cors["li_refined"].append(usgs_corridor(
        "li_refined", [("ROW", ["ROW:CL", "ROW:AR"])], (),
        "share of US lithium imports, mainly carbonate and hydroxide (taken as tonnage of Li); the model's US use "
        "also holds the Li of its cell plants, which arrives mostly in imported cathode"))
    cors["graphite_ore"].append(usgs_corridor(
        "graphite_ore", [("CN", ["CN"]), ("CA", ["CA"]), ("ROW", ["ROW:MZ", "ROW:MX"])], (),
        "share of US natural-graphite imports, all forms, HS 2504 (taken as tonnage); the model's US graphite_ore "
        "use is only the feed of its 1.1 kt anode output", listed_as="graphite_anode"))

    # cells -> US: value shares 2024 -> GWh with the base cell prices as unit values
    cs_src = imp_row("cells", "US", "CN", "2024")["source"] + " (" + F_IMP + ")"
    cv = ("value share %.1f%% of US Li-ion imports (HS 850760) 2024 -> %.2f%% of GWh at the base cell prices as unit "
          "values (CN %g, others %g USD/kWh pack x 0.78, Scenarios/data/base_prices.csv)")
    unitv = lambda k: pack["CN"] if k == "CN" else pack["other"]
    cors["cells"].append(Corridor("cells", "US", [
        Entry("CN", "CN", cell_us_sh["CN"], True, cv % (100 * cell_val["CN"], 100 * cell_us_sh["CN"], unitv("CN"),
                                                          pack["other"]), cs_src, "2024"),
        Entry("KR", "KR", cell_us_sh["KR"], True, cv % (100 * cell_val["KR"], 100 * cell_us_sh["KR"], pack["CN"],
                                                          pack["other"]), cs_src, "2024"),
        Entry("ROW", "JP, HU", cell_us_sh["ROW:JP"] + cell_us_sh["ROW:HU"], True,
              cv % (100 * (cell_val["ROW:JP"] + cell_val["ROW:HU"]), 100 * (cell_us_sh["ROW:JP"] + cell_us_sh["ROW:HU"]),
                    pack["CN"], pack["other"]), cs_src, "2024"),
        Entry("ROW", "other", cell_us_sh["other"], True,
              "[DERIVED] the complement of the named partners (CN, KR, CA, JP, HU), so outside the named model regions: "
              + cv % (100 * cell_val["other"], 100 * cell_us_sh["other"], pack["CN"], pack["other"]), cs_src, "2024"),
        Entry("ROW", "CA (as ROW)", cell_us_sh["CA"], False,
              "assumption: Canada's %.1f%% of the value is taken as ROW: the model's Canada made no cells in 2024 "
              "(NextStar made modules from Oct 2024, cells from 2025, %s)" % (100 * cell_val["CA"], F_PLANT),
              cs_src, "2024")], "2024",
        checks=[{"exporter": k, "partners": k.split(":")[-1], "share": v, "period": "2024 Q1",
                 "basis": "share of US Li-ion import tonnage, Q1 2024 (not used: one quarter; the full-year value "
                          "shares are used)",
                 "source": imp_row("cells", "US", e, "2024 (Q1)")["source"] + " (" + F_IMP + ")"}
                for k, v, e in (("CN", 0.845, "CN"), ("KR", 0.047, "KR"), ("ROW", 0.028, "ROW:JP"))]))

    # ev -> US: BEV import values 2024 (MX, DE) and KAMA's Korean units -> vehicle shares
    mx, de = (imp_row("ev", "US", "ROW:MX", "2024"), imp_row("ev", "US", "ROW:DE", "2024"))
    assert "US total USD 23.02 bn" in mx["note"]
    kama = imp_row("ev", "US", "KR", "2024")
    assert "92,049 Korean-built EVs exported to the US in 2024" in kama["note"]
    us_bev_usd, kr_us_units = 23.02e9, 92049.0
    uv_row, uv_kr = P[("ROW", "ev")], P[("KR", "ev")]
    ev_units = {"MX": num(mx["share"]) * us_bev_usd / uv_row, "DE": num(de["share"]) * us_bev_usd / uv_row,
                "KR": kr_us_units}
    ev_units["other"] = (us_bev_usd - sum(v * (uv_kr if k == "KR" else uv_row) for k, v in ev_units.items())) / uv_row
    ev_tot = sum(ev_units.values())
    uvt = "unit values = base EV prices (ROW %.0f, KR %.0f USD, Scenarios/data/base_prices.csv)" % (uv_row, uv_kr)
    cors["ev"].append(Corridor("ev", "US", [
        Entry("KR", "KR", ev_units["KR"] / ev_tot, True,
              "[DERIVED] KAMA: 92,049 Korean-built EVs exported to the US in 2024, over the US BEV imports in vehicles "
              "(value USD 23.02 bn at %s)" % uvt, kama["source"] + " (" + F_IMP + ")", "2024"),
        Entry("ROW", "MX, DE", (ev_units["MX"] + ev_units["DE"]) / ev_tot, True,
              "[DERIVED] value shares MX %.1f%% + DE %.1f%% of US BEV imports (HS 870380) 2024 -> vehicles at %s"
              % (100 * num(mx["share"]), 100 * num(de["share"]), uvt), mx["source"] + " (" + F_IMP + ")", "2024"),
        Entry("ROW", "other (JP, ...)", ev_units["other"] / ev_tot, False,
              "assumption: the rest of the US BEV import value (JP and others, %.1f%%) is ROW at the ROW unit value; "
              "China 0 (not among the named sources; Section 301 25%% -> 100%% from 2024-09-27)"
              % (100 * ev_units["other"] * uv_row / us_bev_usd), mx["source"] + " (" + F_IMP + ")", "2024")], "2024",
        checks=[{"exporter": "KR", "partners": "KR", "share": imp_share("ev", "US", "KR", "2023"), "period": "2023",
                 "basis": "KIET: Korea's share of US EV imports 2023 (value)",
                 "source": imp_row("ev", "US", "KR", "2023")["source"] + " (" + F_IMP + ")"}]))

    # ev -> CA: Statistics Canada import values 2023 (The Hub) + KIET's Korean share -> total
    hub = {k: pick(imps, product="ev", importer="CA", exporter=k, year="2023", measure="import value CAD (value in note)")
           for k in ("US", "CN", "KR", "ROW:DE")}
    for k, txt in (("US", "CAD 2.7 bn in 2023"), ("CN", "CAD 2.2 bn in 2023"), ("KR", "CAD 1.2 bn in 2023"),
                   ("ROW:DE", "CAD 820 m in 2023")):
        assert txt in hub[k]["note"], k
    ca_cad = {"US": 2.7e9, "CN": 2.2e9, "KR": 1.2e9, "DE": 0.82e9}
    kiet_ca = pick(imps, product="ev", importer="CA", exporter="KR", year="2023", measure="share of Canada's EV imports")
    ca_total = ca_cad["KR"] / num(kiet_ca["share"])
    ca_uv = ca_cad["CN"] / pv("vfpa_ca_cars_from_cn")
    hub_src = hub["US"]["source"] + " (" + F_IMP + ")"
    equal_uv = ("assumption: equal unit values across origins, so value shares = vehicle shares (Chinese-made imports "
                "were mostly Tesla Model 3/Y, like the US-built; CAD %.0f per vehicle from China = CAD 2.2 bn / %s cars "
                "from China at the Port of Vancouver, %s); total CAD %.2f bn = Korea's CAD 1.2 bn / KIET's 14.09%%"
                % (ca_uv, "%.0f" % pv("vfpa_ca_cars_from_cn"), F_PUB, ca_total / 1e9))
    cors["ev"].append(Corridor("ev", "CA", [
        Entry("US", "US", ca_cad["US"] / ca_total, True, "[DERIVED] CAD 2.7 bn of passenger EVs from the US, 2023; "
              + equal_uv, hub_src, "2023"),
        Entry("CN", "CN", ca_cad["CN"] / ca_total, True, "[DERIVED] CAD 2.2 bn from China, 2023; " + equal_uv,
              hub_src, "2023"),
        Entry("KR", "KR", num(kiet_ca["share"]), True, "KIET: Korea's share of Canada's EV imports 2023 (CAD 1.2 bn)",
              kiet_ca["source"] + " (" + F_IMP + ")", "2023"),
        Entry("ROW", "DE", ca_cad["DE"] / ca_total, True, "[DERIVED] CAD 820 m from Germany, 2023; " + equal_uv,
              hub_src, "2023"),
        Entry("ROW", "other", 1 - sum(ca_cad.values()) / ca_total, True,
              "[DERIVED] the complement of the named partners (US, CN, KR, DE), so outside the model regions; "
              + equal_uv, hub_src, "2023")], "2023",
        checks=[{"exporter": r.split(":")[0], "partners": r.split(":")[-1], "share": imp_share("ev", "CA", r, "2024"),
                 "period": "2024 (fleet)", "basis": "share of BC's registered BEV fleet of model years >= 2022 by "
                 "country of manufacture (a proxy, not trade data)",
                 "source": imp_row("ev", "CA", r, "2024")["source"] + " (" + F_IMP + ")"}
                for r in ("US", "CN", "KR", "ROW:DE")]))

    # ev -> KR: Tesla's Jan-Nov 2024 Korean sales (Shanghai-built) + MOTIE/KITA Jan-Jul BEV import values
    kr_src = pub["kita_kr_bev_imports_total"]["source"] + " (" + F_PUB + ")"
    kr_uv = ("assumption: equal unit values, so value shares = vehicle shares; imports = %s Teslas (Jan-Nov 2024, "
             "Shanghai-built, %s) / China's %.1f%% value share = %s vehicles"
             % ("%.0f" % pv("tesla_kr_sales_jan_nov"), F_PUB, 100 * kr_v["cn"] / kr_v["total"], "%.0f" % kr_ev_imports))
    cors["ev"].append(Corridor("ev", "KR", [
        Entry("CN", "CN", kr_v["cn"] / kr_v["total"], True, "value share of Korea's BEV imports Jan-Jul 2024 "
              "(incl. Chinese buses and trucks); " + kr_uv, kr_src, "2024 (Jan-Jul)"),
        Entry("US", "US", kr_v["us"] / kr_v["total"], True, "value share, Jan-Jul 2024; " + kr_uv, kr_src,
              "2024 (Jan-Jul)"),
        Entry("ROW", "DE, GB", (kr_v["de"] + kr_v["gb"]) / kr_v["total"], True, "value shares, Jan-Jul 2024; " + kr_uv,
              kr_src, "2024 (Jan-Jul)"),
        Entry("ROW", "other", 1 - (kr_v["cn"] + kr_v["us"] + kr_v["de"] + kr_v["gb"]) / kr_v["total"], True,
              "[DERIVED] the complement of the named partners; assumption: outside the model regions; " + kr_uv,
              kr_src, "2024 (Jan-Jul)")], "2024 (Jan-Jul)", total=kr_ev_imports))

    # li_refined -> KR: Korean customs tonnes 2024 (Argus), converted to Li
    def tfq(hs, partner, year="2024", reporter="KR"):
        return num(pick(tf, hs_code=hs, reporter=reporter, partner=partner, year=year, flow="import")["tonnes"])

    kr_li = {
        "CN": tfq("282520", "CN") * LIOH_LI + tfq("283691", "CN") / LCE,
        "ROW": (tfq("282520", "ROW:CL") + tfq("282520", "ROW:AU")) * LIOH_LI
        + (tfq("283691", "ROW:CL") + tfq("283691", "ROW:AR")) / LCE,
        "US": tfq("282520", "US") * LIOH_LI,
    }
    kr_li_tot = sum(kr_li.values())
    li_src = pick(imps, product="li_refined", importer="KR", exporter="CN", year="2024", tonnes="83863")["source"] + " (" + F_TF + ", " + F_IMP + ")"
    li_b = ("Korean customs tonnes 2024, LiOH (HS 282520) x %.4f t Li/t (assumption: monohydrate) + Li2CO3 "
            "(HS 283691) / 5.323" % LIOH_LI)
    cors["li_refined"].append(Corridor("li_refined", "KR", [
        Entry("CN", "CN", kr_li["CN"] / kr_li_tot, True, li_b, li_src, "2024"),
        Entry("ROW", "CL, AU, AR", kr_li["ROW"] / kr_li_tot, True, li_b, li_src, "2024"),
        Entry("ROW", "US (as ROW)", kr_li["US"] / kr_li_tot, False,
              "assumption: the 2,122 t LiOH from the US are taken as ROW: IEA reports US refined Li inside its Rest "
              "of world, so the model's US has no li_refined output; " + li_b, li_src, "2024")], "2024"))

    # co_refined -> KR: KITA 2022 value share of Co oxide/hydroxide imports
    kr_co = pick(tf, hs_code="282200/8105", reporter="KR", partner="CN", year="2022")
    kr_co_sh = num(kr_co["usd"]) / num(pick(tf, hs_code="282200/8105", reporter="KR", partner="WORLD", year="2022")["usd"])
    cors["co_refined"].append(Corridor("co_refined", "KR", [
        Entry("CN", "CN", kr_co_sh, True, "value share of Korea's cobalt oxide/hydroxide imports (HS 2822) 2022 "
              "[2022] (taken as tonnage: one cobalt price in the model)", kr_co["source"] + " (" + F_TF + ")",
              "2022")], "2022", remainder_basis="non-Chinese suppliers (KITA: CN %.1f%%, rest not itemised)"
        % (100 * kr_co_sh), remainder_source=kr_co["source"] + " (" + F_TF + ")"))

    # graphite_anode -> KR: MOTIE 2022 share of battery graphite imports
    kr_gr = pick(imps, product="graphite_anode", importer="KR", exporter="CN", year="2022", measure="share of imports")
    cors["graphite_anode"].append(Corridor("graphite_anode", "KR", [
        Entry("CN", "CN", num(kr_gr["share"]), True, "share of Korea's imports of synthetic + natural graphite for "
              "batteries 2022 [2022] (volume per Hans India, value per Fastmarkets; taken as tonnage)",
              kr_gr["source"] + " (" + F_IMP + ")", "2022")], "2022",
        remainder_basis="non-Chinese suppliers (Japan and others); the US is excluded: its 1.1 kt anode output is "
                        "far below its own use", remainder_source=kr_gr["source"] + " (" + F_IMP + ")",
        exclude=("US",)))

    # published, not imposed: US anode imports (no 2024 split by origin found)
    anode25 = {k: imp_row("graphite_anode", "US", k, "2025 (Jan–Aug)") for k in ("CN", "ROW:ID", "KR")}
    cn_us_anode = pub["uscommerce_cn_us_anode"]
    check_only = {"graphite_anode": [Corridor("graphite_anode", "US", [], "2025", checks=[
        {"exporter": "CN" if k == "CN" else ("KR" if k == "KR" else "ROW"), "partners": k.split(":")[-1],
         "share": num(v["share"]), "period": "2025 (Jan-Aug)",
         "basis": "share of US imports of graphite anode material, Jan-Aug 2025 (outside the base year: not used)",
         "source": v["source"] + " (" + F_IMP + ")"} for k, v in anode25.items()] + [
        {"exporter": "CN", "partners": "CN", "share": "", "period": "2023",
         "basis": "China's exports of active anode material to the US: %s t in 2023 (no US 2024 total by origin "
                  "found: not used)" % fnum(num(cn_us_anode["value"])), "source": cn_us_anode["source"] + " (" + F_PUB + ")"}])]}

    # ---------------------------------------------------------------- trade matrix estimation
    T, TS, ALLOC = {}, {}, {}
    for p in PNAMES:
        F, alloc = trade.estimate(p, X[p], U[p], cors[p])
        T[p], ALLOC[p] = F, alloc
        for s in REGIONS:
            for r in REGIONS:
                entries = alloc.get((s, r))
                if entries:
                    parts = []
                    for e in entries:
                        txt = ("%s%s %.4g%% of %s's imports (%s, %s): %s (%s)"
                               % ("observed: " if e.observed else "estimated: ", e.partners, 100 * e.share, r,
                                  e.period, "Scenarios/data/corridors.csv", e.basis, e.source))
                        parts.append(txt)
                    TS[(p, s, r)] = " | ".join(parts)
                elif s == r:
                    TS[(p, s, r)] = ("assumption: domestic supply = min(output, use) after fixed flows; output: "
                                     + out_src(p, s))
                elif F[(s, r)] > 0:
                    TS[(p, s, r)] = ("assumption: exporter surplus allocated to importer deficits in proportion "
                                     "(RAS) after the published corridors are fixed (Scenarios/data/corridors.csv)")
                else:
                    TS[(p, s, r)] = ("assumption: no flow (exporter has no surplus, importer no deficit, "
                                     "or the importer's sourcing is fixed by a published corridor)")
    for p, lst in check_only.items():
        cors[p] += lst

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
    # Base capacity where a published capacity or utilisation exists (the base year's spare capacity);
    # every other node has no row (no limit in this scenario; the yearly paths hold it at its output).
    caps = []
    cap_w = num(pick(cellc, region="WORLD", metric="Li-ion battery manufacturing capacity", year="2024")["value"])
    cn_capsh = num(pick(cellc, region="CN", metric="Share of global battery cell production capacity", year="2023")["value"]) / 100
    caps.append(("CN", "cells", cap_w * cn_capsh,
                 "IEA world Li-ion manufacturing capacity 2024 %g GWh x China share of cell capacity %g%% (2023, IEA GEVO "
                 "2024) (%s) [SECONDARY][DERIVED]; utilisation %.1f%% (China-made shipments %g GWh, EV Tank; MIIT output "
                 "1,170 GWh, %s)" % (cap_w, 100 * cn_capsh, F_CELL, 100 * X["cells"]["CN"] / (cap_w * cn_capsh),
                                     X["cells"]["CN"], F_CU)))
    kr_util = [num(pick_contains(cutil, "note", maker, product="cells", region="KR", year="2024")["utilisation"])
               for maker in ("LG Energy Solution", "SK On")]
    kr_u = sum(kr_util) / len(kr_util)
    kr_cap = X["cells"]["KR"] / kr_u
    caps.append(("KR", "cells", kr_cap,
                 "[DERIVED] Korean cell output %.4g GWh / utilisation %.1f%%; assumption: in-Korea plants run at the mean "
                 "of the 2024 company-wide rates LG Energy Solution %.1f%% and SK On %.1f%% (%s) [SECONDARY] (in-Korea "
                 "capacity not found)" % (X["cells"]["KR"], 100 * kr_u, 100 * kr_util[0], 100 * kr_util[1], F_CU)))
    from build_paths import PLANT_ONLINE  # the online years of the plants behind the US cell projects
    us_2024 = [r for r in plants if r["country"] == "US" and r["plant"] in PLANT_ONLINE
               and PLANT_ONLINE[r["plant"]][0] <= 2024]
    us_cap = sum(num(r["capacity_gwh"].split()[0]) for r in us_2024)
    row_cap = cap_w * (1 - cn_capsh) - us_cap - kr_cap
    caps.append(("ROW", "cells", row_cap,
                 "[DERIVED] IEA world capacity %g GWh x (1 - China's %g%%) (%s) [SECONDARY] - the US plants operating "
                 "in 2024 %g GWh (%s; given to the US node by Scenarios/data/years/capacity_projects.csv, a lower "
                 "bound) - Korea %.4g GWh; utilisation %.1f%%" % (cap_w, 100 * cn_capsh, F_CELL, us_cap,
                                                                   ", ".join(r["plant"] for r in us_2024) + ", " + F_PLANT,
                                                                   kr_cap, 100 * X["cells"]["ROW"] / row_cap)))
    an = pick(cutil, product="graphite_anode", region="CN", year="2024", capacity="3500000")
    an_u = num(an["production"]) / num(an["capacity"])
    caps.append(("CN", "graphite_anode", X["graphite_anode"]["CN"] / an_u,
                 "[DERIVED] IEA battery-grade output %.0f t / utilisation %.1f%% = China's anode capacity %s t against "
                 "%s t made in 2024 (ICC Sino via The Metalnomist, %s) [SECONDARY]; the published utilisation, not the "
                 "capacity, is kept (IEA and ICC Sino count output differently)"
                 % (X["graphite_anode"]["CN"], 100 * an_u, an["capacity"], an["production"], F_CU)))
    li_cap = num(pick(cutil, product="li_refined", region="CN", year="2024", capacity="1610000")["capacity"])
    li_out = num(pick(cutil, product="li_refined", region="CN", year="2024", production="670000")["production"])
    li_u = li_out / li_cap
    caps.append(("CN", "li_refined", X["li_refined"]["CN"] / li_u,
                 "[DERIVED] IEA refined output %.0f t Li / utilisation %.1f%% = battery-grade Li2CO3 output %s t (MIIT) "
                 "against Li2CO3 capacity %s t, all grades (Mysteel), end-2024 (%s) [SECONDARY]; assumption: LiOH plants "
                 "(capacity not found) run at the same rate" % (X["li_refined"]["CN"], 100 * li_u, "%.0f" % li_out,
                                                                  "%.0f" % li_cap, F_CU)))
    co_caps = [r for r in cutil if r["product"] == "co_refined" and r["year"] == "2023" and r["capacity"]]
    ca_co = [num(r["capacity"]) for r in co_caps if r["region"] == "CA"][0]
    lh_co = num(pick(rcap, facility="Long Harbour processing plant (NL)", product="cobalt")["capacity"])
    fs_co = num(pick(rcap, facility="Fort Saskatchewan refinery (AB)", product="cobalt")["capacity"])
    assert lh_co + fs_co <= ca_co
    caps.append(("CA", "co_refined", ca_co,
                 "Canada's cobalt refinery capacity 2023, %.0f t Co (ReportLinker dataset, underlying source not named, %s) "
                 "[SECONDARY]; the captured plants alone (Long Harbour design %g + Fort Saskatchewan 2019 output %g t "
                 "Co, %s) are a lower bound" % (ca_co, F_CU, lh_co, fs_co, F_RCAP)))
    row_co = [r for r in co_caps if r["region"].startswith("ROW:")]
    caps.append(("ROW", "co_refined", sum(num(r["capacity"]) for r in row_co),
                 "[DERIVED] sum of the listed non-CN/CA cobalt refinery capacities 2023 (%s; ReportLinker, %s) "
                 "[SECONDARY]; a lower bound (countries outside the top ten are missing)"
                 % (", ".join("%s %.0f" % (r["region"][4:], num(r["capacity"])) for r in row_co), F_CU)))
    idn = pick(cutil, product="ni_refined", region="ROW:ID", year="2023", utilisation="0.75-0.79")
    id_u = 0.77
    id_out = num(pick(refs, mineral="nickel", region="Indonesia", year="2024")["kt"]) * 1000
    caps.append(("ROW", "ni_refined", X["ni_refined"]["ROW"] + id_out * (1 / id_u - 1),
                 "[DERIVED] ROW refined output %.0f t + Indonesia's spare capacity: IEA Indonesian output %.0f t (%s) at "
                 "%.0f%% utilisation (mid of the official 75-79%% for 2023, %s) [SECONDARY]; assumption: the rest of ROW "
                 "at capacity (no figure)" % (X["ni_refined"]["ROW"], id_out, F_REFS, 100 * id_u, F_CU)))
    assert idn["utilisation"] == "0.75-0.79"

    # ---------------------------------------------------------------- source texts for outputs/final demand
    srcs = {
        "X": X, "ore_coef": ore_coef, "lfp": lfp, "kwh": kwh, "cint": cint, "fd_world": fd_world,
        "iea_dem": iea_dem, "bat_use": bat_use, "world_ref": world_ref, "world_mine": world_mine,
        "evtank": (evtank_w, evtank_cn, evtank_ev, evtank_ess, nonev),
        "ev": (ev_ca, ev_kr, ev_us, ev_cn, ev_row, ev_w, cn_exp, ev_kr_exp, us_prod23),
        "U_cells": U_cells, "ev_cells_use": ev_cells_use, "sh": (sh_cn, sh_us, w_evbat),
        "nonlfp": nonlfp,
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
            if (p, r) in fd_fixed:
                fds[(p, r)] = fd_fixed[(p, r)][1]
                continue
            fixed_here = [x for x in REGIONS if (p, x) in fd_fixed]
            fds[(p, r)] = ("assumption: world non-battery use + stock change = IEA 2024 refined supply %.0f t (%s) - "
                           "modelled cell use %.0f t (IEA STEPS 2024 total demand %.0f t, EV %.0f t, grid %.0f t, %s)%s; "
                           "split by regional refined-output share (no regional end-use data)"
                           % (round(world_ref[m]), F_REFS, round(sum(bat_use[m].values())), round(tot), round(evd),
                              round(grid), F_DEM,
                              (" - the published %s use" % "/".join(fixed_here)) if fixed_here else ""))
    for r in REGIONS:
        for m in MINERALS:
            fds[(ORE[m], r)] = None  # no final demand for ores

    caps.sort(key=lambda c: (PNAMES.index(c[1]), REGIONS.index(c[0])))
    out = dict(X=X, D=D, U=U, T=T, TS=TS, P=P, PS=PS, recipe=recipe, tar=tar, tau=tau, caps=caps,
               fds=fds, srcs=srcs, el=el, notes=notes, cors=cors)
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
    # published corridors behind the fixed base_trade cells
    write_csv(CORRIDORS, trade.CORRIDOR_HEADER,
              [row[:5] + [fnum(row[5]) if row[5] != "" else "", fnum(row[6]) if row[6] != "" else ""] + row[7:]
               for row in trade.corridor_rows(PNAMES, o["cors"])])
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
    L.append("# No complete bilateral trade matrix exists: base_trade fixes the published import sources of CA,")
    L.append("# KR and the US exactly (Scenarios/data/corridors.csv) and ESTIMATES the rest (domestic use first,")
    L.append("# unnamed remainders and surpluses allocated in proportion, RAS). Capacities: published capacity or")
    L.append("# utilisation only. Method, every assumption and the reference files used: Scenarios/data/README.md")
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


def replace_section(text, name, body, path):
    """text with the lines between <!-- name:start --> and <!-- name:end --> replaced by body."""
    start, end = "<!-- %s:start -->" % name, "<!-- %s:end -->" % name
    i, j = text.find(start), text.find(end)
    if i < 0 or j < i:
        raise SystemExit("%s: markers %s ... %s not found" % (path, start, end))
    return text[:i + len(start)] + "\n" + body + "\n" + text[j:]


def check_published(T, write):
    """The corridor report, the data-quality and corridor tables, and (write) the README sections.

    Returns False when a fixed corridor flow is not reproduced or a README table is stale."""
    with open(CORRIDORS, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if not row["source"].strip():
            raise SystemExit("corridors: row without source: %r" % row)
    print()
    ok, observed = trade.check_corridors(T, rows, PNAMES)
    quality = trade.quality_table(T, observed, PNAMES, UNITS)
    ctable = trade.corridor_table(T, rows, PNAMES)
    print("\n== data quality: share of each region's imports / exports resting on an observed flow ==")
    print(quality)
    print("\n== CA/KR/US corridors ==")
    print(ctable)
    for path, name, body in ((README, "data-quality", quality), (DATA_README, "corridors", ctable)):
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        new = replace_section(text, name, body, path)
        if write:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(new)
        elif new != text:
            ok = False
            print("STALE: the %s table in %s differs from the committed data (rerun the build)"
                  % (name, os.path.relpath(path, REPO)))
    print("\nRESULT (corridors and tables):", "PASSED" if ok else "FAILED")
    return ok


def set_root(root):
    """Point the committed-file paths at another checkout (the check's own test uses a copy)."""
    global DATA_DIR, CORRIDORS, README, DATA_README
    DATA_DIR = os.path.join(root, "Scenarios", "data")
    CORRIDORS = os.path.join(DATA_DIR, "corridors.csv")
    README = os.path.join(root, "README.md")
    DATA_README = os.path.join(DATA_DIR, "README.md")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", default=DEFAULT_REF, help="reference-data folder (default: %(default)s)")
    ap.add_argument("--check", action="store_true", help="only run the checks on the committed CSVs")
    ap.add_argument("--root", help="with --check: check the files of this checkout instead of this one")
    a = ap.parse_args()
    if a.root:
        if not a.check:
            raise SystemExit("--root is only for --check")
        set_root(os.path.abspath(a.root))
    if a.check:
        committed = load_committed()
        ok = run_checks(*committed)
        ok = check_published(committed[2], write=False) and ok
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
    committed = load_committed()
    ok = run_checks(*committed, X_src=o["X"])
    ok = check_published(committed[2], write=True) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
