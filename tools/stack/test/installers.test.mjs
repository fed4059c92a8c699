import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OS_PROJECT, VERSIONS } from '../lib/config.mjs';
import { goFits, parseGoVersion } from '../lib/installers/go.mjs';
import { jdkFits, parseJavaVersion } from '../lib/installers/java.mjs';
import { parseNatsVersion } from '../lib/installers/nats-server.mjs';
import { buildFingerprint, checkPomVersion, openSearchVersionOfJars } from '../lib/installers/opensearch-build.mjs';
import { parsePgVersion, pgMajorsToTry } from '../lib/installers/postgres.mjs';

describe('version checks', () => {
  it('reads Go versions and compares them with the minimum nats-server needs', () => {
    expect(parseGoVersion('go version go1.25.3 linux/amd64')).toEqual({ version: 'go1.25.3', major: 1, minor: 25 });
    expect(parseGoVersion('go version go1.19.8 linux/amd64')).toMatchObject({ minor: 19 });
    expect(parseGoVersion('command not found')).toBeNull();
    expect(goFits(parseGoVersion('go1.25.0'), [1, 25])).toBe(true);
    expect(goFits(parseGoVersion('go1.26rc1'), [1, 25])).toBe(true);
    expect(goFits(parseGoVersion('go2.0.0'), [1, 25])).toBe(true);
    expect(goFits(parseGoVersion('go1.19.8'), VERSIONS.natsServerMinGo)).toBe(false);
    expect(goFits(null, [1, 25])).toBe(false);
  });

  it('reads nats-server --version', () => {
    expect(parseNatsVersion('nats-server: v2.12.15')).toBe('v2.12.15');
    expect(parseNatsVersion('nats-server: v2.9.20-beta.1\n')).toBe('v2.9.20-beta.1');
    expect(parseNatsVersion('')).toBeNull();
  });

  it('reads java -version (on stderr) and keeps to the majors OpenSearch 2.x runs on', () => {
    const jdk17 = parseJavaVersion('openjdk version "17.0.13" 2024-10-15\nOpenJDK Runtime Environment (build 17.0.13+11-Debian-2)');
    expect(jdk17).toEqual({ version: '17.0.13', major: 17 });
    expect(jdkFits(jdk17)).toBe(true);
    expect(jdkFits(parseJavaVersion('openjdk version "21" 2023-09-19'))).toBe(true);
    expect(parseJavaVersion('java version "1.8.0_392"')).toEqual({ version: '1.8.0_392', major: 8 });
    expect(jdkFits(parseJavaVersion('java version "1.8.0_392"'))).toBe(false);
    expect(jdkFits(parseJavaVersion('openjdk version "25" 2025-09-16'))).toBe(false);
    expect(parseJavaVersion('nothing')).toBeNull();
  });

  it('reads postgres --version and tries the cluster\'s own major first, then the newest', () => {
    expect(parsePgVersion('postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)')).toBe('15.14');
    expect(parsePgVersion('postgres (PostgreSQL) 17beta1')).toBe('17');
    expect(pgMajorsToTry(['13', '15', 'README', '9'], undefined)).toEqual(['15', '13', '9']);
    expect(pgMajorsToTry(['15', '16'], '15')).toEqual(['15', '16', '15']);
  });

  it('reads the OpenSearch version off the copied jars', () => {
    expect(openSearchVersionOfJars(['lucene-core-9.12.3.jar', 'opensearch-2.19.6.jar', 'opensearch-core-2.19.6.jar'])).toBe('2.19.6');
    expect(openSearchVersionOfJars(['opensearch-core-2.19.6.jar'])).toBeNull();
  });

  it('insists that the pom pins the version VERSIONS names (and it does)', () => {
    const pom = fs.readFileSync(path.join(OS_PROJECT, 'pom.xml'), 'utf8');
    expect(() => checkPomVersion(pom)).not.toThrow();
    expect(() => checkPomVersion(pom, '9.9.9')).toThrow(/does not pin 9.9.9/);
  });
});

describe('the launcher build fingerprint', () => {
  let project;
  beforeEach(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'millrace-osbuild-'));
    fs.mkdirSync(path.join(project, 'src', 'main'), { recursive: true });
    fs.writeFileSync(path.join(project, 'pom.xml'), '<project/>');
    fs.writeFileSync(path.join(project, 'src', 'main', 'A.java'), 'class A {}');
  });
  afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

  it('changes when the pom or a source changes, and only then', () => {
    const before = buildFingerprint(project);
    expect(buildFingerprint(project)).toBe(before);
    fs.writeFileSync(path.join(project, 'src', 'main', 'A.java'), 'class A { }');
    const edited = buildFingerprint(project);
    expect(edited).not.toBe(before);
    fs.writeFileSync(path.join(project, 'src', 'main', 'B.java'), 'class B {}');
    expect(buildFingerprint(project)).not.toBe(edited);
  });
});
