import { strategicMerge } from './strategic-merge';

describe('strategicMerge', () => {
  const deployment = {
    spec: {
      replicas: 2,
      template: {
        spec: {
          containers: [
            {
              name: 'app',
              image: 'mbs/app',
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
              args: ['--x'],
            },
          ],
        },
      },
    },
  };

  it('merges maps key by key and named lists item by item', () => {
    const merged = strategicMerge(deployment, {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                env: [
                  { name: 'B', value: '3' },
                  { name: 'C', value: '4' },
                ],
              },
            ],
          },
        },
      },
    });
    expect(merged).toEqual({
      spec: {
        replicas: 2,
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                image: 'mbs/app',
                env: [
                  { name: 'A', value: '1' },
                  { name: 'B', value: '3' },
                  { name: 'C', value: '4' },
                ],
                args: ['--x'],
              },
            ],
          },
        },
      },
    });
  });

  it('replaces lists of scalars and deletes a key patched to null', () => {
    const merged = strategicMerge(deployment, {
      spec: {
        replicas: null,
        template: { spec: { containers: [{ name: 'app', args: ['--y'] }] } },
      },
    }) as typeof deployment;
    expect(merged.spec.replicas).toBeUndefined();
    expect(merged.spec.template.spec.containers[0]!.args).toEqual(['--y']);
  });

  it('refuses directives it does not implement instead of misreading them', () => {
    expect(() => strategicMerge(deployment, { spec: { $patch: 'delete' } })).toThrow(
      'patch directive $patch is not supported',
    );
  });
});
