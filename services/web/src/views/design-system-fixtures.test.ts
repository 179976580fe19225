import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { normaliseHtml } from '../../test/normalise-html';
import { createViews } from './create-views';

/**
 * Every partial in views/components must render every fixture nhsuk-frontend ships for its
 * component exactly as the design system's own Nunjucks macro does (fixtures.json holds the
 * macro's params and its HTML), up to whitespace and attribute order. So the partials cannot
 * drift from the design system, and upgrading nhsuk-frontend shows what changed.
 */
const viewsDirectory = path.resolve(__dirname, '../../views');
const componentsDirectory = path.dirname(
  require.resolve('nhsuk-frontend/dist/nhsuk/components/tag/fixtures.json'),
);
const designSystemComponents = path.dirname(componentsDirectory);

interface Fixture {
  readonly name: string;
  readonly description?: string;
  readonly context: Record<string, unknown>;
  readonly callBlock?: string;
  readonly html: string;
}

const partials = readdirSync(path.join(viewsDirectory, 'components'))
  .filter((file) => file.endsWith('.eta'))
  .map((file) => file.replace(/\.eta$/, ''));

const views = createViews({ directory: viewsDirectory, cache: true });

describe('eta partials render the design system fixtures', () => {
  it('has a partial for each component the pages use', () => {
    expect(partials.length).toBeGreaterThan(0);
  });

  describe.each(partials)('%s', (component) => {
    const file = path.join(designSystemComponents, component, 'fixtures.json');
    const { fixtures } = JSON.parse(readFileSync(file, 'utf8')) as { fixtures: Fixture[] };

    // A component without fixtures of its own (caption) is checked through those that use it.
    it('is a component of nhsuk-frontend', () => {
      expect(Array.isArray(fixtures)).toBe(true);
    });

    if (fixtures.length === 0) return;
    it.each(fixtures.map((f) => [`${f.name}${f.description ? ` (${f.description})` : ''}`, f]))(
      '%s',
      (_label, fixture) => {
        const params = {
          ...fixture.context,
          ...(fixture.callBlock !== undefined && { caller: fixture.callBlock }),
        };
        const html = views.render(`/components/${component}`, { params });
        expect(normaliseHtml(html)).toBe(normaliseHtml(fixture.html));
      },
    );
  });
});
