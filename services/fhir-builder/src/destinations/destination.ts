import { Id, Instant } from '@mbs/contracts';
import { z } from 'zod';
import { DEFAULT_MESSAGE_TYPE, MESSAGE_TYPES } from '../builders/registry';

/**
 * Where a setting's orders go: which message type to build, which gateway carries it, and which
 * of that gateway's local delivery targets receives it. The one schema of a destination: the
 * API's create and change bodies are derived from it, and stored documents are read through it.
 */
export const Destination = z.strictObject({
  destinationId: Id,
  settingId: Id,
  name: z.string().trim().min(1, 'must not be empty').max(200),
  messageType: z.enum(MESSAGE_TYPES, {
    error: `must be one of the registered message types: ${MESSAGE_TYPES.join(', ')}`,
  }),
  gatewayId: Id,
  /** The name of a delivery target configured in that gateway (e.g. `ris-fhir`, `worklist-drop`). */
  target: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9._-]+$/, 'may contain only letters, digits and . _ -'),
  enabled: z.boolean(),
  createdAt: Instant,
  updatedAt: Instant,
});
export type Destination = z.infer<typeof Destination>;

/** POST /destinations: the id is optional (one is made), the type defaults to FHIR R4. */
export const NewDestination = Destination.omit({ createdAt: true, updatedAt: true }).extend({
  destinationId: Destination.shape.destinationId.optional(),
  messageType: Destination.shape.messageType.default(DEFAULT_MESSAGE_TYPE),
  enabled: Destination.shape.enabled.default(true),
});
export type NewDestination = z.input<typeof NewDestination>;

/** PATCH /destinations/:id: any of the editable fields, at least one. */
export const DestinationChange = Destination.omit({
  destinationId: true,
  createdAt: true,
  updatedAt: true,
})
  .partial()
  .refine((change) => Object.keys(change).length > 0, {
    error: 'must change at least one field',
    // Only for a body that is otherwise valid: an unknown field alone is reported as such.
    when: (payload) => payload.issues.length === 0,
  });
export type DestinationChange = z.infer<typeof DestinationChange>;

/** GET /destinations query filters. */
export const DestinationFilter = z.strictObject({
  settingId: Id.optional(),
  enabled: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((v) => v === 'true')
    .optional(),
});
export type DestinationFilter = z.infer<typeof DestinationFilter>;
