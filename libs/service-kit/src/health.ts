import { Controller, Get, Inject, Module, type DynamicModule, type Type } from '@nestjs/common';
import { z } from 'zod';
import { ApiTag, Endpoint } from './openapi/endpoint';
import { named } from './openapi/schemas';
import { PublicRoute } from './public-route';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';

/** A real dependency the service cannot work without; `check` throws when it is unusable. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

const liveSchema = named('Liveness', z.object({ status: z.literal('ok') }));
const indicatorsSchema = z.record(z.object({ status: z.string(), message: z.string().optional() }).passthrough());
const readinessSchema = named('Readiness', z.object({
  status: z.enum(['ok', 'error', 'shutting_down']),
  info: indicatorsSchema.optional(),
  error: indicatorsSchema.optional(),
  details: indicatorsSchema,
}));

const CHECK_TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

@PublicRoute()
@ApiTag('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  /** Liveness is cheap on purpose: a slow dependency must not get the pod restarted. */
  @Get('live')
  @Endpoint({ summary: 'Liveness: the process answers (no dependency is asked)', responses: { 200: liveSchema } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness asks every real dependency. */
  @Get('ready')
  @HealthCheck()
  @Endpoint({
    summary: 'Readiness: every real dependency answers (PostgreSQL, NATS, OpenSearch as the service needs)',
    responses: { 200: { description: 'Ready', schema: readinessSchema } },
    errors: [503],
  })
  ready() {
    return this.health.check(
      this.checks.map((c) => async () => {
        const indicator = this.indicators.check(c.name);
        try {
          await withTimeout(c.check(), CHECK_TIMEOUT_MS, c.name);
          return indicator.up();
        } catch (error) {
          return indicator.down({ message: error instanceof Error ? error.message : String(error) });
        }
      }),
    );
  }
}

@Module({})
export class HealthModule {
  /** `checks` are instantiated here; their own dependencies come from global modules (NATS, OpenSearch, TypeORM). */
  static register(checks: Array<Type<ReadinessCheck>>, imports: DynamicModule['imports'] = []): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false }), ...imports],
      controllers: [HealthController],
      providers: [
        ...checks,
        {
          provide: READINESS_CHECKS,
          useFactory: (...instances: ReadinessCheck[]) => instances,
          inject: checks,
        },
      ],
    };
  }
}
