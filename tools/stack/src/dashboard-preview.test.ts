import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allPanels, type Dashboard, escapeHtml, renderDashboardPreview } from './dashboard-preview.ts';
import { parseExposition, readQuery } from './metric-readings.ts';
import { repoRoot } from './processes.ts';

const folder = 'infra/grafana/dashboards';
const dashboards = readdirSync(join(repoRoot, folder))
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({
    source: `${folder}/${f}`,
    dashboard: JSON.parse(readFileSync(join(repoRoot, folder, f), 'utf8')) as Dashboard,
  }));

/** The markup of one panel: from its data-panel-id to the next panel's. */
function panelMarkup(html: string, id: number): string {
  const start = html.indexOf(`data-panel-id="${id}"`);
  if (start < 0) return '';
  const next = html.indexOf('data-panel-id="', start + 1);
  return html.slice(start, next < 0 ? undefined : next);
}

describe('the dashboard preview', () => {
  it.each(dashboards)(
    'when $source is rendered, then every panel shows with its title, type and queries',
    ({ source, dashboard }) => {
      const html = renderDashboardPreview(dashboard, { source });
      const panels = allPanels(dashboard);
      expect(panels.length).toBeGreaterThan(0);
      expect(html.match(/data-panel-id="/g)?.length).toBe(panels.length);
      for (const panel of panels) {
        const markup = panelMarkup(html, panel.id);
        expect(markup, `panel ${panel.id}`).toContain(escapeHtml(panel.title));
        expect(markup, `panel ${panel.id}`).toContain(`data-panel-type="${panel.type}"`);
        expect(markup, `panel ${panel.id}`).toContain(`grid-column: ${panel.gridPos.x + 1} / span ${panel.gridPos.w}`);
        for (const target of panel.targets ?? []) {
          expect(markup, `${panel.title} ${target.refId}`).toContain(escapeHtml(target.expr ?? ''));
        }
      }
    },
  );

  it('when a row is collapsed, then its panels are drawn too', () => {
    const html = renderDashboardPreview(
      {
        title: 'd',
        panels: [
          {
            id: 1,
            type: 'row',
            title: 'Folded',
            gridPos: { x: 0, y: 0, w: 24, h: 1 },
            panels: [
              { id: 2, type: 'stat', title: 'Inside', gridPos: { x: 0, y: 1, w: 6, h: 4 }, targets: [{ expr: 'up' }] },
            ],
          },
        ],
      },
      { source: 'd.json' },
    );
    expect(panelMarkup(html, 2)).toContain('Inside');
  });

  it('when readings are given, then each query shows its series as scraped, and markup in names stays text', () => {
    const scrape = parseExposition('# TYPE x_total counter\nx_total{service="a<b>"} 3\n');
    const html = renderDashboardPreview(
      {
        title: 'd',
        panels: [
          {
            id: 1,
            type: 'timeseries',
            title: '<script>',
            gridPos: { x: 0, y: 0, w: 12, h: 8 },
            targets: [{ refId: 'A', expr: 'sum by (service) (rate(x_total[5m]))' }],
          },
        ],
      },
      { source: 'd.json', readQuery: (expr) => readQuery(scrape, expr) },
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
    expect(panelMarkup(html, 1)).toContain('a&#60;b&#62; <b>3</b>');
  });
});
