import { LoggerService } from '@backstage/backend-plugin-api';
import {
  collectDeliveryFacts,
  DeliveryDeployment,
  DeliveryIncident,
  DeliveryPullRequest,
  DeliverySummary,
  mergeAllDeliverySummaries,
  parseDeliverySummary,
  serializeDeliverySummary,
  summarizeDeliveryFacts,
} from 'backstage-plugin-claude-code-analytics-common';
import { DateTime } from 'luxon';
import { Knex } from 'knex';
import { BatchSizer } from '../store/BatchSizer';
import { chunked } from '../store/chunked';
import { groupBy } from '../store/groupBy';
import { isPostgres } from '../store/isPostgres';
import {
  lockForTransaction,
  OWNERSHIP_INDEX_LOCK,
} from '../store/lockForTransaction';
import { toNumber } from '../store/tables';
import { whereKeysIn } from '../store/whereKeysIn';
import { yieldToEventLoop } from '../store/yieldToEventLoop';

/** Repositories summarised per transaction at most. */
const REPOSITORIES_PER_BATCH = 50;
/** Entity-days merged per transaction at most, all of one month. */
const ENTITY_DAYS_PER_BATCH = 5000;
/** Bound parameters per `IN` list, under the limits of SQLite and PostgreSQL. */
const CHUNK = 500;

/** An (entity, day) whose delivery rollups must be merged again. */
export type DeliveryEntityDay = { ref: string; date: string };

/** The pairs the ownership index changed, as `OwnershipIndexer` writes them. */
export type OwnershipPairChanges = Record<
  | 'entity_members'
  | 'entity_components'
  | 'repository_components'
  | 'user_identities',
  { added: string[][]; removed: string[][] }
>;

type Queued<T> = T & { enqueuedAt: number };

/** Entities whose cost counts the merged pull requests their members authored. */
function isPeopleEntity(ref: string): boolean {
  return ref.startsWith('user:') || ref.startsWith('group:');
}

/**
 * Locks the queue entries a transaction reads, skipping those another transaction holds, so that
 * two replicas never work on the same entry and a writer queuing an entry again waits until the
 * worker has finished with it (the entry then stays queued, see the enqueue times). SQLite runs
 * one transaction at a time and needs no lock.
 */
