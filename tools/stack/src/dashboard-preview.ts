import type { Reading } from './metric-readings.ts';

// A Grafana dashboard's JSON drawn as one self-contained HTML page, for a picture of it without Grafana:
// every panel at its gridPos on Grafana's 24-column grid, with its title, type and queries, and, when given,
// what each query's series hold in one scrape of a running system. It draws no charts: a chart needs
// Prometheus's history, and a drawn one would be made up.

export interface DashboardTarget {
  refId?: string;
  expr?: string;
  legendFormat?: string;
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: DashboardTarget[];
  fieldConfig?: { defaults?: { unit?: string } };
  /** A collapsed row keeps its panels here. */
  panels?: DashboardPanel[];
}

export interface Dashboard {
  uid?: string;
  title: string;
  description?: string;
  panels: DashboardPanel[];
  templating?: { list: { name: string; allValue?: string; current?: { text?: string | string[] } }[] };
}

export interface PreviewOptions {
  /** Where the dashboard comes from, shown in the header (a path relative to the repository). */
  source: string;
  /** What each query's series hold now; without it the page shows the queries only. */
  readQuery?: (expr: string) => Reading[];
  /** What the readings are, shown in the header. */
  readingsNote?: string;
}

/** Every panel of the dashboard, a collapsed row's panels included. */
export function allPanels(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Each template variable as "All" selects it: its allValue (`.*` when it has none). */
export function allValues(dashboard: Dashboard): Record<string, string> {
  return Object.fromEntries((dashboard.templating?.list ?? []).map((v) => [v.name, v.allValue ?? '.*']));
}

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const style = `
  * { box-sizing: border-box; }
  body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #d8d9da; background: #111217; }
  header { padding: 14px 16px 6px; }
  header h1 { font-size: 18px; margin: 0 0 4px; color: #fff; }
  header p { margin: 2px 0; color: #9fa7b3; }
  .grid { display: grid; grid-template-columns: repeat(24, minmax(0, 1fr)); grid-auto-rows: minmax(30px, auto); gap: 8px; padding: 8px 16px 16px; }
  .row { margin: 0; align-self: end; font-size: 15px; color: #fff; border-bottom: 1px solid #2c3235; padding-bottom: 2px; }
  .panel { background: #181b1f; border: 1px solid #2c3235; border-radius: 4px; padding: 8px 10px; min-width: 0; }
  .panel h2 { display: flex; gap: 8px; align-items: baseline; font-size: 13px; margin: 0 0 4px; color: #fff; }
  .panel h2 .type { margin-left: auto; font-weight: 400; font-size: 11px; color: #9fa7b3; border: 1px solid #2c3235; border-radius: 3px; padding: 0 5px; }
  .panel .description { margin: 0 0 6px; color: #9fa7b3; font-size: 12px; }
  .query { border-top: 1px solid #22252b; padding: 4px 0; }
  .query code { display: block; font: 11px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; color: #6e9fff; white-space: pre-wrap; overflow-wrap: anywhere; }
  .query .ref { color: #9fa7b3; font-size: 11px; }
  .reading { margin: 3px 0 0; font-size: 11px; }
  .reading .selector { color: #9fa7b3; font-family: ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
  .reading ul { list-style: none; margin: 1px 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 2px 12px; }
  .reading b { color: #73bf69; font-weight: 600; }
  .reading .absent { color: #9fa7b3; font-style: italic; }
`;

/** At most this many groups per reading; the rest are counted. */
const MAX_GROUPS = 4;

function readingHtml(reading: Reading): string {
  const head = `<div class="selector">${escapeHtml(reading.selector)} · ${escapeHtml(reading.note)}</div>`;
  if (reading.kind === 'absent') return `<div class="reading"><span class="absent">${head}</span></div>`;
  const shown = reading.groups
    .slice(0, MAX_GROUPS)
    .map((g) => `<li>${escapeHtml(g.group)} <b>${escapeHtml(g.figure)}</b></li>`);
  if (reading.groups.length > MAX_GROUPS) shown.push(`<li>+${reading.groups.length - MAX_GROUPS} more</li>`);
  return `<div class="reading">${head}<ul>${shown.join('')}</ul></div>`;
}

function placement({ x, y, w, h }: DashboardPanel['gridPos']): string {
  return `grid-column: ${x + 1} / span ${w}; grid-row: ${y + 1} / span ${h}`;
}

function panelHtml(panel: DashboardPanel, options: PreviewOptions): string {
  const id = `data-panel-id="${panel.id}" data-panel-type="${escapeHtml(panel.type)}"`;
  if (panel.type === 'row') {
    return `<h2 class="row" ${id} style="${placement(panel.gridPos)}">${escapeHtml(panel.title)}</h2>`;
  }
  const unit = panel.fieldConfig?.defaults?.unit;
  const queries = (panel.targets ?? []).map((t) => {
    const legend = t.legendFormat ? ` · legend ${escapeHtml(t.legendFormat)}` : '';
    const readings = t.expr && options.readQuery ? options.readQuery(t.expr).map(readingHtml).join('') : '';
    return `<div class="query" data-ref-id="${escapeHtml(t.refId ?? '')}"><span class="ref">${escapeHtml(t.refId ?? '')}${legend}</span><code>${escapeHtml(t.expr ?? '')}</code>${readings}</div>`;
  });
  return [
    `<section class="panel" ${id} style="${placement(panel.gridPos)}">`,
    `<h2>${escapeHtml(panel.title)}<span class="type">${escapeHtml(panel.type)}${unit ? ` · ${escapeHtml(unit)}` : ''}</span></h2>`,
    panel.description ? `<p class="description">${escapeHtml(panel.description)}</p>` : '',
    ...queries,
    '</section>',
  ].join('');
}

/** The dashboard as a self-contained HTML document (no script, no other asset). */
export function renderDashboardPreview(dashboard: Dashboard, options: PreviewOptions): string {
  const variables = (dashboard.templating?.list ?? [])
    .map((v) => `$${v.name} = ${[v.current?.text ?? 'All'].flat().join(', ')} (${v.allValue ?? '.*'})`)
    .join(', ');
  const header = [
    `<h1>${escapeHtml(dashboard.title)}</h1>`,
    dashboard.description ? `<p>${escapeHtml(dashboard.description)}</p>` : '',
    `<p>${escapeHtml(options.source)}, laid out on Grafana's 24-column grid from each panel's gridPos: the queries, not Grafana's charts.${variables ? ` Variables: ${escapeHtml(variables)}.` : ''}</p>`,
    options.readingsNote ? `<p>${escapeHtml(options.readingsNote)}</p>` : '',
  ].join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(dashboard.title)} (preview)</title>
<style>${style}</style>
</head>
<body>
<header>${header}</header>
<main class="grid">
${allPanels(dashboard)
  .map((p) => panelHtml(p, options))
  .join('\n')}
</main>
</body>
</html>
`;
}
