"""Shared fixtures of the client tests: where scripts/client-tests put the results, and one
headless Chromium for the whole session."""
import csv
import os
import pathlib
from collections import defaultdict

import pytest

OUT = pathlib.Path(os.environ.get("MINSIM_CLIENT_OUT", ".build/client-tests")).resolve()
CHROMIUM = os.environ.get("MINSIM_CHROMIUM", "/usr/bin/chromium")

# Relative tolerance of every comparison between a number the report shows and the CSVs:
# the 1e-9, which is also the engine's mass-balance tolerance (manifest
# `mass_balance_tolerance`): the Sankey's mine and refinery nodes are sums of flows.csv,
# compared with nodes.csv production, which the solver balances to that tolerance.
RTOL = 1e-9


def close(a, b, rtol=RTOL):
    return abs(a - b) <= rtol * max(abs(a), abs(b), 1e-300)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


class Folder:
    """A result folder of `minsim run`, read with Python's csv module (independently of the
    Swift reader the report uses)."""

    def __init__(self, path):
        self.path = pathlib.Path(path)
        self.nodes = read_csv(self.path / "nodes.csv")
        self.flows = read_csv(self.path / "flows.csv")
        self.minerals = read_csv(self.path / "minerals.csv")
        self.chains = {r["name"]: r for r in read_csv(self.path / "resolved" / "mineral_chains.csv")}

    def production(self, year, region, product):
        for r in self.nodes:
            if r["year"] == str(year) and r["region"] == region and r["product"] == product:
                return float(r["production"])
        return 0.0

    def sales(self, year, product):
        out = defaultdict(float)
        for r in self.flows:
            if r["year"] == str(year) and r["product"] == product:
                out[r["exporter"]] += float(r["quantity"])
        return out

    def mineral(self, year, mineral, column):
        return {r["region"]: float(r[column]) for r in self.minerals if r["year"] == str(year) and r["mineral"] == mineral}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()
