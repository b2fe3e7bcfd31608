/**
 * docker-compose.yml and the Dockerfile, checked without a Docker engine: the compose file is validated against the
 * official Compose Specification schema, and the wiring the system relies on is asserted service by service.
 */
import { execFile } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { createServer } from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type Dict = Record<string, unknown>;

const repoRoot = path.resolve(__dirname, '../..');
const composePath = path.join(repoRoot, 'docker-compose.yml');
const dockerfilePath = path.join(repoRoot, 'Dockerfile');

const APPS = ['gateway', 'numbers', 'messaging', 'routing', 'notification'] as const;
const WORKERS = APPS.filter((app) => app !== 'gateway');
const EMULATOR = 'twilio-emulator';

/** CONTRACT.md §2: the names every service reads. */
const CONTRACT_ENV = [
  'DATABASE_URL',
  'RABBITMQ_URL',
  'PORT',
  'PUBLIC_BASE_URL',
  'TWILIO_ACCOUNT_SID',
  'TWILIO_AUTH_TOKEN',
  'TWILIO_API_BASE_URL',
  'SMTP_URL',
  'MAIL_FROM',
  'VAPID_PUBLIC_KEY',
  'VAPID_PRIVATE_KEY',
  'VAPID_SUBJECT',
  'JWT_SECRET',
  'DEFAULT_COUNTRY',
  'SEND_RATE_PER_NUMBER',
  'LOG_LEVEL',
];

/** The schema shared with the other projects, or the copy kept next to this test when that folder is absent. */
function composeSpecPath(): string {
  const shared =
    process.env.COMPOSE_SPEC ?? path.resolve(repoRoot, '../shared/compose/compose-spec.json');
  return existsSync(shared) ? shared : path.join(__dirname, 'compose-spec.json');
}

function loadCompose(): Dict {
  // Compose resolves YAML 1.1 merge keys (`<<: *anchor`); so must we, or we would check a different document.
  return parse(readFileSync(composePath, 'utf8'), { merge: true }) as Dict;
}

function formatErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
    .join('\n');
}

/** Compose's `${NAME:-default}` as it resolves when NAME is not set in the shell. */
function interpolateDefaults(value: string): string {
  return value.replace(/\$\{[A-Z0-9_]+:?-([^}]*)\}/g, '$1');
}

/** Runs a `node -e` script as the container would and gives its exit code. */
function exitCode(script: string): Promise<number> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script], { timeout: 10000 }, (err) =>
      resolve(err ? (typeof err.code === 'number' ? err.code : 1) : 0),
    );
  });
}

function service(doc: Dict, name: string): Dict {
  const services = doc.services as Dict;
  return services[name] as Dict;
}

/** Environment as a map, whichever of the two forms (map or `KEY=value` list) the file uses. */
function environment(svc: Dict): Record<string, string | null> {
  const env = svc.environment;
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry: string) => {
        const i = entry.indexOf('=');
        return i < 0 ? [entry, null] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries((env ?? {}) as Record<string, string | number | boolean | null>).map(
      ([k, v]) => [k, v === null ? null : String(v)],
    ),
  );
}

function env(svc: Dict, name: string): string {
  const value = environment(svc)[name];
  if (value === undefined || value === null) throw new Error(`${name} is not set`);
  return interpolateDefaults(value);
}

/** Long syntax `{ service: { condition } }` as a map; the short (list) syntax has no condition. */
function dependsOn(svc: Dict): Record<string, string | undefined> {
  const deps = svc.depends_on;
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d: string) => [d, undefined]));
  return Object.fromEntries(
    Object.entries((deps ?? {}) as Dict).map(([k, v]) => [k, (v as Dict).condition as string]),
  );
}

function healthcheckCommand(svc: Dict): string[] {
  const test = (svc.healthcheck as Dict | undefined)?.test;
  return Array.isArray(test) ? (test as string[]) : typeof test === 'string' ? [test] : [];
}

