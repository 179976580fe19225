export { OutboxPump, type AckProblem, type OutboxPumpOptions } from './outbox-pump';
export { recordModalityEvent } from './modality-events';
