import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createHash, randomUUID } from 'crypto';
import { Knex } from 'knex';
import { enqueueOwnershipChanges } from '../rollups/DeliveryRollups';
import { enqueueEntityDays, enqueueUserDays } from '../rollups/rollupQueue';
import { chunked } from '../store/chunked';
import {
  lockForTransaction,
  OWNERSHIP_INDEX_LOCK,
} from '../store/lockForTransaction';
import { buildOwnershipIndex, OwnershipIndex } from './buildOwnershipIndex';

type PairTable =
  | 'entity_members'
  | 'entity_scopes'
  | 'entity_components'
  | 'repository_components'
  | 'user_identities';

const PAIR_COLUMNS: Record<PairTable, [string, string]> = {
  entity_members: ['entity_ref', 'user_ref'],
  entity_scopes: ['entity_ref', 'scope_ref'],
  entity_components: ['entity_ref', 'component_ref'],
  repository_components: ['repository', 'component_ref'],
  user_identities: ['identity', 'user_ref'],
};

function pairsOf(map: Map<string, Set<string> | string>): Set<string> {
  const pairs = new Set<string>();
  for (const [key, values] of map) {
    for (const value of typeof values === 'string' ? [values] : values) {
      pairs.add(`${key}\u0000${value}`);
    }
  }
  return pairs;
}

function splitPair(pair: string): [string, string] {
  const at = pair.indexOf('\u0000');
  return [pair.slice(0, at), pair.slice(at + 1)];
}

/** How long the pairs kept in memory are trusted before the tables are read again. */
const STORED_PAIRS_MAX_AGE_MS = 3_600_000;
/** The `source_cursors` row of the version of the stored pairs, renewed by every change. */
const INDEX_VERSION = { source: 'ownership', key: 'index-version' };

/** What a refresh changed. */
export type OwnershipChanges = {
  entities: number;
  added: Record<PairTable, number>;
  removed: Record<PairTable, number>;
};

/**
 * Keeps the stored ownership index equal to the catalog. Each refresh reads the catalog with the
 * plugin's own credentials, writes only the differences, and queues the rollups those differences
 * touch (a team moved to another department recomputes the old and new ancestors, nothing else).
 */
/** The kinds the ownership index is built from. */
const KINDS = ['User', 'Group', 'Component', 'System', 'Domain'];

/** What a look at the catalog reads: enough to tell whether an entity changed. */
const ETAG_FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.etag',
];

/** A digest of which entities exist and their etags (renewed when an entity or its relations change). */
function signatureOf(entities: Entity[]): string {
  return createHash('sha256')
    .update(
      entities
        .map(
          e =>
            `${e.kind}:${e.metadata.namespace}/${e.metadata.name}@${e.metadata.etag}`,
        )
        .sort()
        .join('\n'),
    )
    .digest('hex');
}

/**
 * Keeps the stored ownership index equal to the catalog. Each refresh reads the catalog with the
 * plugin's own credentials, writes only the differences, and queues the rollups those differences
 * touch (a team moved to another department recomputes the old and new ancestors, nothing else).
 */
export class OwnershipIndexer {
  /** The catalog as of the last refresh: all kinds, and the groups alone. */
  private signatures: { all: string; groups: string } | undefined;
  /**
   * The pairs this indexer last stored, under the version it wrote with them: the next refresh
   * diffs against them instead of reading every stored pair again, unless another writer (another
   * replica's refresh) stored a newer version meanwhile.
   */
  private stored:
    | {
        version: string;
        pairs: Record<PairTable, Set<string>>;
        /** When the pairs were last read from the tables. */
        at: number;
      }
    | undefined;
  private lastFullRefresh = 0;
  private lastFullLook = 0;

  private constructor(
    private readonly knex: Knex,
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
    private readonly identityAnnotation: string | undefined,
    private readonly fullLookIntervalMs: number,
  ) {}

  static create(options: {
    knex: Knex;
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    identityAnnotation?: string;
    /**
     * How often `refreshIfChanged` looks at the etags of every kind; the looks in between read the
     * groups' only. Default 3 seconds.
     */
    fullLookIntervalMs?: number;
  }) {
    return new OwnershipIndexer(
      options.knex,
      options.catalog,
      options.auth,
      options.logger,
      options.identityAnnotation,
      options.fullLookIntervalMs ?? 3_000,
    );
  }