function lockEntries<T extends Knex.QueryBuilder>(tx: Knex, query: T): T {
  return isPostgres(tx) ? (query.forUpdate().skipLocked() as T) : query;
}

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V) {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

function lastDayOfMonth(month: string): string {
  return DateTime.fromISO(`${month}-01`, { zone: 'utc' })
    .endOf('month')
    .toISODate()!;
}

/**
 * Marks repositories whose delivery records changed: their day summaries are computed again.
 */
export async function enqueueDeliveryRepositories(
  knex: Knex,
  repositories: Iterable<string>,
): Promise<void> {
  // The enqueue time lets a worker delete only the entries it has read: a repository queued
  // again while it works stays queued.
  const enqueuedAt = Date.now();
  for (const chunk of chunked([...new Set(repositories)].sort(), CHUNK)) {
    await knex('delivery_repository_queue')
      .insert(
        chunk.map(repository => ({ repository, enqueued_at: enqueuedAt })),
      )
      .onConflict('repository')
      .merge(['enqueued_at']);
  }
}

/** Marks entity-days whose delivery rollups must be merged again. */
export async function enqueueDeliveryEntityDays(
  knex: Knex,
  days: Iterable<DeliveryEntityDay>,
): Promise<void> {
  const keys = new Map<string, DeliveryEntityDay>();
  for (const day of days) {
    keys.set(`${day.ref}\u0000${day.date}`, day);
  }
  const enqueuedAt = Date.now();
  const sorted = [...keys].sort(([a], [b]) => (a < b ? -1 : 1));
  for (const chunk of chunked(sorted, CHUNK)) {
    await knex('delivery_entity_queue')
      .insert(
        chunk.map(([, day]) => ({
          entity_ref: day.ref,
          date: day.date,
          enqueued_at: enqueuedAt,
        })),
      )
      .onConflict(['entity_ref', 'date'])
      .merge(['enqueued_at']);
  }
}

/**
 * Queues, for each entity, the days on which some rows of a select have a date: one statement per
 * entity (and chunk of values), so that a catalog change touching thousands of entities and a year
 * of history never holds every entity-day in memory.
 */
async function enqueueEntityDaysFrom(
  tx: Knex,
  valuesOf: Map<string, Set<string>>,
  select: (values: string[]) => { sql: string; bindings: string[] },
) {
  const enqueuedAt = Date.now();
  for (const [entity, values] of [...valuesOf].sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    for (const chunk of chunked([...values].sort(), CHUNK)) {
      const { sql, bindings } = select(chunk);
      await tx.raw(
        `INSERT INTO delivery_entity_queue (entity_ref, date, enqueued_at)
         SELECT CAST(? AS VARCHAR(255)), d.date, CAST(? AS BIGINT)
         FROM (${sql}) d
         WHERE d.date IS NOT NULL
         ON CONFLICT (entity_ref, date) DO UPDATE SET enqueued_at = excluded.enqueued_at`,
        [entity, enqueuedAt, ...bindings],
      );
    }
  }
}

/**
 * Queues the people entities (Users, Groups) of the authors of merged pull requests for the days
 * of the merges: their counts of authored merged pull requests change. Authors map to users through
 * `user_identities`, users to entities through `entity_members`.
 */
export async function enqueueAuthoredMerges(
  knex: Knex,
  merges: Iterable<{ identity: string; date: string }>,
): Promise<void> {
  const datesOf = new Map<string, Set<string>>();
  for (const { identity, date } of merges) {
    add(datesOf, identity, date);
  }
  const usersOf = new Map<string, Set<string>>();
  for (const chunk of chunked([...datesOf.keys()], CHUNK)) {
    for (const row of await knex('user_identities')
      .select('identity', 'user_ref')
      .whereIn('identity', chunk)) {
      add(usersOf, row.user_ref, row.identity);
    }
  }
  const days: DeliveryEntityDay[] = [];
  for (const chunk of chunked([...usersOf.keys()], CHUNK)) {
    for (const row of await knex('entity_members')
      .select('entity_ref', 'user_ref')
      .whereIn('user_ref', chunk)) {
      if (!isPeopleEntity(row.entity_ref)) {
        continue;
      }
      for (const identity of usersOf.get(row.user_ref) ?? []) {
        for (const date of datesOf.get(identity) ?? []) {
          days.push({ ref: row.entity_ref, date });
        }
      }
    }
  }
  await enqueueDeliveryEntityDays(knex, days);
}

/**
 * Queues the entity-days a change of the ownership index touches, on every day with data:
 *
 * - an entity that gained or lost a component, or whose component gained or lost a repository,
 *   is merged again on every day those repositories (before and after) have summaries;
 * - a User or Group that gained or lost a member, or whose member gained or lost an identity, is
 *   counted again on every day those identities (before and after) merged pull requests.
 */
export async function enqueueOwnershipChanges(
  tx: Knex,
  diffs: OwnershipPairChanges,
): Promise<void> {
  const both = (table: keyof OwnershipPairChanges) => [
    ...diffs[table].added,
    ...diffs[table].removed,
  ];

  // Repositories of the components in changed pairs, before and after the change.
  const repositoriesOf = new Map<string, Set<string>>();
  const entitiesOf = new Map<string, Set<string>>();
  const changedComponents = [
    ...new Set(both('entity_components').map(([, c]) => c)),
  ];
  for (const chunk of chunked(changedComponents, CHUNK)) {
    for (const row of await tx('repository_components')
      .select('repository', 'component_ref')
      .whereIn('component_ref', chunk)) {
      add(repositoriesOf, row.component_ref, row.repository);
    }
  }
  for (const [repository, component] of diffs.repository_components.removed) {
    add(repositoriesOf, component, repository);
  }
  const remappedComponents = [
    ...new Set(both('repository_components').map(([, c]) => c)),
  ];
  for (const chunk of chunked(remappedComponents, CHUNK)) {
    for (const row of await tx('entity_components')
      .select('entity_ref', 'component_ref')
      .whereIn('component_ref', chunk)) {
      add(entitiesOf, row.component_ref, row.entity_ref);
    }
  }
  for (const [entity, component] of diffs.entity_components.removed) {
    add(entitiesOf, component, entity);
  }
  const repositoriesOfEntity = new Map<string, Set<string>>();
  for (const [entity, component] of both('entity_components')) {
    for (const repository of repositoriesOf.get(component) ?? []) {
      add(repositoriesOfEntity, entity, repository);
    }
  }
  for (const [repository, component] of both('repository_components')) {
    for (const entity of entitiesOf.get(component) ?? []) {
      add(repositoriesOfEntity, entity, repository);
    }
  }
  await enqueueEntityDaysFrom(tx, repositoriesOfEntity, repositories => ({
    sql: `SELECT date FROM repository_delivery_daily
          WHERE repository IN (${repositories.map(() => '?').join(', ')})
          GROUP BY date`,
    bindings: repositories,
  }));

  // Identities of the users in changed pairs, before and after the change.
  const identitiesOf = new Map<string, Set<string>>();
  const membersOf = new Map<string, Set<string>>();
  const changedMembers = [
    ...new Set(
      both('entity_members')
        .filter(([entity]) => isPeopleEntity(entity))
        .map(([, user]) => user),
    ),
  ];
  for (const chunk of chunked(changedMembers, CHUNK)) {
    for (const row of await tx('user_identities')
      .select('identity', 'user_ref')
      .whereIn('user_ref', chunk)) {
      add(identitiesOf, row.user_ref, row.identity);
    }
  }
  for (const [identity, user] of diffs.user_identities.removed) {
    add(identitiesOf, user, identity);
  }
  const remappedUsers = [
    ...new Set(both('user_identities').map(([, user]) => user)),
  ];
  for (const chunk of chunked(remappedUsers, CHUNK)) {
    for (const row of await tx('entity_members')
      .select('entity_ref', 'user_ref')
      .whereIn('user_ref', chunk)) {
      add(membersOf, row.user_ref, row.entity_ref);
    }
  }
  for (const [entity, user] of diffs.entity_members.removed) {
    add(membersOf, user, entity);
  }
  const identitiesOfEntity = new Map<string, Set<string>>();
  for (const [entity, user] of both('entity_members')) {
    if (isPeopleEntity(entity)) {
      for (const identity of identitiesOf.get(user) ?? []) {
        add(identitiesOfEntity, entity, identity);
      }
    }
  }
  for (const [identity, user] of both('user_identities')) {
    for (const entity of membersOf.get(user) ?? []) {
      if (isPeopleEntity(entity)) {
        add(identitiesOfEntity, entity, identity);
      }
    }
  }
  await enqueueEntityDaysFrom(tx, identitiesOfEntity, identities => ({
    sql: `SELECT merged_date AS date FROM pull_requests
          WHERE author IN (${identities.map(() => '?').join(', ')})
          GROUP BY merged_date`,
    bindings: identities,
  }));
}

/**
 * A delivery summary for each range (`from` and `to` UTC days, inclusive) of one entity: the
 * monthly rollups of the months inside the range and the daily rollups of the days at its edges,
 * merged. Days without a row had no delivery events.
 */
export async function readEntityDeliverySummaries(
  knex: Knex,
  entityRef: string,
  ranges: ReadonlyArray<{ from: string; to: string }>,
): Promise<DeliverySummary[]> {
  const parts = ranges.map(({ from, to }) => {
    const months: string[] = [];
    const edges: Array<[string, string]> = [];
    let day = from;
    while (day <= to) {
      const month = day.slice(0, 7);
      const last = lastDayOfMonth(month);
      if (day === `${month}-01` && last <= to) {
        months.push(month);
      } else {
        edges.push([day, last < to ? last : to]);
      }
      day = DateTime.fromISO(last, { zone: 'utc' })
        .plus({ days: 1 })
        .toISODate()!;
    }
    return { months, edges };
  });

  const allMonths = [...new Set(parts.flatMap(p => p.months))];
  const allEdges = parts.flatMap(p => p.edges);
  const monthly = new Map<string, string>();
  for (const chunk of chunked(allMonths, CHUNK)) {
    for (const row of await knex('entity_delivery_monthly')
      .select('month', 'summary')
      .where('entity_ref', entityRef)
      .whereIn('month', chunk)) {
      monthly.set(row.month, row.summary);
    }
  }
  const daily: Array<{ date: string; summary: string }> =
    allEdges.length === 0
      ? []
      : await knex('entity_delivery_daily')
          .select('date', 'summary')
          .where('entity_ref', entityRef)
          .where(builder => {
            for (const [first, last] of allEdges) {
              builder.orWhereBetween('date', [first, last]);
            }
          });

  const parsed = new Map<string, DeliverySummary>();
  const read = (key: string, text: string) => {
    let summary = parsed.get(key);
    if (!summary) {
      summary = parseDeliverySummary(text);
      parsed.set(key, summary);
    }
    return summary;
  };
  return parts.map(({ months, edges }) => {
    const summaries: DeliverySummary[] = [];
    for (const month of months) {
      const text = monthly.get(month);
      if (text !== undefined) {
        summaries.push(read(month, text));
      }
    }
    for (const row of daily) {
      if (
        edges.some(([first, last]) => row.date >= first && row.date <= last)
      ) {
        summaries.push(read(row.date, row.summary));
      }
    }
    return mergeAllDeliverySummaries(summaries);
  });
}

/**
 * Merged pull requests authored by the members of a User or Group in a range, from the daily
 * counts.
 */
export async function countAuthoredMergedPullRequests(
  knex: Knex,
  entityRef: string,
  range: { from: string; to: string },
): Promise<number> {
  const [{ n }] = await knex('entity_authored_daily')
    .sum({ n: 'merged_pull_requests' })
    .where('entity_ref', entityRef)
    .whereBetween('date', [range.from, range.to]);
  return toNumber(n);
}

function parseLabels(value: unknown): string[] | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  try {
    const parsed = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(String) : undefined;
  } catch {
    return undefined;
  }
}

