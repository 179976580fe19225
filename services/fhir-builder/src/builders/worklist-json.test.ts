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
