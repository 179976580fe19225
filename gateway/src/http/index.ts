export { buildHttpApi, type GatewayHealth, type HttpApiOptions } from './http-api';