  private async readCatalog(
    fields: string[],
    kinds: string[] = KINDS,
  ): Promise<Entity[]> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const entities: Entity[] = [];
    for await (const page of this.catalog.streamEntities(
      { filter: { kind: kinds }, fields },
      { credentials },
    )) {
      entities.push(...page);
    }
    return entities;
  }

  /**
   * Refreshes when the catalog changed since the last refresh, judged by the entities' etags, and
   * at least every `maxAge` ms. Most looks read the groups' etags only: groups are few, and a group's
   * etag is renewed whenever its parent, children, members or owned entities change, so a team move,
   * a person changing team and a component changing owner are all seen by them. Every
   * `fullLookIntervalMs` the look covers every kind (an email or a repository annotation changed).
   * Cheap enough to run every second.
   */
  async refreshIfChanged(
    maxAge = 3_600_000,
  ): Promise<OwnershipChanges | undefined> {
    const now = Date.now();
    const fullLook =
      !this.signatures || now - this.lastFullLook >= this.fullLookIntervalMs;
    const signature = signatureOf(
      await this.readCatalog(ETAG_FIELDS, fullLook ? KINDS : ['Group']),
    );
    if (fullLook) {
      this.lastFullLook = now;
    }
    const known = fullLook ? this.signatures?.all : this.signatures?.groups;
    if (signature === known && now - this.lastFullRefresh < maxAge) {
      return undefined;
    }
    return this.refresh();
  }

  /** Reads the catalog and applies the differences. */
  async refresh(): Promise<OwnershipChanges> {
    this.lastFullRefresh = Date.now();
    const entities = await this.readCatalog([
      ...ETAG_FIELDS,
      'metadata.title',
      'metadata.annotations',
      'spec',
      'relations',
    ]);
    const index = buildOwnershipIndex(entities, {
      identityAnnotation: this.identityAnnotation,
    });
    const changes = await this.apply(index);
    // The signatures of what was indexed: a change made during the refresh is seen by the next look.
    this.signatures = {
      all: signatureOf(entities),
      groups: signatureOf(entities.filter(e => e.kind === 'Group')),
    };
    this.logger.info(
      `Ownership index refreshed: ${changes.entities} entities, ` +
        `changes ${JSON.stringify({
          added: changes.added,
          removed: changes.removed,
        })}`,
    );
    return changes;
  }

  /** Writes an index, queuing the rollups affected by what changed. */
  async apply(index: OwnershipIndex): Promise<OwnershipChanges> {
    const wanted: Record<PairTable, Set<string>> = {
      entity_members: pairsOf(index.members),
      entity_scopes: pairsOf(index.scopes),
      entity_components: pairsOf(index.components),
      repository_components: pairsOf(index.componentsOfRepository),
      user_identities: pairsOf(index.userOfIdentity),
    };
    const changes: OwnershipChanges = {
      entities: index.entities.size,
      added: {} as Record<PairTable, number>,
      removed: {} as Record<PairTable, number>,
    };

    let stored: typeof this.stored;
    await this.knex.transaction(async tx => {
      // One refresh at a time across replicas: the version read below stays the one this
      // refresh replaces, so no replica keeps a copy of pairs another one changed meanwhile.
      await lockForTransaction(tx, OWNERSHIP_INDEX_LOCK);
      const versionRow = await tx('source_cursors')
        .where(INDEX_VERSION)
        .first('value');
      const version: string | undefined = versionRow?.value;
      // The tables are read again at least hourly, whatever the version says.
      const known =
        version !== undefined &&
        this.stored?.version === version &&
        Date.now() - this.stored.at < STORED_PAIRS_MAX_AGE_MS
          ? this.stored.pairs
          : undefined;
      const diffs = {} as Record<
        PairTable,
        { added: string[][]; removed: string[][] }
      >;
      for (const table of Object.keys(PAIR_COLUMNS) as PairTable[]) {
        const [a, b] = PAIR_COLUMNS[table];
        const current =
          known?.[table] ??
          new Set(
            (await tx(table).select(a, b)).map(
              row => `${row[a]}\u0000${row[b]}`,
            ),
          );
        const added = [...wanted[table]]
          .filter(p => !current.has(p))
          .map(splitPair);
        const removed = [...current]
          .filter(p => !wanted[table].has(p))
          .map(splitPair);
        for (const chunk of chunked(removed, 300)) {
          await tx(table)
            .where(builder => {
              for (const [x, y] of chunk) {
                builder.orWhere(inner => inner.where(a, x).andWhere(b, y));
              }
            })
            .delete();
        }
        for (const chunk of chunked(added, 500)) {
          await tx(table).insert(chunk.map(([x, y]) => ({ [a]: x, [b]: y })));
        }
        diffs[table] = { added, removed };
        changes.added[table] = added.length;
        changes.removed[table] = removed.length;
      }
      const changed = Object.values(diffs).some(
        d => d.added.length > 0 || d.removed.length > 0,
      );
      let next = version;
      if (changed || next === undefined) {
        next = randomUUID();
        await tx('source_cursors')
          .insert({ ...INDEX_VERSION, value: next, updated_at: new Date() })
          .onConflict(['source', 'key'])
          .merge(['value', 'updated_at']);
      }
      stored = {
        version: next,
        pairs: wanted,
        at: known ? this.stored!.at : Date.now(),
      };

      await this.writeEntities(tx, index);
      await this.queueAffectedRollups(tx, diffs);
    });
    // Only once committed: a failed transaction leaves the stored pairs as they were.
    this.stored = stored;
    return changes;
  }

  private async writeEntities(tx: Knex.Transaction, index: OwnershipIndex) {
    const current = new Map<string, Record<string, string | null>>(
      (await tx('ownership_entities').select()).map(row => [
        row.entity_ref,
        row,
      ]),
    );
    const removed = [...current.keys()].filter(ref => !index.entities.has(ref));
    for (const chunk of chunked(removed, 500)) {
      await tx('ownership_entities').whereIn('entity_ref', chunk).delete();
    }
    const upserts = [...index.entities]
      .filter(([ref, value]) => {
        const known = current.get(ref);
        return (
          !known ||
          known.kind !== value.kind ||
          (known.title ?? undefined) !== value.title ||
          (known.parent_ref ?? undefined) !== value.parentRef ||
          (known.type ?? undefined) !== value.type
        );
      })
      .map(([ref, value]) => ({
        entity_ref: ref,
        kind: value.kind,
        title: value.title ?? null,
        parent_ref: value.parentRef ?? null,
        type: value.type ?? null,
      }));
    for (const chunk of chunked(upserts, 500)) {
      await tx('ownership_entities')
        .insert(chunk)
        .onConflict('entity_ref')
        .merge();
    }
  }

  private async queueAffectedRollups(
    tx: Knex.Transaction,
    diffs: Record<PairTable, { added: string[][]; removed: string[][] }>,
  ) {
    // Users whose identities changed, and users whose usage or pull requests touch a repository
    // that now maps to other components, get their facts recomputed on every day they have data.
    const users = new Set<string>();
    const identities = new Set<string>();
    for (const [identity, user] of [
      ...diffs.user_identities.added,
      ...diffs.user_identities.removed,
    ]) {
      users.add(user);
      identities.add(identity);
    }
    const repositories = [
      ...diffs.repository_components.added,
      ...diffs.repository_components.removed,
    ].map(([repository]) => repository);
    for (const chunk of chunked([...new Set(repositories)], 300)) {
      const touching = await tx('usage_model_daily')
        .distinct('identity')
        .whereIn('repository', chunk)
        .union(q =>
          q
            .select('author as identity')
            .from('pull_requests')
            .whereIn('repository', chunk),
        );
      for (const chunkIds of chunked(
        touching.map(row => row.identity),
        300,
      )) {
        for (const row of await tx('user_identities')
          .select('user_ref')
          .whereIn('identity', chunkIds)) {
          users.add(row.user_ref);
        }
      }
    }
    for (const chunk of chunked([...users], 200)) {
      const ids = await tx('user_identities')
        .select('identity')
        .whereIn('user_ref', chunk);
      for (const row of ids) {
        identities.add(row.identity);
      }
    }
    const userDays: Array<{ ref: string; date: string }> = [];
    for (const chunk of chunked([...identities], 300)) {
      const rows = await tx('usage_model_daily')
        .distinct('identity', 'date')
        .whereIn('identity', chunk)
        .union(q =>
          q
            .distinct('identity', 'date')
            .from('usage_activity_daily')
            .whereIn('identity', chunk),
        );
      const userOf = new Map<string, string[]>();
      for (const row of await tx('user_identities')
        .select('identity', 'user_ref')
        .whereIn('identity', chunk)) {
        userOf.set(row.identity, [
          ...(userOf.get(row.identity) ?? []),
          row.user_ref,
        ]);
      }
      const previousOwners = diffs.user_identities.removed.filter(([id]) =>
        chunk.includes(id),
      );
      for (const row of rows) {
        for (const user of userOf.get(row.identity) ?? []) {
          userDays.push({ ref: user, date: row.date });
        }
        for (const [id, user] of previousOwners) {
          if (id === row.identity) {
            userDays.push({ ref: user, date: row.date });
          }
        }
      }
    }
    await enqueueUserDays(tx, userDays);

    // Entities whose scopes changed are re-summed on every day their changed scopes have facts.
    const changedScopes = new Map<string, Set<string>>();
    for (const [entity, scope] of [
      ...diffs.entity_scopes.added,
      ...diffs.entity_scopes.removed,
    ]) {
      const set = changedScopes.get(scope) ?? new Set<string>();
      set.add(entity);
      changedScopes.set(scope, set);
    }
    const entityDays: Array<{ ref: string; date: string }> = [];
    for (const chunk of chunked([...changedScopes.keys()], 300)) {
      const rows = await tx('usage_facts')
        .distinct('scope_ref', 'date')
        .whereIn('scope_ref', chunk);
      for (const row of rows) {
        for (const entity of changedScopes.get(row.scope_ref) ?? []) {
          entityDays.push({ ref: entity, date: row.date });
        }
      }
    }
    await enqueueEntityDays(tx, entityDays);

    // Delivery rollups: entities whose repositories or members changed, on the days with data.
    await enqueueOwnershipChanges(tx, diffs);
  }
}
