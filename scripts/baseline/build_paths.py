#!/usr/bin/env python3
"""Build the yearly tables of the IEA scenarios (STEPS, APS, NZE, sixfold) for minsim.

Writes, deterministically, every CSV in Scenarios/data/years/:

    demand_index_{steps,aps,nze,sixfold}.csv   paths.demand_index  (ev, cells, refined products)
    recipe_index_{steps,aps,nze,sixfold}.csv   paths.recipe_index  (cells <- refined minerals)
    capacities.csv                              paths.capacities    (mining + refining nodes)
    capacity_projects.csv                       capacity_projects   (announced cell plants)
    initial_stock.csv                           fleet.initial_stock (EVs in use at start of 2024)
    new_nodes.csv, routes.csv                   new_nodes + routes  (cell plants in regions with no
                                                base cell output: Canada's NextStar)
    mou_new_nodes.csv, mou_routes.csv,          merged over those by canada-korea-mou-2026.yaml
    mou_capacity_projects.csv                   (Korean EV assembly and cells in Canada)
    sixfold_derivation.csv                      the weights, J, lambda and I of the sixfold scenario

from the reference data set (default <repo>/../shared/reference-data) and the committed
baseline CSVs (Scenarios/data/recipes.csv, base_trade.csv, capacities.csv), then checks:

    (1) every index is 1.0 in the base year 2024
    (2) sixfold: sum_m w_m I_m(2040) / sum_m w_m == 6.000
    (3) capacity(2024) >= baseline output of every node with a capacity path
    (4) every number is finite and >= 0
    (5) the sixfold YAML header quotes the lambda printed here

Usage:
    python3 scripts/baseline/build_paths.py [--ref PATH]   # build + check
    python3 scripts/baseline/build_paths.py --check        # check the committed CSVs are current

Python 3 standard library only. Method and every assumption: Scenarios/data/years/README.md.
"""

import argparse
import csv
import io
import math
import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEFAULT_REF = os.path.join(REPO, "..", "shared", "reference-data")
SCEN_DIR = os.path.join(REPO, "Scenarios")
BASE_DIR = os.path.join(SCEN_DIR, "data")
OUT_DIR = os.path.join(BASE_DIR, "years")

BASE_YEAR = 2024
YEARS = [2024, 2030, 2035, 2040]          # years of the IEA GCMO 2025 dataset up to the horizon
REGIONS = ["CA", "KR", "US", "CN", "ROW"]
# IEA country names that are model regions (everything else is inside the model's ROW)
IEA_COUNTRY = {"Canada": "CA", "Korea": "KR", "United States": "US", "China": "CN"}

# model mineral -> (IEA mineral name, ore product, refined product)
MINERALS = [
    ("nickel", "Nickel", "ni_ore", "ni_refined"),
    ("cobalt", "Cobalt", "co_ore", "co_refined"),
    ("lithium", "Lithium", "li_ore", "li_refined"),
    ("graphite", "Graphite", "graphite_ore", "graphite_anode"),
]
EV_SECTOR = "sector:Electric vehicles"
GRID_SECTOR = "sector:Grid battery storage"
SCENARIOS = ["STEPS", "APS", "NZE"]
SIXFOLD_TARGET = 6.0

DEMAND_SRC = ("IEA Critical Minerals Dataset May 2025 (GCMO 2025), sheet '1 Total demand for key minerals', "
              "reference-data/demand_scenarios.csv")
SUPPLY_SRC = ("IEA Critical Minerals Dataset May 2025 (GCMO 2025), sheet '2 Total supply for key minerals', "
              "base-case projected supply by country, reference-data/supply_projections_iea.csv")

# ---------------------------------------------------------------------------------------------
# EV sales history 2015-2021 (2022-2023 are in reference-data/ev_sales.csv and are checked
# against these values). Transcribed from the SAME file that ev_sales.csv cites: IEA Global EV
# Outlook 2024 / Global EV Data Explorer, 'IEA-EV-dataEV salesHistoricalCars.csv' (cars only,
# rounded by IEA), as committed in github HamzahBabar227/Electric-Vehicle-Data-Project
# @0328a6c699efb9b7304bf44fae3daec8d1c1d8e8. (BEV, PHEV) vehicles. IEA region names:
# Canada, Korea, USA, China, World.
EV_HISTORY_SRC = ("IEA Global EV Outlook 2024 / Global EV Data Explorer, file 'IEA-EV-dataEV salesHistoricalCars.csv' "
                  "(cars only, rounded by IEA) as committed in github HamzahBabar227/Electric-Vehicle-Data-Project "
                  "@0328a6c6 (same file as reference-data/ev_sales.csv; 2015-2021 transcribed into "
                  "scripts/baseline/build_paths.py, 2022-2023 read from ev_sales.csv)")
EV_HISTORY = {
    "CA": {2015: (4400, 2400), 2016: (5200, 6400), 2017: (8700, 8000), 2018: (23000, 21000),
           2019: (32000, 19000), 2020: (37000, 14000), 2021: (59000, 28000),
           2022: (91000, 24000), 2023: (130000, 41000)},
    "KR": {2015: (3100, 250), 2016: (4700, 330), 2017: (14000, 670), 2018: (55000, 4400),
           2019: (33000, 2700), 2020: (31000, 8700), 2021: (72000, 19000),
           2022: (120000, 11000), 2023: (120000, 12000)},
    "US": {2015: (71000, 43000), 2016: (87000, 73000), 2017: (100000, 94000), 2018: (240000, 120000),
           2019: (240000, 85000), 2020: (230000, 64000), 2021: (470000, 160000),
           2022: (800000, 190000), 2023: (1100000, 290000)},
    "CN": {2015: (150000, 61000), 2016: (260000, 79000), 2017: (470000, 110000), 2018: (820000, 270000),
           2019: (830000, 230000), 2020: (920000, 220000), 2021: (2700000, 550000),
           2022: (4400000, 1500000), 2023: (5400000, 2700000)},
    "WORLD": {2015: (330000, 220000), 2016: (470000, 290000), 2017: (760000, 420000),
              2018: (1400000, 660000), 2019: (1500000, 580000), 2020: (2000000, 980000),
              2021: (4700000, 1900000), 2022: (7300000, 2900000), 2023: (9500000, 4300000)},
}
# IEA EV car stock (BEV + PHEV) at end-2023, same file: a cross-check of the survival model only.
EV_STOCK_2023 = {"CA": 380000 + 170000, "KR": 420000 + 69000, "US": 3500000 + 1300000,
                 "CN": 16000000 + 5800000, "WORLD": 28000000 + 12000000}
