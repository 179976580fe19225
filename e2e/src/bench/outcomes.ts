import { on, type Bus } from '@mbs/bus';
import { AppointmentStateChanged, MessageConfirmed, MessageFailed } from '@mbs/contracts';

/**
 * What the system announced on the bus while the bench ran, as it happened: when each appointment
 * reached each state, when its message was confirmed, and why a send failed. Listening costs the
 * system nothing it does not already do (the events are published anyway), unlike polling its
 * HTTP APIs, which would load the very processes being measured.
 */
export class Outcomes {
  private readonly reached = new Map<string, Map<string, number>>();
  private readonly confirmed = new Map<string, number>();
  private readonly failed = new Map<string, string>();

  /** Starts listening; events published before this are not seen. */
  async listen(bus: Bus): Promise<void> {
    await bus.subscribe('bench-outcomes', [
      on(AppointmentStateChanged, async ({ data }) =>
        this.record(data.appointmentId, data.to, Date.parse(data.at)),
      ),
      on(MessageConfirmed, async ({ data }) => {
        if (!this.confirmed.has(data.appointmentId))
          this.confirmed.set(data.appointmentId, Date.parse(data.confirmedAt));
      }),
      on(MessageFailed, async ({ data }) => {
        this.failed.set(data.appointmentId, `${data.phase}: ${data.reason}`);
      }),
    ]);
  }

  /** The first time the appointment reached `state` (ms since the epoch), if it has. */
  reachedAt(appointmentId: string, state: string): number | undefined {
    return this.reached.get(appointmentId)?.get(state);
  }

  countReached(ids: readonly string[], state: string): number {
    return ids.filter((id) => this.reachedAt(id, state) !== undefined).length;
  }

  confirmedAt(appointmentId: string): number | undefined {
    return this.confirmed.get(appointmentId);
  }

  /** Confirmation times of these appointments, those confirmed so far. */
  confirmationTimes(ids: readonly string[]): number[] {
    return ids.flatMap((id) => this.confirmed.get(id) ?? []);
  }

  /** Sends that failed, as "appointment (phase: reason)". */
  failures(ids: readonly string[]): string[] {
    return ids.flatMap((id) => {
      const reason = this.failed.get(id);
      return reason === undefined ? [] : [`${id} (${reason})`];
    });
  }

  record(appointmentId: string, state: string, at: number): void {
    const states = this.reached.get(appointmentId) ?? new Map<string, number>();
    if (!states.has(state)) states.set(state, at);
    this.reached.set(appointmentId, states);
  }
}
