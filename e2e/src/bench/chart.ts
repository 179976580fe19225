import { formatMs } from './statistics';

/**
 * The benchmark as a picture: end-to-end latency percentiles as bars, the median time of each hop
 * as one stacked bar, so where the time goes is seen at a glance, and confirmations per second
 * over the run, so it shows whether the load was steady and what was measured. Plain SVG.
 * A figure that could not be measured (NaN) gets no bar and is labelled "missing": it never
 * reaches an attribute, where NaN would make the whole picture invalid.
 */
export interface ChartInput {
  readonly title: string;
  readonly percentiles: ReadonlyArray<{ label: string; ms: number }>;
  readonly hops: ReadonlyArray<{ label: string; ms: number }>;
  readonly timeline?: TimelineInput;
}

/** Confirmations per second through the run, the offered rate, and the window measured. */
export interface TimelineInput {
  /** The rate of confirmations (per second) in each bucket of `bucketS` seconds from the start. */
  readonly confirmedPerSecond: readonly number[];
  readonly bucketS: number;
  /** Commands per second the bench sent (steady mode), drawn as a dashed line. */
  readonly offeredPerSecond?: number;
  /** Seconds from the first command: the window the figures are taken from, shaded. */
  readonly measured: { readonly fromS: number; readonly toS: number };
  readonly caption: string;
}

const colours = ['#005eb8', '#41b6e6', '#009639', '#ffb81c', '#ed8b00', '#7c2855', '#768692'];

export function renderChart({ title, percentiles, hops, timeline }: ChartInput): string {
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
  if (timeline) y = drawTimeline(rows, timeline, y + 30, left, barArea);
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...rows,
    '</svg>',
  ].join('\n');
}

const TIMELINE_HEIGHT = 120;

/** Bars of confirmations per second under a shaded measured window; returns the next free y. */
function drawTimeline(
  rows: string[],
  { confirmedPerSecond, bucketS, offeredPerSecond, measured, caption }: TimelineInput,
  top: number,
  left: number,
  width: number,
): number {
  rows.push(text(20, top - 12, 'Confirmed per second over the run', 13, 'bold'));
  const seconds = Math.max(1, confirmedPerSecond.length * bucketS);
  const peak = Math.max(1, ...confirmedPerSecond, offeredPerSecond ?? 0) * 1.1;
  const x = (s: number) => left + (Math.min(Math.max(s, 0), seconds) / seconds) * width;
  const y = (count: number) => top + TIMELINE_HEIGHT - (count / peak) * TIMELINE_HEIGHT;
  const bottom = top + TIMELINE_HEIGHT;
  rows.push(
    `<rect x="${x(measured.fromS).toFixed(1)}" y="${top}" width="${(x(measured.toS) - x(measured.fromS)).toFixed(1)}" height="${TIMELINE_HEIGHT}" fill="#e8edee"/>`,
  );
  const barWidth = Math.max(1, (width / seconds) * bucketS - 1);
  confirmedPerSecond.forEach((count, i) => {
    rows.push(
      `<rect x="${x(i * bucketS).toFixed(1)}" y="${y(count).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(bottom - y(count)).toFixed(1)}" fill="#005eb8"/>`,
    );
  });
  if (offeredPerSecond !== undefined) {
    const level = y(offeredPerSecond).toFixed(1);
    rows.push(
      `<line x1="${left}" y1="${level}" x2="${left + width}" y2="${level}" stroke="#d5281b" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    );
    rows.push(text(left + width + 6, Number(level) + 4, `${offeredPerSecond}/s sent`, 11));
  }
  rows.push(
    `<line x1="${left}" y1="${bottom}" x2="${left + width}" y2="${bottom}" stroke="#425563"/>`,
  );
  rows.push(text(20, top + 12, `${Math.round(peak / 1.1)}/s`, 11));
  rows.push(text(20, bottom, '0', 11));
  const tick = seconds <= 5 ? 1 : seconds <= 20 ? 5 : seconds <= 60 ? 10 : 30;
  for (let s = 0; s <= seconds; s += tick) rows.push(text(x(s) - 4, bottom + 14, `${s}s`, 11));
  rows.push(text(20, bottom + 34, caption, 12));
  return bottom + 44;
}

function text(x: number, y: number, content: string, size: number, weight = 'normal'): string {
  const escaped = content.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<text x="${x}" y="${y}" font-size="${size}" font-weight="${weight}" fill="#212b32">${escaped}</text>`;
}
