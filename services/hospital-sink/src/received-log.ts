import { randomUUID } from 'node:crypto';

/** One request the sink took, as shown by GET /received. */
export interface ReceivedRequest {
  readonly id: string;
  readonly receivedAt: string;
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly messageId: string | undefined;
  readonly body: string;
  /** What the sink answered. */
  readonly answeredStatus: number;
}

/** What was posted, in memory only, newest first, up to `limit` entries (oldest dropped). */
export class ReceivedLog {
  private entries: ReceivedRequest[] = [];

  constructor(private readonly limit = 1000) {}

  add(entry: Omit<ReceivedRequest, 'id' | 'receivedAt'>): ReceivedRequest {
    const recorded = { id: randomUUID(), receivedAt: new Date().toISOString(), ...entry };
    this.entries.unshift(recorded);
    if (this.entries.length > this.limit) this.entries.length = this.limit;
    return recorded;
  }

  list(): readonly ReceivedRequest[] {
    return this.entries;
  }

  clear(): number {
    const count = this.entries.length;
    this.entries = [];
    return count;
  }
}
