import { demoDestinations } from '@mbs/fhir-builder/demo';
import { demoGateways } from '@mbs/relay-dispatcher/demo';
import { brokerSetupFrom, brokerUrlVariable, brokerUserName, busProcesses } from '@mbs/processes';
import { environmentSecrets } from '@mbs/relay-dispatcher/secrets';
import {
  composeEnvironment,
  containerPorts,
  devKeyEnvFile,
  envFileVariables,
  publishedAddresses,
  readComposeFile,
} from './compose';
import { environmentProblems } from './environment-problems';
import { looksLikeSecret } from './secret-literals';
import {
  defaultPort,
  isSecretVariable,
  listeningPort,
  loadProcessConfig,
  processes,
  processNamed,
} from './processes';
import { parseDockerfile } from './dockerfile';
import { BROKER_SETUP_ENTRY, STAFF_TOKEN_ENTRY, sourceOfEntryPoint } from './entry-points';
import { readRepositoryFile } from './repository';

const compose = readComposeFile();
const services = compose.services;
const targets = new Set(parseDockerfile(readRepositoryFile('Dockerfile')).map((s) => s.name));

/** The compose services that run one of our processes: built from a Dockerfile target. */
const processServices = Object.entries(services)
  .filter(([, service]) => service.build !== undefined)
  .map(([name, service]) => ({ name, service, process: processNamed(service.build!.target!) }));

const byProcess = (name: string) => {
  const found = processServices.find((entry) => entry.process?.name === name);
  if (!found) throw new Error(`no compose service runs ${name}`);
  return found;
};
const configOf = (name: string) => {
  const { service, process } = byProcess(name);
  return loadProcessConfig(process!, composeEnvironment(service));
};

