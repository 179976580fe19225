import {
  processEnvironment,
  processUrls,
  systemProcesses,
  type ProcessPorts,
} from './system-processes';

const ports: ProcessPorts = {
  'relay-emulator': 19090,
  'hospital-sink': 13006,
  gateway: 13005,
  appointment: 13002,
  'fhir-builder': 13003,
  'relay-dispatcher': 13004,
  web: 13000,
};

describe('systemProcesses', () => {
  it('lists each process once, in start order: the relay and the hospital before the cloud', () => {
    expect(systemProcesses.map((process) => process.name)).toEqual([
      'relay-emulator',
      'hospital-sink',
      'gateway',
      'appointment',
      'fhir-builder',
      'relay-dispatcher',
      'web',
    ]);
  });

  it('gives each process a port of its own, and its entry point in its workspace dist/', () => {
    const defaults = systemProcesses.map((process) => process.listen.defaultPort);
    expect(new Set(defaults).size).toBe(defaults.length);
    for (const process of systemProcesses) {
      expect(process.entry).toMatch(new RegExp(`^${process.workspace}/dist/.*main\\.js$`));
    }
  });

  it('wires each process to the others by their URLs', () => {
    const urls = processUrls(ports);
    expect(urls['relay-emulator']).toBe('ws://127.0.0.1:19090');
    const environment = (name: string) =>
      processEnvironment(
        systemProcesses.find((process) => process.name === name)!,
        ports,
      );
    expect(environment('relay-emulator')).toEqual({ RELAY_EMULATOR_PORT: '19090' });
    expect(environment('hospital-sink')).toEqual({
      PORT: '13006',
      SINK_GATEWAY_URL: 'http://127.0.0.1:13005',
    });
    expect(environment('gateway')).toEqual({
      PORT: '13005',
      GATEWAY_RELAY_ENDPOINT: 'ws://127.0.0.1:19090',
    });
    expect(environment('relay-dispatcher')).toEqual({
      PORT: '13004',
      DISPATCHER_RELAY_ENDPOINTS: 'ws://127.0.0.1:19090',
    });
    expect(environment('web')).toEqual({
      PORT: '13000',
      WEB_PUBLIC_URL: 'http://127.0.0.1:13000',
      APPOINTMENT_URL: 'http://127.0.0.1:13002',
      FHIR_BUILDER_URL: 'http://127.0.0.1:13003',
      DISPATCHER_URL: 'http://127.0.0.1:13004',
    });
  });
});
