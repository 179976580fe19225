import { AppointmentSentToModality, createMessage } from '@mbs/contracts';
import type { BuildTarget, SentToModality } from './message-builder';

/**
 * A fixed event: every golden file is built from it, so its bytes never change by themselves,
 * and the service builds and validates one message of each type from it at start (warm-up).
 */
export function fixedEvent(
  overrides: { id?: string; settingId?: string; appointmentId?: string } = {},
): SentToModality {
  return createMessage(
    AppointmentSentToModality,
    {
      appointmentId: overrides.appointmentId ?? 'apt-0001',
      commandId: 'cmd-0001',
      sentBy: { userId: 'user-ada', name: 'Ada Lovelace' },
      participant: {
        participantId: 'ptc-0001',
        nhsNumber: '9434765919',
        givenName: 'Jane',
        familyName: 'Smith',
        dateOfBirth: '1970-01-31',
        sex: 'female',
      },
      appointment: {
        clinicId: 'clinic-leeds-1',
        settingId: overrides.settingId ?? 'setting-leeds',
        // 09:30 in London in summer time is 08:30 UTC: the worklist must show 093000.
        startsAt: '2026-06-15T08:30:00.000Z',
        // A 12-minute slot: no default length (10 minutes was once assumed) could produce it.
        endsAt: '2026-06-15T08:42:00.000Z',
        accessionNumber: 'ACC20260615A1B2',
      },
      setting: { name: 'Leeds Teaching Hospitals NHS Trust', odsCode: 'RR8' },
    },
    {
      id: overrides.id ?? 'evt-0001',
      correlationId: 'cmd-0001',
      causationId: undefined,
      occurredAt: '2026-06-15T08:25:00.000Z',
    } as never,
  );
}

export const leedsDestination: BuildTarget = {
  destinationId: 'dest-leeds-ris',
  settingId: 'setting-leeds',
  name: 'Leeds RIS (FHIR R4)',
  gatewayId: 'gateway-local',
  target: 'ris-fhir',
};
