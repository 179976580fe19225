import { dispatcherMessage } from '../../test/query-apis';
import {
  ADMIN,
  STAFF,
  Visitor,
  startWeb,
  stopMongo,
  type WebUnderTest,
  textOf,
} from '../../test/web-harness';

describe('pages (fastify.inject, MongoDB, stand-in query APIs)', () => {
  let web: WebUnderTest;
  let staff: Visitor;
  beforeEach(async () => {
    web = await startWeb();
    staff = new Visitor(web);
    await staff.signIn(STAFF);
  });
  afterEach(() => web.stop());
  afterAll(() => stopMongo());

  describe('clinics', () => {
    it('shows today, upcoming and completed tabs, each clinic with its setting, session, time and counts', async () => {
      const page = await staff.get('/clinics');
      expect(page.statusCode).toBe(200);
      const shown = textOf(page.body);
      expect(shown).toContain('Friday 4 December 2026 Clinics');
      expect(shown).toContain('Today (1)');
      expect(shown).toContain('Upcoming (0)');
      expect(shown).toContain('Completed (0)');
      expect(shown).toContain("Leeds St James's Breast Screening Unit Morning clinic");
      expect(shown).toContain('9am to 12pm');
      expect(shown).toContain('4 1 checked in, 1 sent to modality, 1 screened');
      expect(shown).toContain('In progress');
      expect(page.body).toContain('href="/clinics/clinic-leeds-am"');
    });

    it('says clinics are unavailable when the appointment service is down, and still renders the page', async () => {
      await web.apis.down('appointment');
      const page = await staff.get('/clinics');
      expect(page.statusCode).toBe(200);
      const shown = textOf(page.body);
      expect(shown).toContain('Clinics unavailable');
      expect(shown).toContain('the appointment service is not answering');
      expect(shown).toContain('Ada Radiographer');
    });
  });

  describe("a clinic's appointments", () => {
    it('lists each appointment with time, name, spaced NHS number, age and a status tag coloured by state', async () => {
      const page = await staff.get('/clinics/clinic-leeds-am');
      expect(page.statusCode).toBe(200);
      const shown = textOf(page.body);
      expect(shown).toContain(
        "Leeds St James's Breast Screening Unit Friday 4 December 2026, morning",
      );
      expect(shown).toContain('9:20am');
      expect(shown).toContain('Janet Thompson');
      expect(shown).toContain('NHS number 999 000 0018');
      expect(shown).toMatch(/Age 60 15 March 1966/);
      expect(page.body).toMatch(/nhsuk-tag--blue[^"]*">\s*Checked in/);
      expect(page.body).toMatch(/nhsuk-tag--yellow[^"]*">\s*Sent to modality/);
      expect(page.body).toMatch(/nhsuk-tag--green[^"]*">\s*Screened/);
      expect(page.body).toMatch(/nhsuk-tag--grey[^"]*">\s*Booked/);
    });

    it('offers exactly the actions appointment says each state allows, as forms or pages', async () => {
      const page = await staff.get('/clinics/clinic-leeds-am');
      const actionsOf = (appointmentId: string) => {
        const cell =
          new RegExp(`id="actions-appointment-${appointmentId}"[\\s\\S]*?</td>`).exec(
            page.body,
          )?.[0] ?? '';
        return [...cell.matchAll(/(action|href)="(\/appointments\/[^"]+)"/g)].map((m) =>
          m[2]!.replace(/&amp;/g, '&'),
        );
      };
      expect(actionsOf('apt-leeds-am-01')).toEqual([]);
      expect(actionsOf('apt-leeds-am-02')).toEqual([
        '/appointments/apt-leeds-am-02/send?returnTo=%2Fclinics%2Fclinic-leeds-am',
        '/appointments/apt-leeds-am-02/cancel?returnTo=%2Fclinics%2Fclinic-leeds-am',
      ]);
      expect(actionsOf('apt-leeds-am-03')).toEqual([
        '/appointments/apt-leeds-am-03/check-in',
        '/appointments/apt-leeds-am-03/cancel?returnTo=%2Fclinics%2Fclinic-leeds-am',
        '/appointments/apt-leeds-am-03/did-not-attend?returnTo=%2Fclinics%2Fclinic-leeds-am',
      ]);
      expect(actionsOf('apt-leeds-am-04')).toEqual([
        '/appointments/apt-leeds-am-04/withdraw?returnTo=%2Fclinics%2Fclinic-leeds-am',
      ]);
      // Each button says whom it is for, to screen readers.
      expect(page.body).toContain(
        'Check in<span class="nhsuk-u-visually-hidden"> for Susan Patel</span>',
      );
    });

    it('names the live stream and where the feed was when it was drawn, with a refresh link for pages without JavaScript', async () => {
      web.feed.push(
        (await import('@mbs/contracts')).createMessage(
          (await import('@mbs/contracts')).AppointmentStateChanged,
          {
            appointmentId: 'apt-other',
            clinicId: 'clinic-other',
            from: 'booked',
            to: 'checked_in',
            at: '2026-12-04T09:00:00.000Z',
          },
        ),
      );
      const page = await staff.get('/clinics/clinic-leeds-am');
      expect(page.body).toContain('data-live-source="/live?clinicId=clinic-leeds-am"');
      expect(page.body).toContain('data-live-cursor="test.1"');
      expect(textOf(page.body)).toContain('Statuses as at 10am. Refresh the page to see changes.');
    });

    it('answers an unknown clinic, or an id no clinic can have, with the not found page', async () => {
      const tooLong = `/clinics/clinic-${'x'.repeat(2_000)}`;
      for (const url of ['/clinics/clinic-nowhere', '/clinics/has%20space', tooLong]) {
        const page = await staff.get(url);
        expect(page.statusCode).toBe(404);
        expect(textOf(page.body)).toContain('Page not found');
      }
      // Broken %-encoding never reaches a route: a plain answer saying what is wrong.
      const broken = await staff.get('/clinics/%E0%A4%A');
      expect(broken.statusCode).toBe(400);
      expect(broken.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(broken.body).toBe(
        'This web address is not valid. If you pasted it, check you copied all of it.',
      );
    });

    it('says the appointments are unavailable when the appointment service is down', async () => {
      await web.apis.down('appointment');
      const page = await staff.get('/clinics/clinic-leeds-am');
      expect(page.statusCode).toBe(200);
      expect(textOf(page.body)).toContain('Appointments unavailable');
    });
  });

  describe('an appointment', () => {
    it('shows the participant, state, full history and every step of its messages, naming where a send failed', async () => {
      web.apis.data.messages.push(dispatcherMessage('apt-leeds-am-02'));
      const page = await staff.get('/appointments/apt-leeds-am-02');
      expect(page.statusCode).toBe(200);
      const shown = textOf(page.body);
      expect(shown).toContain('9:20am, Friday 4 December 2026 Janet Thompson');
      expect(shown).toContain('Status: Checked in');
      expect(shown).toContain('NHS number 999 000 0018');
      expect(shown).toContain('Date of birth 15 March 1966 (60 years old)');
      expect(shown).toContain('Accession number MBSTEST000000002');
      // History: who, when, from, to.
      expect(shown).toContain(
        'When 8:55am on 4 December 2026 Change Booked to Checked in By Ada Radiographer',
      );
      // The message: its steps, and the phase and reason of its failure.
      expect(shown).toContain('FHIR R4 order via gateway-local Failed');
      expect(shown).toContain(
        'Failed while the hospital system refused it: ris-fhir answered 422: Unknown patient',
      );
      expect(shown).toContain('Sent to the hospital gateway (attempt 1)');
      expect(shown).toContain('The hospital gateway has it');
      expect(shown).toContain(
        'Sending failed: the hospital system refused it: ris-fhir answered 422: Unknown patient',
      );
      expect(shown).toContain('Trace ID 0af7651916cd43dd8448eb211c80319c');
      // Neighbours in the clinic.
      expect(shown).toContain('Previous appointment : 9am, Margaret Chen');
      expect(shown).toContain('Next appointment : 9:40am, Susan Patel');
    });

    it('still shows the appointment when the messages are unavailable, saying so', async () => {
      await web.apis.down('dispatcher');
      const page = await staff.get('/appointments/apt-leeds-am-02');
      expect(page.statusCode).toBe(200);
      const shown = textOf(page.body);
      expect(shown).toContain('Janet Thompson');
      expect(shown).toContain('Orders unavailable');
      expect(shown).toContain('the relay dispatcher is not answering');
    });

    it('answers an unknown appointment with the not found page, and a down appointment service with 503', async () => {
      expect((await staff.get('/appointments/apt-nope')).statusCode).toBe(404);
      await web.apis.down('appointment');
      const down = await staff.get('/appointments/apt-leeds-am-02');
      expect(down.statusCode).toBe(503);
      expect(textOf(down.body)).toContain('Appointments cannot be shown now');
    });
  });

  describe('refused commands, without JavaScript', () => {
    it('shows a refusal on the next page the person opens, once, with the readable reason', async () => {
      const { AppointmentCommandRejected, createMessage } = await import('@mbs/contracts');
      await web.context.rejections.record(
        createMessage(AppointmentCommandRejected, {
          commandId: 'cmd-refused-1',
          commandType: 'appointment.send-to-modality',
          appointmentId: 'apt-leeds-am-03',
          requestedBy: { userId: 'ada', name: 'Ada Radiographer' },
          reason:
            'Cannot send to modality: the participant has not been checked in (appointment is booked)',
          code: 'transition_refused',
        }),
      );
      // Someone else never sees it.
      const admin = new Visitor(web);
      await admin.signIn(ADMIN);
      expect(textOf((await admin.get('/clinics')).body)).not.toContain('Not sent to the modality');
      const page = await staff.get('/clinics/clinic-leeds-am');
      const shown = textOf(page.body);
      expect(shown).toContain('Not sent to the modality');
      expect(shown).toContain('Cannot send to modality: the participant has not been checked in');
      expect(page.body).toContain('href="/appointments/apt-leeds-am-03"');
      expect(textOf((await staff.get('/clinics/clinic-leeds-am')).body)).not.toContain(
        'Not sent to the modality',
      );
    });
  });

  describe('errors and roles', () => {
    it('shows the not found page for an unknown path; to a visitor not signed in, the sign-in page', async () => {
      const signedIn = await staff.get('/no/such/page');
      expect(signedIn.statusCode).toBe(404);
      expect(textOf(signedIn.body)).toContain('Page not found');
      // Which paths exist is not told to someone who has not signed in.
      const anonymous = await new Visitor(web).get('/no/such/page');
      expect(anonymous.statusCode).toBe(303);
      expect(anonymous.headers.location).toMatch(/^\/sign-in\?/);
    });

    it('keeps the administrators’ pages from clinic staff with 403', async () => {
      const page = await staff.get('/admin/accounts');
      expect(page.statusCode).toBe(403);
      expect(textOf(page.body)).toContain('You do not have access to this page');
      expect(page.body).not.toContain('root');
      const admin = new Visitor(web);
      await admin.signIn(ADMIN);
      expect((await admin.get('/admin/accounts')).statusCode).toBe(200);
    });

    it('answers a failure it did not expect with the problem page, leaking nothing of it', async () => {
      web.context.queries.appointments.settings = async () => {
        throw new Error('database password is hunter2');
      };
      const page = await staff.get('/clinics');
      expect(page.statusCode).toBe(500);
      expect(textOf(page.body)).toContain('Sorry, there is a problem with the service');
      expect(page.body).not.toContain('hunter2');
    });

    it('serves the design system from the installed package, cached for a year, and health without signing in', async () => {
      const anonymous = new Visitor(web);
      const signIn = await anonymous.get('/sign-in');
      const css = /href="(\/design-system\/nhsuk-frontend-[\d.]+\.min\.css)"/.exec(
        signIn.body,
      )?.[1];
      const js = /data-design-system-js="([^"]+)"/.exec(signIn.body)?.[1];
      const ours = /src="(\/static\/app\.mjs\?v=[0-9a-f]{12})"/.exec(signIn.body)?.[1];
      for (const url of [css, js, ours, '/assets/images/nhsuk-icon-180.png']) {
        const response = await anonymous.get(url as string);
        expect(response.statusCode).toBe(200);
        expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      }
      // Only the built bundles: not the templates beside them.
      expect((await staff.get('/design-system/template.njk')).statusCode).toBe(404);
      const health = await anonymous.get('/health');
      expect(health.statusCode).toBe(200);
      expect(health.json()).toEqual({ ok: true, store: { ok: true }, bus: { ok: true } });
    });

    it('sets a content security policy with no inline script, and the other security headers', async () => {
      const page = await staff.get('/clinics');
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("font-src 'self' https://assets.nhs.uk");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['cache-control']).toBe('no-store');
      // Nothing inline for the policy to block: every script is a file.
      expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(page.body).not.toMatch(/\sstyle="/);
    });
  });
});