/** Container ports published on the host, from the short (`"3000:3000"`) or long (`{ target, published }`) syntax. */
function published(svc: Dict): { host: string; container: string }[] {
  return ((svc.ports ?? []) as unknown[]).map((p) => {
    if (typeof p === 'object' && p !== null) {
      const { target, published: host } = p as Dict;
      return { host: String(host), container: String(target) };
    }
    const parts = String(p).split('/')[0].split(':');
    const container = parts[parts.length - 1];
    return { host: parts.length > 1 ? parts[parts.length - 2] : '', container };
  });
}

describe('docker-compose.yml', () => {
  let validate: ValidateFunction;
  let doc: Dict;

  beforeAll(() => {
    const schema = JSON.parse(readFileSync(composeSpecPath(), 'utf8')) as Dict;
    const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
    addFormats(ajv);
    validate = ajv.compile(schema);
    doc = loadCompose();
  });

  it('uses the shared schema when present, else the committed copy of it', () => {
    const copy = path.join(__dirname, 'compose-spec.json');
    expect(existsSync(copy)).toBe(true);
    const spec = JSON.parse(readFileSync(composeSpecPath(), 'utf8')) as Dict;
    expect(spec.title).toBe('Compose Specification');
    expect(JSON.parse(readFileSync(copy, 'utf8'))).toEqual(spec);
  });

  it('is valid against the Compose Specification', () => {
    const valid = validate(doc);
    if (!valid)
      throw new Error(`docker-compose.yml is not valid:\n${formatErrors(validate.errors)}`);
    expect(valid).toBe(true);
  });

  it('has no obsolete `version:` key', () => {
    expect(doc).not.toHaveProperty('version');
  });

  it('rejects broken copies with the same validator', () => {
    const badCondition = structuredClone(doc);
    (service(badCondition, 'gateway').depends_on as Dict).postgres = { condition: 'service_ready' };
    expect(validate(badCondition)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toContain(
      '/services/gateway/depends_on/postgres/condition',
    );

    const unknownTopLevel = { ...structuredClone(doc), servics: {} };
    expect(validate(unknownTopLevel)).toBe(false);
    expect(
      validate.errors?.some((e) => e.params && (e.params as Dict).additionalProperty === 'servics'),
    ).toBe(true);

    const badHealthcheck = structuredClone(doc);
    (service(badHealthcheck, 'numbers').healthcheck as Dict).every = '10s';
    expect(validate(badHealthcheck)).toBe(false);

    const badPorts = structuredClone(doc);
    service(badPorts, 'gateway').ports = { http: 3000 };
    expect(validate(badPorts)).toBe(false);
  });

  it('needs YAML merge keys resolved: without them the services lose their image', () => {
    const raw = parse(readFileSync(composePath, 'utf8'), { merge: false }) as Dict;
    const rawGateway = service(raw, 'gateway');
    if ('<<' in rawGateway) expect(rawGateway.image).toBeUndefined();
    expect(service(doc, 'gateway').image).toBeDefined();
  });

  it('declares the infrastructure, the emulator and the five services', () => {
    const names = Object.keys(doc.services as Dict);
    for (const name of ['postgres', 'rabbitmq', 'mailpit', EMULATOR, ...APPS]) {
      expect(names).toContain(name);
    }
    expect(service(doc, 'postgres').image).toMatch(/^postgres:16/);
    expect(service(doc, 'rabbitmq').image).toMatch(/^rabbitmq:3\.13-management/);
    expect(service(doc, 'mailpit').image).toMatch(/^axllent\/mailpit/);
  });

  it('runs every service and the emulator from one image built from the Dockerfile', () => {
    const images = new Set([...APPS, EMULATOR].map((name) => service(doc, name).image));
    expect(images.size).toBe(1);
    for (const name of [...APPS, EMULATOR]) {
      const build = service(doc, name).build as Dict;
      expect(build).toMatchObject({ context: '.', target: 'runtime' });
    }
    for (const app of APPS) {
      expect(service(doc, app).command).toEqual(['node', `dist/apps/${app}/src/main.js`]);
    }
    expect(service(doc, EMULATOR).command).toEqual([
      'node',
      'dist/tools/twilio-emulator/src/main.js',
    ]);
  });

  it('matches the applications declared in nest-cli.json', () => {
    const nest = JSON.parse(readFileSync(path.join(repoRoot, 'nest-cli.json'), 'utf8')) as {
      projects: Record<string, { type: string }>;
    };
    const apps = Object.entries(nest.projects)
      .filter(([, p]) => p.type === 'application')
      .map(([name]) => name);
    expect([...apps].sort()).toEqual([...APPS].sort());
  });

  it.each(APPS)('%s waits for healthy postgres, rabbitmq and emulator', (app) => {
    const deps = dependsOn(service(doc, app));
    expect(deps.postgres).toBe('service_healthy');
    expect(deps.rabbitmq).toBe('service_healthy');
    expect(deps[EMULATOR]).toBe('service_healthy');
  });

  it('gives every service a healthcheck and a restart policy', () => {
    for (const [name, svc] of Object.entries(doc.services as Record<string, Dict>)) {
      expect([name, healthcheckCommand(svc).length > 0]).toEqual([name, true]);
      expect([name, (svc.healthcheck as Dict).disable]).toEqual([name, undefined]);
      expect([name, svc.restart]).toEqual([name, 'unless-stopped']);
    }
  });

  it('checks each worker over the broker and the gateway on /health/ready', () => {
    for (const worker of WORKERS) {
      expect(healthcheckCommand(service(doc, worker))).toEqual([
        'CMD',
        'node',
        'dist/tools/start/healthcheck.js',
        worker,
      ]);
    }
    const gateway = healthcheckCommand(service(doc, 'gateway'));
    expect(gateway.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(gateway[3]).toContain("fetch('http://127.0.0.1:3000/health/ready')");
    const emulator = healthcheckCommand(service(doc, EMULATOR));
    expect(emulator.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(emulator[3]).toContain(
      `http://127.0.0.1:${env(service(doc, EMULATOR), 'TWILIO_EMULATOR_PORT')}/`,
    );
    // Compose interpolates `$` in the file; a literal one in a script would be mangled.
    for (const script of [gateway[3], emulator[3]]) expect(script).not.toContain('$');
  });

  it('runs the healthcheck scripts as written', async () => {
    // The same `node -e` scripts against a throwaway server: healthy on 200, unhealthy on 503 and when nothing listens.
    let status = 200;
    const server = createServer((_req, res) => res.writeHead(status).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const gateway = healthcheckCommand(service(doc, 'gateway'))[3].replace('3000', String(port));
    const emulator = healthcheckCommand(service(doc, EMULATOR))[3].replace('4010', String(port));
    try {
      expect(await exitCode(gateway)).toBe(0);
      expect(await exitCode(emulator)).toBe(0);
      status = 404; // any answer below 500 means the emulator listens; the gateway needs 2xx
      expect(await exitCode(gateway)).toBe(1);
      expect(await exitCode(emulator)).toBe(0);
      status = 503;
      expect(await exitCode(gateway)).toBe(1);
      expect(await exitCode(emulator)).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await exitCode(gateway)).toBe(1);
    expect(await exitCode(emulator)).toBe(1);
  });

  it('publishes the gateway on 3000 and the broker ports', () => {
    expect(published(service(doc, 'gateway'))).toContainEqual({ host: '3000', container: '3000' });
    expect(env(service(doc, 'gateway'), 'PORT')).toBe('3000');
    const rabbit = published(service(doc, 'rabbitmq')).map((p) => p.container);
    expect(rabbit).toEqual(expect.arrayContaining(['5672', '15672']));
    const mail = published(service(doc, 'mailpit')).map((p) => p.container);
    expect(mail).toEqual(expect.arrayContaining(['1025', '8025']));
  });

  it.each(APPS)('%s gets every variable of the contract, wired to the containers', (app) => {
    const svc = service(doc, app);
    expect(Object.keys(environment(svc))).toEqual(expect.arrayContaining(CONTRACT_ENV));

    const db = new URL(env(svc, 'DATABASE_URL'));
    expect(db.hostname).toBe('postgres');
    expect(db.pathname).toBe('/fidelis_sms');
    expect(db.password).toBe(env(service(doc, 'postgres'), 'POSTGRES_PASSWORD'));
    expect(db.username).toBe(env(service(doc, 'postgres'), 'POSTGRES_USER'));
    expect(new URL(env(svc, 'RABBITMQ_URL')).hostname).toBe('rabbitmq');
    expect(env(svc, 'SMTP_URL')).toBe('smtp://mailpit:1025');

    const twilio = new URL(env(svc, 'TWILIO_API_BASE_URL'));
    expect(twilio.hostname).toBe(EMULATOR);
    expect(twilio.port).toBe(env(service(doc, EMULATOR), 'TWILIO_EMULATOR_PORT'));

    // The emulator posts webhooks to the gateway inside the network and the gateway checks signatures against this.
    const base = new URL(env(svc, 'PUBLIC_BASE_URL'));
    expect(base.hostname).toBe('gateway');
    expect(base.port).toBe(env(service(doc, 'gateway'), 'PORT'));

    // The image runs with NODE_ENV=production, where the built-in dev secret is refused.
    expect(env(svc, 'JWT_SECRET')).not.toBe('');
    expect(env(svc, 'JWT_SECRET')).not.toBe('dev-secret');
  });

  it('gives the emulator and every service the same Twilio credentials', () => {
    const emulator = service(doc, EMULATOR);
    const sid = env(emulator, 'TWILIO_ACCOUNT_SID');
    const token = env(emulator, 'TWILIO_AUTH_TOKEN');
    expect(sid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(token.length).toBeGreaterThan(0);
    for (const app of APPS) {
      expect([app, env(service(doc, app), 'TWILIO_ACCOUNT_SID')]).toEqual([app, sid]);
      expect([app, env(service(doc, app), 'TWILIO_AUTH_TOKEN')]).toEqual([app, token]);
    }
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(dockerfilePath, 'utf8');
  // Instructions with comments dropped and `\` continuations joined.
  const instructions = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  /** Each stage's base image and its instructions, from `FROM <image> AS <name>`. */
  const stages = new Map<string, { from: string; body: string[] }>();
  let current: string[] = [];
  for (const line of instructions) {
    const from = /^FROM\s+(?:--\S+\s+)*(\S+)\s+AS\s+(\S+)\s*$/i.exec(line);
    if (from) {
      current = [];
      stages.set(from[2], { from: from[1], body: current });
    } else {
      current.push(line);
    }
  }
  const body = (stage: string) => stages.get(stage)?.body.join('\n') ?? '';

  it('has the deps, build and runtime stages, runtime last', () => {
    expect([...stages.keys()]).toEqual(expect.arrayContaining(['deps', 'build', 'runtime']));
    expect([...stages.keys()].pop()).toBe('runtime');
    expect(instructions.filter((line) => /^FROM\s/i.test(line))).toHaveLength(stages.size);
  });

  it('installs, builds and runs as the contract says', () => {
    expect(stages.get('deps')?.from).toBe('node:20-bookworm-slim');
    expect(body('deps')).toMatch(/^RUN npm ci\b/m);
    expect(['deps', 'node:20-bookworm-slim']).toContain(stages.get('build')?.from);
    expect(body('build')).toMatch(/^RUN npm run build\b/m);

    expect(stages.get('runtime')?.from).toBe('node:20-bookworm-slim');
    expect(body('runtime')).toMatch(/^ENV NODE_ENV=production\b/m);
    expect(body('runtime')).toMatch(/npm ci --omit=dev|npm prune --omit=dev/);
    expect(body('runtime')).toMatch(/^COPY --from=build \S*dist\b/m);
    expect(body('runtime')).toMatch(/^USER node$/m);
  });

  it('keeps node_modules, dist and .git out of the build context', () => {
    const ignored = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split(/\r?\n/);
    expect(ignored).toEqual(
      expect.arrayContaining(['node_modules', 'dist', 'var', '.git', 'coverage']),
    );
    // The build needs these: ignoring them would break `npm ci` or `npm run build`.
    for (const needed of [
      'package.json',
      'package-lock.json',
      'tsconfig.build.json',
      'apps',
      'libs',
      'tools',
    ]) {
      expect(ignored).not.toContain(needed);
    }
  });
});
