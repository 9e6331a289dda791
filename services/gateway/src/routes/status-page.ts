import { createHash } from 'node:crypto';

// The status page: one self-contained document (no CDN, no other asset), which polls /status.json every 2 s
// and draws every process and dependency with its colour. Only textContent is written: an error message
// from a dependency cannot become markup.

const style = `
  :root { --up: #1a7f37; --degraded: #bf8700; --down: #cf222e; --unknown: #6e7781; --ink: #1f2328; --line: #d0d7de; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f6f8fa; }
  header { display: flex; gap: 12px; align-items: center; padding: 14px 24px; background: #fff; border-bottom: 1px solid var(--line); }
  header h1 { font-size: 18px; margin: 0 8px 0 0; }
  #updated { margin-left: auto; color: #57606a; }
  main { padding: 16px 24px; display: grid; gap: 16px; }
  .pill { display: inline-block; padding: 1px 10px; border-radius: 999px; color: #fff; font-weight: 600; font-size: 12px; text-transform: uppercase; background: var(--unknown); }
  [data-status="up"] > .head .pill, .pill[data-status="up"] { background: var(--up); }
  [data-status="degraded"] > .head .pill, .pill[data-status="degraded"] { background: var(--degraded); }
  [data-status="down"] > .head .pill, .pill[data-status="down"] { background: var(--down); }
  #banner { display: none; padding: 10px 24px; background: var(--down); color: #fff; font-weight: 600; }
  #banner.shown { display: block; }
  .traffic { display: grid; grid-template-columns: repeat(4, minmax(120px, 1fr)); gap: 12px; }
  .figure { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
  .figure b { display: block; font-size: 22px; }
  .figure span { color: #57606a; }
  .processes { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 12px; }
  .process { background: #fff; border: 1px solid var(--line); border-left: 6px solid var(--unknown); border-radius: 8px; padding: 10px 14px; }
  .process[data-status="up"] { border-left-color: var(--up); }
  .process[data-status="degraded"] { border-left-color: var(--degraded); }
  .process[data-status="down"] { border-left-color: var(--down); }
  .process .head { display: flex; justify-content: space-between; align-items: center; }
  .process h2 { font-size: 15px; margin: 0; }
  .process .error { color: var(--down); margin: 6px 0 0; }
  .process ul { list-style: none; padding: 0; margin: 8px 0 0; }
  .process li { display: flex; gap: 8px; align-items: baseline; padding: 3px 0; border-top: 1px solid #eaeef2; }
  .dot { width: 10px; height: 10px; border-radius: 50%; flex: none; background: var(--unknown); }
  li[data-status="up"] .dot { background: var(--up); }
  li[data-status="degraded"] .dot { background: var(--degraded); }
  li[data-status="down"] .dot { background: var(--down); }
  li .name { font-weight: 600; }
  li .detail { color: #57606a; margin-left: auto; text-align: right; }
  table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
  th, td { text-align: left; padding: 6px 10px; border-top: 1px solid #eaeef2; }
  td.num, th.num { text-align: right; }
`;

