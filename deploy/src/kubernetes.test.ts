import {
  brokerSetupFrom,
  brokerUrlVariable,
  busProcesses,
  keyVariables,
  type KeyVariable,
} from '@mbs/processes';
import { entitiesFrom } from '@mbs/relay-emulator/config';
import { demoGateways } from '@mbs/relay-dispatcher/demo';
import { environmentSecrets } from '@mbs/relay-dispatcher/secrets';
import { containerEnvironment } from './container-environment';
import { parseDockerfile } from './dockerfile';
import { BROKER_SETUP_ENTRY, STAFF_TOKEN_ENTRY, sourceOfEntryPoint } from './entry-points';
import { environmentProblems } from './environment-problems';
import { kustomizeBuild, splitImage, type BuiltResource } from './kustomize';
import { namedPorts, probeProblems, resolvePort } from './probe-problems';
import {
  defaultPort,
  isSecretVariable,
  listeningPort,
  loadProcessConfig,
  processNamed,
  readsVariable,
  type ProcessName,
} from './processes';
import { readRepositoryFile, repositoryPath } from './repository';
import { secretLiteralProblems } from './secret-literals';
import { isRecord } from './strategic-merge';
import {
  mebibytes,
  podLabels,
  selects,
  specOf,
  workloadsOf,
  type Container,
  type Workload,
} from './workloads';

/** What each build must run. The gateway is not in the cloud overlays: it runs in the hospital. */
const builds: Record<string, readonly ProcessName[]> = {
  'overlays/dev': ['appointment', 'fhir-builder', 'relay-dispatcher', 'web', 'relay-emulator'],
  'overlays/production': ['appointment', 'fhir-builder', 'relay-dispatcher', 'web'],
  gateway: ['gateway'],
};
/** The Secret each key variable comes from in the manifests (k8s/README.md's table). */
const keySecrets: Record<KeyVariable, string> = {
  WEB_SIGNING_KEY: 'mbs-web-signing-key',
  STAFF_TOKEN_KEYS: 'mbs-staff-token-keys',
  DISPATCHER_SIGNING_KEY: 'mbs-dispatcher-signing-key',
  DEMO_GATEWAY_PUBLIC_KEYS: 'mbs-demo-gateway-public-keys',
  GATEWAY_DISPATCHER_KEYS: 'gateway-dispatcher-keys',
  GATEWAY_PRIVATE_KEYS: 'unused: a hospital gateway keeps its keys in its key file',
};

/**
 * The key variables a process gets in a build: those the table says it reads, but the demo
 * gateway's keys only where demo data is seeded (dev), and a hospital gateway's own keys never
 * (they are made into its key file on its volume, by its init container).
 */
function keysIn(dir: string, declared: readonly KeyVariable[]): KeyVariable[] {
  return declared.filter(
    (variable) =>
      (variable !== 'DEMO_GATEWAY_PUBLIC_KEYS' || dir === 'overlays/dev') &&
      variable !== 'GATEWAY_PRIVATE_KEYS',
  );
}

/** Builds meant for real clusters: no literal secret may be in them. */
const realClusterBuilds = ['base', 'overlays/production', 'gateway'];

/**
 * Peak RSS: measured (npm run bench) fhir-builder ~350 MiB, the others 80-150 MiB. web is not in
 * the bench: about 120 MiB idle plus four argon2id password checks at once (19 MiB each, on the
 * libuv pool), about 77 MiB measured alone, so 200 MiB.
 */
const peakMiB = (name: ProcessName) => (name === 'fhir-builder' ? 350 : name === 'web' ? 200 : 150);

const targets = new Set(parseDockerfile(readRepositoryFile('Dockerfile')).map((s) => s.name));
const build = (dir: string) => kustomizeBuild(repositoryPath('k8s', dir));

/** Each container's environment as the pod gets it, the image's NODE_ENV=production beneath. */
function environmentOf(workload: Workload, container: Container, built: readonly BuiltResource[]) {
  const result = containerEnvironment(container, workload.resource.metadata.namespace, built);
  return { ...result, env: { NODE_ENV: 'production', ...result.env } };
}

