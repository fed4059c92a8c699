import { createRequire } from 'node:module';
import path from 'node:path';
import { PROFILE, REPO_ROOT } from './stack';

type Ports = { syslogTcp: number; syslogTls: number; syslogUdp: number; gelfUdp: number };

/** tools/platform/services.cjs, loaded at run time as platform.ts does. */
const services = createRequire(__filename)(path.join(REPO_ROOT, 'tools', 'platform', 'services.cjs')) as { gatewayPorts(profile: string): Ports };

/** The gateway's syslog and GELF ports in the test profile. */
export function gatewayPorts(): Ports {
  return services.gatewayPorts(PROFILE);
}