const script = `
(function () {
  var POLL_MS = 2000;
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var key in attrs || {}) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = String(text);
    return node;
  }
  function details(dep) {
    var parts = [];
    if (dep.breaker) parts.push('breaker ' + dep.breaker);
    if (typeof dep.queueDepth === 'number') parts.push(dep.queueDepth + ' queued');
    if (typeof dep.inFlight === 'number' && dep.inFlight > 0) parts.push(dep.inFlight + ' in flight');
    if (dep.error) parts.push(dep.error);
    return parts.join(' · ');
  }
  function card(process) {
    var section = el('section', { class: 'process', 'data-process': process.name, 'data-status': process.status });
    var head = el('div', { class: 'head' });
    head.appendChild(el('h2', {}, process.name));
    head.appendChild(el('span', { class: 'pill' }, process.status));
    section.appendChild(head);
    if (process.error) section.appendChild(el('p', { class: 'error' }, process.error));
    var list = el('ul');
    Object.keys(process.dependencies).sort().forEach(function (name) {
      var dep = process.dependencies[name];
      var item = el('li', { 'data-dependency': name, 'data-status': dep.status });
      item.appendChild(el('span', { class: 'dot', title: dep.status }));
      item.appendChild(el('span', { class: 'name' }, name));
      item.appendChild(el('span', { class: 'detail' }, details(dep) || dep.status));
      list.appendChild(item);
    });
    section.appendChild(list);
    return section;
  }
  function render(report) {
    var overall = document.getElementById('overall');
    overall.textContent = report.status;
    overall.setAttribute('data-status', report.status);
    document.getElementById('rate').textContent = report.traffic.requestsPerSecond.toFixed(1);
    document.getElementById('mean').textContent = report.traffic.meanMs + ' ms';
    document.getElementById('max').textContent = report.traffic.maxMs + ' ms';
    document.getElementById('inflight').textContent =
      report.traffic.inFlight === undefined ? '–' : String(report.traffic.inFlight);
    document.getElementById('window').textContent = String(report.traffic.windowSeconds);
    var grid = document.getElementById('processes');
    grid.replaceChildren.apply(grid, report.processes.map(card));
    var rows = document.getElementById('routes');
    if (report.traffic.routes.length === 0) {
      var none = el('tr');
      none.appendChild(el('td', { colspan: '4' }, 'No API requests in the last ' + report.traffic.windowSeconds + ' s.'));
      rows.replaceChildren(none);
    } else rows.replaceChildren.apply(
      rows,
      report.traffic.routes.map(function (r) {
        var tr = el('tr');
        tr.appendChild(el('td', {}, r.operation + ' ' + r.URL));
        tr.appendChild(el('td', { class: 'num' }, r.requestsPerSecond.toFixed(1)));
        tr.appendChild(el('td', { class: 'num' }, r.mean));
        tr.appendChild(el('td', { class: 'num' }, r.max));
        return tr;
      }),
    );
    document.getElementById('updated').textContent = 'updated ' + new Date(report.generatedAt).toLocaleTimeString();
  }
  function poll() {
    fetch('/status.json', { cache: 'no-store' })
      .then(function (res) {
        if (!res.ok) throw new Error('the gateway answered ' + res.status);
        return res.json();
      })
      .then(function (report) {
        render(report);
        document.getElementById('banner').className = '';
      })
      .catch(function (err) {
        var banner = document.getElementById('banner');
        banner.textContent = 'Cannot reach the gateway (' + err.message + '); the figures below are stale.';
        banner.className = 'shown';
        var overall = document.getElementById('overall');
        overall.textContent = 'unknown';
        overall.setAttribute('data-status', 'unknown');
      })
      .finally(function () {
        setTimeout(poll, POLL_MS);
      });
  }
  poll();
})();
`;

/** The CSP source that allows exactly this page's inline script and nothing else inline. */
export const statusScriptSource = `'sha256-${createHash('sha256').update(script).digest('base64')}'`;

export const statusPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Skico status</title>
  <link rel="icon" href="data:,">
  <style>${style}</style>
</head>
<body>
  <header>
    <h1>Skico status</h1>
    <span class="pill" id="overall" data-status="unknown">loading</span>
    <span id="updated">waiting for the first report…</span>
  </header>
  <div id="banner" role="alert"></div>
  <main>
    <div class="traffic">
      <div class="figure"><b id="rate">–</b><span>requests/s (last <span id="window">–</span> s)</span></div>
      <div class="figure"><b id="mean">–</b><span>mean latency</span></div>
      <div class="figure"><b id="max">–</b><span>max latency</span></div>
      <div class="figure"><b id="inflight">–</b><span>in flight at the gateway</span></div>
    </div>
    <div class="processes" id="processes"></div>
    <table>
      <thead><tr><th>Route</th><th class="num">req/s</th><th class="num">mean ms</th><th class="num">max ms</th></tr></thead>
      <tbody id="routes"></tbody>
    </table>
  </main>
  <script>${script}</script>
</body>
</html>
`;
