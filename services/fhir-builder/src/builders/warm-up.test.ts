import { testLogger } from '@mbs/testing';
import { builders } from './registry';
import { warmUpBuilders } from './warm-up';

describe('warmUpBuilders', () => {
  it('builds and validates a sample of every registered type', () => {
    const built: string[] = [];
    const spies = Object.values(builders).map((builder) =>
      jest.spyOn(builder, 'validate').mockImplementationOnce((payload) => {
        built.push(builder.type);
        expect(payload.length).toBeGreaterThan(0);
      }),
    );
    warmUpBuilders(testLogger('warm-up'));
    expect(built.sort()).toEqual(Object.keys(builders).sort());
    spies.forEach((spy) => spy.mockRestore());
  });

  it('refuses to start with a builder that cannot build a valid sample', () => {
    const spy = jest.spyOn(builders['fhir-r4'], 'validate').mockImplementationOnce(() => {
      throw new Error('Missing required property (Bundle.type)');
    });
    expect(() => warmUpBuilders(testLogger('warm-up'))).toThrow('Bundle.type');
    spy.mockRestore();
  });
});
