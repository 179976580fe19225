import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { removeDir, tempDir } from '../../test/temp-dir';
import { permissions, withUmask } from '../../test/umask';
import { GatewayStore } from './gateway-store';

const body = {
  messageId: 'msg-1',
  appointmentId: 'appt-1',
  accessionNumber: 'ACC1',
  messageType: 'fhir-r4',
  target: 'ris-fhir',
  contentType: 'application/fhir+json',
  payload: '{"resourceType":"Bundle"}',
  attempt: 1,
};

const modeOf = (path: string) => permissions(statSync(path).mode);

describe('gateway store files are readable by the gateway user only', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir('gateway-owner-only')));
  afterEach(() => removeDir(dir));

  it('creates its directories, database, WAL and shared-memory files owner-only, whatever the umask', async () => {
    const dataDir = join(dir, 'data', 'gateway');
    const file = join(dataDir, 'gateway.sqlite');
    await withUmask(0, () => {
      const store = GatewayStore.open(file);
      try {
        store.recordReceived(body, undefined);
        expect({
          parent: modeOf(join(dir, 'data')),
          dataDir: modeOf(dataDir),
          database: modeOf(file),
          wal: modeOf(`${file}-wal`),
          shm: modeOf(`${file}-shm`),
        }).toEqual({ parent: 0o700, dataDir: 0o700, database: 0o600, wal: 0o600, shm: 0o600 });
      } finally {
        store.close();
      }
    });
  });

  it('makes the files of an earlier release, created world-readable, owner-only when it opens them', async () => {
    const dataDir = join(dir, 'gateway');
    const file = join(dataDir, 'gateway.sqlite');
    await withUmask(0, () => {
      mkdirSync(dataDir, { mode: 0o777 });
      const earlier = new Database(file);
      earlier.pragma('journal_mode = WAL');
      earlier.exec('CREATE TABLE t (x TEXT); INSERT INTO t VALUES (1);');
      // Left open, as a crash would leave them: the WAL and shared memory are still there.
      for (const path of [file, `${file}-wal`, `${file}-shm`]) chmodSync(path, 0o644);
      const store = GatewayStore.open(file);
      try {
        expect([dataDir, file, `${file}-wal`, `${file}-shm`].map(modeOf)).toEqual([
          0o700, 0o600, 0o600, 0o600,
        ]);
        expect(store.notPrivate).toEqual([]);
      } finally {
        store.close();
        earlier.close();
      }
    });
  });
});