type RepositoryEvents = {
  pullRequests: DeliveryPullRequest[];
  deployments: DeliveryDeployment[];
  incidents: DeliveryIncident[];
};

/**
 * Keeps the delivery rollups equal to the delivery records, incrementally, as the usage rollups
 * are kept:
 *
 * 1. A queued repository is summarised again from its whole history (merged pull requests,
 *    production deployments with the PRs they carry, incidents): later events change the
 *    summaries of earlier days (an incident or a revert marks an earlier deployment failed, a
 *    deployment gives earlier merges their lead time and recovers an earlier failure), and the
 *    whole history is the one window that always holds every such link. Only the days whose
 *    summary changed are written, and only those days are queued for the entities that deliver
 *    the repository.
 * 2. Queued entity-days, a month at a time: the day summaries of the entity's repositories are
 *    merged (each repository once, however many of the entity's components it serves; a group
 *    takes the day of a child group that delivers a part of them no sibling delivers, see
 *    {@link planEntityMerges}), the entity's month is merged again from its days, and a User or
 *    Group gets its count of merged pull requests its members authored that day.
 *
 * Each batch is one transaction; every row is a function of the records, so running twice, or on
 * two replicas, gives the same rows.
 */
export class DeliveryRollups {
  private readonly repositorySizer: BatchSizer;
  private readonly entitySizer: BatchSizer;

