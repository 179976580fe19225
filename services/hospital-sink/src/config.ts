import { httpVariables, logVariables, url } from '@mbs/config';

/** hospital-sink's environment, parsed once by main.ts. */
export const sinkVariables = {
  ...logVariables,
  ...httpVariables(3006),
  SINK_GATEWAY_URL: url({
    description: "The gateway's local HTTP API, where modality events are reported",
    default: 'http://127.0.0.1:3005',
    protocols: ['http', 'https'],
  }),
};
