extension Page {
    /// The page's styles: screen and print. System fonts only (no web fonts: no network).
    static let css = """
        :root { --ink: #1d1d1f; --muted: #5c5c66; --line: #dcdce2; --accent: #0b5cad; --warn: #a15c00; --ok: #1e7b34; }
        * { box-sizing: border-box; }
        body { margin: 0 auto; max-width: 1080px; padding: 24px 28px 48px; color: var(--ink); background: #fff;
          font: 15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
        header { border-bottom: 3px solid var(--ink); padding-bottom: 12px; margin-bottom: 16px; }
        .kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted); margin: 0; }
        h1 { font-size: 30px; margin: 4px 0 8px; } h1 .vs { color: var(--muted); font-weight: normal; font-size: 22px; }
        h2 { font-size: 21px; margin: 36px 0 6px; padding-top: 8px; border-top: 1px solid var(--line); }
        h3 { font-size: 16px; margin: 18px 0 6px; }
        .run { margin: 6px 0; } .run .side { font-weight: bold; margin: 8px 0 0; }
        .description { font-size: 16px; margin: 2px 0; } .meta { color: var(--muted); font-size: 13px; margin: 2px 0; }
        nav { background: #f6f6f8; border: 1px solid var(--line); border-radius: 6px; padding: 8px 16px; }
        nav h2 { font-size: 14px; margin: 4px 0; border: 0; padding: 0; }
        nav ol { margin: 0; padding-left: 20px; columns: 2; font-size: 14px; }
        a { color: var(--accent); }
        .explain { color: var(--muted); max-width: 880px; margin: 4px 0 12px; }
        .note, .verdict.warn { background: #fff6e5; border-left: 4px solid var(--warn); padding: 6px 10px; }
        .verdict.ok { background: #eaf6ec; border-left: 4px solid var(--ok); padding: 6px 10px; }
        ul.notes li { margin: 4px 0; }
        code { font: 13px/1.3 ui-monospace, Menlo, Consolas, monospace; background: #f3f3f5; padding: 0 3px; border-radius: 3px; }
        figure.chart { margin: 12px 0 20px; } figure.chart svg { width: 100%; height: auto; display: block; }
        figcaption { color: var(--muted); font-size: 12px; margin-top: 2px; }
        table { border-collapse: collapse; font-size: 13px; margin: 8px 0 16px; }
        th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: right; vertical-align: top; }
        th { background: #f6f6f8; font-weight: 600; } tbody th { text-align: left; }
        table.glance th.group { text-align: center; } table.glance td .b { display: block; font-weight: 600; }
        table.glance td .a, table.trade .delta { display: block; color: var(--muted); font-size: 11px; }
        table.trade caption { text-align: left; font-weight: 600; padding: 4px 0; }
        table.trade td .q { display: block; } table.trade td .share { display: block; color: var(--muted); font-size: 11px; }
        table.trade .zero { color: #bbb; } table.trade tr.total td, table.trade tr.total th { border-top: 2px solid #999; }
        table.solver td, table.changes td { font-variant-numeric: tabular-nums; }
        table.sources td:first-child, table.changes td:nth-child(-n+3) { text-align: left; }
        details { margin: 6px 0; } summary { cursor: pointer; }
        ul.source-list { font-size: 13px; } ul.source-list .count { color: var(--muted); display: inline-block; min-width: 70px; }
        dl.run-info { display: grid; grid-template-columns: 140px 1fr; gap: 2px 12px; font-size: 14px; }
        dl.run-info dt { color: var(--muted); } dl.run-info dd { margin: 0; word-break: break-all; }
        .switch { background: #f6f6f8; padding: 8px 12px; border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; }
        .switch label { margin-right: 18px; font-weight: 600; } .switch select { font-size: 14px; margin-left: 4px; }
        .panel-key { display: none; } html:not(.js) .panel-key { display: block; font-weight: 600; }
        html:not(.js) .switch { display: none; }
        .js .switch-panel:not(.selected) { display: none; }
        .tip { position: fixed; z-index: 10; display: none; pointer-events: none; white-space: pre-line; max-width: 420px;
          background: #1d1d1f; color: #fff; font-size: 12px; line-height: 1.4; padding: 6px 9px; border-radius: 4px; }
        .sankey-link:hover { stroke-opacity: .75; } .hover-band:hover { fill-opacity: .06; }
        footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
        @media print {
          body { max-width: none; padding: 0; font-size: 10pt; }
          nav, .switch, .tip { display: none !important; }
          .panel-key { display: block !important; font-weight: 600; }
          h2 { break-after: avoid; } figure.chart, table, .switch-panel, dl { break-inside: avoid; }
          a { color: inherit; text-decoration: none; }
        }
        """

    /// The page's script: the selectors, and hover boxes built from the SVG `<title>`
    /// elements (which are the hover text of the standalone figures). The page works without
    /// it: every panel is shown and browsers show the titles themselves.
    static let script = """
        document.documentElement.classList.add('js');
        (function () {
          document.querySelectorAll('.switch').forEach(function (box) {
            var group = box.getAttribute('data-group');
            var selects = box.querySelectorAll('select');
            function update() {
              var key = Array.prototype.map.call(selects, function (s) { return s.value; }).join('|');
              document.querySelectorAll('.switch-panel[data-group="' + group + '"]').forEach(function (p) {
                p.classList.toggle('selected', p.getAttribute('data-key') === key);
              });
            }
            selects.forEach(function (s) { s.addEventListener('change', update); });
            update();
          });
          var tip = document.createElement('div');
          tip.className = 'tip';
          tip.setAttribute('role', 'tooltip');
          document.body.appendChild(tip);
          document.querySelectorAll('svg title').forEach(function (t) {
            var el = t.parentNode;
            if (el.tagName.toLowerCase() === 'svg') return;
            el.setAttribute('data-tip', t.textContent);
            el.removeChild(t);
          });
          document.querySelectorAll('td[title]').forEach(function (td) {
            td.setAttribute('data-tip', td.getAttribute('title'));
            td.removeAttribute('title');
          });
          document.addEventListener('mousemove', function (e) {
            var el = e.target && e.target.closest ? e.target.closest('[data-tip]') : null;
            if (!el) { tip.style.display = 'none'; return; }
            tip.textContent = el.getAttribute('data-tip');
            tip.style.display = 'block';
            var x = e.clientX + 14, y = e.clientY + 14;
            if (x + tip.offsetWidth > window.innerWidth - 8) x = e.clientX - tip.offsetWidth - 14;
            if (y + tip.offsetHeight > window.innerHeight - 8) y = e.clientY - tip.offsetHeight - 14;
            tip.style.left = x + 'px';
            tip.style.top = y + 'px';
          });
        })();
        """
}
