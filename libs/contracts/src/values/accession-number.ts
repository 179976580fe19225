import { z } from 'zod';

/**
 * The accession number that ties an order to the images taken for it. DICOM carries it as an
 * SH (short string): at most 16 characters, no backslash or control characters.
 */
export const AccessionNumber = z
  .string()
  .min(1)
  .max(16, 'must be at most 16 characters (DICOM SH)')
  .regex(/^[A-Za-z0-9-]+$/, 'may contain only letters, digits and -');
export type AccessionNumber = z.infer<typeof AccessionNumber>;
