// Loopback probes: is a port taken, what does an HTTP endpoint answer.
import http from 'node:http';
import net from 'node:net';
import { HOST } from './config.mjs';

export function portOpen(port, timeoutMs = 1_000, host = HOST) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** GET a URL: { status, body }; rejects on a network error or timeout. */
export function httpGet(url, timeoutMs = 3_000) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
  });
}

/** GET a URL and parse its JSON body; rejects unless it answers 200. */
export async function httpGetJson(url, timeoutMs = 3_000) {
  const res = await httpGet(url, timeoutMs);
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body);
}
