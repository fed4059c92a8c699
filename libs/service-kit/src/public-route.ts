import { SetMetadata } from '@nestjs/common';

/** Routes anyone may call (health, metrics, docs, version probes). Every other route needs a credential. */
export const PUBLIC_ROUTE = 'millrace:public-route';
export const PublicRoute = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
