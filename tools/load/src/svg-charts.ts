// Charts as inline SVG strings, so that the HTML report needs no script and loads nothing from anywhere.

export interface LineSeries {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
}

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The smallest 1, 2 or 5 × 10^k at or above v, so that axis labels are round. */
function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(v));
  const step = [1, 2, 5, 10].find((m) => m * magnitude >= v) ?? 10;
  return step * magnitude;
}

/** A round tick step giving at most about `ticks` ticks, and the axis end as a whole number of steps. */
export function axis(max: number, ticks: number): { step: number; max: number } {
  const step = niceCeil(max / ticks);
  return { step, max: Math.max(step, Math.ceil(max / step - 1e-9) * step) };
}

const label = (v: number) => (v >= 1000 ? `${+(v / 1000).toFixed(1)}k` : `${+v.toFixed(2)}`);

/** A line chart with axes, grid and legend. */
export function lineChart(o: { title: string; xLabel: string; yLabel: string; series: LineSeries[] }): string {
  const [w, h, left, right, top, bottom] = [760, 280, 56, 16, 36, 40];
  const all = o.series.flatMap((s) => s.points);
  const xs = axis(Math.max(1, ...all.map(([x]) => x)), 6);
  const ys = axis(Math.max(0, ...all.map(([, y]) => y)), 4);
  const sx = (x: number) => left + (x / xs.max) * (w - left - right);
  const sy = (y: number) => h - bottom - (y / ys.max) * (h - top - bottom);
  const parts: string[] = [`<text x="${left}" y="20" class="title">${escapeHtml(o.title)}</text>`];
  for (let y = 0; y <= ys.max + 1e-9; y += ys.step) {
    parts.push(`<line x1="${left}" x2="${w - right}" y1="${sy(y)}" y2="${sy(y)}" class="grid"/>`);
    parts.push(`<text x="${left - 6}" y="${sy(y) + 4}" text-anchor="end">${label(y)}</text>`);
  }
  for (let x = 0; x <= xs.max + 1e-9; x += xs.step) {
    parts.push(`<text x="${sx(x)}" y="${h - bottom + 16}" text-anchor="middle">${label(x)}</text>`);
  }
  parts.push(`<text x="${(left + w - right) / 2}" y="${h - 6}" text-anchor="middle">${escapeHtml(o.xLabel)}</text>`);
  parts.push(`<text x="14" y="${(top + h - bottom) / 2}" transform="rotate(-90 14 ${(top + h - bottom) / 2})"
    text-anchor="middle">${escapeHtml(o.yLabel)}</text>`);
  o.series.forEach((s, i) => {
    const pts = s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    const lx = w - right - 150;
    const ly = top + 4 + i * 16;
    parts.push(`<line x1="${lx}" x2="${lx + 18}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="3"${dash}/>`);
    parts.push(`<text x="${lx + 24}" y="${ly + 4}">${escapeHtml(s.name)}</text>`);
  });
  return `<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeHtml(o.title)}">${parts.join('')}</svg>`;
}

export interface BarRow {
  label: string;
  segments: { name: string; value: number; color: string }[];
}

/** Horizontal stacked bars, one row per run, each bar the share of every segment. */
export function stackedBars(o: { title: string; rows: BarRow[] }): string {
  const [w, left, right, rowH] = [760, 90, 16, 34];
  const h = 40 + o.rows.length * rowH + 24;
  const parts: string[] = [`<text x="${left}" y="20" class="title">${escapeHtml(o.title)}</text>`];
  o.rows.forEach((row, i) => {
    const y = 36 + i * rowH;
    const total = row.segments.reduce((sum, s) => sum + s.value, 0) || 1;
    parts.push(`<text x="${left - 8}" y="${y + 17}" text-anchor="end">${escapeHtml(row.label)}</text>`);
    let x = left;
    for (const s of row.segments) {
      const width = (s.value / total) * (w - left - right);
      const tip = `${s.name}: ${s.value.toLocaleString('en-US')}`;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="24" fill="${s.color}">` +
          `<title>${escapeHtml(tip)}</title></rect>`,
      );
      if (width > 70) parts.push(`<text x="${x + 6}" y="${y + 17}" class="on-bar">${escapeHtml(tip)}</text>`);
      x += width;
    }
  });
  return `<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeHtml(o.title)}">${parts.join('')}</svg>`;
}
