import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fixedEvent, leedsDestination } from '../../test/fixtures';
import { builders } from './registry';

/**
 * Golden files: the exact payload each builder makes from one fixed event, reviewed by eye once
 * and committed. A change to a builder shows up as a diff of these files in review.
 * `UPDATE_GOLDEN=1 npx jest -c services/fhir-builder/jest.config.js golden` rewrites them.
 *
 * The files are kept as prettier formats JSON (the repository's format check covers them), so the
 * comparison re-serialises the golden file the way builders serialise: byte for byte, key order
 * included, but indifferent to how prettier wraps short arrays.
 */
const goldenDir = path.join(__dirname, '__golden__');

describe('builders match their golden files', () => {
  it.each(Object.values(builders))('$type builds exactly its golden payload', (builder) => {
    const built = builder.build(fixedEvent(), leedsDestination);
    const file = path.join(goldenDir, `${builder.type}.golden.json`);
    if (process.env.UPDATE_GOLDEN === '1') {
      writeFileSync(file, built.payload);
      execFileSync('npx', ['prettier', '--write', file], { stdio: 'ignore' });
    }
    const golden = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    expect(built.payload).toBe(JSON.stringify(golden, null, 2));
    expect(built.contentType).toBe(builder.contentType);
  });

  it.each(Object.values(builders))(
    '$type is deterministic and passes its own validation',
    (builder) => {
      const first = builder.build(fixedEvent(), leedsDestination);
      const again = builder.build(fixedEvent(), leedsDestination);
      expect(again).toEqual(first);
      expect(() => builder.validate(first.payload)).not.toThrow();
    },
  );

  it.each(Object.values(builders))('$type differs for another event', (builder) => {
    const one = builder.build(fixedEvent(), leedsDestination).payload;
    const other = builder.build(
      fixedEvent({ id: 'evt-0002', appointmentId: 'apt-0002' }),
      leedsDestination,
    ).payload;
    expect(other).not.toBe(one);
  });
});
