export { OutboxPump, type OutboxPumpOptions } from './outbox-pump';
export { recordModalityEvent } from './modality-events';