/** Keys of ConfigMaps loaded whole (envFrom): shared between processes. */
function sharedKeys(container: Container, built: readonly BuiltResource[]): Set<string> {
  const names = ((container.envFrom ?? []) as { configMapRef?: { name: string } }[])
    .map((source) => source.configMapRef?.name)
    .filter((name) => name !== undefined);
  const keys = built
    .filter(
      ({ resource }) => resource.kind === 'ConfigMap' && names.includes(resource.metadata.name),
    )
    .flatMap(({ resource }) => Object.keys(isRecord(resource.data) ? resource.data : {}));
  return new Set(keys);
}

describe.each(Object.entries(builds))('k8s/%s', (dir, expected) => {
  const built = build(dir);
  const deployments = workloadsOf(built, 'Deployment');

  it('runs exactly the processes this build is for, one container each, named after it', () => {
    expect(deployments.map((d) => d.resource.metadata.name).sort()).toEqual([...expected].sort());
    for (const deployment of deployments) {
      expect(deployment.containers.map((c) => c.name)).toEqual([deployment.resource.metadata.name]);
    }
  });

  it('every image names a Dockerfile target; every command names an entry point there', () => {
    for (const workload of [...deployments, ...workloadsOf(built, 'Job')]) {
      for (const container of workload.containers) {
        const { name, tag } = splitImage(String(container.image));
        const target = name.split('/').at(-1)!;
        expect([name, targets.has(target), name.endsWith(`mbs/${target}`)]).toEqual([
          name,
          true,
          true,
        ]);
        if (dir !== 'overlays/dev') expect(tag).toMatch(/^\d+\.\d+\.\d+/);
        const command = container.command as string[] | undefined;
        // A one-off script, the broker setup or web's staff-token command (every image has them).
        if (command?.[1] === BROKER_SETUP_ENTRY)
          expect(command).toEqual(['node', BROKER_SETUP_ENTRY]);
        else if (command?.[1] === STAFF_TOKEN_ENTRY)
          expect(sourceOfEntryPoint(processNamed('web')!, STAFF_TOKEN_ENTRY)).toBeDefined();
        else if (command) expect(command.slice(0, 2)).toEqual(['node', '-e']);
      }
    }
    for (const deployment of deployments) {
      const [container] = deployment.containers;
      expect(splitImage(String(container!.image)).name.split('/').at(-1)).toBe(
        deployment.resource.metadata.name,
      );
      expect(container!.command).toBeUndefined();
    }
  });

  describe.each(expected.map((name) => [name] as const))('%s', (name) => {
    const process = processNamed(name)!;
    const deployment = deployments.find((d) => d.resource.metadata.name === name)!;
    const container = deployment.containers[0]!;
    const { env, origin } = environmentOf(deployment, container, built);
    const port = listeningPort(process, env);

    it('starts: its real configuration loader accepts the pod environment under NODE_ENV=production', () => {
      expect(env.NODE_ENV).toBe('production');
      expect(environmentProblems(process, env, sharedKeys(container, built))).toEqual([]);
    });

    it("gets the keys the table of processes says it reads, each from its Secret, and web's private key only if it is web", () => {
      const given = Object.keys(env).filter((variable) => keyVariables.includes(variable as never));
      expect(given.sort()).toEqual(keysIn(dir, process.declared.keys ?? []).sort());
      const from = (variable: string) =>
        (
          (container.env ?? []) as {
            name: string;
            valueFrom?: { secretKeyRef?: { name: string; key: string } };
          }[]
        ).find((v) => v.name === variable)?.valueFrom?.secretKeyRef;
      for (const variable of given) {
        expect(from(variable)).toEqual({
          name: keySecrets[variable as KeyVariable],
          key: variable,
        });
      }
    });

    it('takes every secret from a Secret, never a literal or a ConfigMap', () => {
      for (const variable of Object.keys(env)) {
        if (isSecretVariable(process, variable)) {
          expect([variable, origin[variable]]).toEqual([variable, 'secret']);
        }
      }
    });

    it("listens on the code's default port, which the container port and probes name", () => {
      expect(port).toBe(defaultPort(process));
      expect([...namedPorts(container).values()]).toEqual([port]);
      expect(probeProblems(process, container, port)).toEqual([]);
    });

    it('runs as non-root, without privilege escalation, on a read-only root filesystem', () => {
      const pod = (deployment.podSpec.securityContext ?? {}) as Record<string, unknown>;
      expect(pod.runAsNonRoot).toBe(true);
      expect(Number(pod.runAsUser)).toBeGreaterThan(0);
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    });

    it('requests memory for its measured peak and limits it with headroom', () => {
      const resources = container.resources as {
        requests: Record<string, string>;
        limits: Record<string, string>;
      };
      expect(resources.requests.cpu).toBeDefined();
      expect(mebibytes(resources.requests.memory)).toBeGreaterThanOrEqual(peakMiB(name));
      expect(mebibytes(resources.limits.memory)).toBeGreaterThanOrEqual(peakMiB(name) * 1.25);
    });

    it("has a Service on the code's port that reaches the container", () => {
      const services = built.filter(
        ({ resource }) =>
          resource.kind === 'Service' &&
          selects(
            specOf(resource).selector as Record<string, unknown>,
            podLabels(deployment.resource),
          ),
      );
      expect(services.map(({ resource }) => resource.metadata.name)).toEqual([name]);
      for (const entry of specOf(services[0]!.resource).ports as Record<string, unknown>[]) {
        expect(entry.port).toBe(port);
        expect(resolvePort(entry.targetPort as string | number, namedPorts(container))).toBe(port);
      }
    });
  });

  it('every ConfigMap value is a string, and every shared setting is read by a process that loads it', () => {
    for (const { resource } of built.filter(({ resource }) => resource.kind === 'ConfigMap')) {
      for (const [key, value] of Object.entries(isRecord(resource.data) ? resource.data : {})) {
        expect([key, typeof value]).toEqual([key, 'string']);
        const readers = deployments.filter(({ containers }) =>
          containers.some((c) =>
            ((c.envFrom ?? []) as { configMapRef?: { name: string } }[]).some(
              (s) => s.configMapRef?.name === resource.metadata.name,
            ),
          ),
        );
        const read = readers.some((d) =>
          readsVariable(processNamed(d.resource.metadata.name)!, key),
        );
        expect([key, read]).toEqual([key, true]);
      }
    }
  });

  it('no disruption budget blocks a drain, and none covers a single-replica process', () => {
    for (const { resource } of built.filter(
      ({ resource }) => resource.kind === 'PodDisruptionBudget',
    )) {
      const spec = specOf(resource);
      const covered = deployments.filter((d) =>
        selects(spec.selector as Record<string, unknown>, podLabels(d.resource)),
      );
      expect(covered.map((d) => d.resource.metadata.name)).toEqual([resource.metadata.name]);
      const replicas = Number(specOf(covered[0]!.resource).replicas ?? 1);
      const allowed =
        spec.maxUnavailable !== undefined
          ? Number(spec.maxUnavailable)
          : replicas - Number(spec.minAvailable);
      expect(allowed).toBeGreaterThanOrEqual(1);
      expect(resource.metadata.name).not.toBe('relay-dispatcher');
    }
  });
});

