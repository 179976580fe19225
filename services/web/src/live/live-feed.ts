import {
  AppointmentCommandRejected,
  AppointmentStateChanged,
  MessageConfirmed,
  MessageDelivered,
  MessageFailed,
  type MessageOf,
} from '@mbs/contracts';
import { randomBytes } from 'node:crypto';

/** The events a page updates from, as the bus delivers them. */
export const liveContracts = [
  AppointmentStateChanged,
  AppointmentCommandRejected,
  MessageDelivered,
  MessageConfirmed,
  MessageFailed,
] as const;

export type LiveMessage = MessageOf<(typeof liveContracts)[number]>;

export interface LiveEvent {
  /** `<boot id>.<sequence>`: where this replica's feed was when it took the event (the SSE id). */
  readonly cursor: string;
  readonly message: LiveMessage;
}

/** What one page watches: its clinic or its appointment, and the rejections of its user. */
export interface LiveFilter {
  readonly clinicId?: string;
  readonly appointmentId?: string;
  readonly username: string;
}

export type CatchUp =
  | { readonly ok: true; readonly events: readonly LiveEvent[] }
  /** The cursor is another replica's or has left the buffer: re-read the page. */
  | { readonly ok: false };

export function matches(filter: LiveFilter, message: LiveMessage): boolean {
  if (message.type === 'appointment.command-rejected')
    return message.data.requestedBy.userId === filter.username;
  if (filter.appointmentId !== undefined && message.data.appointmentId === filter.appointmentId)
    return true;
  return (
    message.type === 'appointment.state-changed' &&
    filter.clinicId !== undefined &&
    message.data.clinicId === filter.clinicId
  );
}

export interface LiveFeedOptions {
  /** How many recent events a reconnecting page can catch up on. Default 2,000. */
  readonly capacity?: number;
  /** Tells this replica's cursors from another's (and from its own before a restart). */
  readonly bootId?: string;
}

type Listener = (event: LiveEvent) => void;

/**
 * This replica's recent live events and who is watching. Each event gets the next cursor; a page
 * that reconnects with the last cursor it saw (`Last-Event-ID`) gets exactly what it missed, or,
 * when this replica cannot know (another replica's cursor, or one too old), is told to re-read.
 * The same event broadcast twice (a redelivery upstream) is taken once.
 */
export class LiveFeed {
  private readonly capacity: number;
  readonly bootId: string;
  private readonly buffer: LiveEvent[] = [];
  private readonly ids = new Set<string>();
  private sequence = 0;
  private readonly listeners = new Set<{ filter: LiveFilter; listener: Listener }>();

  constructor(options: LiveFeedOptions = {}) {
    this.capacity = options.capacity ?? 2_000;
    this.bootId = options.bootId ?? randomBytes(6).toString('hex');
  }

  /** Where the feed is now: a page rendered now catches up from here. */
  get position(): string {
    return `${this.bootId}.${this.sequence}`;
  }

  get watchers(): number {
    return this.listeners.size;
  }

  push(message: LiveMessage): LiveEvent | undefined {
    if (this.ids.has(message.id)) return undefined;
    this.sequence += 1;
    const event = { cursor: `${this.bootId}.${this.sequence}`, message };
    this.buffer.push(event);
    this.ids.add(message.id);
    if (this.buffer.length > this.capacity) {
      const dropped = this.buffer.shift();
      if (dropped) this.ids.delete(dropped.message.id);
    }
    for (const { filter, listener } of this.listeners) {
      if (matches(filter, message)) listener(event);
    }
    return event;
  }

  /** What a page that last saw `cursor` has missed, or `{ok: false}` when that is unknowable. */
  since(cursor: string, filter: LiveFilter): CatchUp {
    const match = /^([0-9a-z]+)\.(\d+)$/.exec(cursor);
    if (!match || match[1] !== this.bootId) return { ok: false };
    const seen = Number(match[2]);
    if (seen > this.sequence) return { ok: false };
    const oldest = this.buffer[0] ? this.sequence - this.buffer.length + 1 : this.sequence + 1;
    // Events after `seen` must all still be here: the first one missed is seen + 1.
    if (seen + 1 < oldest) return { ok: false };
    const missed = this.buffer.slice(this.buffer.length - (this.sequence - seen));
    return { ok: true, events: missed.filter((event) => matches(filter, event.message)) };
  }

  subscribe(filter: LiveFilter, listener: Listener): () => void {
    const entry = { filter, listener };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }
}
