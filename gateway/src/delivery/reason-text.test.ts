import { REASON_BODY_LIMIT, reasonText } from './reason-text';

describe("a hospital's answer turned into a reason", () => {
  it('keeps a short plain answer as it is', () => {
    expect(reasonText('ServiceRequest.identifier missing')).toBe(
      'ServiceRequest.identifier missing',
    );
    expect(reasonText('')).toBe('');
  });

  it('collapses whitespace and drops control and direction-changing characters', () => {
    expect(reasonText('  Unknown\r\n\tpatient\u0000\u001b[31m  here\u202e  ')).toBe(
      'Unknown patient[31m here',
    );
  });

  it.each([
    ['9434765919', 'NHS number 9434765919 not found'],
    ['spaced 3-3-4', 'NHS number 943 476 5919 not found'],
    ['hyphenated', 'NHS number 943-476-5919 not found'],
    ['glued to words', 'nhs:9434765919;'],
  ])('removes an NHS number (%s)', (_, body) => {
    const reason = reasonText(body);
    expect(reason).not.toMatch(/\d{3}\D?\d{3}\D?\d{4}/);
    expect(reason).toContain('[NHS number]');
  });

  it('leaves digit runs that are not ten digits long alone', () => {
    expect(reasonText('error 40413 at line 12345678901')).toBe('error 40413 at line 12345678901');
  });

  it.each([
    '12/03/1961',
    '12-03-1961',
    '12.03.1961',
    '1961-03-12',
    '12/3/61',
    '12 March 1961',
    '12th Mar 1961',
    'March 12, 1961',
  ])('removes a date such as a date of birth (%s)', (date) => {
    const reason = reasonText(`born ${date}: demographics do not match`);
    expect(reason).toBe('born [date]: demographics do not match');
  });

  it('reads an HTML page as its text: no tags, scripts or styles, entities decoded', () => {
    const page =
      '<!DOCTYPE html><html><head><title>422 Unprocessable</title><style>body{color:red}</style>' +
      '<script>var patient = "Jane";</script></head><body><h1>Rejected</h1>' +
      '<p>Patient&nbsp;943&nbsp;476&nbsp;5919 &amp; DOB 01/02/1950 not on PAS</p></body></html>';
    expect(reasonText(page)).toBe(
      '422 Unprocessable Rejected Patient [NHS number] & DOB [date] not on PAS',
    );
  });

  it(`is at most ${REASON_BODY_LIMIT} characters (and an ellipsis), cut after it is cleaned`, () => {
    const reason = reasonText(`${'word '.repeat(100)} NHS 943 476 5919`);
    expect(reason.length).toBeLessThanOrEqual(REASON_BODY_LIMIT + 3);
    expect(reason.endsWith('...')).toBe(true);
    expect(REASON_BODY_LIMIT).toBeLessThanOrEqual(200);
  });

  it('takes a huge body without slowing down or leaving part of an identifier at the cut', () => {
    const huge = `${'<'.repeat(200_000)}${'<script>'.repeat(50_000)} 943 476 5919`;
    const started = Date.now();
    const reason = reasonText(huge);
    // Linear work takes milliseconds; a backtracking pattern would take minutes.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(reason.length).toBeLessThanOrEqual(REASON_BODY_LIMIT + 3);
    expect(reason).not.toMatch(/5919/);
  });
});
