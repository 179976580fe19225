import { renderChart } from './chart';

const percentiles = [
  { label: 'p50', ms: 40 },
  { label: 'p95', ms: 80 },
  { label: 'p99', ms: 100 },
];

/** Every number-valued attribute of the picture, e.g. `width="12.5"` -> 12.5. */
const attributes = (svg: string) =>
  [...svg.matchAll(/ (x|y|width|height)="([^"%]*)"/g)].map((m) => Number(m[2]));

describe('renderChart', () => {
  it('draws a bar for each percentile and splits the hop bar by each hop', () => {
    const svg = renderChart({
      title: 'bench',
      percentiles,
      hops: [
        { label: 'first', ms: 30 },
        { label: 'second', ms: 10 },
      ],
    });
    expect(svg).toContain('width="500.0"'); // p99, the longest bar, fills the bar area
    expect(svg).toContain('width="375.0"'); // first hop: 30 of 40 ms
    expect(svg).toContain('width="125.0"');
    expect(svg).toContain('first: 30.0');
  });

  it('shows a figure that could not be measured as missing, never as NaN', () => {
    const svg = renderChart({
      title: 'bench',
      percentiles: [...percentiles.slice(0, 2), { label: 'p99', ms: Number.NaN }],
      hops: [
        { label: 'measured', ms: 20 },
        { label: 'confirmed to with_modality', ms: Number.NaN },
      ],
    });
    expect(svg).not.toContain('NaN');
    expect(attributes(svg).every(Number.isFinite)).toBe(true);
    expect(svg).toContain('confirmed to with_modality: missing');
    expect(svg).toContain('>missing</text>');
    expect(svg).toContain('width="500.0"'); // the measured hop takes the whole hop bar
  });

  it('draws confirmations per second, the rate sent and the measured window', () => {
    const svg = renderChart({
      title: 'bench',
      percentiles,
      hops: [{ label: 'only', ms: 10 }],
      timeline: {
        confirmedPerSecond: [5, 10, 10, 0],
        bucketS: 1,
        offeredPerSecond: 10,
        measured: { fromS: 1, toS: 3 },
        caption: 'shaded: measured',
      },
    });
    // Four seconds over the 500-wide bar area: 125 per second; the window is seconds 1 to 3.
    expect(svg).toMatch(/<rect x="295.0" y="\d+" width="250.0" height="120" fill="#e8edee"\/>/);
    // 10/s is the peak: its bars and the dashed line stand at 1/1.1 of the height.
    expect(svg.match(/height="109.1" fill="#005eb8"/g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('10/s sent');
    expect(svg).toContain('shaded: measured');
  });

  it('draws an empty timeline (nothing confirmed) without NaN', () => {
    const svg = renderChart({
      title: 'bench',
      percentiles,
      hops: [],
      timeline: {
        confirmedPerSecond: [],
        bucketS: 1,
        measured: { fromS: 0, toS: 0 },
        caption: 'none',
      },
    });
    expect(svg).not.toContain('NaN');
    expect(attributes(svg).every(Number.isFinite)).toBe(true);
    expect(svg).not.toContain('stroke-dasharray');
  });

  it('draws buckets shorter than a second where they fall in time', () => {
    const svg = renderChart({
      title: 'bench',
      percentiles,
      hops: [],
      timeline: {
        confirmedPerSecond: [40, 40, 40, 40],
        bucketS: 0.25,
        measured: { fromS: 0, toS: 1 },
        caption: 'burst',
      },
    });
    // One second over 500: each quarter-second bar is 125 wide (less a gap) and starts 125 on.
    expect(svg.match(/width="124.0" height="[\d.]+" fill="#005eb8"/g)).toHaveLength(4);
    expect(svg).toContain('<rect x="545.0"');
    expect(svg).toContain('>1s</text>');
  });
});