  private constructor(
    private readonly knex: Knex,
    private readonly logger: LoggerService,
    entityDaysPerBatch: number,
  ) {
    this.repositorySizer = BatchSizer.forDatabase(knex, {
      max: REPOSITORIES_PER_BATCH,
      min: 1,
    });
    this.entitySizer = BatchSizer.forDatabase(knex, {
      max: entityDaysPerBatch,
    });
  }

  /**
   * @param options.entityDaysPerBatch - at most this many entity-days per transaction (default
   *   5,000; tests lower it to see a parent merged in another batch than its children).
   */
  static create(options: {
    knex: Knex;
    logger: LoggerService;
    entityDaysPerBatch?: number;
  }) {
    return new DeliveryRollups(
      options.knex,
      options.logger,
      options.entityDaysPerBatch ?? ENTITY_DAYS_PER_BATCH,
    );
  }

  /**
   * Processes everything queued: repositories first, then the entity-days they queued. A batch per
   * transaction, yielding to the event loop between batches, sized on SQLite to the time the last
   * ones took (BatchSizer). When `yieldWhen` says so after a batch (the backend shuts down, or a
   * catalog change queued usage rollups that should not wait for a long delivery merge), it
   * returns and the rest stays queued for the next run.
   */
  async run(options: { yieldWhen?: () => boolean } = {}): Promise<void> {
    const yieldWhen = options.yieldWhen ?? (() => false);
    for (;;) {
      await yieldToEventLoop();
      const repositories = await this.knex.transaction(tx =>
        this.repositorySizer.timeCounted(() =>
          this.summarizeQueuedRepositories(tx, this.repositorySizer.size),
        ),
      );
      if (repositories === 0) {
        break;
      }
      this.logger.debug(
        `Summarised the delivery of ${repositories} repositories`,
      );
      if (yieldWhen()) {
        return;
      }
    }
    for (;;) {
      await yieldToEventLoop();
      const entityDays = await this.knex.transaction(tx =>
        this.entitySizer.timeCounted(() =>
          this.mergeQueuedEntityDays(tx, this.entitySizer.size),
        ),
      );
      if (entityDays === 0) {
        break;
      }
      this.logger.debug(`Merged ${entityDays} delivery entity-days`);
      if (yieldWhen()) {
        return;
      }
    }
  }

  private async summarizeQueuedRepositories(
    tx: Knex.Transaction,
    limit: number,
  ): Promise<number> {
    // The entities queued for the days that change are read from the ownership index: a refresh
    // committing meanwhile would queue the new owners only for the days it saw.
    await lockForTransaction(tx, OWNERSHIP_INDEX_LOCK, { shared: true });
    const queued: Array<Queued<{ repository: string }>> = (
      await lockEntries(
        tx,
        tx('delivery_repository_queue')
          .select('repository', 'enqueued_at')
          .orderBy('repository')
          .limit(limit),
      )
    ).map(row => ({
      repository: row.repository,
      enqueuedAt: toNumber(row.enqueued_at),
    }));
    if (queued.length === 0) {
      return 0;
    }
    const repositories = queued.map(q => q.repository);
    const events = await readRepositoryEvents(tx, repositories);

    const wanted = new Map<string, Map<string, string>>();
    for (const repository of repositories) {
      const days = new Map<string, string>();
      try {
        for (const [day, summary] of summarizeDeliveryFacts(
          collectDeliveryFacts(events.get(repository)!),
        )) {
          days.set(day, serializeDeliverySummary(summary));
        }
      } catch (error) {
        // Stored records are normalised when written; one that is not must not stop the others.
        this.logger.error(
          `Delivery of ${repository} could not be summarised, its summaries are left as they were: ${error}`,
        );
        continue;
      }
      wanted.set(repository, days);
    }

    const changed = await writeRepositoryDays(tx, wanted);
    const entitiesOf = new Map<string, Set<string>>();
    for (const chunk of chunked([...changed.keys()], CHUNK)) {
      for (const row of await tx('repository_components as rc')
        .join('entity_components as ec', 'ec.component_ref', 'rc.component_ref')
        .distinct('rc.repository', 'ec.entity_ref')
        .whereIn('rc.repository', chunk)) {
        add(entitiesOf, row.repository, row.entity_ref);
      }
    }
    const entityDays: DeliveryEntityDay[] = [];
    for (const [repository, days] of changed) {
      for (const ref of entitiesOf.get(repository) ?? []) {
        for (const date of days) {
          entityDays.push({ ref, date });
        }
      }
    }
    await enqueueDeliveryEntityDays(tx, entityDays);

    for (const chunk of chunked(queued, CHUNK)) {
      for (const [enqueuedAt, items] of groupBy(chunk, q => q.enqueuedAt)) {
        await tx('delivery_repository_queue')
          .whereIn(
            'repository',
            items.map(q => q.repository),
          )
          .where('enqueued_at', '<=', enqueuedAt)
          .delete();
      }
    }
    return queued.length;
  }

