import { interleave } from './appointment-pool';

describe('interleave', () => {
  it('alternates between the lists, so any prefix has a share of each', () => {
    expect(interleave([['a1', 'a2', 'a3'], ['b1']])).toEqual(['a1', 'b1', 'a2', 'a3']);
    expect(interleave([[], ['b1', 'b2']])).toEqual(['b1', 'b2']);
    expect(interleave([])).toEqual([]);
  });
});
