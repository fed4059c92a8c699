import { restResource, type ResourceApi } from '../shared/resource';

export interface Drain {
  id: string;
  name: string;
  url: string;
  format?: string;
  query?: string;
  enabled: boolean;
  status?: { delivered?: number; failed?: number; dropped?: number; lastError?: string | null; lastSuccessAt?: string | null };
}

export const drainsApi: ResourceApi<Drain> = restResource<Drain>('query', '/v1/drains');
