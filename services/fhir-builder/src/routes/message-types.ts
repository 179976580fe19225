import type { FastifyInstance } from 'fastify';
import { builders, DEFAULT_MESSAGE_TYPE } from '../builders/registry';

/** GET /message-types: what a destination's messageType may be (for the admin's select). */
export function messageTypeRoutes(app: FastifyInstance): void {
  app.get('/message-types', { config: { access: 'clinic_staff' } }, async () => ({
    messageTypes: Object.values(builders).map(({ type, description, contentType }) => ({
      type,
      description,
      contentType,
      default: type === DEFAULT_MESSAGE_TYPE,
    })),
  }));
}