describe('relay-dispatcher: one session per gateway means one replica', () => {
  it.each(['overlays/dev', 'overlays/production'])(
    '%s: one replica, replaced with Recreate',
    (dir) => {
      const [dispatcher] = workloadsOf(build(dir), 'Deployment').filter(
        (d) => d.resource.metadata.name === 'relay-dispatcher',
      );
      expect(specOf(dispatcher!.resource).replicas).toBe(1);
      expect(specOf(dispatcher!.resource).strategy).toEqual({ type: 'Recreate' });
    },
  );

  it('loads every Send key Secret whole, so a new gateway needs only a new key', () => {
    const built = build('overlays/production');
    const [dispatcher] = workloadsOf(built, 'Deployment').filter(
      (d) => d.resource.metadata.name === 'relay-dispatcher',
    );
    const { externalSecrets } = environmentOf(dispatcher!, dispatcher!.containers[0]!, built);
    expect(externalSecrets).toEqual(['mbs-relay-send-keys']);
  });

  it('dev: the Send key of each demo gateway is the one the emulator (dev entity) accepts', async () => {
    const built = build('overlays/dev');
    const [dispatcher] = workloadsOf(built, 'Deployment').filter(
      (d) => d.resource.metadata.name === 'relay-dispatcher',
    );
    const [emulator] = workloadsOf(built, 'Deployment').filter(
      (d) => d.resource.metadata.name === 'relay-emulator',
    );
    const { env } = environmentOf(dispatcher!, dispatcher!.containers[0]!, built);
    const emulatorEnv = environmentOf(emulator!, emulator!.containers[0]!, built).env;
    const entities = entitiesFrom(
      loadProcessConfig(processNamed('relay-emulator')!, emulatorEnv).RELAY_EMULATOR_ENTITIES as
        string | undefined,
    );
    for (const gateway of demoGateways) {
      const key = entities
        .find((e) => e.path === gateway.hybridConnection)
        ?.keys.find((k) => k.name === gateway.sendKeyName);
      expect(await environmentSecrets(env).get(gateway.sendKeySecret)).toBe(key?.key);
    }
  });

  it("dev: the registration Job moves the demo gateway to the emulator Service, as an admin with web's key", () => {
    const built = build('overlays/dev');
    const job = workloadsOf(built, 'Job').find(
      (j) => j.resource.metadata.name === 'register-dev-gateway',
    )!;
    const [container] = job.containers;
    expect(splitImage(String(container!.image)).name).toBe('mbs/web');
    const [node, entry, audience, ...options] = container!.command as string[];
    expect([node, entry, audience]).toEqual(['node', STAFF_TOKEN_ENTRY, 'relay-dispatcher']);
    expect(options).not.toContain('--role'); // an admin's, the command's default
    const option = (name: string) => options[options.indexOf(name) + 1];
    const port = (name: ProcessName) => defaultPort(processNamed(name)!);
    for (const gateway of demoGateways) {
      expect([option('--request'), option('PATCH')]).toEqual([
        'PATCH',
        `http://relay-dispatcher:${port('relay-dispatcher')}/gateways/${gateway.gatewayId}`,
      ]);
    }
    expect(JSON.parse(option('--json')!)).toEqual({
      relayEndpoint: `ws://relay-emulator:${port('relay-emulator')}`,
    });
    const { env, origin } = containerEnvironment(
      container!,
      job.resource.metadata.namespace,
      built,
    );
    expect([Object.keys(env), origin.WEB_SIGNING_KEY]).toEqual([['WEB_SIGNING_KEY'], 'secret']);
    expect(JSON.parse(env.WEB_SIGNING_KEY!)).toMatchObject({ use: 'sig', alg: 'ES256' });
  });
});

