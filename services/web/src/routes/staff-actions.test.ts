import {
  CancelAppointment,
  CheckIn,
  MarkDidNotAttend,
  SendToModality,
  WithdrawSend,
  type AnyContract,
  type MessageOf,
} from '@mbs/contracts';
import { verifyStaffCommand } from '@mbs/trust';
import {
  STAFF,
  Visitor,
  fieldOf,
  startWeb,
  stopMongo,
  type WebUnderTest,
  textOf,
} from '../../test/web-harness';

describe('staff actions (fastify.inject, MongoDB, capturing bus)', () => {
  let web: WebUnderTest;
  let staff: Visitor;
  beforeEach(async () => {
    web = await startWeb();
    staff = new Visitor(web);
    await staff.signIn(STAFF);
  });
  afterEach(() => web.stop());
  afterAll(() => stopMongo());

  const sent = (contract: AnyContract) =>
    web.published.filter((p) => p.contract === contract).map((p) => p.message);

  /** Opens a page, then posts its form back as a browser would (its hidden fields and more). */
  async function submit(pageUrl: string, action: string, fields: Record<string, string> = {}) {
    await staff.get(pageUrl);
    return staff.post(action, {
      commandId: fieldOf(staff.lastPage, 'commandId') as string,
      returnTo: fieldOf(staff.lastPage, 'returnTo') as string,
      ...fields,
    });
  }

  it('checks in from the clinic list as the signed-in person, with the command id the form carried', async () => {
    await staff.get('/clinics/clinic-leeds-am');
    const form =
      /<form method="post" action="\/appointments\/apt-leeds-am-03\/check-in"[\s\S]*?<\/form>/.exec(
        staff.lastPage,
      )![0];
    const commandId = fieldOf(form, 'commandId') as string;
    const done = await staff.post('/appointments/apt-leeds-am-03/check-in', {
      commandId,
      returnTo: '/clinics/clinic-leeds-am',
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/clinics/clinic-leeds-am');
    expect(sent(CheckIn)).toEqual([
      expect.objectContaining({
        id: commandId,
        type: 'appointment.check-in',
        data: {
          appointmentId: 'apt-leeds-am-03',
          requestedBy: { userId: 'ada', name: 'Ada Radiographer', signature: expect.any(String) },
        },
      }),
    ]);
    // Signed by web for the signed-in person and this command: what appointment acts on.
    await expect(
      verifyStaffCommand(sent(CheckIn)[0] as MessageOf<typeof CheckIn>, web.staff.keys),
    ).resolves.toMatchObject({
      commandId,
      type: 'appointment.check-in',
      appointmentId: 'apt-leeds-am-03',
      userId: 'ada',
      name: 'Ada Radiographer',
    });
    // The next page says it is on its way, once.
    const next = await staff.get('/clinics/clinic-leeds-am');
    expect(textOf(next.body)).toContain('Request sent Checking in Susan Patel.');
    expect(textOf((await staff.get('/clinics/clinic-leeds-am')).body)).not.toContain(
      'Request sent',
    );
  });

  it('sends a double submission as the same command, which appointment applies once', async () => {
    await staff.get('/clinics/clinic-leeds-am');
    const form = /action="\/appointments\/apt-leeds-am-03\/check-in"[\s\S]*?<\/form>/.exec(
      staff.lastPage,
    )![0];
    const commandId = fieldOf(form, 'commandId') as string;
    const csrf = fieldOf(staff.lastPage, '_csrf') as string;
    for (let i = 0; i < 2; i++)
      await staff.post('/appointments/apt-leeds-am-03/check-in', {
        _csrf: csrf,
        commandId,
        returnTo: '/clinics/clinic-leeds-am',
      });
    expect(sent(CheckIn).map((m) => m.id)).toEqual([commandId, commandId]);
  });

  it('shows what is about to be sent to the modality (participant, NHS number, accession number, destination), then sends it', async () => {
    const confirm = await staff.get(
      '/appointments/apt-leeds-am-02/send?returnTo=%2Fclinics%2Fclinic-leeds-am',
    );
    expect(confirm.statusCode).toBe(200);
    const shown = textOf(confirm.body);
    expect(shown).toContain('Janet Thompson Send to the modality');
    expect(shown).toContain('NHS number 999 000 0018');
    expect(shown).toContain('Accession number MBSTEST000000002');
    expect(shown).toContain(
      'Destination Leeds RIS (FHIR R4) FHIR R4 order through gateway gateway-local',
    );
    expect(shown).toContain('Check it is the right person');
    const done = await staff.post('/appointments/apt-leeds-am-02/send', {
      commandId: fieldOf(confirm.body, 'commandId') as string,
      returnTo: fieldOf(confirm.body, 'returnTo') as string,
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/clinics/clinic-leeds-am');
    expect(sent(SendToModality)).toEqual([
      expect.objectContaining({
        data: {
          appointmentId: 'apt-leeds-am-02',
          requestedBy: { userId: 'ada', name: 'Ada Radiographer', signature: expect.any(String) },
        },
      }),
    ]);
  });

  it('offers no send for an appointment that is not checked in, or a setting with nowhere to send', async () => {
    const booked = await staff.get('/appointments/apt-leeds-am-03/send');
    expect(textOf(booked.body)).toContain('This appointment cannot be sent to the modality now');
    expect(booked.body).not.toContain('name="commandId"');

    web.apis.data.destination = undefined;
    const nowhere = await staff.get('/appointments/apt-leeds-am-02/send');
    expect(textOf(nowhere.body)).toContain('This order has nowhere to go');
    expect(nowhere.body).not.toContain('name="commandId"');
  });

  it('still lets staff send when the destination cannot be checked, saying so', async () => {
    await web.apis.down('fhirBuilder');
    const page = await staff.get('/appointments/apt-leeds-am-02/send');
    expect(textOf(page.body)).toContain('Destination Cannot be checked now');
    expect(page.body).toContain('name="commandId"');
  });

  it.each([
    ['withdraw', 'apt-leeds-am-04', WithdrawSend, 'Enter why you are withdrawing the send'],
    [
      'cancel',
      'apt-leeds-am-03',
      CancelAppointment,
      'Enter why the appointment is being cancelled',
    ],
    [
      'did-not-attend',
      'apt-leeds-am-03',
      MarkDidNotAttend,
      'Enter a note about why the participant did not attend',
    ],
  ] as const)(
    '%s asks why: a missing or too long reason is shown in the error summary and by the field, then it is sent',
    async (path, appointmentId, contract, missing) => {
      const url = `/appointments/${appointmentId}/${path}`;
      const empty = await submit(`${url}?returnTo=%2Fclinics%2Fclinic-leeds-am`, url, {
        reason: '   ',
      });
      expect(empty.statusCode).toBe(400);
      expect(empty.body).toContain('<title>Error: ');
      expect(empty.body).toMatch(new RegExp(`href="#reason"[^>]*>\\s*${missing}`));
      expect(empty.body).toMatch(new RegExp(`id="reason-error"[\\s\\S]*${missing}`));

      const long = 'x'.repeat(501);
      const tooLong = await staff.post(url, {
        commandId: fieldOf(empty.body, 'commandId') as string,
        returnTo: fieldOf(empty.body, 'returnTo') as string,
        reason: long,
      });
      expect(tooLong.statusCode).toBe(400);
      expect(textOf(tooLong.body)).toContain('Reason must be 500 characters or fewer');
      // What was typed is kept.
      expect(tooLong.body).toContain(long);
      expect(web.published).toEqual([]);

      const commandId = fieldOf(tooLong.body, 'commandId') as string;
      const done = await staff.post(url, {
        commandId,
        returnTo: fieldOf(tooLong.body, 'returnTo') as string,
        reason: '  Participant phoned to rebook  ',
      });
      expect(done.statusCode).toBe(303);
      expect(done.headers.location).toBe('/clinics/clinic-leeds-am');
      expect(sent(contract)).toEqual([
        expect.objectContaining({
          id: commandId,
          data: {
            appointmentId,
            requestedBy: { userId: 'ada', name: 'Ada Radiographer', signature: expect.any(String) },
            reason: 'Participant phoned to rebook',
          },
        }),
      ]);
    },
  );

  it('tells the person a command the broker did not take was not sent, with a button that sends the same one', async () => {
    web.brokerAway(true);
    const url = '/appointments/apt-leeds-am-03/cancel';
    const failed = await submit(`${url}?returnTo=%2Fclinics%2Fclinic-leeds-am`, url, {
      reason: 'Asked to rebook',
    });
    expect(failed.statusCode).toBe(503);
    const shown = textOf(failed.body);
    expect(shown).toContain('Your request was not sent');
    expect(shown).toContain('Cancel appointment for Susan Patel could not be passed on');
    const commandId = fieldOf(failed.body, 'commandId') as string;
    expect(fieldOf(failed.body, 'reason')).toBe('Asked to rebook');
    expect(failed.body).toContain(`action="${url}"`);

    web.brokerAway(false);
    const retried = await staff.post(url, {
      commandId,
      returnTo: fieldOf(failed.body, 'returnTo') as string,
      reason: fieldOf(failed.body, 'reason') as string,
    });
    expect(retried.statusCode).toBe(303);
    expect(sent(CancelAppointment).map((m) => m.id)).toEqual([commandId]);
  });

  it('refuses a form without its command id, and an unknown appointment, sending nothing', async () => {
    await staff.get('/clinics/clinic-leeds-am');
    const noId = await staff.post('/appointments/apt-leeds-am-03/check-in', {
      returnTo: '/clinics',
    });
    expect(noId.statusCode).toBe(400);
    expect(textOf(noId.body)).toContain('Your form could not be sent');
    const unknown = await staff.get('/appointments/apt-nope/cancel');
    expect(unknown.statusCode).toBe(404);
    await staff.get('/clinics/clinic-leeds-am');
    const unknownPost = await staff.post('/appointments/apt-nope/check-in', { commandId: 'cmd-1' });
    expect(unknownPost.statusCode).toBe(404);
    expect(web.published).toEqual([]);
  });

  it('refuses a form posted by someone not signed in, sending nothing', async () => {
    const stranger = new Visitor(web);
    await stranger.get('/sign-in');
    const response = await stranger.post('/appointments/apt-leeds-am-03/check-in', {
      commandId: 'cmd-2',
    });
    expect(response.statusCode).toBe(401);
    expect(web.published).toEqual([]);
  });
});
