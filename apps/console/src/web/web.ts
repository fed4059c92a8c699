import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import { Injectable, Inject } from '@nestjs/common';
import { access } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ReadinessCheck } from '@millrace/service-kit';
import { CONSOLE_CONFIG, type ConsoleConfig } from '../config';

/** The page's own routes: each answers index.html and the application shows the screen. */
export const SPA_ROUTES = ['/', '/login', '/search', '/tail', '/graphs', '/views', '/settings', '/settings/*', '/start'];

/**
 * Content-Security-Policy: scripts, styles, images and connections from this origin only; no
 * inline script or style, no eval, no frames, no plugins, nothing embeds the console.
 */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  workerSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

/** Security headers on every answer, and the single-page application from CONSOLE_WEB_ROOT. */
export async function registerWeb(app: NestFastifyApplication, config: ConsoleConfig): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  });
  const root = config.CONSOLE_WEB_ROOT;
  if (!existsSync(path.join(root, 'index.html'))) return; // readiness reports it
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    index: false,
    wildcard: true,
    setHeaders: (res, file) => {
      // Vite names assets by content hash: they never change; index.html always revalidates.
      res.header('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const fastify = app.getHttpAdapter().getInstance();
  for (const url of SPA_ROUTES) {
    fastify.get(url, (_request, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'));
  }
}

/** Ready when the built application is there to serve. */
@Injectable()
export class WebBundleReadiness implements ReadinessCheck {
  readonly name = 'web-bundle';

  constructor(@Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig) {}

  async check(): Promise<void> {
    try {
      await access(path.join(this.config.CONSOLE_WEB_ROOT, 'index.html'));
    } catch {
      throw new Error(`the web application is not built (${this.config.CONSOLE_WEB_ROOT}/index.html is missing): run npx nx run console-web:build`);
    }
  }
}
