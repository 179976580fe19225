import { z } from 'zod';

/** Rights a shared access key can hold, as Azure Relay names them. Manage implies the others. */
export const rightSchema = z.enum(['Listen', 'Send', 'Manage']);
export type Right = z.infer<typeof rightSchema>;

export const accessKeySchema = z.object({
  name: z.string().min(1),
  key: z.string().min(1),
  rights: z.array(rightSchema).min(1),
});
export type AccessKey = z.infer<typeof accessKeySchema>;

export const hybridConnectionSchema = z.object({
  /** The hybrid connection's name (its path in the namespace). */
  path: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only'),
  keys: z.array(accessKeySchema).min(1),
  /** Azure's "requires client authorization": when false, senders need no token. */
  requiresClientAuthorization: z.boolean().default(true),
});
export type HybridConnection = z.infer<typeof hybridConnectionSchema>;

export const entitiesSchema = z
  .array(hybridConnectionSchema)
  .min(1)
  .refine(
    (entities) => new Set(entities.map((e) => e.path.toLowerCase())).size === entities.length,
    'hybrid connection paths must be unique',
  );

/**
 * The development default: one hybrid connection with a least-privilege key per role. The key
 * values are public (they are in the README): for a laptop and CI, never for a real namespace.
 */
export const DEV_ENTITIES: readonly HybridConnection[] = [
  {
    path: 'gateway-local',
    requiresClientAuthorization: true,
    keys: [
      { name: 'listen', key: 'dev-listen-key-not-secret', rights: ['Listen'] },
      { name: 'send', key: 'dev-send-key-not-secret', rights: ['Send'] },
      { name: 'manage', key: 'dev-manage-key-not-secret', rights: ['Manage', 'Listen', 'Send'] },
    ],
  },
];

export function hasRight(key: AccessKey, right: Right): boolean {
  return key.rights.includes(right) || key.rights.includes('Manage');
}
