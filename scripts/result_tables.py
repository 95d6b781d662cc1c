"""What scripts/results-table and scripts/scenario-table share: reading an output CSV, the
output-weighted mean price of a product, and the percent-change cell."""

import csv


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def mean_price(nodes, year, product):
    """Output-weighted mean price of `product` over the regions in `year` (None if none produced)."""
    value = quantity = 0.0
    for r in nodes:
        if r["year"] == year and r["product"] == product and r["price"]:
            x = float(r["production"])
            value += float(r["price"]) * x
            quantity += x
    return value / quantity if quantity > 0 else None


def percent_change(now, base):
    """`+4.9`-style percent change; a change that rounds to zero prints `+0.0` whatever its
    sign (so the last bits of a result cannot flip a table cell between -0.0 and +0.0)."""
    if not (now and base):
        return "–"
    text = f"{100 * (now / base - 1):+.1f}"
    return "+0.0" if text == "-0.0" else text