  private async mergeQueuedEntityDays(
    tx: Knex.Transaction,
    limit: number,
  ): Promise<number> {
    // The plan of each merge (the children standing for their repositories) and the children's
    // days it then reads must come from one ownership index: a refresh committing in between (a
    // component moved from a department to its team queues the team, not the department) and a
    // replica merging the team meanwhile would have the department count the component's
    // repositories twice, or not at all. Refreshes take this lock alone.
    await lockForTransaction(tx, OWNERSHIP_INDEX_LOCK, { shared: true });
    const first = await tx('delivery_entity_queue')
      .min({ date: 'date' })
      .first();
    if (!first?.date) {
      return 0;
    }
    // A month at a time, by entity: the month of an entity is merged again once per batch.
    const month = String(first.date).slice(0, 7);
    const queued: Array<Queued<DeliveryEntityDay>> = (
      await lockEntries(
        tx,
        tx('delivery_entity_queue')
          .select('entity_ref', 'date', 'enqueued_at')
          .whereBetween('date', [`${month}-01`, lastDayOfMonth(month)])
          .orderBy([
            { column: 'entity_ref', order: 'asc' },
            { column: 'date', order: 'asc' },
          ])
          .limit(limit),
      )
    ).map(row => ({
      ref: row.entity_ref,
      date: row.date,
      enqueuedAt: toNumber(row.enqueued_at),
    }));
    if (queued.length === 0) {
      return 0;
    }

    const entities = [...new Set(queued.map(q => q.ref))];
    const dates = queued.map(q => q.date).sort();
    const days: [string, string] = [dates[0], dates[dates.length - 1]];
    const keys = queued.map((q): Key => [q.ref, q.date]);
    const inBatch = new Set(keys.map(keyOf));

    const { plans, repositoriesOf } = await planEntityMerges(tx, entities);
    const order = childrenFirst(entities, plans);
    const children = [
      ...new Set([...plans.values()].flatMap(plan => plan.children)),
    ];
    // A child's stored day stands for its repositories unless it is queued: not merged again yet,
    // or being merged by another transaction (which holds its entry until it commits).
    const pendingChildDays = new Set<string>();
    const childrenToRead = new Set<string>();
    for (const chunk of chunked(children, CHUNK)) {
      for (const row of await tx('delivery_entity_queue')
        .select('entity_ref', 'date')
        .whereIn('entity_ref', chunk)
        .whereBetween('date', days)) {
        const key = keyOf([row.entity_ref, row.date]);
        if (!inBatch.has(key)) {
          pendingChildDays.add(key);
          childrenToRead.add(row.entity_ref);
        }
      }
    }
    // A child in this batch is merged before its parent, but in a cycle of parents one is not.
    const position = new Map(order.map((ref, i) => [ref, i]));
    for (const [ref, plan] of plans) {
      for (const child of plan.children) {
        if ((position.get(child) ?? -1) > position.get(ref)!) {
          childrenToRead.add(child);
        }
      }
    }
    const storedDays = await readKeyedRows(
      tx,
      'entity_delivery_daily',
      ['entity_ref', 'date'],
      'summary',
      [...new Set([...entities, ...children])],
      days,
      String,
    );
    const needed = new Set<string>();
    for (const plan of plans.values()) {
      plan.direct.forEach(repository => needed.add(repository));
    }
    for (const child of childrenToRead) {
      repositoriesOf.get(child)!.forEach(repository => needed.add(repository));
    }
    const repositoryDays = await readKeyedRows(
      tx,
      'repository_delivery_daily',
      ['repository', 'date'],
      'summary',
      [...needed],
      days,
      String,
    );

    const parse = parseOnce();
    const wantedDays = new Map<string, string>();
    const merged = new Set<string>();
    const repositoryTexts = (repositories: Iterable<string>, date: string) =>
      [...repositories].flatMap(
        repository => repositoryDays.get(keyOf([repository, date])) ?? [],
      );
    const datesOf = groupBy(keys, ([ref]) => ref);
    for (const ref of order) {
      const plan = plans.get(ref)!;
      for (const [, date] of datesOf.get(ref) ?? []) {
        const texts = repositoryTexts(plan.direct, date);
        for (const child of plan.children) {
          const key = keyOf([child, date]);
          if (
            pendingChildDays.has(key) ||
            (inBatch.has(key) && !merged.has(key))
          ) {
            texts.push(...repositoryTexts(repositoriesOf.get(child)!, date));
          } else {
            const text = merged.has(key)
              ? wantedDays.get(key)
              : storedDays.get(key);
            if (text !== undefined) {
              texts.push(text);
            }
          }
        }
        const key = keyOf([ref, date]);
        if (texts.length > 0) {
          wantedDays.set(key, mergeTexts(texts, parse));
        }
        merged.add(key);
      }
    }
    const changedDays = await writeChangedRows(
      tx,
      'entity_delivery_daily',
      ['entity_ref', 'date'],
      'summary',
      keys,
      wantedDays,
      storedDays,
    );

    // Merged pull requests authored by the members of Users and Groups, per day.
    const people = entities.filter(isPeopleEntity);
    const wantedCounts = new Map<string, number>();
    for (const chunk of chunked(people, CHUNK)) {
      const rows: Array<{ entity_ref: string; date: string; n: unknown }> =
        await tx('entity_members as m')
          .join('user_identities as i', 'i.user_ref', 'm.user_ref')
          .join('pull_requests as p', 'p.author', 'i.identity')
          .whereIn('m.entity_ref', chunk)
          .whereBetween('p.merged_date', days)
          .groupBy('m.entity_ref', 'p.merged_date')
          .select(
            'm.entity_ref',
            'p.merged_date as date',
            tx.raw('COUNT(*) AS n'),
          );
      for (const row of rows) {
        wantedCounts.set(keyOf([row.entity_ref, row.date]), toNumber(row.n));
      }
    }
    await writeChangedRows(
      tx,
      'entity_authored_daily',
      ['entity_ref', 'date'],
      'merged_pull_requests',
      keys.filter(([ref]) => isPeopleEntity(ref)),
      wantedCounts,
      await readKeyedRows(
        tx,
        'entity_authored_daily',
        ['entity_ref', 'date'],
        'merged_pull_requests',
        people,
        days,
        toNumber,
      ),
    );

    // The month merge reads back the days written above: their summaries are parsed already.
    await mergeEntityMonth(
      tx,
      month,
      [...new Set(changedDays.map(([ref]) => ref))],
      parse,
    );

    // The entries are locked until this transaction ends (SQLite: one writer at a time), so none
    // was queued again since it was read; one queued again later is a new entry.
    for (const chunk of chunked(queued, CHUNK)) {
      await whereKeysIn(
        tx('delivery_entity_queue').where(
          'enqueued_at',
          '<=',
          Math.max(...chunk.map(q => q.enqueuedAt)),
        ),
        ['entity_ref', 'date'],
        chunk.map(q => [q.ref, q.date]),
      ).delete();
    }
    return queued.length;
  }
}

