import { z } from 'zod';

/** What the modality reports about an order (DICOM MPPS: in progress, completed, discontinued). */
export const ModalityEventKind = z.enum([
  'examination_started',
  'examination_completed',
  'examination_discontinued',
]);
export type ModalityEventKind = z.infer<typeof ModalityEventKind>;
