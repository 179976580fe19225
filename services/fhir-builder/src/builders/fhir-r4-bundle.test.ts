import type { Bundle, Identifier } from '@medplum/fhirtypes';
import { fixedEvent, leedsDestination } from '../../test/fixtures';
import { buildBundle } from './fhir-r4-bundle';
import {
  ACCESSION_NUMBER_SYSTEM,
  IDENTIFIER_TYPE_V2_0203,
  PLACER_ORDER_SYSTEM,
  ODS_ORGANIZATION_CODE_SYSTEM,
} from './fhir-r4-systems';

type AnyResource = Record<string, unknown> & { resourceType: string; identifier?: Identifier[] };

const entries = (bundle: Bundle) =>
  (bundle.entry ?? []).map((entry) => ({
    fullUrl: entry.fullUrl!,
    resource: entry.resource as unknown as AnyResource,
    request: entry.request!,
  }));

const resourceOf = (bundle: Bundle, type: string) =>
  entries(bundle).find((entry) => entry.resource.resourceType === type)!;

describe('FHIR R4 Bundle', () => {
  it('ends the Appointment when the booked slot ends, whatever its length', () => {
    const event = fixedEvent();
    event.data.appointment.endsAt = '2026-06-15T08:37:30.000Z';
    const appointment = resourceOf(buildBundle(event, leedsDestination), 'Appointment');
    expect(appointment.resource).toMatchObject({
      start: '2026-06-15T08:30:00.000Z',
      end: '2026-06-15T08:37:30.000Z',
    });
  });

  it('names the requesting setting by an Organization with its ODS code and name', () => {
    const event = fixedEvent();
    event.data.setting = { name: 'York and Scarborough Teaching Hospitals', odsCode: 'RCB' };
    const bundle = buildBundle(event, leedsDestination);
    const setting = resourceOf(bundle, 'Organization');
    expect(setting.resource).toMatchObject({
      identifier: [{ system: ODS_ORGANIZATION_CODE_SYSTEM, value: 'RCB' }],
      name: 'York and Scarborough Teaching Hospitals',
    });
    const order = resourceOf(bundle, 'ServiceRequest').resource;
    const bySetting = { reference: setting.fullUrl, type: 'Organization' };
    expect(order.requester).toMatchObject(bySetting);
    expect(order.identifier).toEqual([
      expect.objectContaining({
        type: {
          coding: [expect.objectContaining({ system: IDENTIFIER_TYPE_V2_0203, code: 'ACSN' })],
        },
        system: ACCESSION_NUMBER_SYSTEM,
        value: event.data.appointment.accessionNumber,
        assigner: expect.objectContaining(bySetting),
      }),
      {
        type: {
          coding: [{ system: IDENTIFIER_TYPE_V2_0203, code: 'PLAC', display: 'Placer Identifier' }],
        },
        system: PLACER_ORDER_SYSTEM,
        value: event.data.appointmentId,
        assigner: expect.objectContaining(bySetting),
      },
    ]);
  });

  it('keeps the placer order number when staff send the appointment again (a new send command)', () => {
    const first = fixedEvent({ id: 'evt-first' });
    const again = fixedEvent({ id: 'evt-again' });
    again.data.commandId = 'cmd-again';
    const placerOf = (event: ReturnType<typeof fixedEvent>) =>
      resourceOf(buildBundle(event, leedsDestination), 'ServiceRequest').resource.identifier?.find(
        (identifier) => identifier.type?.coding?.[0]?.code === 'PLAC',
      );
    expect(placerOf(again)).toEqual(placerOf(first));
    expect(placerOf(first)?.value).toBe('apt-0001');
  });

  it('refers only to entries of the Bundle itself', () => {
    const bundle = buildBundle(fixedEvent(), leedsDestination);
    const fullUrls = new Set(entries(bundle).map((entry) => entry.fullUrl));
    const references: string[] = [];
    JSON.stringify(bundle, (key, value: unknown) => {
      if (key === 'reference') references.push(String(value));
      return value;
    });
    expect(references.length).toBeGreaterThanOrEqual(5);
    expect(references.filter((reference) => !fullUrls.has(reference))).toEqual([]);
  });

  it('creates every resource conditionally on its own business identifier, with a system', () => {
    for (const { resource, request } of entries(buildBundle(fixedEvent(), leedsDestination))) {
      const [identifier] = resource.identifier ?? [];
      expect(identifier?.system).toMatch(/^https:\/\//);
      expect(request).toEqual({
        method: 'POST',
        url: resource.resourceType,
        ifNoneExist: `identifier=${identifier!.system}|${identifier!.value}`,
      });
    }
  });

  it('declares the UK Core profile of every resource', () => {
    for (const { resource } of entries(buildBundle(fixedEvent(), leedsDestination))) {
      expect(resource.meta).toEqual({
        profile: [`https://fhir.hl7.org.uk/StructureDefinition/UKCore-${resource.resourceType}`],
      });
    }
  });
});