/** The child groups whose days an entity's day merges, and the repositories it merges directly. */
type MergePlan = { children: string[]; direct: string[] };

/**
 * How an entity's day is merged: from the day summaries of its child groups that deliver a part
 * of its repositories no other child delivers, and from the day summaries of the rest of its
 * repositories. A department's day is then a handful of its teams' days instead of the days of
 * every repository under it (a team moved between departments merges both again for every day
 * of its history). Each repository of the entity is merged exactly once either way, so the
 * result is the same; a child whose repositories overlap a sibling's, or are not all the
 * entity's, is not used.
 */
async function planEntityMerges(
  tx: Knex,
  entities: readonly string[],
): Promise<{
  plans: Map<string, MergePlan>;
  /** The repositories of the entities and of their children. */
  repositoriesOf: Map<string, Set<string>>;
}> {
  const childrenOf = new Map<string, Set<string>>();
  for (const chunk of chunked(
    entities.filter(ref => ref.startsWith('group:')),
    CHUNK,
  )) {
    for (const row of await tx('ownership_entities')
      .select('entity_ref', 'parent_ref')
      .whereIn('parent_ref', chunk)) {
      add(childrenOf, row.parent_ref, row.entity_ref);
    }
  }
  const everyone = new Set(entities);
  childrenOf.forEach(refs => refs.forEach(ref => everyone.add(ref)));
  const repositoriesOf = new Map<string, Set<string>>();
  for (const chunk of chunked([...everyone], CHUNK)) {
    for (const row of await tx('entity_components as ec')
      .join(
        'repository_components as rc',
        'rc.component_ref',
        'ec.component_ref',
      )
      .distinct('ec.entity_ref', 'rc.repository')
      .whereIn('ec.entity_ref', chunk)) {
      add(repositoriesOf, row.entity_ref, row.repository);
    }
  }

  const plans = new Map<string, MergePlan>();
  for (const ref of entities) {
    const own = repositoriesOf.get(ref) ?? new Set<string>();
    const candidates = [...(childrenOf.get(ref) ?? [])]
      .filter(child => child !== ref && repositoriesOf.has(child))
      .filter(child => [...repositoriesOf.get(child)!].every(r => own.has(r)))
      .sort();
    const claims = new Map<string, number>();
    for (const child of candidates) {
      for (const repository of repositoriesOf.get(child)!) {
        claims.set(repository, (claims.get(repository) ?? 0) + 1);
      }
    }
    const children = candidates.filter(child =>
      [...repositoriesOf.get(child)!].every(r => claims.get(r) === 1),
    );
    const covered = new Set(
      children.flatMap(child => [...repositoriesOf.get(child)!]),
    );
    plans.set(ref, {
      children,
      direct: [...own].filter(repository => !covered.has(repository)).sort(),
    });
  }
  return { plans, repositoriesOf };
}

/** The entities in an order where each comes after its children (but in a cycle of parents). */
function childrenFirst(
  entities: readonly string[],
  plans: Map<string, MergePlan>,
): string[] {
  const order: string[] = [];
  const visited = new Set<string>();
  const visit = (ref: string) => {
    if (visited.has(ref)) {
      return;
    }
    visited.add(ref);
    for (const child of plans.get(ref)?.children ?? []) {
      if (plans.has(child)) {
        visit(child);
      }
    }
    order.push(ref);
  };
  entities.forEach(visit);
  return order;
}

/**
 * The delivery records of some repositories, as the engine takes them: merged pull requests, the
 * production deployments with the pull requests they carry and the production flag decided at
 * ingestion, and incidents with the deployment they were linked to.
 */
