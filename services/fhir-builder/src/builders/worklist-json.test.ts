import { fixedEvent, leedsDestination } from '../../test/fixtures';
import { PayloadInvalidError } from './payload-invalid-error';
import { buildWorklistItem, worklistJson } from './worklist-json';

const eventWith = (change: (data: ReturnType<typeof fixedEvent>['data']) => void) => {
  const event = fixedEvent();
  change(event.data);
  return event;
};

describe('worklist JSON (NHS worklist.create_item)', () => {
  it('schedules in London local time, as the modality shows it (summer: UTC+1)', () => {
    const item = buildWorklistItem(fixedEvent(), leedsDestination);
    expect(item.parameters.worklist_item.scheduled).toEqual({ date: '20260615', time: '093000' });
  });

  it('schedules in London local time in winter (UTC+0), across midnight correctly', () => {
    const event = eventWith((data) => (data.appointment.startsAt = '2026-12-31T23:59:30.000Z'));
    expect(buildWorklistItem(event, leedsDestination).parameters.worklist_item.scheduled).toEqual({
      date: '20261231',
      time: '235930',
    });
    const summer = eventWith((data) => (data.appointment.startsAt = '2026-07-01T23:30:00.000Z'));
    expect(buildWorklistItem(summer, leedsDestination).parameters.worklist_item.scheduled).toEqual({
      date: '20260702',
      time: '003000',
    });
  });

  it.each([
    ['female', 'F'],
    ['male', 'M'],
    ['other', 'O'],
    ['unknown', ''],
  ] as const)('maps sex %s to the DICOM code %p', (sex, code) => {
    const event = eventWith((data) => (data.participant.sex = sex));
    expect(
      buildWorklistItem(event, leedsDestination).parameters.worklist_item.participant.sex,
    ).toBe(code);
  });

  it('writes the name as FAMILY^GIVEN in capitals without DICOM delimiters inside parts', () => {
    const event = eventWith((data) => {
      data.participant.familyName = "O'Brien^Smith";
      data.participant.givenName = 'Mary Ann';
    });
    expect(
      buildWorklistItem(event, leedsDestination).parameters.worklist_item.participant.name,
    ).toBe("O'BRIEN SMITH^MARY ANN");
  });

  describe('names longer than DICOM PN allows (64 characters for FAMILY^GIVEN)', () => {
    const nameOf = (familyName: string, givenName: string) =>
      buildWorklistItem(
        eventWith((data) => {
          data.participant.familyName = familyName;
          data.participant.givenName = givenName;
        }),
        leedsDestination,
      ).parameters.worklist_item.participant.name;

    it('cuts a 70-character family name to fit beside the given name, and the payload is valid', () => {
      const family = `${'Abcdefghij'.repeat(7)}`;
      const event = eventWith((data) => (data.participant.familyName = family));
      const built = worklistJson.build(event, leedsDestination);
      expect(() => worklistJson.validate(built.payload)).not.toThrow();
      const name = JSON.parse(built.payload).parameters.worklist_item.participant.name as string;
      expect(name).toBe(`${family.toUpperCase().slice(0, 59)}^JANE`);
      expect(name).toHaveLength(64);
    });

    it('lets a long given name use the room a short family name leaves', () => {
      expect(nameOf('Li', 'G'.repeat(90))).toBe(`LI^${'G'.repeat(61)}`);
    });

    it('shares the room when both parts are long, the family name keeping the larger half', () => {
      const name = nameOf('F'.repeat(100), 'G'.repeat(100));
      expect(name).toBe(`${'F'.repeat(32)}^${'G'.repeat(31)}`);
      expect(name).toHaveLength(64);
    });

    it('does not end a cut part on a space', () => {
      expect(nameOf(`${'F'.repeat(58)} ${'X'.repeat(20)}`, 'Jane')).toBe(`${'F'.repeat(58)}^JANE`);
    });

    it('leaves names that fit as they were', () => {
      expect(nameOf('Smith', 'Jane')).toBe('SMITH^JANE');
      const exact = nameOf('F'.repeat(40), 'G'.repeat(23));
      expect(exact).toBe(`${'F'.repeat(40)}^${'G'.repeat(23)}`);
    });

    it('still refuses a payload whose name is too long, naming the rule', () => {
      const item = buildWorklistItem(fixedEvent(), leedsDestination);
      item.parameters.worklist_item.participant.name = `${'F'.repeat(60)}^${'G'.repeat(10)}`;
      expect(() => worklistJson.validate(JSON.stringify(item))).toThrow(
        'parameters.worklist_item.participant.name: must be at most 64 characters (DICOM PN)',
      );
    });
  });

  it('refuses a payload that breaks the schema, naming each field', () => {
    const item = buildWorklistItem(fixedEvent(), leedsDestination) as unknown as {
      parameters: { worklist_item: { participant: { birth_date: string }; extra?: number } };
    };
    item.parameters.worklist_item.participant.birth_date = '1970-01-31';
    item.parameters.worklist_item.extra = 1;
    let error: unknown;
    try {
      worklistJson.validate(JSON.stringify(item));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PayloadInvalidError);
    expect((error as PayloadInvalidError).problems).toEqual([
      'parameters.worklist_item.participant.birth_date: must be YYYYMMDD',
      'parameters.worklist_item: Unrecognized key: "extra"',
    ]);
  });
});
