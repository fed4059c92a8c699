import { Module, type DynamicModule } from '@nestjs/common';
import { QUERY_API_CONFIG, type QueryApiConfig } from '../config';
import { TailController } from './tail.controller';
import { TailService } from './tail.service';
import { TailWebSocketRoute } from './tail-ws';

/** Live tail: `GET /v1/tail` (SSE) and `GET /v1/tail/ws` (WebSocket). */
@Module({})
export class TailModule {
  static forRoot(config: QueryApiConfig): DynamicModule {
    return {
      module: TailModule,
      controllers: [TailController],
      providers: [{ provide: QUERY_API_CONFIG, useValue: config }, TailService, TailWebSocketRoute],
    };
  }
}
