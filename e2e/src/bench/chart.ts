import { formatMs } from './statistics';

/**
 * The benchmark as a picture: end-to-end latency percentiles as bars, and the median time of each
 * hop as one stacked bar, so where the time goes is seen at a glance. Plain SVG, no dependencies.
 * A figure that could not be measured (NaN) gets no bar and is labelled "missing": it never
 * reaches an attribute, where NaN would make the whole picture invalid.
 */
export interface ChartInput {
  readonly title: string;
  readonly percentiles: ReadonlyArray<{ label: string; ms: number }>;
  readonly hops: ReadonlyArray<{ label: string; ms: number }>;
}

const colours = ['#005eb8', '#41b6e6', '#009639', '#ffb81c', '#ed8b00', '#7c2855', '#768692'];

export function renderChart({ title, percentiles, hops }: ChartInput): string {
  const width = 760;
  const left = 170;
  const barArea = width - left - 90;
  const measured = (ms: number) => (Number.isFinite(ms) && ms > 0 ? ms : 0);
  const maxMs = Math.max(1, ...percentiles.map((p) => measured(p.ms)));
  const scale = (ms: number) => (measured(ms) / maxMs) * barArea;
  const rows: string[] = [];
  let y = 60;
  rows.push(text(20, 28, title, 16, 'bold'));
  rows.push(text(20, y - 12, 'End-to-end latency, command accepted to confirmed (ms)', 13, 'bold'));
  for (const { label, ms } of percentiles) {
    rows.push(text(20, y + 15, label, 13));
    rows.push(
      `<rect x="${left}" y="${y}" width="${scale(ms).toFixed(1)}" height="22" fill="#005eb8"/>`,
    );
    rows.push(text(left + scale(ms) + 6, y + 15, formatMs(ms), 12));
    y += 30;
  }
  y += 30;
  const hopTotal = hops.reduce((a, h) => a + measured(h.ms), 0) || 1;
  rows.push(text(20, y - 12, 'Where the median goes, hop by hop (ms)', 13, 'bold'));
  let x = left;
  hops.forEach((hop, i) => {
    const w = (measured(hop.ms) / hopTotal) * barArea;
    rows.push(
      `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="26" fill="${colours[i % colours.length]}"/>`,
    );
    x += w;
  });
  y += 46;
  hops.forEach((hop, i) => {
    rows.push(
      `<rect x="20" y="${y - 11}" width="12" height="12" fill="${colours[i % colours.length]}"/>`,
    );
    rows.push(text(40, y, `${hop.label}: ${formatMs(hop.ms)}`, 12));
    y += 20;
  });
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...rows,
    '</svg>',
  ].join('\n');
}

function text(x: number, y: number, content: string, size: number, weight = 'normal'): string {
  const escaped = content.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<text x="${x}" y="${y}" font-size="${size}" font-weight="${weight}" fill="#212b32">${escaped}</text>`;
}
