import {
  brokerVariables,
  demoDataVariables,
  httpVariables,
  logVariables,
  storeVariables,
  string,
} from '@mbs/config';
import { staffAccessVariables } from '@mbs/http';

/** The database on MONGODB_URL and whether to seed it: what main.ts and the seed command share. */
export const storeSpec = {
  ...storeVariables,
  ...logVariables,
  APPOINTMENT_DB_NAME: string({
    description: "The appointment service's own database on MONGODB_URL",
    default: 'appointment',
  }),
};

/** Every variable the service reads, parsed once in main.ts. */
export const appointmentVariables = {
  ...brokerVariables,
  ...storeSpec,
  ...httpVariables(3002),
  ...staffAccessVariables,
  ...demoDataVariables,
};
