import { Controller, Get, Header, Module } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { collectDefaultMetrics, register } from 'prom-client';
import { PublicRoute } from './public-route';

let defaultsCollected = false;

@PublicRoute()
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', register.contentType)
  async metrics(): Promise<string> {
    return register.metrics();
  }
}

/** `/metrics` in Prometheus text format, with the process' default metrics. */
@Module({ controllers: [MetricsController] })
export class MetricsModule {
  constructor() {
    if (!defaultsCollected) {
      collectDefaultMetrics({ prefix: 'millrace_' });
      defaultsCollected = true;
    }
  }
}