EV_SALES_NAME = {"CA": "Canada", "KR": "South Korea", "US": "United States", "CN": "China", "WORLD": "World"}

# EV lifetime: normal, Busch et al. (2024) car EV survival, reference-data/recycling.csv
LIFETIME_MEAN = 17.0
LIFETIME_SD = 4.0

# Announced cell plants (reference-data/battery_plants.csv): online year chosen from the status
# text of each plant (assumption, reasoning given).
PLANT_ONLINE = {
    "NextStar Energy": (2025, "cells from 2025 (modules Oct 2024)"),
    "Honda EV battery plant": (2030, "planned 2028 + ~2-year postponement announced 2025-05-13"),
    "Ultium Cells plant 1": (2022, "production since Nov 2022"),
    "Ultium Cells plant 2": (2024, "mass production started 2024; the ramp to 50 GWh is undated and not added"),
    "Ultium Cells plant 3": (2025, "planned 2025, later status not captured"),
    "Honda-LGES": (2026, "mass production targeted end-2025, so first full year 2026; status not captured"),
    "SK Battery America": (2024, "operating in 2024; start dates of the two plants not in the reference data"),
}


def fmt(x):
    """Shortest round-trip repr of x rounded to 10 significant digits (as build.py)."""
    v = float("%.10g" % x)
    if v == 0:
        v = 0.0
    return repr(v)


def fmt_up(x):
    """fmt, but never below x: capacities must stay >= the output they were scaled to."""
    v = float("%.10g" % x)
    if v < x:
        step = 10.0 ** (math.floor(math.log10(abs(x))) - 9)
        v = float("%.10g" % (v + step))
    return fmt(v)


