import { probeProblems } from './probe-problems';
import { processNamed } from './processes';

const appointment = processNamed('appointment')!;
const emulator = processNamed('relay-emulator')!;
const ports = [{ name: 'http', containerPort: 3002 }];
const health = { httpGet: { path: '/health', port: 'http' } };

describe('probeProblems', () => {
  it('accepts GET /health on the named port, and a TCP liveness probe', () => {
    expect(
      probeProblems(
        appointment,
        { ports, readinessProbe: health, livenessProbe: { tcpSocket: { port: 3002 } } },
        3002,
      ),
    ).toEqual([]);
  });

  it('names a wrong path, a wrong port, a missing probe and a TCP readiness probe', () => {
    expect(
      probeProblems(
        appointment,
        { ports, readinessProbe: { httpGet: { path: '/healthz', port: 3003 } } },
        3002,
      ),
    ).toEqual([
      'readinessProbe: path /healthz is not /health',
      'readinessProbe: port 3003 is not 3002',
      'livenessProbe is missing',
    ]);
    expect(
      probeProblems(
        appointment,
        { ports, readinessProbe: { tcpSocket: { port: 'http' } }, livenessProbe: health },
        3002,
      ),
    ).toEqual(['readinessProbe: must be GET /health, not a TCP connect']);
  });

  it('refuses GET /health for a process that has none (the emulator)', () => {
    const relay = [{ name: 'relay', containerPort: 9090 }];
    const tcp = { tcpSocket: { port: 'relay' } };
    expect(
      probeProblems(emulator, { ports: relay, readinessProbe: tcp, livenessProbe: tcp }, 9090),
    ).toEqual([]);
    expect(
      probeProblems(
        emulator,
        {
          ports: relay,
          readinessProbe: { httpGet: { path: '/health', port: 9090 } },
          livenessProbe: tcp,
        },
        9090,
      ),
    ).toEqual(['readinessProbe: relay-emulator has no HTTP /health']);
  });
});
