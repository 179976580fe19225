import { summarise } from './statistics';

/**
 * When one send passed each point of its journey (ms since the epoch; NaN where a point was not
 * recorded, so that hop is left out of the figures rather than made up).
 */
export interface Journey {
  /** The broker confirmed the staff command: "command accepted". */
  readonly accepted: number;
  /** The appointment service moved the appointment to sent_to_modality. */
  readonly sentToModality: number;
  /** The dispatcher stored the message fhir-builder built and validated. */
  readonly stored: number;
  /** The dispatcher took it for sending (its last attempt). */
  readonly picked: number;
  /** The gateway's receipt came back over the relay. */
  readonly delivered: number;
  /** The gateway's confirmation that the hospital accepted it. */
  readonly confirmed: number;
  /** The appointment service recorded the confirmation: with_modality. */
  readonly withModality: number;
}

/** The hops of a journey, in order, each from one point to the next. */
export const HOPS: ReadonlyArray<{ label: string; from: keyof Journey; to: keyof Journey }> = [
  { label: 'command to sent_to_modality (appointment)', from: 'accepted', to: 'sentToModality' },
  {
    label: 'build and validate, to the dispatcher (fhir-builder)',
    from: 'sentToModality',
    to: 'stored',
  },
  { label: 'stored until taken for sending (dispatcher)', from: 'stored', to: 'picked' },
  { label: 'over the relay to the gateway receipt', from: 'picked', to: 'delivered' },
  { label: 'to the hospital and its confirmation back', from: 'delivered', to: 'confirmed' },
  { label: 'confirmed to with_modality (appointment)', from: 'confirmed', to: 'withModality' },
];

/** End to end as the issue defines it: command accepted to confirmed. */
export const endToEnd = (journey: Journey) => journey.confirmed - journey.accepted;

/** The median of each hop over these journeys. */
export function hopMedians(journeys: readonly Journey[]): Array<{ label: string; ms: number }> {
  return HOPS.map(({ label, from, to }) => ({
    label,
    ms: summarise(journeys.map((j) => j[to] - j[from])).p50,
  }));
}