describe.each(['overlays/dev', 'overlays/production'])(
  '%s: the broker users Job gives each bus service its own user (docs/adr/0005)',
  (dir) => {
    const built = build(dir);
    const job = workloadsOf(built, 'Job').find((j) => j.resource.metadata.name === 'broker-users');
    const container = job?.containers[0];
    const { env, origin } = containerEnvironment(
      container ?? {},
      job?.resource.metadata.namespace,
      built,
    );
    /** Where a container's variable comes from: `Secret/key` or `ConfigMap/key`. */
    const sourceOf = (of: Container | undefined, variable: string) => {
      const found = (
        (of?.env ?? []) as { name: string; valueFrom?: Record<string, unknown> }[]
      ).find((v) => v.name === variable)?.valueFrom as
        | Record<'secretKeyRef' | 'configMapKeyRef', { name: string; key: string } | undefined>
        | undefined;
      const ref = found?.secretKeyRef ?? found?.configMapKeyRef;
      return ref && `${found?.secretKeyRef ? 'Secret' : 'ConfigMap'} ${ref.name}/${ref.key}`;
    };

    it('runs the broker setup of the release, as non-root, on a read-only root filesystem', () => {
      expect(container?.command).toEqual(['node', BROKER_SETUP_ENTRY]);
      expect(sourceOfEntryPoint({ workspace: 'libs/processes' }, BROKER_SETUP_ENTRY)).toBe(
        'libs/processes/src/broker-setup.ts',
      );
      const deployment = workloadsOf(built, 'Deployment').find(
        (d) => d.resource.metadata.name === 'relay-dispatcher',
      );
      expect(container?.image).toBe(deployment?.containers[0]?.image);
      expect(job?.podSpec.securityContext).toMatchObject({ runAsNonRoot: true });
      expect(container?.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    });

    it("makes each user from the very Secret that service's Deployment connects with", () => {
      for (const { name } of busProcesses) {
        const deployment = workloadsOf(built, 'Deployment').find(
          (d) => d.resource.metadata.name === name,
        );
        expect([name, sourceOf(container, brokerUrlVariable(name))]).toEqual([
          name,
          sourceOf(deployment?.containers[0], 'AMQP_URL'),
        ]);
        expect(origin[brokerUrlVariable(name)]).toBe('secret');
      }
      expect(sourceOf(container, 'BROKER_MANAGEMENT_URL')).toBe(
        'Secret mbs-broker-admin/BROKER_MANAGEMENT_URL',
      );
      expect(sourceOf(container, 'BUS_NAMESPACE')).toBe('ConfigMap mbs-settings/BUS_NAMESPACE');
    });

    it('gives the setup what it needs: a user for each service, distinct, in one vhost', () => {
      const { definitions, management } = brokerSetupFrom(env);
      expect(management).toMatch(/^https:\/\//);
      expect(definitions.users.map((user) => user.name)).toEqual(
        busProcesses.map(({ name }) => `mbs-${name}`),
      );
    });
  },
);

describe('web: the staff web application', () => {
  const webIn = (dir: string) => {
    const built = build(dir);
    const [web] = workloadsOf(built, 'Deployment').filter(
      (d) => d.resource.metadata.name === 'web',
    );
    const { env } = environmentOf(web!, web!.containers[0]!, built);
    return { built, config: loadProcessConfig(processNamed('web')!, env) };
  };

  it.each(['overlays/dev', 'overlays/production'])(
    '%s: reads each query API at its Service, on the port that service listens on',
    (dir) => {
      const { built, config } = webIn(dir);
      const services = new Set(
        built
          .filter(({ resource }) => resource.kind === 'Service')
          .map(({ resource }) => resource.metadata.name),
      );
      const reads: Record<string, ProcessName> = {
        APPOINTMENT_URL: 'appointment',
        FHIR_BUILDER_URL: 'fhir-builder',
        DISPATCHER_URL: 'relay-dispatcher',
      };
      for (const [variable, name] of Object.entries(reads)) {
        const url = new URL(String(config[variable]));
        expect([variable, url.protocol, url.hostname, Number(url.port)]).toEqual([
          variable,
          'http:',
          name,
          defaultPort(processNamed(name)!),
        ]);
        expect(services.has(url.hostname)).toBe(true);
      }
    },
  );

  it('production: an https public address behind one trusted proxy (the TLS-terminating ingress)', () => {
    const { config } = webIn('overlays/production');
    expect(new URL(String(config.WEB_PUBLIC_URL)).protocol).toBe('https:');
    expect(config.WEB_TRUSTED_PROXY_HOPS).toBe(1);
    expect(config.SEED_DEMO_DATA).toBe(false);
  });

  it('dev: plain http through a port-forward, no proxy trusted', () => {
    const { config } = webIn('overlays/dev');
    expect(new URL(String(config.WEB_PUBLIC_URL)).protocol).toBe('http:');
    expect(config.WEB_TRUSTED_PROXY_HOPS).toBe(0);
  });
});

describe('gateway (in the hospital)', () => {
  const built = build('gateway');
  const [gateway] = workloadsOf(built, 'Deployment');
  const { env } = environmentOf(gateway!, gateway!.containers[0]!, built);
  const config = loadProcessConfig(processNamed('gateway')!, env);
  const mounts = (gateway!.containers[0]!.volumeMounts ?? []) as {
    name: string;
    mountPath: string;
  }[];

  it('one replica with Recreate: its SQLite store has one writer', () => {
    expect(specOf(gateway!.resource).replicas).toBe(1);
    expect(specOf(gateway!.resource).strategy).toEqual({ type: 'Recreate' });
  });

  it('keeps its data directory on the PersistentVolumeClaim', () => {
    const mount = mounts.find((m) => m.mountPath === config.GATEWAY_DATA_DIR);
    const volume = ((gateway!.podSpec.volumes ?? []) as Record<string, unknown>[]).find(
      (v) => v.name === mount?.name,
    );
    const claim = (volume?.persistentVolumeClaim as { claimName: string } | undefined)?.claimName;
    expect(
      built.some(
        ({ resource }) =>
          resource.kind === 'PersistentVolumeClaim' && resource.metadata.name === claim,
      ),
    ).toBe(true);
  });

  it('writes file targets only to a mounted volume (the root filesystem is read-only)', () => {
    for (const target of config.GATEWAY_TARGETS as { kind: string; directory?: string }[]) {
      if (target.kind !== 'file') continue;
      expect(mounts.some((m) => target.directory!.startsWith(`${m.mountPath}/`))).toBe(true);
    }
  });

  it("makes its own keys on its volume before it starts, with the keys command its image has, and gets the dispatcher's public keys", () => {
    const [keys, ...others] = (gateway!.podSpec.initContainers ?? []) as Container[];
    expect(others).toEqual([]);
    expect(keys!.image).toBe(gateway!.containers[0]!.image);
    const [node, entry, ...args] = keys!.command as string[];
    expect([node, args]).toEqual(['node', ['--if-missing']]);
    expect(sourceOfEntryPoint(processNamed('gateway')!, entry!)).toBe('gateway/src/keys.ts');
    const { env: initEnv } = environmentOf(gateway!, keys!, built);
    expect((initEnv as Record<string, unknown>).GATEWAY_DATA_DIR).toBe(config.GATEWAY_DATA_DIR);
    expect(
      ((keys!.volumeMounts ?? []) as { name: string; mountPath: string }[]).find(
        (m) => m.mountPath === config.GATEWAY_DATA_DIR,
      )?.name,
    ).toBe(mounts.find((m) => m.mountPath === config.GATEWAY_DATA_DIR)?.name);
    expect(config.GATEWAY_KEYS_FILE).toBeUndefined();
    expect(config.GATEWAY_PRIVATE_KEYS).toBeUndefined();
    expect(config.GATEWAY_ID).toBe('gateway-leeds');
  });

  it('connects to Azure Relay over wss://', () => {
    expect(String(config.GATEWAY_RELAY_ENDPOINT)).toMatch(
      /^wss:\/\/[a-z0-9-]+\.servicebus\.windows\.net$/,
    );
  });
});

describe.each(realClusterBuilds)('k8s/%s holds no secret', (dir) => {
  it('no Secret values, no credential-looking literal', () => {
    expect(secretLiteralProblems(build(dir))).toEqual([]);
  });

  it('every Secret it references is one k8s/README.md tells operators to create', () => {
    const readme = readRepositoryFile('k8s', 'README.md');
    const built = build(dir);
    for (const workload of [...workloadsOf(built, 'Deployment'), ...workloadsOf(built, 'Job')]) {
      for (const container of workload.containers) {
        const refs = [
          ...(
            (container.env ?? []) as {
              valueFrom?: { secretKeyRef?: { name: string; key: string } };
            }[]
          )
            .map((v) => v.valueFrom?.secretKeyRef)
            .filter((ref) => ref !== undefined)
            .map((ref) => `${ref.name}`),
          ...((container.envFrom ?? []) as { secretRef?: { name: string } }[])
            .map((s) => s.secretRef?.name)
            .filter((name) => name !== undefined),
        ];
        for (const name of refs)
          expect([name, readme.includes(`\`${name}\``)]).toEqual([name, true]);
      }
    }
  });
});
