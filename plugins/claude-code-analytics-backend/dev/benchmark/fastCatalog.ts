import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';

/** The value at a dotted path of an entity, e.g. `metadata.etag`. */
function pick(entity: Entity, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) =>
        value && typeof value === 'object'
          ? (value as Record<string, unknown>)[key]
          : undefined,
      entity,
    );
}

function project(entity: Entity, fields: string[] | undefined): Entity {
  if (!fields?.length) {
    return entity;
  }
  const result: Record<string, any> = {};
  for (const field of fields) {
    const value = pick(entity, field);
    if (value === undefined) {
      continue;
    }
    const keys = field.split('.');
    let target = result;
    for (const key of keys.slice(0, -1)) {
      target[key] ??= {};
      target = target[key];
    }
    target[keys[keys.length - 1]] = value;
  }
  return result as Entity;
}

/**
 * The catalog for the benchmark: the two calls the plugin makes (`streamEntities` with a kind filter
 * and fields, `getEntityByRef`) over the entity objects themselves. Backstage's in-memory test
 * catalog rebuilds a search index of every entity on each query (about 1.8 s per look at 7,677
 * entities), which would be measured instead of the plugin; a real catalog answers from its
 * database.
 */
export function fastCatalogFactory(entities: Entity[]) {
  const byRef = () =>
    new Map(
      entities.map(e => [stringifyEntityRef(e).toLocaleLowerCase('en-US'), e]),
    );
  const catalog = {
    async *streamEntities(request?: {
      filter?: { kind?: string[] };
      fields?: string[];
    }) {
      const kinds = request?.filter?.kind?.map(k =>
        k.toLocaleLowerCase('en-US'),
      );
      const matching = entities.filter(
        e => !kinds || kinds.includes(e.kind.toLocaleLowerCase('en-US')),
      );
      for (let i = 0; i < matching.length; i += 500) {
        yield matching
          .slice(i, i + 500)
          .map(e => project(structuredClone(e), request?.fields));
      }
    },
    async getEntityByRef(ref: string) {
      const key = stringifyEntityRef(parseEntityRef(ref)).toLocaleLowerCase(
        'en-US',
      );
      return byRef().get(key);
    },
  };
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => catalog as unknown as CatalogService,
  });
}
