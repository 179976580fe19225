import {
  deleteNamespace,
  eventually,
  rabbitmqctl,
  sleep,
  testLogger,
  uniqueName,
  useRabbitMq,
  type RabbitMq,
} from '@mbs/testing';
import { SendToModality, createMessage } from '@mbs/contracts';
import { createLogger } from '@mbs/telemetry';
import amqp, { type GetMessage } from 'amqplib';
import { Bus, on, type BusOptions } from '../src/index';

export { eventually, sleep };

export const quietLogger = () => testLogger('bus-test');

/** A logger that keeps its warnings and errors (parsed JSON lines) for a test to read. */
export function recordingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    service: 'bus-test',
    level: 'warn',
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  return { logger, lines };
}

/** A plain amqplib connection for looking at queues and publishing raw bytes, as a foreign client would. */
export async function openProbe(url: string) {
  const connection = await amqp.connect(url, {
    clientProperties: { connection_name: 'bus-test-probe' },
  });
  const channel = await connection.createConfirmChannel();
  return {
    connection,
    channel,
    async publishRaw(
      exchange: string,
      routingKey: string,
      content: Buffer | string,
      headers: Record<string, unknown> = {},
    ) {
      channel.publish(exchange, routingKey, Buffer.from(content), { persistent: true, headers });
      await channel.waitForConfirms();
    },
    /** Takes up to `count` messages from a queue, waiting for them to arrive. */
    async take(queue: string, count: number, timeoutMs = 15_000): Promise<GetMessage[]> {
      const taken: GetMessage[] = [];
      const deadline = Date.now() + timeoutMs;
      while (taken.length < count) {
        const message = await channel.get(queue, { noAck: true });
        if (message) taken.push(message);
        else if (Date.now() > deadline)
          throw new Error(`only ${taken.length} of ${count} messages in ${queue}`);
        else await sleep(25);
      }
      return taken;
    },
    async depth(queue: string): Promise<number> {
      return (await channel.checkQueue(queue)).messageCount;
    },
    close: () => connection.close(),
  };
}

/**
 * What a suite against the real broker shares, called in its describe: each test in a namespace
 * of its own (`namespace`), and the buses and probes it opened (`connect`, `probe`) closed and its
 * queues and exchanges deleted after it.
 */
export function busPerTest(prefix: string) {
  const broker = useRabbitMq();
  let namespace = '';
  const opened: Array<{ close(): Promise<unknown> }> = [];
  beforeEach(() => {
    namespace = uniqueName(prefix);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((item) => item.close()));
    await deleteNamespace(broker.current, namespace);
  });
  return {
    broker,
    get namespace() {
      return namespace;
    },
    async connect(options: Partial<BusOptions> = {}) {
      const bus = await Bus.connect({
        url: broker.current.url,
        service: 'svc',
        namespace,
        logger: quietLogger(),
        ...options,
      });
      opened.push({ close: () => bus.close(2_000) });
      return bus;
    },
    async probe() {
      const probe = await openProbe(broker.current.url);
      opened.push(probe);
      return probe;
    },
  };
}

/** A promise a test opens when it chooses, to hold a handler at a known point. */
export function gate() {
  let open = () => {};
  const passed = new Promise<void>((resolve) => (open = resolve));
  return { passed, open };
}

/**
 * Makes the broker refuse (nack) every publish to the given queues, through a policy that
 * matches their exact names only: `max-length` 0 with `reject-publish`. This is how a full
 * queue answers, so the bus meets a real nack, not a mock. `lift()` lets publishes in again
 * and removes the policy.
 *
 * A policy reaches a quorum queue a moment after `set_policy` returns, and a quorum queue
 * refuses only once it is over its limit, so both steps publish probes until the broker
 * behaves as asked. The probe that fills the queue stays in while it refuses; `lift` takes the
 * probes back out (they are at the head, before anything a test puts there).
 */
