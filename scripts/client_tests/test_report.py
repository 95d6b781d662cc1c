"""The HTML report in a real browser (headless Chromium driven by Playwright), and the SVG
figures as XML.

scripts/client-tests writes the reports first: one run (iea-nze, `minsim run --report`) and a
comparison (iea-steps vs canada-korea-mou-2026, `minsim report --compare`), each with
`--figures`. Nothing here pins a result number: every check compares the page with the CSVs
of the run it shows.
"""
import pathlib
import xml.etree.ElementTree as ET

import pytest

from conftest import OUT, RTOL, Folder, close

REPORTS = {
    "nze": (OUT / "nze" / "report.html", OUT / "figures-nze", {"a": OUT / "nze"}),
    "steps-vs-mou": (OUT / "steps-vs-mou.html", OUT / "figures-compare", {"a": OUT / "steps", "b": OUT / "mou"}),
}


def open_page(browser, html):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log = {"console": [], "errors": [], "requests": []}
    page.on("console", lambda m: log["console"].append((m.type, m.text)))
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    page.on("request", lambda r: log["requests"].append(r.url))
    page.goto(html.as_uri())
    page.wait_for_load_state("load")
    return page, log


@pytest.mark.parametrize("name", REPORTS)
def test_no_console_errors_and_no_network(browser, name):
    html, _, _ = REPORTS[name]
    page, log = open_page(browser, html)
    page.close()
    assert log["errors"] == []
    assert [m for m in log["console"] if m[0] in ("error", "warning")] == []
    # Offline: the page is the only thing loaded.
    assert log["requests"] == [html.as_uri()]


@pytest.mark.parametrize("name", REPORTS)
def test_every_chart_present_and_non_empty(browser, name):
    html, figures, _ = REPORTS[name]
    page, _ = open_page(browser, html)
    charts = page.eval_on_selector_all(
        "figure.chart",
        """els => els.map(f => ({
            name: f.dataset.figure,
            width: f.querySelector('svg').viewBox.baseVal.width,
            marks: f.querySelectorAll('polyline, circle, path.sankey-link, rect.sankey-node, rect.change-bar, text.no-change').length
        }))""",
    )
    names = sorted(c["name"] + ".svg" for c in charts)
    # A difference chart of a year where nothing changed says so (text.no-change) instead of bars.
    # Every chart of the page is also a figure file, and every figure file is on the page.
    assert names == sorted(p.name for p in figures.glob("*.svg"))
    assert len(charts) >= 9
    for c in charts:
        assert c["width"] > 0 and c["marks"] > 0, c

    # Every choice of the selectors shows exactly one panel, with drawn charts of real size.
    for group in page.eval_on_selector_all(".switch", "els => els.map(e => e.dataset.group)"):
        selects = page.locator(f'.switch[data-group="{group}"] select')
        options = [selects.nth(i).locator("option").evaluate_all("os => os.map(o => o.value)") for i in range(selects.count())]
        combos = [[]]
        for values in options:
            combos = [c + [v] for c in combos for v in values]
        for combo in combos:
            for i, value in enumerate(combo):
                selects.nth(i).select_option(value)
            shown = page.locator(f'.switch-panel[data-group="{group}"]:visible')
            assert shown.count() == 1, (group, combo)
            assert shown.first.get_attribute("data-key") == "|".join(combo)
            for svg in shown.first.locator("svg").all():
                box = svg.bounding_box()
                assert box and box["width"] > 300 and box["height"] > 100, (group, combo, box)
            if group == "trade":
                assert shown.first.locator("table.trade, p.note").count() == 1
    page.close()


def sankeys(page):
    return page.eval_on_selector_all(
        'figure[data-chart="sankey"]',
        """els => els.map(f => ({
            mineral: f.dataset.mineral, year: f.dataset.year, side: f.dataset.side || 'a',
            nodes: Array.from(f.querySelectorAll('rect.sankey-node')).map(n => ({id: n.dataset.id, kind: n.dataset.kind})),
            links: Array.from(f.querySelectorAll('path.sankey-link')).map(l =>
                ({source: l.dataset.source, target: l.dataset.target, value: parseFloat(l.dataset.value)})),
            unmet: Array.from(f.querySelectorAll('rect.sankey-unmet')).map(u =>
                ({region: u.dataset.region, value: parseFloat(u.dataset.value)}))
        }))""",
    )


