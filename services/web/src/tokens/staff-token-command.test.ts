import { ConfigError } from '@mbs/config';
import { createHttpApi } from '@mbs/http';
import { testLogger, testStaffKeys, type TestStaffKeys } from '@mbs/testing';
import { verifyStaffToken } from '@mbs/trust';
import type { FastifyInstance } from 'fastify';
import { staffTokenCommand, UsageError, USAGE } from './staff-token-command';

describe('staff-token (the setup jobs’ and operators’ way to call a service as staff)', () => {
  let staff: TestStaffKeys;
  let service: FastifyInstance;
  let url: string;
  const changes: unknown[] = [];

  beforeAll(async () => {
    staff = await testStaffKeys();
    // A service as the real ones are: web's tokens for relay-dispatcher, changes for admins.
    service = await createHttpApi({
      logger: testLogger('staff-token-test'),
      staff: { audience: 'relay-dispatcher', keys: staff.keys },
    });
    service.patch('/gateways/:id', { config: { access: 'admin' } }, async (request) => {
      changes.push({ by: request.staff, body: request.body });
      return { changed: true };
    });
    url = `${await service.listen({ host: '127.0.0.1', port: 0 })}/gateways/gateway-local`;
  });
  afterAll(() => service.close());

  const env = () => ({ WEB_SIGNING_KEY: JSON.stringify(staff.signingKey) });
  async function run(argv: string[], environment: Record<string, string> = env()) {
    const lines: string[] = [];
    const code = await staffTokenCommand(argv, environment, {
      out: (line) => void lines.push(line),
      fetch,
    });
    return { code, lines };
  }

  it("prints a token web's public key verifies for the service, as an admin of the command line unless told", async () => {
    const { code, lines } = await run(['fhir-builder']);
    expect(code).toBe(0);
    await expect(
      verifyStaffToken(lines[0], { audience: 'fhir-builder', keys: staff.keys }),
    ).resolves.toEqual({ subject: 'command-line', name: 'Command line', role: 'admin' });
    const told = await run([
      'appointment',
      '--role',
      'clinic_staff',
      '--subject',
      'dev-setup',
      '--name',
      'Development setup job',
    ]);
    await expect(
      verifyStaffToken(told.lines[0], { audience: 'appointment', keys: staff.keys }),
    ).resolves.toEqual({
      subject: 'dev-setup',
      name: 'Development setup job',
      role: 'clinic_staff',
    });
  });

  it('makes a request with it, as the compose and dev-overlay setup jobs do', async () => {
    const { code, lines } = await run([
      'relay-dispatcher',
      '--subject',
      'dev-setup',
      '--request',
      'PATCH',
      url,
      '--json',
      '{"relayEndpoint":"ws://relay-emulator:9090"}',
    ]);
    expect(lines).toEqual([`PATCH ${url}: 200 {"changed":true}`]);
    expect(code).toBe(0);
    expect(changes.at(-1)).toEqual({
      by: { subject: 'dev-setup', name: 'Command line', role: 'admin' },
      body: { relayEndpoint: 'ws://relay-emulator:9090' },
    });
  });

  it('fails when the service refuses: too low a role, a token for another service', async () => {
    const lowly = await run([
      'relay-dispatcher',
      '--role',
      'clinic_staff',
      '--request',
      'PATCH',
      url,
    ]);
    expect(lowly.code).toBe(1);
    expect(lowly.lines[0]).toMatch(/: 403 .*forbidden/);
    const elsewhere = await run(['appointment', '--request', 'PATCH', url]);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.lines[0]).toMatch(/: 401 .*token_wrong_audience/);
  });

  it('says how to call it, and needs WEB_SIGNING_KEY, naming it and never a key', async () => {
    for (const argv of [
      [],
      ['web'],
      ['appointment', '--role', 'root'],
      ['appointment', '--request', 'FETCH', url],
      ['appointment', '--request', 'GET'],
      ['appointment', 'extra'],
      ['appointment', '--json', '{}'],
    ]) {
      await expect(run(argv)).rejects.toEqual(new UsageError(USAGE));
    }
    const missing = await run(['appointment'], {}).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ConfigError);
    expect(String(missing)).toContain('WEB_SIGNING_KEY');
    const pasted = { WEB_SIGNING_KEY: JSON.stringify({ ...staff.signingKey, alg: 'RS256' }) };
    const wrong = await run(['appointment'], pasted).catch((error: unknown) => error);
    expect(String(wrong)).toContain('WEB_SIGNING_KEY');
    expect(String(wrong)).not.toContain(staff.signingKey.d);
  });
});
