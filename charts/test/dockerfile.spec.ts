// deploy/docker/Dockerfile, checked statically (no Docker daemon here): stages, base image,
// dev-free runtime, non-root user, entrypoint, build context exclusions.
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { APP_CHARTS, REPO_ROOT } from './helm';

const DOCKER_DIR = join(REPO_ROOT, 'deploy', 'docker');

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  from: string;
  name: string;
  instructions: Instruction[];
}

/** Instructions of a Dockerfile: continuation lines joined, comments and the parser directive dropped. */
function parseDockerfile(text: string): { globalArgs: Instruction[]; stages: Stage[] } {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!current && (line === '' || line.startsWith('#'))) continue;
    if (current && line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  const globalArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const entry of logical) {
    const match = /^(\S+)\s+(.*)$/s.exec(entry);
    if (!match) continue;
    const instruction = { keyword: match[1].toUpperCase(), args: match[2].trim() };
    if (instruction.keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      stages.push({ from: from![1], name: from![2] ?? String(stages.length), instructions: [] });
    } else if (stages.length === 0) {
      globalArgs.push(instruction);
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

const dockerfile = readFileSync(join(DOCKER_DIR, 'Dockerfile'), 'utf8');
const { globalArgs, stages } = parseDockerfile(dockerfile);
const stage = (name: string) => {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};
const all = (s: Stage, keyword: string) => s.instructions.filter((i) => i.keyword === keyword);

describe('deploy/docker/Dockerfile', () => {
  it('is multi-stage on node:20-bookworm-slim', () => {
    expect(stages.map((s) => s.name)).toEqual(['manifests', 'build', 'prod-deps', 'runtime']);
    expect(globalArgs).toContainEqual({ keyword: 'ARG', args: 'NODE_IMAGE=node:20-bookworm-slim' });
    for (const s of stages) expect(s.from).toBe('${NODE_IMAGE}');
  });

  it('builds one app chosen by --build-arg APP with npm install and tsc -b', () => {
    const build = stage('build');
    expect(all(build, 'ARG').map((i) => i.args)).toContain('APP');
    const runs = all(build, 'RUN').map((i) => i.args).join('\n');
    expect(runs).toMatch(/npm install\b/);
    expect(runs).toMatch(/npx tsc -b "?apps\/\$\{?APP\}?\/tsconfig\.app\.json"?/);
    expect(runs).not.toMatch(/--omit=dev/);
  });

  it('installs production dependencies only, for the root and this workspace, and copies them into the runtime stage', () => {
    const deps = all(stage('prod-deps'), 'RUN').map((i) => i.args).join('\n');
    expect(deps).toMatch(/npm install\b[^\n]*--omit=dev/);
    expect(deps).toMatch(/--workspace "?apps\/\$\{?APP\}?"?/);
    expect(deps).toMatch(/--include-workspace-root/);
    const runtime = stage('runtime');
    const runs = all(runtime, 'RUN').map((i) => i.args).join('\n');
    expect(runs).not.toMatch(/\btsc\b|npm (install|ci)\b|g\+\+/);
    expect(all(runtime, 'COPY').map((i) => i.args)).toContainEqual(expect.stringMatching(/^--from=prod-deps /));
    // compiled output comes from the build stage; sources and dev tooling do not
    const copies = all(runtime, 'COPY').map((i) => i.args);
    expect(copies).toContainEqual(expect.stringMatching(/^--from=build /));
    expect(copies.some((c) => /\b(apps|libs)\/\s/.test(c) && !c.startsWith('--from='))).toBe(false);
  });

  it('runs as a numeric non-root user', () => {
    const users = all(stage('runtime'), 'USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    const last = users[users.length - 1];
    expect(last).toMatch(/^10001(:10001)?$/);
    // the USER comes after every RUN of the runtime stage (nothing runs as root afterwards)
    const instructions = stage('runtime').instructions;
    const userIndex = instructions.findIndex((i) => i.keyword === 'USER');
    expect(instructions.slice(userIndex).some((i) => i.keyword === 'RUN')).toBe(false);
  });

  it('starts node apps/$APP/dist/main.js, APP passed from the build argument to the environment', () => {
    const runtime = stage('runtime');
    expect(all(runtime, 'ARG').map((i) => i.args)).toContain('APP');
    expect(all(runtime, 'ENV').map((i) => i.args).join(' ')).toMatch(/\bAPP=\$\{APP\}/);
    const entrypoints = all(runtime, 'ENTRYPOINT');
    expect(entrypoints).toHaveLength(1);
    const argv = JSON.parse(entrypoints[0].args) as string[]; // exec form
    expect(argv.join(' ')).toMatch(/exec node "apps\/\$\{APP\}\/dist\/main\.js"/);
    expect(all(runtime, 'HEALTHCHECK')).toEqual([]);
    expect(all(runtime, 'EXPOSE').map((i) => i.args)).toEqual(['8080']);
  });

  it('bakes no credentials into the image', () => {
    for (const s of stages) {
      for (const i of [...all(s, 'ENV'), ...all(s, 'ARG')]) expect(i.args).not.toMatch(/PASSWORD|TOKEN|SECRET|DATABASE_URL|ENCRYPTION_KEY/i);
    }
  });

  it('keeps node_modules, dist and local state out of the build context', () => {
    const ignore = readFileSync(join(DOCKER_DIR, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const pattern of ['.git', '.millrace', '**/node_modules', '**/dist']) expect(ignore).toContain(pattern);
    expect(readlinkSync(join(DOCKER_DIR, 'Dockerfile.dockerignore'))).toBe('.dockerignore');
  });

  it('documents the build of every service', () => {
    const readme = readFileSync(join(DOCKER_DIR, 'README.md'), 'utf8');
    expect(readme).toContain('docker build -f deploy/docker/Dockerfile --build-arg APP=');
    for (const app of APP_CHARTS) {
      expect(readme).toContain(app);
      expect(existsSync(join(REPO_ROOT, 'apps', app, 'tsconfig.app.json'))).toBe(true);
    }
  });
});
