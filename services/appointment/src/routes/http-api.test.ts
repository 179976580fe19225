import { isValidNhsNumber } from '@mbs/contracts';
import { connectStore, type Store } from '@mbs/store';
import {
  expectedStaffAccess,
  staffAccess,
  testStaffKeys,
  useMongoDb,
  type TestStaffKeys,
} from '@mbs/testing';
import type { FastifyInstance } from 'fastify';
import { quietLogger } from '../../test/support';
import { seedDemoData } from '../demo/seed-demo-data';
import { createModels } from '../store/models';
import { buildHttpApi } from './http-api';

const today = '2026-11-26';
const now = () => new Date('2026-11-26T10:15:00Z');

describe('query API (fastify.inject, MongoDB from @mbs/testing)', () => {
  const mongo = useMongoDb({ dbPrefix: 'appointment_http' });
  let store: Store;
  let app: FastifyInstance;
  let staff: TestStaffKeys;
  let token: string;
  const health = {
    store: { ok: true, latencyMs: 0.5 } as { ok: boolean; latencyMs: number; error?: string },
    bus: { ok: true, publisher: true, consumers: { appointment: true } },
  };

  beforeAll(async () => {
    const logger = quietLogger();
    store = await connectStore({ url: mongo.current.url, dbName: mongo.current.dbName, logger });
    const models = createModels(store.connection);
    await seedDemoData(models, today);
    staff = await testStaffKeys();
    token = await staff.token('appointment', 'clinic_staff');
    app = await buildHttpApi({
      models,
      logger,
      now,
      staffKeys: staff.keys,
      health: { store: async () => health.store, bus: () => health.bus },
      // Looked at against the real broker in dead-letters.test.ts.
      deadLetters: { defaultLimit: 50, maxLimit: 200, peek: async () => ({}) },
    });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  /** GET as a member of clinic staff (web's token for appointment), or `as` none. */
  const get = async (url: string, as: 'staff' | 'nobody' = 'staff') => {
    const headers = as === 'staff' ? { authorization: `Bearer ${token}` } : {};
    const response = await app.inject({ method: 'GET', url, headers });
    return { status: response.statusCode, body: response.json() };
  };

  describe('who may use it', () => {
    it.each([
      '/settings',
      '/clinics',
      '/clinics/clinic-york-2026-11-26-pm/appointments',
      '/appointments/apt-leeds-2026-11-26-am-07',
    ])('GET %s: members of staff with a token web issued for appointment', async (url) => {
      expect(await staffAccess(app, { method: 'GET', url }, 'appointment', staff)).toEqual(
        expectedStaffAccess('clinic_staff', 200),
      );
    });

    it("GET /health/details: admins only (the store's and the bus's own words)", async () => {
      expect(
        await staffAccess(app, { method: 'GET', url: '/health/details' }, 'appointment', staff),
      ).toEqual(expectedStaffAccess('admin', 200));
    });
  });

  describe('GET /settings', () => {
    it('lists the hospital sites by name, with the ids fhir-builder knows and their ODS codes', async () => {
      const { status, body } = await get('/settings');
      expect(status).toBe(200);
      expect(
        body.settings.map((s: { settingId: string; name: string; odsCode: string }) => [
          s.settingId,
          s.name,
          s.odsCode,
        ]),
      ).toEqual([
        ['setting-harrogate', 'Harrogate Mobile Unit', 'RCD'],
        ['setting-leeds', "Leeds St James's Breast Screening Unit", 'RR8'],
        ['setting-york', 'York Breast Screening Unit', 'RCB'],
      ]);
      expect(body.settings[0]).not.toHaveProperty('_id');
    });
  });

  describe('GET /clinics', () => {
    it("gives one day's clinics with their appointments counted by state", async () => {
      const { status, body } = await get(`/clinics?from=${today}&to=${today}`);
      expect(status).toBe(200);
      expect(body.from).toBe(today);
      expect(body.to).toBe(today);
      expect(body.clinics).toHaveLength(6);
      const leedsMorning = body.clinics.find(
        (c: { clinicId: string }) => c.clinicId === 'clinic-leeds-2026-11-26-am',
      );
      expect(leedsMorning).toEqual({
        clinicId: 'clinic-leeds-2026-11-26-am',
        settingId: 'setting-leeds',
        date: today,
        session: 'morning',
        type: 'screening',
        status: 'in_progress',
        startsAt: '2026-11-26T09:00:00.000Z',
        endsAt: '2026-11-26T12:00:00.000Z',
        appointments: {
          total: 8,
          byState: {
            booked: 4,
            checked_in: 2,
            sent_to_modality: 0,
            with_modality: 0,
            screened: 1,
            cancelled: 1,
            did_not_attend: 0,
          },
        },
      });
      // In time order.
      const starts = body.clinics.map((c: { startsAt: string }) => c.startsAt);
      expect([...starts].sort()).toEqual(starts);
    });

    it('defaults to a week from today (London time)', async () => {
      const { status, body } = await get('/clinics');
      expect(status).toBe(200);
      expect([body.from, body.to]).toEqual(['2026-11-26', '2026-12-02']);
      expect(body.clinics).toHaveLength(24);
    });

    it('filters by status and by setting', async () => {
      const scheduled = await get(`/clinics?from=${today}&to=2026-11-29&status=scheduled`);
      expect(scheduled.body.clinics).toHaveLength(18);
      expect(scheduled.body.clinics.every((c: { date: string }) => c.date > today)).toBe(true);
      const york = await get(`/clinics?from=${today}&to=2026-11-29&settingId=setting-york`);
      expect(york.body.clinics).toHaveLength(8);
      const none = await get('/clinics?from=2027-01-01&to=2027-01-02');
      expect(none).toEqual({
        status: 200,
        body: { from: '2027-01-01', to: '2027-01-02', clinics: [] },
      });
    });

    it.each([
      ['/clinics?from=2026-13-01', [{ field: 'from', problem: 'Invalid ISO date' }]],
      ['/clinics?from=26/11/2026', [{ field: 'from', problem: 'Invalid ISO date' }]],
      [
        '/clinics?status=open',
        [{ field: 'status', problem: expect.stringContaining('scheduled') }],
      ],
      [
        '/clinics?from=2026-11-26&to=2026-11-25',
        [{ field: 'to', problem: 'must not be before from' }],
      ],
      [
        '/clinics?from=2026-01-01&to=2026-12-31',
        [{ field: 'to', problem: 'must be at most 92 days after from' }],
      ],
      ['/clinics?colour=blue', [{ field: 'colour', problem: 'is not a known field' }]],
      [
        '/clinics?from=x&status=y',
        [
          { field: 'from', problem: 'Invalid ISO date' },
          { field: 'status', problem: expect.any(String) },
        ],
      ],
    ])('answers 400 naming each wrong field: %s', async (url, problems) => {
      const { status, body } = await get(url);
      expect(status).toBe(400);
      expect(body).toEqual({ errors: problems });
    });
  });

  describe('GET /clinics/:clinicId/appointments', () => {
    it('lists the appointments in time order with who each participant is', async () => {
      const { status, body } = await get('/clinics/clinic-york-2026-11-26-pm/appointments');
      expect(status).toBe(200);
      expect(body.clinic.clinicId).toBe('clinic-york-2026-11-26-pm');
      expect(body.appointments).toHaveLength(8);
      expect(body.appointments[0]).toEqual({
        appointmentId: 'apt-york-2026-11-26-pm-01',
        startsAt: '2026-11-26T13:30:00.000Z',
        endsAt: '2026-11-26T13:50:00.000Z',
        state: 'screened',
        staffActions: [],
        accessionNumber: expect.stringMatching(/^MBS[A-Z2-7]{13}$/),
        participant: {
          participantId: expect.stringMatching(/^participant-999\d{7}$/),
          nhsNumber: expect.stringMatching(/^999\d{7}$/),
          givenName: expect.any(String),
          familyName: expect.any(String),
          dateOfBirth: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
          sex: 'female',
        },
      });
      for (const a of body.appointments)
        expect(isValidNhsNumber(a.participant.nhsNumber)).toBe(true);
      // What staff can do now, from the transition table: web offers exactly these.
      const actionsByState = Object.fromEntries(
        body.appointments.map((a: { state: string; staffActions: string[] }) => [
          a.state,
          a.staffActions,
        ]),
      );
      expect(actionsByState).toMatchObject({
        booked: ['check_in', 'cancel', 'mark_did_not_attend'],
        checked_in: ['send_to_modality', 'cancel'],
        cancelled: [],
      });
      const starts = body.appointments.map((a: { startsAt: string }) => a.startsAt);
      expect([...starts].sort()).toEqual(starts);
    });

    it('answers 404 for an unknown clinic, and 400 for an id that cannot be one', async () => {
      expect(await get('/clinics/clinic-nowhere/appointments')).toEqual({
        status: 404,
        body: { error: 'not_found', message: 'No clinic with id "clinic-nowhere"' },
      });
      const bad = await get('/clinics/has%20space/appointments');
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([
        { field: 'clinicId', problem: expect.stringContaining('may contain only') },
      ]);
    });
  });

  describe('GET /appointments/:appointmentId', () => {
    it('gives the appointment, its participant, clinic, setting and history (who, when, why)', async () => {
      const { status, body } = await get('/appointments/apt-leeds-2026-11-26-am-07');
      expect(status).toBe(200);
      expect(body).toEqual(
        expect.objectContaining({
          appointmentId: 'apt-leeds-2026-11-26-am-07',
          clinicId: 'clinic-leeds-2026-11-26-am',
          settingId: 'setting-leeds',
          startsAt: '2026-11-26T11:00:00.000Z',
          endsAt: '2026-11-26T11:20:00.000Z',
          state: 'cancelled',
          staffActions: [],
          setting: expect.objectContaining({
            name: "Leeds St James's Breast Screening Unit",
            odsCode: 'RR8',
          }),
          clinic: expect.objectContaining({ session: 'morning' }),
          participant: expect.objectContaining({ nhsNumber: expect.stringMatching(/^999/) }),
        }),
      );
      expect(body.history).toEqual([
        {
          from: 'booked',
          to: 'cancelled',
          at: expect.any(String),
          by: { userId: 'demo-seed', name: 'Demo data' },
          reason: 'Participant asked to rebook',
          causedBy: 'demo-seed:apt-leeds-2026-11-26-am-07:1',
          cause: 'demo.seed',
        },
      ]);
    });

    it('answers 404 with a clear message for an unknown appointment', async () => {
      expect(await get('/appointments/apt-unknown')).toEqual({
        status: 404,
        body: { error: 'not_found', message: 'No appointment with id "apt-unknown"' },
      });
    });
  });

  describe('bad input on every route', () => {
    it('refuses query parameters on every route that takes none, naming each', async () => {
      for (const url of [
        '/settings?colour=blue',
        '/clinics/clinic-york-2026-11-26-pm/appointments?colour=blue',
        '/appointments/apt-leeds-2026-11-26-am-07?colour=blue',
      ]) {
        expect({ url, ...(await get(url)) }).toEqual({
          url,
          status: 400,
          body: { errors: [{ field: 'colour', problem: 'is not a known field' }] },
        });
      }
    });

    it('answers an empty id with a 400 naming it, and takes ids as long as the contracts allow', async () => {
      expect(await get('/appointments/')).toEqual({
        status: 400,
        body: { errors: [{ field: 'appointmentId', problem: expect.any(String) }] },
      });
      const longest = 'a'.repeat(128);
      expect(await get(`/appointments/${longest}`)).toEqual({
        status: 404,
        body: { error: 'not_found', message: `No appointment with id "${longest}"` },
      });
      expect((await get(`/clinics/${longest}/appointments`)).status).toBe(404);
      const tooLong = await get(`/appointments/${longest}a`);
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.errors).toEqual([
        { field: 'appointmentId', problem: expect.any(String) },
      ]);
    });

    it('answers thousands of unknown query parameters with one bounded answer', async () => {
      const query = Array.from({ length: 1_500 }, (_, i) => `p${i}=1`).join('&');
      for (const url of [`/clinics?${query}`, `/settings?${query}`]) {
        const response = await app.inject({
          method: 'GET',
          url,
          headers: { authorization: `Bearer ${token}` },
        });
        expect(response.statusCode).toBe(400);
        expect(response.body.length).toBeLessThan(4_000);
        expect(response.json().errors).toHaveLength(20);
        expect(response.json().moreErrors).toBe(1_480);
      }
    });
  });

  describe('GET /health and unknown routes', () => {
    it('is open, 200 when the store and the bus are up, 503 naming what is down otherwise, and tells nothing but status', async () => {
      expect(await get('/health', 'nobody')).toEqual({
        status: 200,
        body: { ok: true, store: { ok: true }, bus: { ok: true } },
      });
      health.store = { ok: false, latencyMs: 2000, error: 'ping took longer than 2000 ms' };
      try {
        expect(await get('/health', 'nobody')).toEqual({
          status: 503,
          body: { ok: false, store: { ok: false }, bus: { ok: true } },
        });
        const admin = await staff.token('appointment', 'admin');
        const details = await app.inject({
          url: '/health/details',
          headers: { authorization: `Bearer ${admin}` },
        });
        expect(details.statusCode).toBe(503);
        expect(details.json().store.error).toBe('ping took longer than 2000 ms');
        expect(details.json().bus.consumers).toEqual({ appointment: true });
        expect((await get('/health?colour=blue', 'nobody')).status).toBe(400);
      } finally {
        health.store = { ok: true, latencyMs: 0.5 };
      }
    });

    it('answers 404 in JSON for a route that does not exist', async () => {
      expect(await get('/patients')).toEqual({
        status: 404,
        body: { error: 'not_found', message: 'No route GET /patients' },
      });
    });
  });
});