async function readRepositoryEvents(
  tx: Knex,
  repositories: string[],
): Promise<Map<string, RepositoryEvents>> {
  const events = new Map<string, RepositoryEvents>(
    repositories.map(repository => [
      repository,
      { pullRequests: [], deployments: [], incidents: [] },
    ]),
  );
  for (const chunk of chunked(repositories, CHUNK)) {
    for (const row of await tx('pull_requests')
      .select(
        'repository',
        'number',
        'author',
        'created_at',
        'first_commit_at',
        'first_review_at',
        'merged_at',
        'merge_commit_sha',
        'ai_assisted',
        'labels',
        'title',
      )
      .whereIn('repository', chunk)
      .whereNotNull('merged_date')
      .orderBy(['repository', 'number'])) {
      events.get(row.repository)!.pullRequests.push({
        repository: row.repository,
        number: toNumber(row.number),
        author: row.author,
        createdAt: row.created_at,
        firstCommitAt: row.first_commit_at ?? undefined,
        firstReviewAt: row.first_review_at ?? undefined,
        mergedAt: row.merged_at ?? undefined,
        mergeCommitSha: row.merge_commit_sha ?? undefined,
        aiAssisted: Boolean(row.ai_assisted),
        labels: parseLabels(row.labels),
        title: row.title ?? undefined,
      });
    }
    const carried = new Map<string, number[]>();
    for (const link of await tx('deployment_pull_requests')
      .select('repository', 'deployment_id', 'pull_request_number')
      .whereIn('repository', chunk)
      .orderBy(['repository', 'deployment_id', 'pull_request_number'])) {
      const key = `${link.repository}\n${link.deployment_id}`;
      const numbers = carried.get(key);
      if (numbers) {
        numbers.push(toNumber(link.pull_request_number));
      } else {
        carried.set(key, [toNumber(link.pull_request_number)]);
      }
    }
    for (const row of await tx('deployments')
      .select('repository', 'id', 'environment', 'status', 'finished_at')
      .whereIn('repository', chunk)
      .where('production', true)
      .orderBy(['repository', 'finished_at', 'id'])) {
      events.get(row.repository)!.deployments.push({
        repository: row.repository,
        id: row.id,
        environment: row.environment,
        production: true,
        status: row.status,
        finishedAt: row.finished_at,
        pullRequests: carried.get(`${row.repository}\n${row.id}`) ?? [],
      });
    }
    for (const row of await tx('incidents')
      .select('repository', 'id', 'created_at', 'resolved_at', 'deployment_id')
      .whereIn('repository', chunk)
      .orderBy(['repository', 'id'])) {
      events.get(row.repository)!.incidents.push({
        repository: row.repository,
        id: row.id,
        createdAt: row.created_at,
        resolvedAt: row.resolved_at ?? undefined,
        deploymentId: row.deployment_id ?? undefined,
      });
    }
  }
  return events;
}

/**
 * Writes the day summaries of repositories where they differ from the stored ones, and removes
 * the days that have none any more (`wanted` holds every day of each repository); keeps the list
 * of repositories with any day (`delivery_repositories`); returns the days changed per repository.
 */
async function writeRepositoryDays(
  tx: Knex,
  wanted: Map<string, Map<string, string>>,
): Promise<Map<string, Set<string>>> {
  const changed = new Map<string, Set<string>>();
  const upserts: Array<{ repository: string; date: string; summary: string }> =
    [];
  const removed = new Map<string, Set<string>>();
  for (const chunk of chunked([...wanted.keys()], CHUNK)) {
    const stored = new Map<string, Map<string, string>>();
    for (const row of await tx('repository_delivery_daily')
      .select('repository', 'date', 'summary')
      .whereIn('repository', chunk)) {
      let days = stored.get(row.repository);
      if (!days) {
        days = new Map();
        stored.set(row.repository, days);
      }
      days.set(row.date, row.summary);
    }
    for (const repository of chunk) {
      const days = wanted.get(repository)!;
      const before = stored.get(repository) ?? new Map<string, string>();
      for (const [date, summary] of days) {
        if (before.get(date) !== summary) {
          upserts.push({ repository, date, summary });
          add(changed, repository, date);
        }
      }
      for (const date of before.keys()) {
        if (!days.has(date)) {
          add(removed, repository, date);
          add(changed, repository, date);
        }
      }
    }
  }
  for (const rows of chunked(upserts, CHUNK / 2)) {
    await tx('repository_delivery_daily')
      .insert(rows)
      .onConflict(['repository', 'date'])
      .merge(['summary']);
  }
  for (const [repository, dates] of removed) {
    for (const chunk of chunked([...dates], CHUNK)) {
      await tx('repository_delivery_daily')
        .where('repository', repository)
        .whereIn('date', chunk)
        .delete();
    }
  }
  // Which repositories have delivery data at all, for the delivery card's coverage count.
  const withData = [...wanted].filter(([, days]) => days.size > 0);
  const without = [...wanted].filter(([, days]) => days.size === 0);
  for (const chunk of chunked(withData, CHUNK)) {
    await tx('delivery_repositories')
      .insert(chunk.map(([repository]) => ({ repository })))
      .onConflict('repository')
      .ignore();
  }
  for (const chunk of chunked(without, CHUNK)) {
    await tx('delivery_repositories')
      .whereIn(
        'repository',
        chunk.map(([repository]) => repository),
      )
      .delete();
  }
  return changed;
}

/** A row key of two columns: (repository or entity, date or month). */
type Key = [string, string];

function keyOf([a, b]: Key): string {
  return `${a}\u0000${b}`;
}