def g(x, d=4):
    return ("%." + str(d) + "f") % x


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def csv_text(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


def num(s):
    s = s.strip().replace(",", "")
    for ch in ">~<":
        s = s.replace(ch, "")
    return float(s.split()[0])


def phi(z):
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def survival(age):
    """S(a) = 1 - Phi((a - mean)/sd), untruncated normal (as LifetimeDistribution.normal)."""
    return 1.0 - phi((age - LIFETIME_MEAN) / LIFETIME_SD)


# ---------------------------------------------------------------------------------------------
# Baseline (committed CSVs)

def load_baseline():
    trade = read_csv(os.path.join(BASE_DIR, "base_trade.csv"))
    out = {}
    for r in trade:
        k = (r["exporter"], r["product"])
        out[k] = out.get(k, 0.0) + float(r["quantity"])
    recipes = read_csv(os.path.join(BASE_DIR, "recipes.csv"))
    caps = {(r["region"], r["product"]): float(r["capacity"])
            for r in read_csv(os.path.join(BASE_DIR, "capacities.csv"))}
    return out, recipes, caps


def cell_mineral_use(out, recipes):
    """World tonnes of refined m used by cell production in the baseline:
    w_m = sum_r b[r][cells][m] * x[r, cells], x = base_trade column sums (cell output)."""
    default = {r["input"]: float(r["quantity_per_unit"]) for r in recipes
               if r["product"] == "cells" and r["region"] in ("", "*")}
    regional = {}
    for r in recipes:
        if r["product"] == "cells" and r["region"] not in ("", "*"):
            regional.setdefault(r["region"], {})[r["input"]] = float(r["quantity_per_unit"])
    w = {}
    for _, _, _, refined in MINERALS:
        w[refined] = sum(regional.get(reg, default).get(refined, 0.0) * out.get((reg, "cells"), 0.0)
                         for reg in REGIONS)
    return w


def ev_share_of_cell_use(recipes):
    """Share e_m of each refined mineral's base-year cell use that ends up in EVs (the rest is
    final demand for cells: storage and other Li-ion), following the cells trade matrix:
    e_m = sum_{s,r} F_cells[s->r] b[s][cells][m] f_ev[r] / sum_{s,r} F_cells[s->r] b[s][cells][m],
    with f_ev[r] = b[r][ev][cells] x[r,ev] / (b[r][ev][cells] x[r,ev] + D[r][cells])."""
    trade = read_csv(os.path.join(BASE_DIR, "base_trade.csv"))
    demand = {(r["region"], r["product"]): float(r["quantity"])
              for r in read_csv(os.path.join(BASE_DIR, "final_demand.csv"))}
    def coef(product, inp, reg):
        rows = [r for r in recipes if r["product"] == product and r["input"] == inp]
        own = [r for r in rows if r["region"] == reg]
        dflt = [r for r in rows if r["region"] in ("", "*")]
        regional_any = [r for r in recipes if r["product"] == product and r["region"] == reg]
        src = own if regional_any else dflt
        return float(src[0]["quantity_per_unit"]) if src else 0.0
    ev_out = {}
    for r in trade:
        if r["product"] == "ev":
            ev_out[r["exporter"]] = ev_out.get(r["exporter"], 0.0) + float(r["quantity"])
    f_ev = {}
    for reg in REGIONS:
        ev_use = coef("ev", "cells", reg) * ev_out.get(reg, 0.0)
        tot = ev_use + demand.get((reg, "cells"), 0.0)
        f_ev[reg] = ev_use / tot if tot > 0 else 0.0
    e = {}
    for _, _, _, refined in MINERALS:
        num_, den = 0.0, 0.0
        for r in trade:
            if r["product"] != "cells":
                continue
            m = float(r["quantity"]) * coef("cells", refined, r["exporter"])
            num_ += m * f_ev[r["importer"]]
            den += m
        e[refined] = num_ / den if den > 0 else 0.0
    return e


# ---------------------------------------------------------------------------------------------
# Demand paths

def load_demand(ref):
    D = {}
    for r in read_csv(os.path.join(ref, "demand_scenarios.csv")):
        D[(r["scenario"], r["mineral"], int(r["year"]), r["measure"])] = float(r["kt"])
    return D


def demand_terms(D, scen, iea_min, year):
    ev = D[(scen, iea_min, year, EV_SECTOR)]
    grid = D[(scen, iea_min, year, GRID_SECTOR)]
    tot = D[(scen, iea_min, year, "total_demand")]
    return ev, grid, tot


def iea_paths(D, scen):
    """Per year: J_m (EV+grid of m vs 2024), ev and grid lithium indices, non-battery indices."""
    res = {}
    for y in YEARS:
        row = {}
        li_ev, li_grid, _ = demand_terms(D, scen, "Lithium", y)
        li_ev0, li_grid0, _ = demand_terms(D, scen, "Lithium", BASE_YEAR)
        row["ev"] = li_ev / li_ev0
        row["grid"] = li_grid / li_grid0
        for m, iea, _, refined in MINERALS:
            ev, grid, tot = demand_terms(D, scen, iea, y)
            ev0, grid0, tot0 = demand_terms(D, scen, iea, BASE_YEAR)
            row["J", m] = (ev + grid) / (ev0 + grid0)
            row["nonbat", m] = (tot - ev - grid) / (tot0 - ev0 - grid0)
            row["raw", m] = (ev, grid, tot, ev0, grid0, tot0)
        res[y] = row
    return res


def build_iea_scenario(D, scen):
    P = iea_paths(D, scen)
    dem, rec = [], []
    for y in YEARS:
        p = P[y]
        ev, _, _, ev0, _, _ = p["raw", "lithium"]
        dem.append(["", "ev", y, fmt(p["ev"]),
                    "[DERIVED] IEA %s lithium demand of 'Electric vehicles' %d / 2024 = %s / %s kt (%s); "
                    "assumption: kg Li per kWh nearly the same across chemistries (BatPaC 5.1 0.09-0.12 kg/kWh, "
                    "reference-data/intensities.csv) and kWh per EV held at 2024, so EV sales follow Li EV demand"
                    % (scen, y, g(ev, 2), g(ev0, 2), DEMAND_SRC)])
    for y in YEARS:
        p = P[y]
        _, grid, _, _, grid0, _ = p["raw", "lithium"]
        dem.append(["", "cells", y, fmt(p["grid"]),
                    "[DERIVED] IEA %s lithium demand of 'Grid battery storage' %d / 2024 = %s / %s kt (%s); "
                    "assumption: the non-EV cell demand (ESS and consumer/other) follows grid storage"
                    % (scen, y, g(grid, 2), g(grid0, 2), DEMAND_SRC)])
    for m, iea, _, refined in MINERALS:
        for y in YEARS:
            ev, grid, tot, ev0, grid0, tot0 = P[y]["raw", m]
            dem.append(["", refined, y, fmt(P[y]["nonbat", m]),
                        "[DERIVED] IEA %s %s non-battery demand (total - EV - grid storage) %d / 2024 = "
                        "(%s - %s - %s) / (%s - %s - %s) kt (%s); covers non-battery uses incl. other clean tech"
                        % (scen, iea.lower(), y, g(tot, 2), g(ev, 2), g(grid, 2), g(tot0, 2), g(ev0, 2),
                           g(grid0, 2), DEMAND_SRC)])
    for m, iea, _, refined in MINERALS:
        for y in YEARS:
            if m == "lithium":
                rec.append(["", "cells", refined, y, fmt(1.0),
                            "assumption: lithium is the reference mineral of the cell recipe index (the EV and "
                            "cell demand indices carry IEA's lithium battery demand), so its intensity is held"])
                continue
            J, JLi = P[y]["J", m], P[y]["J", "lithium"]
            rec.append(["", "cells", refined, y, fmt(J / JLi),
                        "[DERIVED] IEA %s (EV + grid) demand index of %s / that of lithium, %d vs 2024 = %s / %s "
                        "(%s); assumption: the battery intensity of %s relative to lithium moves as IEA's "
                        "chemistry assumptions imply" % (scen, iea.lower(), y, g(J), g(JLi), DEMAND_SRC, iea.lower())])
    return dem, rec, P


def synthetic_graphite_rows(ref):
    """Natural graphite per tonne of anode graphite, by year, from IEA's supply outlook.

    The baseline's anode recipe uses world natural-graphite mine output / world battery-grade
    graphite output (0.853 in 2024); the rest is synthetic graphite, which is not a modelled
    product (its feedstock is needle coke, not a mined mineral). IEA's base case has battery-grade
    graphite supply growing far faster than natural mining (2030: 4,427 vs 1,991 kt), i.e. a rising
    synthetic share. Holding 0.853 would force all anode growth onto natural graphite mines. The
    index is (mined / refined)(t) / (mined / refined)(2024) of IEA's world totals. Applied to
    graphite only: for Ni, Co and Li the gap between IEA's mined and refined outlooks includes
    recycled feed, which the model adds itself."""
    S = {}
    for r in read_csv(os.path.join(ref, "supply_projections_iea.csv")):
        if r["mineral"] == "Graphite" and r["region"] == "World total":
            S[(r["stage"], int(r["year"]))] = float(r["kt"])
    base = S[("mining", BASE_YEAR)] / S[("refining", BASE_YEAR)]
    rows = []
    for y in YEARS:
        ratio = S[("mining", y)] / S[("refining", y)]
        rows.append(["", "graphite_anode", "graphite_ore", y, fmt(ratio / base),
                     "[DERIVED] IEA base-case world graphite mined / battery-grade (refined) supply %d = %s / %s kt, "
                     "relative to 2024 (%s / %s kt) (reference-data/supply_projections_iea.csv, %s); assumption: the "
                     "rest of anode graphite is synthetic (not a mined mineral), so natural graphite per tonne of "
                     "anode falls as IEA's synthetic share rises"
                     % (y, g(S[("mining", y)], 2), g(S[("refining", y)], 2), g(S[("mining", BASE_YEAR)], 2),
                        g(S[("refining", BASE_YEAR)], 2), SUPPLY_SRC)])
    return rows


def build_sixfold(D, w, e):
    """lambda such that the model's battery mineral demand, weighted by base-year cell use, is
    6x in 2040. In the model, battery demand of m in year t relative to 2024 is
        R_m(t) = (I_m(t) / I_Li(t)) * (e_m I_EV(t) + (1 - e_m) I_grid(t))
    (recipe index times the EV / other-cell mix of the demand indices), with every index
    I = 1 + lambda (J - 1) from the NZE shapes. lambda solves sum_m w_m R_m(2040) = 6 sum_m w_m
    (R is increasing in lambda here; bisection on [0, 10])."""
    P = iea_paths(D, "NZE")
    W = sum(w[refined] for _, _, _, refined in MINERALS)
    def R(lam, y):
        I = {m: 1.0 + lam * (P[y]["J", m] - 1.0) for m, _, _, _ in MINERALS}
        iev = 1.0 + lam * (P[y]["ev"] - 1.0)
        igrid = 1.0 + lam * (P[y]["grid"] - 1.0)
        return {refined: I[m] / I["lithium"] * (e[refined] * iev + (1.0 - e[refined]) * igrid)
                for m, _, _, refined in MINERALS}
    def weighted(lam):
        r = R(lam, 2040)
        return sum(w[refined] * r[refined] for _, _, _, refined in MINERALS) / W
    lo, hi = 0.0, 10.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if weighted(mid) < SIXFOLD_TARGET:
            lo = mid
        else:
            hi = mid
    lam = 0.5 * (lo + hi)
    excess = sum(w[refined] * (P[2040]["J", m] - 1.0) for m, _, _, refined in MINERALS)
    I = {(y, m): 1.0 + lam * (P[y]["J", m] - 1.0) for y in YEARS for m, _, _, _ in MINERALS}
    multiple = weighted(lam)
    rule = ("sixfold rule I(t) = 1 + lambda (J(t) - 1), lambda = %s chosen so that the model's battery demand "
            "R_m(2040) = (I_m/I_Li)(e_m I_EV + (1-e_m) I_grid), weighted by base-year cell use, averages 6 over Ni, Co, Li, "
            "graphite (e_m = EV share of base cell use of m) (IEA 2021 'six times more mineral inputs in 2040' "
            "in a net-zero pathway, reference-data/baseline.md 6a; IEA's figure is all clean-energy minerals "
            "in all clean technologies vs 2020, applied here to the four modelled minerals' battery demand vs "
            "2024); J from IEA NZE (%s)" % (g(lam, 6), DEMAND_SRC))
    dem, rec = [], []
    for y in YEARS:
        v = 1.0 + lam * (P[y]["ev"] - 1.0)
        dem.append(["", "ev", y, fmt(v),
                    "[DERIVED] %s; J = NZE lithium 'Electric vehicles' demand %d / 2024 = %s; assumption: kWh per "
                    "EV held at 2024" % (rule, y, g(P[y]["ev"]))])
    for y in YEARS:
        v = 1.0 + lam * (P[y]["grid"] - 1.0)
        dem.append(["", "cells", y, fmt(v),
                    "[DERIVED] %s; J = NZE lithium 'Grid battery storage' demand %d / 2024 = %s; assumption: "
                    "non-EV cell demand follows grid storage" % (rule, y, g(P[y]["grid"]))])
    for m, iea, _, refined in MINERALS:
        for y in YEARS:
            dem.append(["", refined, y, fmt(P[y]["nonbat", m]),
                        "[DERIVED] IEA NZE %s non-battery demand (total - EV - grid storage) %d / 2024 (%s); "
                        "assumption: the sixfold scenario scales battery demand only, non-battery uses follow NZE"
                        % (iea.lower(), y, DEMAND_SRC)])
    for m, iea, _, refined in MINERALS:
        for y in YEARS:
            if m == "lithium":
                rec.append(["", "cells", refined, y, fmt(1.0),
                            "assumption: lithium is the reference mineral of the cell recipe index (I_Li / I_Li)"])
                continue
            rec.append(["", "cells", refined, y, fmt(I[y, m] / I[y, "lithium"]),
                        "[DERIVED] I_%s(%d) / I_Li(%d) = %s / %s; %s" % (m, y, y, g(I[y, m]), g(I[y, "lithium"]), rule)])
    deriv = []
    for m, iea, _, refined in MINERALS:
        deriv.append([m, refined, fmt(w[refined]), fmt(P[2040]["J", m]), fmt(lam), fmt(I[2040, m]),
                      "w = world t of refined %s used by cells in the baseline = sum_r b[r][cells][%s] x "
                      "x[r,cells] (Scenarios/data/recipes.csv, base_trade.csv column sums) [DERIVED]; J = IEA NZE "
                      "(EV + grid storage) demand 2040 / 2024 (%s); I = 1 + lambda (J - 1)" % (m, refined, DEMAND_SRC)])
    deriv.append(["weighted", "", fmt(W), fmt(excess / W + 1.0), fmt(lam), fmt(multiple),
                  "[DERIVED] row w = sum of w; J = sum w J / sum w; I = sum w R(2040) / sum w with "
                  "R_m = (I_m/I_Li)(e_m I_EV + (1-e_m) I_grid), e = %s (target 6)"
                  % ", ".join("%s %.4f" % (k, v) for k, v in sorted(e.items()))])
    return dem, rec, lam, I, multiple, deriv, P


# ---------------------------------------------------------------------------------------------
# Capacities

def build_capacities(ref, out, base_caps):
    S = {}
    for r in read_csv(os.path.join(ref, "supply_projections_iea.csv")):
        S[(r["mineral"], r["stage"], r["region"], int(r["year"]))] = float(r["kt"])
    rows, notes = [], []
    for m, iea, ore, refined in MINERALS:
        for stage, product in (("mining", ore), ("refining", refined)):
            named = sorted({reg for (mi, st, reg, _) in S if mi == iea and st == stage and reg in IEA_COUNTRY})
            for region in REGIONS:
                base = out.get((region, product), 0.0)
                country = [c for c in named if IEA_COUNTRY[c] == region]
                if base <= 0:
                    if country and any(S[(iea, stage, country[0], y)] > 0 for y in YEARS):
                        notes.append("%s %s: no baseline output (node inactive), IEA %s 2040 = %s kt not used"
                                     % (region, product, country[0], g(S[(iea, stage, country[0], 2040)], 2)))
                    continue
                if country:
                    series = {y: S[(iea, stage, country[0], y)] for y in YEARS}
                    what = "IEA %s %s %s" % (iea.lower(), stage, country[0])
                elif region == "ROW":
                    series = {y: S[(iea, stage, "World total", y)] - sum(S[(iea, stage, c, y)] for c in named)
                              for y in YEARS}
                    what = "IEA %s %s World total%s" % (iea.lower(), stage,
                                                       "".join(" - " + c for c in named))
                else:
                    series = {y: S[(iea, stage, "Rest of world", y)] for y in YEARS}
                    what = ("IEA %s %s 'Rest of world' (assumption: %s is not listed by IEA, it is inside IEA's "
                            "Rest of world and follows that group's growth)" % (iea.lower(), stage, region))
                scale = base / (series[BASE_YEAR] * 1000.0)
                k0 = base_caps.get((region, product))
                if k0 is None:
                    k0 = base
                    what0 = ("assumption: base capacity = 2024 output %s t (no published capacity or utilisation "
                             "for this node; Scenarios/data/README.md)" % fmt(base))
                else:
                    what0 = ("base capacity %s t (Scenarios/data/capacities.csv, utilisation %s%% in 2024)"
                             % (fmt(k0), g(100 * base / k0, 1)))
                for y in YEARS:
                    added = base * (series[y] - series[BASE_YEAR]) / series[BASE_YEAR]
                    k = k0 + added
                    src = ("[DERIVED] %s + announced additions %s t = (%s %d - 2024 = %s - %s kt) x (baseline 2024 "
                           "output %s t / IEA 2024 %s kt) (%s); assumption: the change in IEA's base-case projected "
                           "supply (existing + announced projects) is capacity added to (or, where it falls, retired "
                           "from) the base capacity, scaled by %s for the USGS/IEA source difference"
                           % (what0, fmt(added), what, y, g(series[y], 2), g(series[BASE_YEAR], 2), fmt(base),
                              g(series[BASE_YEAR], 2), SUPPLY_SRC, g(scale)))
                    if k < 0:
                        raise SystemExit("capacity %s %s %d < 0" % (region, product, y))
                    rows.append([region, product, y, fmt_up(k), src])
    # Cell capacity: every baseline cell-capacity row (CN, KR, ROW) follows IEA's world announced-
    # project path (x3 by 2029), so a region with a capacity row does not turn every demand path
    # into a shortage. The US node has no row: its capacity comes from capacity_projects.
    for (region, product), k0 in sorted(base_caps.items(), key=lambda kv: REGIONS.index(kv[0][0])):
        if product != "cells":
            continue
        for y, factor in ((2024, 1.0), (2029, 3.0), (2040, 3.0)):
            rows.append([region, "cells", y, fmt_up(k0 * factor),
                         "[DERIVED] baseline %s cell capacity %s GWh (Scenarios/data/capacities.csv) x %s; IEA (Mar "
                         "2025): world Li-ion manufacturing capacity ~3 TWh in 2024 'could triple by 2029 if all "
                         "announced projects are built' (reference-data/baseline.md section 3, cell_capacity.csv; ESS "
                         "News / Electrive 2025-03-07); assumption: every region's capacity follows the world "
                         "announced-project path (2 x the base capacity added by 2029), linear 2024-2029, flat after "
                         "(the engine holds the last value)" % (region, fmt(k0), g(factor))])
    return rows, notes


# ---------------------------------------------------------------------------------------------
# Capacity projects (cell plants)

def build_projects(ref):
    rows, skipped = [], []
    for r in read_csv(os.path.join(ref, "battery_plants.csv")):
        if r["country"] not in REGIONS:
            continue
        cap = r["capacity_gwh"].strip()
        if not cap:
            skipped.append("%s (%s): %s" % (r["plant"], r["country"], r["status"]))
            continue
        if r["plant"] not in PLANT_ONLINE:
            raise SystemExit("no online year chosen for plant %r" % r["plant"])
        year, why = PLANT_ONLINE[r["plant"]]
        rows.append([r["country"], "cells", year, fmt(num(cap)),
                     "%s, %s (%s): %s GWh; status: %s; source: %s (reference-data/battery_plants.csv); "
                     "assumption: online year %d = %s" % (r["plant"], r["location"], r["owner"], cap, r["status"],
                                                          r["source"], year, why)])
    rows.sort(key=lambda x: (REGIONS.index(x[0]), x[2], x[4]))
    return rows, skipped


# ---------------------------------------------------------------------------------------------
# New nodes: plants in a region with no base output of their product (the node is inactive in
# the baseline, so a capacity project alone does nothing; `new_nodes` activates it).
#
# Reference shares (docs/scenario-format.md, `routes`):
#   outlets  - a new plant of reference capacity K competes like an incumbent of output K in every
#              market m it is opened to, with sales in proportion to the markets' 2024 use U_m:
#              x_m = K U_m / sum U, so its share of market m at base prices is
#              s = x_m / (U_m + x_m) = K / (sum U + K), the same in every market.
#   inputs   - a market with no base trade (e.g. li_refined into Canada) sources from every region
#              that produces the product in 2024, weighted by 2024 world output shares:
#              s_e = out_e / sum out (relative weights when a market has no incumbent).

# MOU (Canada-Korea industrial MOU, signed 2026-01-29, Ottawa; no capacities, volumes or companies
# named): assumption-driven additions, each stated in its source text.
MOU_EV_PLANT = 150000.0
MOU_EV_PLANT_SRC = ("assumption (the MOU names no plant or size): one Korean EV assembly plant the size of Kia's "
                    "Gwangmyeong EVO plant, 150,000 vehicles/yr (2024; reference-data/ev_production.csv, KIA_EVO "
                    "source); Hyundai's Ulsan EV plant is 200,000/yr from 2026 (same row)")
MOU_ONLINE = 2029
MOU_ONLINE_SRC = ("assumption: investment decided in 2026, the MOU year, plus the 3-year cell-plant lead time of "
                  "iea-steps (NextStar construction 2022 -> cells 2025, baseline.md section 9 [DERIVED]), "
                  "also used for the EV plant built alongside it")


def market_use(trade_rows):
    use = {}
    for r in trade_rows:
        k = (r["importer"], r["product"])
        use[k] = use.get(k, 0.0) + float(r["quantity"])
    return use


def base_price_rows():
    return {(r["region"], r["product"]): r for r in read_csv(os.path.join(BASE_DIR, "base_prices.csv"))}


def outlet_routes(node, capacity, markets, use, why):
    total = sum(use.get((m, node[1]), 0.0) for m in markets)
    s = capacity / (total + capacity)
    rows = []
    for m in markets:
        rows.append([node[1], node[0], m, fmt(s),
                     "[DERIVED] reference share K/(sum U + K) = %s/(%s + %s): the new plant competes like an "
                     "incumbent of output K = reference capacity in every market it sells to, sales in proportion "
                     "to 2024 use U (sum over %s; Scenarios/data/base_trade.csv); assumption: %s"
                     % (fmt(capacity), fmt(total), fmt(capacity), "+".join(markets), why)])
    return rows


def input_routes(importer, product, out, why):
    producers = [e for e in REGIONS if out.get((e, product), 0.0) > 0]
    total = sum(out[(e, product)] for e in producers)
    rows = []
    for e in producers:
        rows.append([product, e, importer, fmt(out[(e, product)] / total),
                     "[DERIVED] %s's share of 2024 world %s output %s/%s (Scenarios/data/base_trade.csv); "
                     "assumption: %s has no base supplier of %s, so it sources like the world market: from "
                     "every producing region in proportion to output; %s"
                     % (e, product, fmt(out[(e, product)]), fmt(total), importer, product, why)])
    return rows


def build_new_nodes(out, projects, use, prices):
    first = {}
    for r in projects:
        k = (r[0], r[1])
        if out.get(k, 0.0) == 0 and k not in first:
            first[k] = r
    nodes, routes = [], []
    for (reg, prod), proj in sorted(first.items(), key=lambda kv: REGIONS.index(kv[0][0])):
        if (reg, prod) != ("CA", "cells"):
            raise SystemExit("no new-node rule for %s %s" % (reg, prod))
        us = prices[("US", "cells")]
        nodes.append([reg, prod, us["price_usd_per_unit"], proj[3],
                      "assumption: a North American cell plant sells at the US cell price, %s USD/GWh (%s; "
                      "Scenarios/data/base_prices.csv); reference_capacity = first plant, %s"
                      % (us["price_usd_per_unit"], us["source"], proj[4])])
        routes += outlet_routes((reg, prod), float(proj[3]), ["CA", "US"], use,
                                "NextStar supplies Stellantis' North American EV assembly (the model has no Canadian "
                                "EV output in STEPS, so US EV use) and, from Nov 2025, LFP storage lines (Canada's "
                                "non-EV cell use) (reference-data/battery_plants.csv)")
        for inp in ("li_refined", "graphite_anode"):
            if use.get((reg, inp), 0.0) == 0:
                routes += input_routes(reg, inp, out, "needed by the new cell plant (default cells recipe)")
    return nodes, routes


def build_mou(use_recipes, use, prices):
    kwh = None
    for r in use_recipes:
        if r["region"] == "" and r["product"] == "ev" and r["input"] == "cells":
            kwh = float(r["quantity_per_unit"])
    if kwh is None:
        raise SystemExit("no default ev <- cells recipe row")
    kr = prices[("KR", "ev")]
    nodes = [["CA", "ev", kr["price_usd_per_unit"], fmt(MOU_EV_PLANT),
              "assumption: a Korean-built EV sells at the Korean EV price %s USD (%s; Scenarios/data/base_prices.csv); "
              "reference_capacity: %s" % (kr["price_usd_per_unit"], kr["source"], MOU_EV_PLANT_SRC)]]
    routes = outlet_routes(("CA", "ev"), MOU_EV_PLANT, ["CA", "US"], use,
                           "a Korean plant in Canada serves the Canadian market and exports to the US, like "
                           "Canada's existing car assembly (no destination split in the MOU)")
    cells = MOU_EV_PLANT * kwh
    projects = [["CA", "ev", MOU_ONLINE, fmt(MOU_EV_PLANT), "%s; online year %s" % (MOU_EV_PLANT_SRC, MOU_ONLINE_SRC)],
                ["CA", "cells", MOU_ONLINE, fmt(cells),
                 "[DERIVED] Korean cell capacity in Canada sized to the EV plant: %s vehicles x %s GWh/vehicle "
                 "(default ev <- cells recipe, Scenarios/data/recipes.csv) = %s GWh; assumption: the MOU's "
                 "'battery manufacturing' cooperation names no capacity, so the cells for the new EV plant are "
                 "made in Canada; online year %s" % (fmt(MOU_EV_PLANT), fmt(kwh), fmt(cells), MOU_ONLINE_SRC)]]
    return nodes, routes, projects


# ---------------------------------------------------------------------------------------------
# Initial fleet stock

def build_initial_stock(ref):
    # check the history against ev_sales.csv (2022, 2023)
    ref_sales = {}
    for r in read_csv(os.path.join(ref, "ev_sales.csv")):
        if r["parameter"] == "EV sales" and r["powertrain"] in ("BEV", "PHEV") and r["value"].strip():
            ref_sales[(r["region"], int(r["year"]), r["powertrain"])] = float(r["value"])
    for reg, name in EV_SALES_NAME.items():
        for y in (2022, 2023):
            for i, pt in enumerate(("BEV", "PHEV")):
                v = ref_sales.get((name, y, pt))
                if v is None or v != EV_HISTORY[reg][y][i]:
                    raise SystemExit("EV history %s %d %s = %s disagrees with ev_sales.csv (%s)"
                                     % (reg, y, pt, EV_HISTORY[reg][y][i], v))
    rows, totals = [], {}
    for reg in REGIONS:
        for c in range(2015, BASE_YEAR):
            if reg == "ROW":
                sales = sum(EV_HISTORY["WORLD"][c]) - sum(sum(EV_HISTORY[r][c]) for r in ("CA", "KR", "US", "CN"))
                what = "World - CA - KR - US - CN BEV+PHEV car sales %d = %d" % (c, sales)
            else:
                sales = sum(EV_HISTORY[reg][c])
                what = "BEV %d + PHEV %d car sales %d" % (EV_HISTORY[reg][c][0], EV_HISTORY[reg][c][1], c)
            age = (BASE_YEAR - 1) - c + 0.5
            s = survival(age)
            v = sales * s
            totals[reg] = totals.get(reg, 0.0) + v
            rows.append([reg, c, fmt(v),
                         "[DERIVED] %s x S(%s) = %s, S = 1 - Phi((a - 17)/4) normal EV car lifetime (Busch et al. "
                         "2024, reference-data/recycling.csv [SECONDARY]), a = 2023 - cohort + 0.5; sales: %s"
                         % (what, g(age, 1), g(s, 6), EV_HISTORY_SRC)])
    return rows, totals


# ---------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", default=DEFAULT_REF)
    ap.add_argument("--check", action="store_true", help="only check that the committed CSVs are current")
    a = ap.parse_args()
    ref = os.path.abspath(a.ref)

    out, recipes, base_caps = load_baseline()
    D = load_demand(ref)
    w = cell_mineral_use(out, recipes)
    e = ev_share_of_cell_use(recipes)

    synthetic = synthetic_graphite_rows(ref)
    files = {}
    H_DEM = ["region", "product", "year", "index", "source"]
    H_REC = ["region", "product", "input", "year", "index", "source"]
    paths = {}
    for scen in SCENARIOS:
        dem, rec, P = build_iea_scenario(D, scen)
        rec = rec + synthetic
        files["demand_index_%s.csv" % scen.lower()] = csv_text(H_DEM, dem)
        files["recipe_index_%s.csv" % scen.lower()] = csv_text(H_REC, rec)
        paths[scen] = (dem, rec, P)
    dem6, rec6, lam, I6, multiple, deriv, _ = build_sixfold(D, w, e)
    rec6 = rec6 + synthetic
    files["demand_index_sixfold.csv"] = csv_text(H_DEM, dem6)
    files["recipe_index_sixfold.csv"] = csv_text(H_REC, rec6)
    files["sixfold_derivation.csv"] = csv_text(
        ["mineral", "product", "weight_t", "J_2040", "lambda", "I_2040", "source"], deriv)
    paths["sixfold"] = (dem6, rec6, None)
    caps, cap_notes = build_capacities(ref, out, base_caps)
    files["capacities.csv"] = csv_text(["region", "product", "year", "capacity", "source"], caps)
    projects, skipped = build_projects(ref)
    files["capacity_projects.csv"] = csv_text(["region", "product", "online_year", "capacity", "source"], projects)
    use = market_use(read_csv(os.path.join(BASE_DIR, "base_trade.csv")))
    prices = base_price_rows()
    new_nodes, new_routes = build_new_nodes(out, projects, use, prices)
    files["new_nodes.csv"] = csv_text(["region", "product", "price_usd_per_unit", "reference_capacity", "source"], new_nodes)
    files["routes.csv"] = csv_text(["product", "exporter", "importer", "affinity", "source"], new_routes)
    mou_nodes, mou_routes, mou_projects = build_mou(recipes, use, prices)
    files["mou_new_nodes.csv"] = csv_text(["region", "product", "price_usd_per_unit", "reference_capacity", "source"], mou_nodes)
    files["mou_routes.csv"] = csv_text(["product", "exporter", "importer", "affinity", "source"], mou_routes)
    files["mou_capacity_projects.csv"] = csv_text(["region", "product", "online_year", "capacity", "source"], mou_projects)
    stock, stock_tot = build_initial_stock(ref)
    files["initial_stock.csv"] = csv_text(["region", "cohort", "vehicles", "source"], stock)

    # ---------------- checks
    errors = []

    def finite_nonneg(label, v):
        if not (math.isfinite(v) and v >= 0):
            errors.append("%s: %r is not finite and >= 0" % (label, v))

    for key, (dem, rec, _) in paths.items():
        for r in dem:
            finite_nonneg("demand_index %s %s %s" % (key, r[1], r[2]), float(r[3]))
            if r[2] == BASE_YEAR and abs(float(r[3]) - 1.0) > 1e-12:
                errors.append("demand_index %s %s 2024 = %s != 1" % (key, r[1], r[3]))
        for r in rec:
            finite_nonneg("recipe_index %s %s %s" % (key, r[2], r[3]), float(r[4]))
            if r[3] == BASE_YEAR and abs(float(r[4]) - 1.0) > 1e-12:
                errors.append("recipe_index %s %s 2024 = %s != 1" % (key, r[2], r[4]))
    if abs(multiple - SIXFOLD_TARGET) > 1e-9:
        errors.append("sixfold weighted multiple %.12f != 6" % multiple)
    for r in caps:
        finite_nonneg("capacity %s %s %s" % (r[0], r[1], r[2]), float(r[3]))
        if r[2] == BASE_YEAR and float(r[3]) < out[(r[0], r[1])]:
            errors.append("capacity %s %s 2024 = %s < baseline output %s" % (r[0], r[1], r[3], out[(r[0], r[1])]))
    for r in projects:
        finite_nonneg("project %s %s" % (r[0], r[2]), float(r[3]))
    for r in stock:
        finite_nonneg("initial_stock %s %s" % (r[0], r[1]), float(r[2]))
    for key, v in w.items():
        finite_nonneg("weight %s" % key, v)
    six_yaml = os.path.join(SCEN_DIR, "iea-sixfold.yaml")
    lam_text = "lambda = %s" % g(lam, 6)
    if os.path.exists(six_yaml):
        with open(six_yaml, encoding="utf-8") as fh:
            if lam_text not in fh.read():
                errors.append("Scenarios/iea-sixfold.yaml does not quote '%s'" % lam_text)
    else:
        errors.append("Scenarios/iea-sixfold.yaml missing")

    # ---------------- write or compare
    if a.check:
        for name, text in sorted(files.items()):
            p = os.path.join(OUT_DIR, name)
            cur = open(p, encoding="utf-8").read() if os.path.exists(p) else None
            if cur != text:
                errors.append("%s is not current (rerun without --check)" % os.path.relpath(p, REPO))
        extra = set(os.listdir(OUT_DIR)) - set(files) - {"README.md"} if os.path.isdir(OUT_DIR) else set()
        for e in sorted(extra):
            errors.append("unexpected file Scenarios/data/years/%s" % e)
    else:
        os.makedirs(OUT_DIR, exist_ok=True)
        for name, text in sorted(files.items()):
            with open(os.path.join(OUT_DIR, name), "w", encoding="utf-8", newline="") as fh:
                fh.write(text)

    # ---------------- report
    print("sixfold: base-year cell use weights w (t): " +
          ", ".join("%s %s" % (refined, fmt(w[refined])) for _, _, _, refined in MINERALS))
    print("sixfold: J_m(2040) NZE (EV+grid vs 2024): " +
          ", ".join("%s %s" % (m, g(1 + (I6[2040, m] - 1) / lam)) for m, _, _, _ in MINERALS))
    print("sixfold: %s" % lam_text)
    print("sixfold: I_m(2040): " + ", ".join("%s %s" % (m, g(I6[2040, m])) for m, _, _, _ in MINERALS))
    print("sixfold: weighted multiple sum w I(2040) / sum w = %.3f" % multiple)
    for scen in SCENARIOS:
        P = paths[scen][2][2040]
        print("%s 2040: ev %s, cells %s, J " % (scen, g(P["ev"]), g(P["grid"])) +
              ", ".join("%s %s" % (m, g(P["J", m])) for m, _, _, _ in MINERALS) + "; non-battery " +
              ", ".join("%s %s" % (m, g(P["nonbat", m])) for m, _, _, _ in MINERALS))
    print("capacities (t, 2024 -> 2040):")
    byk = {}
    for r in caps:
        byk.setdefault((r[0], r[1]), {})[r[2]] = float(r[3])
    for (reg, prod), v in byk.items():
        print("  %-4s %-15s %14s -> %14s  (x%s)" % (reg, prod, fmt(v[2024]), fmt(v[2040]), g(v[2040] / v[2024], 3)))
    for n in cap_notes:
        print("  not used: " + n)
    print("cell plants skipped (no capacity): " + "; ".join(skipped))
    print("initial EV stock, start of 2024 (cohorts 2015-2023, survival applied) vs IEA end-2023 stock:")
    for reg in REGIONS:
        iea = (EV_STOCK_2023["WORLD"] - sum(EV_STOCK_2023[r] for r in ("CA", "KR", "US", "CN"))
               if reg == "ROW" else EV_STOCK_2023[reg])
        print("  %-4s %12s   IEA %12s  (ratio %s)" % (reg, fmt(round(stock_tot[reg])), fmt(iea),
                                                    g(stock_tot[reg] / iea, 3)))
    if errors:
        print("CHECKS FAILED:")
        for e in errors:
            print("  " + e)
        return 1
    print("checks passed: indices 1.0 in 2024; sixfold multiple 6.000; capacity(2024) >= baseline output; "
          "all numbers finite and >= 0%s" % ("; committed CSVs current" if a.check else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
