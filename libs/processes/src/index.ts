export {
  processEnvironment,
  processNamed,
  processUrls,
  systemProcesses,
  type HealthCheck,
  type ProcessName,
  type ProcessPorts,
  type ProcessUrls,
  type SystemProcess,
} from './system-processes';
export { probe, waitUntilReady, type ReadinessOptions, type ReadinessTarget } from './readiness';