@pytest.mark.parametrize("name", REPORTS)
def test_sankey_conserves_mass_against_the_csvs(browser, name):
    html, _, runs = REPORTS[name]
    folders = {side: Folder(path) for side, path in runs.items()}
    page, _ = open_page(browser, html)
    diagrams = sankeys(page)
    page.close()
    assert diagrams, "no Sankey diagram on the page"
    for d in diagrams:
        run = folders[d["side"]]
        chain = run.chains[d["mineral"]]
        ore, refined, year = chain["ore"], chain["refined"], int(d["year"])
        inflow, outflow = {}, {}
        for link in d["links"]:
            assert link["value"] > 0
            outflow[link["source"]] = outflow.get(link["source"], 0) + link["value"]
            inflow[link["target"]] = inflow.get(link["target"], 0) + link["value"]
        where = f'{name} {d["side"]} {d["mineral"]} {year}'
        # Every node that receives and passes on mineral passes on what it receives.
        for node in d["nodes"]:
            i, o = inflow.get(node["id"], 0), outflow.get(node["id"], 0)
            if i > 0 and o > 0:
                assert close(i, o), (where, node, i, o)
        # Sources: mines = nodes.csv production of the ore; recycled = minerals.csv secondary supply.
        for node in d["nodes"]:
            if node["id"].startswith(f"stage:{ore}:"):
                region = node["id"].split(":")[2]
                assert close(outflow.get(node["id"], 0), run.production(year, region, ore)), (where, node)
        secondary = run.mineral(year, d["mineral"], "secondary_supply")
        for region, value in secondary.items():
            assert close(outflow.get(f"recycling:{region}", 0), value, RTOL) or value == 0, (where, region)
        # Each mine-to-refinery band is the flows.csv quantity of that route.
        ore_flows = {
            (r["exporter"], r["importer"]): float(r["quantity"])
            for r in run.flows
            if r["year"] == str(year) and r["product"] == ore and float(r["quantity"]) > 0
        }
        bands = {
            (l["source"].split(":")[2], l["target"].split(":")[2]): l["value"]
            for l in d["links"]
            if l["source"].startswith(f"stage:{ore}:") and l["target"].startswith(f"stage:{refined}:")
        }
        assert bands.keys() == ore_flows.keys(), where
        for route, q in ore_flows.items():
            assert close(bands[route], q), (where, route)
        # Refineries sell what flows.csv says they sold, and that is what nodes.csv says they made.
        sold = run.sales(year, refined)
        for node in d["nodes"]:
            if node["id"].startswith(f"stage:{refined}:"):
                region = node["id"].split(":")[2]
                passed = sum(l["value"] for l in d["links"] if l["source"] == node["id"] and l["target"] != "losses")
                assert close(passed, sold[region]), (where, region, passed, sold[region])
                assert close(passed, run.production(year, region, refined)), (where, region)
        # Unmet demand = minerals.csv; sources = sinks.
        unmet = run.mineral(year, d["mineral"], "unmet_demand")
        assert {u["region"]: u["value"] for u in d["unmet"]} == {r: v for r, v in unmet.items() if v > 0}, where
        sources = sum(v for k, v in outflow.items() if k not in inflow)
        sinks = sum(v for k, v in inflow.items() if k not in outflow)
        assert close(sources, sinks), (where, sources, sinks)


def test_hover_shows_the_exact_value(browser):
    html, _, _ = REPORTS["nze"]
    page, _ = open_page(browser, html)
    links = page.locator("#sankey .switch-panel.selected path.sankey-link")
    # The widest band: thin ones can be a fraction of a pixel, too small to point at.
    widest = links.evaluate_all(
        "ls => ls.reduce((best, l, i) => parseFloat(l.dataset.value) > parseFloat(ls[best].dataset.value) ? i : best, 0)")
    link = links.nth(widest)
    tip_text = link.get_attribute("data-tip")
    assert tip_text and " t of " in tip_text
    link.scroll_into_view_if_needed()
    # A point a tenth along the band, in the window's coordinates (bands overlap elsewhere).
    point = link.evaluate(
        """l => { const p = l.getPointAtLength(l.getTotalLength() * 0.1).matrixTransform(l.getScreenCTM());
                  return {x: p.x, y: p.y}; }""")
    page.mouse.move(point["x"], point["y"])
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).dataset.tip", [point["x"], point["y"]]) == tip_text
    tip = page.locator("div.tip")
    assert tip.is_visible()
    assert tip.inner_text() == tip_text
    page.close()


@pytest.mark.parametrize("name", REPORTS)
def test_screenshot_for_the_record(browser, name):
    html, _, _ = REPORTS[name]
    page, _ = open_page(browser, html)
    shots = OUT / "screenshots"
    shots.mkdir(exist_ok=True)
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.close()
    assert path.stat().st_size > 50_000


@pytest.mark.parametrize("name", REPORTS)
def test_print_layout_has_charts(browser, name):
    html, _, _ = REPORTS[name]
    page, _ = open_page(browser, html)
    page.emulate_media(media="print")
    assert page.locator("nav").is_hidden()
    assert page.locator("figure.chart:visible").count() >= 9
    page.close()


@pytest.mark.parametrize("name", REPORTS)
def test_every_svg_figure_parses_as_xml(name):
    _, figures, _ = REPORTS[name]
    files = sorted(figures.glob("*.svg"))
    assert files
    for path in files:
        root = ET.parse(path).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg", path
        assert float(root.get("width")) > 0 and float(root.get("height")) > 0
        assert root.find("{http://www.w3.org/2000/svg}title").text
