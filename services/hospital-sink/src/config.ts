import { httpVariables, logVariables, string, url } from '@mbs/config';

/** hospital-sink's environment, parsed once by main.ts. */
export const sinkVariables = {
  ...logVariables,
  ...httpVariables(3006),
  SINK_GATEWAY_URL: url({
    description: "The gateway's local HTTP API, where modality events are reported",
    default: 'http://127.0.0.1:3005',
    protocols: ['http', 'https'],
  }),
  SINK_GATEWAY_TOKEN: string({
    description:
      "The gateway's local API token (its GATEWAY_API_TOKEN), sent with each modality event",
    devDefault: 'dev-modality-token-not-secret',
    secret: true,
  }),
};
