import { Injectable, ServiceUnavailableException, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { errors } from '@opensearch-project/opensearch';
import { catchError, type Observable } from 'rxjs';
import { InvalidValueError } from '@millrace/service-kit';

/**
 * OpenSearch refusing a search it was sent (too many clauses, a term too long to index, a
 * regex too costly) is the request's fault, not the server's: a 400 naming the query, with the
 * engine's reason type. A busy cluster (429) is a 503 to retry.
 */
@Injectable()
export class SearchEngineErrors implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((error: unknown) => {
      if (error instanceof errors.ResponseError) {
        const status = error.meta.statusCode;
        const cause = (error.meta.body as { error?: { root_cause?: Array<{ type?: string; reason?: string }>; type?: string } } | undefined)?.error;
        const type = cause?.root_cause?.[0]?.type ?? cause?.type ?? 'refused';
        if (status === 400) throw new InvalidValueError({ path: 'q', location: 'query' }, `the search engine refused this search (${type}): simplify the query or narrow the range`);
        if (status === 429) throw new ServiceUnavailableException({ message: 'the search engine is busy; retry shortly', retryAfterSeconds: 2 });
      }
      throw error;
    }));
  }
}
