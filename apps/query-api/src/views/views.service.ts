import type { ViewOutput } from './views.schemas';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SavedView } from './saved-view.entity';

export interface ViewInput {
  name: string;
  query: string;
  from: string;
  to?: string | null;
}

export type { ViewOutput } from './views.schemas';

function present(view: SavedView): ViewOutput {
  return {
    id: view.id, name: view.name, query: view.query, from: view.timeFrom, to: view.timeTo, createdBy: view.createdBy,
    createdAt: view.createdAt.toISOString(), updatedAt: view.updatedAt.toISOString(),
  };
}

/** Saved views of one organisation; every query is scoped by the caller's tenant. */
@Injectable()
export class ViewsService {
  constructor(@InjectRepository(SavedView) private readonly views: Repository<SavedView>) {}

  async list(tenant: string): Promise<ViewOutput[]> {
    return (await this.views.find({ where: { tenant }, order: { name: 'ASC' } })).map(present);
  }

  async get(tenant: string, id: string): Promise<ViewOutput> {
    return present(await this.find(tenant, id));
  }

  async create(tenant: string, createdBy: string, input: ViewInput): Promise<ViewOutput> {
    await this.ensureNameFree(tenant, input.name);
    const view = await this.views.save(this.views.create({ tenant, name: input.name, query: input.query, timeFrom: input.from, timeTo: input.to ?? null, createdBy }));
    return present(view);
  }

  async update(tenant: string, id: string, input: Partial<ViewInput>): Promise<ViewOutput> {
    const view = await this.find(tenant, id);
    if (input.name !== undefined && input.name !== view.name) await this.ensureNameFree(tenant, input.name);
    Object.assign(view, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.query !== undefined ? { query: input.query } : {}),
      ...(input.from !== undefined ? { timeFrom: input.from } : {}),
      ...(input.to !== undefined ? { timeTo: input.to } : {}),
    });
    return present(await this.views.save(view));
  }

  async remove(tenant: string, id: string): Promise<void> {
    const view = await this.find(tenant, id);
    await this.views.delete({ tenant, id: view.id });
  }

  private async find(tenant: string, id: string): Promise<SavedView> {
    // Another tenant's view is indistinguishable from a missing one.
    const view = /^[0-9a-f-]{36}$/.test(id) ? await this.views.findOneBy({ tenant, id }) : null;
    if (!view) throw new NotFoundException(`view ${id} not found`);
    return view;
  }

  private async ensureNameFree(tenant: string, name: string): Promise<void> {
    if (await this.views.existsBy({ tenant, name })) throw new ConflictException(`a view named "${name}" already exists`);
  }
}
