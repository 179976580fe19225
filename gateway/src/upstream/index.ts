export { OutboxPump, type OutboxPumpOptions } from './outbox-pump';
export {
  modalityEventInput,
  recordModalityEvent,
  type ModalityEventInput,
} from './modality-events';