/**
 * Parses each text once: a batch reads the same repository-day in every entity that delivers the
 * repository, and the entity-days it merges again in their months.
 */
type Parser = {
  (text: string): DeliverySummary;
  /** Keeps a summary under its text, so that the text written is not parsed again. */
  remember(text: string, summary: DeliverySummary): void;
};

function parseOnce(): Parser {
  const parsed = new Map<string, DeliverySummary>();
  const parse = (text: string) => {
    let summary = parsed.get(text);
    if (!summary) {
      summary = parseDeliverySummary(text);
      parsed.set(text, summary);
    }
    return summary;
  };
  return Object.assign(parse, {
    remember: (text: string, summary: DeliverySummary) => {
      parsed.set(text, summary);
    },
  });
}

/** The values of the rows of some first keys whose second key is in a range, by {@link keyOf}. */
async function readKeyedRows<V>(
  tx: Knex,
  table: string,
  [first, second]: [string, string],
  valueColumn: string,
  firstKeys: readonly string[],
  [from, to]: [string, string],
  read: (value: unknown) => V,
): Promise<Map<string, V>> {
  const values = new Map<string, V>();
  for (const chunk of chunked([...firstKeys], CHUNK)) {
    for (const row of await tx(table)
      .select(first, second, valueColumn)
      .whereIn(first, chunk)
      .whereBetween(second, [from, to])) {
      values.set(keyOf([row[first], row[second]]), read(row[valueColumn]));
    }
  }
  return values;
}

/**
 * Makes the stored rows of some keys equal to the wanted values: writes those that differ and
 * deletes those no longer wanted. `stored` holds the current values of at least these keys.
 * Returns the keys whose row changed.
 */
async function writeChangedRows<V>(
  tx: Knex,
  table: string,
  [first, second]: [string, string],
  valueColumn: string,
  keys: readonly Key[],
  wanted: Map<string, V>,
  stored: Map<string, V>,
): Promise<Key[]> {
  const changed: Key[] = [];
  const upserts: Array<Record<string, unknown>> = [];
  const deletes = new Map<string, string[]>();
  for (const key of [...keys].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1))) {
    const value = wanted.get(keyOf(key));
    if (value === undefined) {
      if (stored.has(keyOf(key))) {
        deletes.set(key[1], [...(deletes.get(key[1]) ?? []), key[0]]);
        changed.push(key);
      }
    } else if (stored.get(keyOf(key)) !== value) {
      upserts.push({ [first]: key[0], [second]: key[1], [valueColumn]: value });
      changed.push(key);
    }
  }
  for (const rows of chunked(upserts, CHUNK / 2)) {
    await tx(table)
      .insert(rows)
      .onConflict([first, second])
      .merge([valueColumn]);
  }
  for (const [secondKey, firstKeys] of deletes) {
    for (const chunk of chunked(firstKeys, CHUNK)) {
      await tx(table).where(second, secondKey).whereIn(first, chunk).delete();
    }
  }
  return changed;
}

/** The merge of some serialised summaries, as text: the text itself when there is one. */
function mergeTexts(texts: readonly string[], parse: Parser): string {
  if (texts.length === 1) {
    return texts[0];
  }
  const merged = mergeAllDeliverySummaries(texts.map(parse));
  const text = serializeDeliverySummary(merged);
  parse.remember(text, merged);
  return text;
}

/** Merges the monthly rows of some entities again from their daily rows of that month. */
async function mergeEntityMonth(
  tx: Knex,
  month: string,
  refs: string[],
  parse: Parser,
) {
  const sorted = [...refs].sort();
  if (isPostgres(tx)) {
    // Another transaction merging other days of the same entity-month waits for this one, and
    // then reads its days: the last merge of a month sees all of them. Every transaction takes
    // these locks in the same order, so they cannot deadlock.
    await tx.raw(
      'SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(?::text[]) AS k',
      [sorted.map(ref => `delivery:${ref}:${month}`)],
    );
  }
  const monthDays: [string, string] = [`${month}-01`, lastDayOfMonth(month)];
  const wanted = new Map<string, string>();
  for (const chunk of chunked(sorted, CHUNK)) {
    const days = new Map<string, string[]>();
    for (const row of await tx('entity_delivery_daily')
      .select('entity_ref', 'summary')
      .whereIn('entity_ref', chunk)
      .whereBetween('date', monthDays)
      .orderBy(['entity_ref', 'date'])) {
      const texts = days.get(row.entity_ref);
      if (texts) {
        texts.push(row.summary);
      } else {
        days.set(row.entity_ref, [row.summary]);
      }
    }
    for (const [ref, texts] of days) {
      wanted.set(keyOf([ref, month]), mergeTexts(texts, parse));
    }
  }
  const stored = new Map<string, string>();
  for (const chunk of chunked(sorted, CHUNK)) {
    for (const row of await tx('entity_delivery_monthly')
      .select('entity_ref', 'summary')
      .where('month', month)
      .whereIn('entity_ref', chunk)) {
      stored.set(keyOf([row.entity_ref, month]), row.summary);
    }
  }
  await writeChangedRows(
    tx,
    'entity_delivery_monthly',
    ['entity_ref', 'month'],
    'summary',
    sorted.map((ref): Key => [ref, month]),
    wanted,
    stored,
  );
}
