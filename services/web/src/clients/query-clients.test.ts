import { testStaffKeys, type TestStaffKeys } from '@mbs/testing';
import { StaffTokenCache, type StaffAudience } from '@mbs/trust';
import { startQueryApis, type QueryApis } from '../../test/query-apis';
import { appointmentQueries } from './appointment-client';
import { dispatcherQueries } from './dispatcher-client';
import { fhirBuilderQueries } from './fhir-builder-client';
import { createQueryClient } from './query-client';
import { QueryUnavailableError } from './query-errors';

const ada = { username: 'ada', name: 'Ada Radiographer', role: 'clinic_staff' } as const;
const rose = { username: 'root', name: 'Rose Admin', role: 'admin' } as const;

describe("the query clients (real fastify stand-ins verifying web's tokens with its public key)", () => {
  let staff: TestStaffKeys;
  let apis: QueryApis;
  beforeAll(async () => {
    staff = await testStaffKeys();
    apis = await startQueryApis(staff.keys);
  });
  afterAll(() => apis.stop());
  beforeEach(() => void apis.data.callers.splice(0));

  /** The three clients as web wires them, issuing tokens with `signingKey`. */
  function queries(signingKey = staff.signingKey) {
    const tokens = new StaffTokenCache({ signingKey });
    const client = (baseUrl: string, audience: StaffAudience) =>
      createQueryClient({ baseUrl, information: audience, timeoutMs: 2_000, audience, tokens });
    return {
      appointments: appointmentQueries(client(apis.urls.appointment, 'appointment')),
      messages: dispatcherQueries(client(apis.urls.dispatcher, 'relay-dispatcher')),
      destinations: fhirBuilderQueries(client(apis.urls.fhirBuilder, 'fhir-builder')),
    };
  }

  it('read every service as the signed-in member of staff, with a token for that service', async () => {
    const read = queries();
    await read.appointments.settings(ada);
    await read.appointments.appointment(rose, 'apt-leeds-am-02');
    await read.messages.messagesOf(ada, 'apt-leeds-am-02');
    await read.destinations.destinationOf(rose, 'setting-leeds');
    expect(apis.data.callers).toEqual([
      {
        subject: 'ada',
        name: 'Ada Radiographer',
        role: 'clinic_staff',
        audience: 'appointment',
        url: '/settings',
      },
      {
        subject: 'root',
        name: 'Rose Admin',
        role: 'admin',
        audience: 'appointment',
        url: '/appointments/apt-leeds-am-02',
      },
      {
        subject: 'ada',
        name: 'Ada Radiographer',
        role: 'clinic_staff',
        audience: 'relay-dispatcher',
        url: '/messages?appointmentId=apt-leeds-am-02&limit=10',
      },
      {
        subject: 'root',
        name: 'Rose Admin',
        role: 'admin',
        audience: 'fhir-builder',
        url: '/destinations?settingId=setting-leeds&enabled=true',
      },
    ]);
  });

  it('are refused by a service that does not trust the key they sign with: the page says so', async () => {
    const forged = queries(staff.forger);
    const refusal = await forged.appointments.settings(ada).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(QueryUnavailableError);
    expect((refusal as Error).message).toBe('appointment unavailable: answered 401');
    expect(apis.data.callers).toEqual([]);
  });
});
