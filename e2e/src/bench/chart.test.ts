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
});