export async function refusePublishesTo(
  broker: RabbitMq,
  policy: string,
  queues: readonly string[],
) {
  const escaped = queues.map((queue) => queue.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const probe = await openProbe(broker.url);
  const accepted = new Map<string, number>();
  const refuses = async (queue: string) => {
    try {
      await probe.publishRaw('', queue, 'policy probe');
    } catch {
      return true;
    }
    accepted.set(queue, (accepted.get(queue) ?? 0) + 1);
    return false;
  };
  // Empties the queue of the probes it accepted.
  const takeBack = async (queue: string) => {
    await probe.take(queue, accepted.get(queue) ?? 0);
    accepted.delete(queue);
  };
  // Under the policy an empty quorum queue still takes one message, so only two accepted in a
  // row prove the limit is gone.
  const acceptsFreely = async (queue: string) => {
    await takeBack(queue);
    return !(await refuses(queue)) && !(await refuses(queue));
  };
  const setLimit = (maxLength: number) =>
    rabbitmqctl(
      [
        'set_policy',
        '--apply-to',
        'queues',
        '--priority',
        '100',
        policy,
        `^(${escaped.join('|')})$`,
        JSON.stringify({ 'max-length': maxLength, overflow: 'reject-publish' }),
      ],
      { broker },
    );
  try {
    await setLimit(0);
    for (const queue of queues)
      await eventually(() => refuses(queue), `${queue} to refuse publishes`);
  } catch (error) {
    await rabbitmqctl(['clear_policy', policy], { broker }).catch(() => undefined);
    await probe.close();
    throw error;
  }
  let lifted = false;
  return {
    async lift() {
      if (lifted) return;
      lifted = true;
      try {
        // A quorum queue (RabbitMQ 3.10) keeps the limit of a policy that is cleared, but takes
        // a changed one: raise the limit first, and clear the policy once it is in effect.
        await setLimit(1_000_000);
        for (const queue of queues) {
          await eventually(() => acceptsFreely(queue), `${queue} to accept publishes again`);
          await takeBack(queue);
        }
      } finally {
        await rabbitmqctl(['clear_policy', policy], { broker }).catch(() => undefined);
        await probe.close();
      }
    },
  };
}

/**
 * A handler that is idempotent the way every handler in the system is: its effect goes through
 * an idempotency key (the message id), like `applyOnce`/`insertOnce` in @mbs/store. Here the
 * key store is in memory, and the check and the set happen with no await between them, so two
 * runs of one message at once (a redelivery overtaking the first run) cannot both pass.
 *
 * - `deliveries`: runs per message id, redeliveries included.
 * - `effects`: how many times each id's effect happened. Kept apart from the key store, so a
 *   double apply shows as a 2 and `effectMiscounts` reports it.
 * - `duplicates`: runs that found their key already applied: redeliveries the key absorbed.
 * - `redelivered`: runs the broker flagged as delivered before.
 * - `hold()`/`release()`: keep runs waiting before their write, so a test can cut a connection
 *   while messages are certainly in hand.
 */
export function idempotentRecorder(workMs: number) {
  const deliveries = new Map<string, number>();
  const effects = new Map<string, number>();
  const appliedKeys = new Set<string>();
  const seen = { duplicates: 0, redelivered: 0, inHand: 0 };
  let held: ReturnType<typeof gate> | undefined;

  function applyOnce(key: string, effect: () => void): 'applied' | 'duplicate' {
    if (appliedKeys.has(key)) return 'duplicate';
    appliedKeys.add(key);
    effect();
    return 'applied';
  }

  return {
    deliveries,
    effects,
    get duplicates() {
      return seen.duplicates;
    },
    get redelivered() {
      return seen.redelivered;
    },
    /** Runs started and not yet finished. */
    get inHand() {
      return seen.inHand;
    },
    hold() {
      held ??= gate();
    },
    release() {
      held?.open();
      held = undefined;
    },
    handler: on(SendToModality, async (message, { redelivered }) => {
      deliveries.set(message.id, (deliveries.get(message.id) ?? 0) + 1);
      if (redelivered) seen.redelivered++;
      seen.inHand++;
      try {
        await sleep(workMs);
        if (held) await held.passed;
        const outcome = applyOnce(message.id, () =>
          effects.set(message.id, (effects.get(message.id) ?? 0) + 1),
        );
        if (outcome === 'duplicate') seen.duplicates++;
      } finally {
        seen.inHand--;
      }
    }),
  };
}

/**
 * Every id whose effect did not happen exactly once, with its count: 0 for a lost message, 2 or
 * more for a double apply, any count for an id that was never sent. Empty means exactly once.
 */
export function effectMiscounts(
  sent: readonly string[],
  effects: ReadonlyMap<string, number>,
): Record<string, number> {
  const wrong: Record<string, number> = {};
  for (const id of sent) {
    const count = effects.get(id) ?? 0;
    if (count !== 1) wrong[id] = count;
  }
  const expected = new Set(sent);
  for (const [id, count] of effects) if (!expected.has(id)) wrong[id] = count;
  return wrong;
}

/** Publishes `total` commands one after another (each confirmed), pausing between them. */
export function publishCommands(bus: Bus, total: number, pauseMs = 0) {
  const sent: string[] = [];
  const done = (async () => {
    for (let i = 0; i < total; i++) {
      const message = createMessage(SendToModality, {
        appointmentId: `apt-${i}`,
        requestedBy: { userId: 'u', name: 'n' },
      });
      await bus.publish(SendToModality, message);
      sent.push(message.id);
      if (pauseMs > 0) await sleep(pauseMs);
    }
  })();
  return { sent, done };
}