describe('docker-compose.yml', () => {
  it('runs every process of the system, each from a Dockerfile target', () => {
    for (const { name, service, process } of processServices) {
      expect([name, service.build?.target && targets.has(service.build.target)]).toEqual([
        name,
        true,
      ]);
      expect(process).toBeDefined();
    }
    expect(processServices.map((entry) => entry.process!.name).sort()).toEqual(
      processes.map((p) => p.name).sort(),
    );
  });

  it('has real RabbitMQ 3.13, MongoDB 8 as a replica set, and Jaeger with OTLP/HTTP', () => {
    expect(services.rabbitmq?.image).toBe('rabbitmq:3.13-management');
    expect(services.mongodb?.image).toBe('mongo:8');
    expect(services.mongodb?.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    expect(services.mongodb?.healthcheck?.test?.join(' ')).toContain('rs.initiate');
    expect(services.jaeger?.image).toMatch(/^jaegertracing\/all-in-one:\d+\.\d+\.\d+$/);
    expect(containerPorts(services.jaeger!)).toEqual(expect.arrayContaining([4318, 16686]));
  });

  describe.each(processServices.map((entry) => [entry.name, entry] as const))(
    'service %s',
    (_name, { service, process }) => {
      const env = composeEnvironment(service);

      it('starts: its real configuration loader accepts the environment under NODE_ENV=production', () => {
        expect(env.NODE_ENV).toBe('production');
        expect(environmentProblems(process!, env)).toEqual([]);
      });

      it('carries no secret except marked public development values (keys come from env_file)', () => {
        for (const [name, given] of Object.entries(service.environment ?? {})) {
          const value = String(given);
          if (isSecretVariable(process!, name) && looksLikeSecret(name, value)) {
            expect([name, value]).toEqual([name, expect.stringContaining('not-secret')]);
          }
        }
      });

      it("publishes, and is health-checked on, the code's default port (as k8s does)", () => {
        const port = listeningPort(process!, env);
        expect(port).toBe(defaultPort(process!));
        expect(containerPorts(service)).toEqual([port]);
        const probe = service.healthcheck?.test ?? [];
        expect(probe.slice(0, 3)).toEqual(['CMD', 'node', '/usr/local/lib/mbs/healthcheck.mjs']);
        expect(probe[3]).toBe(
          process!.health === 'http'
            ? `http://127.0.0.1:${port}/health`
            : `tcp://127.0.0.1:${port}`,
        );
      });

      it('sends traces to Jaeger over OTLP/HTTP under its own name', () => {
        expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://jaeger:4318');
        expect(env.OTEL_SERVICE_NAME).toBe(process!.name);
      });
    },
  );

  it("gives each service the keys the table says it reads, from the development keys' env files, and web's private key to web alone", () => {
    for (const { name, service, process } of processServices) {
      const declared = [...(process!.declared.keys ?? [])].sort();
      expect([name, envFileVariables(service).sort()]).toEqual([name, declared]);
      expect([
        name,
        Object.keys(service.environment ?? {}).filter((v) => declared.includes(v as never)),
      ]).toEqual([name, []]);
    }
    const holders = Object.entries(services)
      .filter(([, service]) => envFileVariables(service).includes('WEB_SIGNING_KEY'))
      .map(([name]) => name);
    expect(holders.sort()).toEqual(['relay-dispatcher-setup', 'web']);
    expect(devKeyEnvFile('STAFF_TOKEN_KEYS')).toBe('.data/keys/staff-token-keys.env');
  });

  it('starts each service after what it needs is healthy', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const needed = services[dependency];
        expect([name, dependency, needed !== undefined]).toEqual([name, dependency, true]);
        if (condition === 'service_healthy') {
          expect([name, dependency, needed?.healthcheck?.test !== undefined]).toEqual([
            name,
            dependency,
            true,
          ]);
        } else {
          expect(['service_started', 'service_completed_successfully']).toContain(condition);
        }
      }
    }
    const needs = (name: string) => Object.keys(byProcess(name).service.depends_on ?? {});
    for (const name of ['appointment', 'fhir-builder', 'relay-dispatcher', 'web']) {
      expect(needs(name)).toEqual(expect.arrayContaining(['rabbitmq', 'mongodb']));
    }
    expect(needs('relay-dispatcher')).toContain('relay-emulator');
    expect(needs('web')).toEqual(
      expect.arrayContaining(['appointment', 'fhir-builder', 'relay-dispatcher']),
    );
    expect(needs('gateway')).toContain('relay-emulator');
  });

  it('points the services at the compose RabbitMQ and MongoDB replica set', () => {
    for (const name of ['appointment', 'fhir-builder', 'relay-dispatcher', 'web']) {
      const config = configOf(name);
      expect(new URL(String(config.AMQP_URL)).host).toBe('rabbitmq:5672');
      const mongo = new URL(String(config.MONGODB_URL));
      expect([mongo.host, mongo.searchParams.get('replicaSet')]).toEqual(['mongodb:27017', 'rs0']);
    }
  });

  describe('broker users: each bus service its own, made by the broker setup before it starts', () => {
    const rabbit = services.rabbitmq!.environment!;
    const setup = services['broker-users']!;
    const setupEnv = composeEnvironment(setup);
    /** A bus service's broker settings as given (whether the rest of its configuration loads is checked above). */
    const brokerOf = (name: string) => {
      const { service, process } = byProcess(name);
      const env = composeEnvironment(service);
      return {
        url: String(env.AMQP_URL),
        namespace: env.BUS_NAMESPACE ?? String(process!.variables.BUS_NAMESPACE?.default),
      };
    };

    it("connects each bus service as its own user, never the administrator's", () => {
      for (const { name } of busProcesses) {
        const amqp = new URL(brokerOf(name).url);
        expect([name, amqp.host, amqp.username]).toEqual([
          name,
          'rabbitmq:5672',
          brokerUserName(brokerOf(name).namespace, name),
        ]);
        expect(amqp.username).not.toBe(rabbit.RABBITMQ_DEFAULT_USER);
      }
    });

    it("runs the broker setup with each service's own URL, through the management API as the administrator", () => {
      expect(setup.image).toBe(byProcess('relay-dispatcher').service.image);
      expect(setup.command).toEqual(['node', BROKER_SETUP_ENTRY]);
      expect(sourceOfEntryPoint({ workspace: 'libs/processes' }, BROKER_SETUP_ENTRY)).toBe(
        'libs/processes/src/broker-setup.ts',
      );
      for (const { name } of busProcesses) {
        expect([name, setupEnv[brokerUrlVariable(name)]]).toEqual([name, brokerOf(name).url]);
        expect(setupEnv.BUS_NAMESPACE).toBe(brokerOf(name).namespace);
      }
      const management = new URL(String(setupEnv.BROKER_MANAGEMENT_URL));
      expect([management.host, management.username, management.password]).toEqual([
        'rabbitmq:15672',
        rabbit.RABBITMQ_DEFAULT_USER,
        rabbit.RABBITMQ_DEFAULT_PASS,
      ]);
      expect(services.rabbitmq!.image).toMatch(/-management$/);
      expect(setup.depends_on?.rabbitmq?.condition).toBe('service_healthy');
      // What the setup itself accepts: every user given, distinct, in one vhost.
      expect(brokerSetupFrom(setupEnv).definitions.users.map((user) => user.name)).toEqual(
        busProcesses.map(({ name }) => brokerUserName('mbs', name)),
      );
    });

    it('starts each bus service only once the setup has finished', () => {
      for (const { name } of busProcesses) {
        expect([name, byProcess(name).service.depends_on?.['broker-users']?.condition]).toEqual([
          name,
          'service_completed_successfully',
        ]);
      }
    });

    it('gives the broker address and passwords to the bus services only', () => {
      for (const { name, service, process } of processServices) {
        if (process?.declared.broker) continue;
        expect([name, service.environment?.AMQP_URL]).toEqual([name, undefined]);
      }
    });
  });

  it('web reads each query API at its compose service, on the port that service listens on', () => {
    const config = configOf('web');
    const reads: Record<string, string> = {
      APPOINTMENT_URL: 'appointment',
      FHIR_BUILDER_URL: 'fhir-builder',
      DISPATCHER_URL: 'relay-dispatcher',
    };
    for (const [variable, name] of Object.entries(reads)) {
      const target = byProcess(name);
      const port = listeningPort(target.process!, composeEnvironment(target.service));
      expect([variable, config[variable]]).toEqual([variable, `http://${target.name}:${port}`]);
    }
  });

  describe('relay keys: the gateway listens and the dispatcher sends on the same emulator entity', () => {
    const emulator = byProcess('relay-emulator');
    const entities = JSON.parse(String(configOf('relay-emulator').RELAY_EMULATOR_ENTITIES)) as {
      path: string;
      keys: { name: string; key: string; rights: string[] }[];
    }[];
    const keyOf = (path: string, name: string) =>
      entities.find((e) => e.path === path)?.keys.find((k) => k.name === name);

    it('the gateway holds a Listen-only key of its hybrid connection, on the emulator', () => {
      const gateway = configOf('gateway');
      const key = keyOf(
        String(gateway.GATEWAY_HYBRID_CONNECTION),
        String(gateway.GATEWAY_KEY_NAME),
      );
      expect(key).toEqual({
        name: gateway.GATEWAY_KEY_NAME,
        key: gateway.GATEWAY_KEY,
        rights: ['Listen'],
      });
      const port = listeningPort(emulator.process!, composeEnvironment(emulator.service));
      expect(gateway.GATEWAY_RELAY_ENDPOINT).toBe(`ws://${emulator.name}:${port}`);
    });

    it.each(demoGateways.map((g) => [g.gatewayId, g] as const))(
      'the dispatcher reads the Send key of demo gateway %s (production: no dev fallback)',
      async (_id, gateway) => {
        const env = composeEnvironment(byProcess('relay-dispatcher').service);
        const key = await environmentSecrets(env).get(gateway.sendKeySecret);
        expect(key).toBe(keyOf(gateway.hybridConnection, gateway.sendKeyName)?.key);
        expect(keyOf(gateway.hybridConnection, gateway.sendKeyName)?.rights).toEqual(['Send']);
      },
    );

    it("the one-shot setup moves the demo gateway to the endpoint the gateway listens on, as an admin with web's development key", () => {
      const setup = services['relay-dispatcher-setup']!;
      expect(setup.image).toBe(byProcess('web').service.image);
      expect(setup.depends_on?.['relay-dispatcher']?.condition).toBe('service_healthy');
      expect(envFileVariables(setup)).toEqual(['WEB_SIGNING_KEY']);
      const dispatcher = byProcess('relay-dispatcher');
      const port = listeningPort(dispatcher.process!, composeEnvironment(dispatcher.service));
      const [node, entry, audience, ...options] = setup.command!;
      expect([node, entry, audience]).toEqual(['node', STAFF_TOKEN_ENTRY, 'relay-dispatcher']);
      expect(sourceOfEntryPoint(processNamed('web')!, entry!)).toBe(
        'services/web/src/tokens/staff-token.ts',
      );
      const option = (name: string) => options[options.indexOf(name) + 1];
      expect(options).not.toContain('--role'); // an admin's, the command's default
      for (const gateway of demoGateways) {
        expect([options[options.indexOf('--request') + 1], option('PATCH')]).toEqual([
          'PATCH',
          `http://${dispatcher.name}:${port}/gateways/${gateway.gatewayId}`,
        ]);
      }
      expect(JSON.parse(option('--json')!)).toEqual({
        relayEndpoint: String(configOf('gateway').GATEWAY_RELAY_ENDPOINT),
      });
    });
  });

  it("the gateway has every target fhir-builder's demo destinations name, reachable in compose", () => {
    const gateway = configOf('gateway');
    const targetsByName = new Map(
      (
        gateway.GATEWAY_TARGETS as {
          name: string;
          kind: string;
          url?: string;
          directory?: string;
        }[]
      ).map((t) => [t.name, t]),
    );
    for (const destination of demoDestinations) {
      expect([destination.target, targetsByName.has(destination.target)]).toEqual([
        destination.target,
        true,
      ]);
    }
    const sink = byProcess('hospital-sink');
    const sinkPort = listeningPort(sink.process!, composeEnvironment(sink.service));
    for (const target of targetsByName.values()) {
      if (target.kind === 'http')
        expect(new URL(target.url!).host).toBe(`${sink.name}:${sinkPort}`);
      if (target.kind === 'file') {
        expect(target.directory!.startsWith(`${String(gateway.GATEWAY_DATA_DIR)}/`)).toBe(true);
      }
    }
  });

  it('publishes every port on the loopback address only, never on every interface', () => {
    // A developer reaches them all from this machine; nobody on its network reaches any.
    const exposed = Object.entries(compose.services).flatMap(([name, service]) =>
      publishedAddresses(service)
        .filter((address) => address !== '127.0.0.1')
        .map((address) => `${name} on ${address}`),
    );
    expect(exposed).toEqual([]);
    expect(
      publishedAddresses({
        ports: ['3000:3000', '127.0.0.1:3001:3001', '${PORT:-5672}:5672', '127.0.0.1:${P:-1}:1'],
      }),
    ).toEqual(['0.0.0.0', '127.0.0.1', '0.0.0.0', '127.0.0.1']);
  });

  it("keeps the gateway's data directory on a named volume", () => {
    const { service } = byProcess('gateway');
    const dataDir = String(configOf('gateway').GATEWAY_DATA_DIR);
    const mount = (service.volumes ?? []).find((v) => v.endsWith(`:${dataDir}`));
    const volume = mount?.split(':')[0];
    expect(volume && volume in (compose.volumes ?? {})).toBe(true);
  });

  it("the sink reports modality events to the gateway's port", () => {
    const gateway = byProcess('gateway');
    const port = listeningPort(gateway.process!, composeEnvironment(gateway.service));
    expect(configOf('hospital-sink').SINK_GATEWAY_URL).toBe(`http://${gateway.name}:${port}`);
  });
});
