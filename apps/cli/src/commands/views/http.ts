import { restResource, type ResourceApi } from '../shared/resource';

export interface View {
  id: string;
  name: string;
  query: string;
  from: string;
  to?: string | null;
  createdBy?: string;
  updatedAt?: string;
}

export const viewsApi: ResourceApi<View> = restResource<View>('query', '/v1/views');
