import { Knex } from 'knex';
import { chunked } from '../store/chunked';
import { insertRows } from '../store/insertRows';
import { ReplacedRows } from '../store/replaceRows';
import { whereKeysIn } from '../store/whereKeysIn';
import { ENTITY_SUMS, EntityTable, entityKey } from './entitySums';

type Row = Record<string, unknown>;

/** What some people's recomputed facts of one day change in one rollup table. */
export type EntityTableChanges = {
  /** Rows of differences, keyed as the table, to add to the stored rows (or insert). */
  differences: Row[];
  /**
   * Keys (entity and detail) that lost facts: their rows are deleted if no fact is left under them.
   */
  thinned: string[][];
};

/**
 * The differences that some people's facts of one day, recomputed, make to one rollup table of the
 * entities whose scopes they are in: each rollup row is the sum of the facts of its entity's scopes
 * (`entitySums`), so a fact written adds to it, the stored fact it replaced or a fact deleted
 * subtracts from it, and no other fact needs reading. `facts` is what `replaceRows` did to the
 * table's facts (most of a person's facts are the same as at the last pass, and were not written),
 * with all the facts of those people on that day before and after: for `entity_daily`, they decide
 * whether a person whose facts were new or deleted counts in an entity's `active_users` (whether
 * any of their facts is in one of its scopes).
 *
 * Measures are summed as numbers: the facts of a day hold far less than 2^53 tokens.
 */
export function entityChanges(
  table: EntityTable,
  date: string,
  facts: ReplacedRows & { before: Row[]; after: Row[] },
  entitiesOfScope: ReadonlyMap<string, readonly string[]>,
): EntityTableChanges {
  const { detail, measures, countsPeople } = ENTITY_SUMS[table];
  // Each change with the number of facts it gains (or loses, below zero).
  const changes = new Map<string, { row: Row; gained: number }>();
  // The key of a fact's detail (model, tool), the same for each of its entities.
  const detailKey = (fact: Row) =>
    detail.map(c => `\u0000${String(fact[c])}`).join('');
  const changeOf = (entityRef: string, fact: Row, factDetail: string) => {
    const id = entityRef + factDetail;
    let change = changes.get(id);
    if (!change) {
      change = {
        row: {
          entity_ref: entityRef,
          date,
          ...Object.fromEntries(detail.map(c => [c, fact[c]])),
          ...(countsPeople ? { active_users: 0 } : {}),
          ...Object.fromEntries(measures.map(c => [c, 0])),
        },
        gained: 0,
      };
      changes.set(id, change);
    }
    return change;
  };
  const add = (fact: Row, sign: 1 | -1) => {
    const entities = entitiesOfScope.get(String(fact.scope_ref));
    if (!entities) {
      return;
    }
    // Read once per fact, added to each of its entities' rows (a person's fact is in six or more).
    const factDetail = detailKey(fact);
    const values = measures.map(c => sign * Number(fact[c] ?? 0));
    for (const entityRef of entities) {
      const change = changeOf(entityRef, fact, factDetail);
      for (let i = 0; i < measures.length; i++) {
        change.row[measures[i]] =
          (change.row[measures[i]] as number) + values[i];
      }
      change.gained += sign;
    }
  };

  // People with facts new or deleted may count in other entities than before.
  const recounted = new Set<string>();
  for (const [i, fact] of facts.written.entries()) {
    const old = facts.previous[i];
    if (old) {
      add(old, -1);
    } else {
      recounted.add(String(fact.user_ref));
    }
    add(fact, 1);
  }
  for (const old of facts.deleted) {
    add(old, -1);
    recounted.add(String(old.user_ref));
  }

  if (countsPeople && recounted.size > 0) {
    // A person counts once in an entity however many of its scopes hold their facts.
    const entitiesOfPerson = (rows: Row[]) => {
      const of = new Map<string, Set<string>>();
      for (const fact of rows) {
        const person = String(fact.user_ref);
        if (!recounted.has(person)) {
          continue;
        }
        const entities = of.get(person) ?? new Set<string>();
        for (const entityRef of entitiesOfScope.get(String(fact.scope_ref)) ??
          []) {
          entities.add(entityRef);
        }
        of.set(person, entities);
      }
      return of;
    };
    const was = entitiesOfPerson(facts.before);
    const is = entitiesOfPerson(facts.after);
    for (const person of recounted) {
      const from = was.get(person) ?? new Set<string>();
      const to = is.get(person) ?? new Set<string>();
      for (const entityRef of to) {
        if (!from.has(entityRef)) {
          (changeOf(entityRef, {}, '').row.active_users as number)++;
        }
      }
      for (const entityRef of from) {
        if (!to.has(entityRef)) {
          (changeOf(entityRef, {}, '').row.active_users as number)--;
        }
      }
    }
  }

  const differences: Row[] = [];
  const thinned: string[][] = [];
  for (const { row, gained } of changes.values()) {
    // Rows gaining facts are written even when their sums do not move (a row exists while any fact
    // is under it); rows losing facts are looked at after.
    if (
      gained > 0 ||
      measures.some(c => row[c] !== 0) ||
      (countsPeople && row.active_users !== 0)
    ) {
      differences.push(row);
    }
    if (gained < 0) {
      thinned.push([
        String(row.entity_ref),
        ...detail.map(c => String(row[c])),
      ]);
    }
  }
  return { differences, thinned };
}

/**
 * Writes one table's changes (`entityChanges`) after the facts themselves were written, in their
 * transaction: the differences are added to the stored rows (a row not stored yet is inserted), and
 * a row that lost facts is deleted when none is left under it. For `entity_daily` that is when no
 * person is counted; for the others, when its measures are all zero and no fact of its entity's
 * scopes has its day and detail (a fact may hold zeros).
 */
export async function writeEntityChanges(
  tx: Knex.Transaction,
  table: EntityTable,
  date: string,
  changes: EntityTableChanges,
): Promise<void> {
  const { facts, detail, measures, countsPeople } = ENTITY_SUMS[table];
  await insertRows(tx, table, changes.differences, {
    onConflict: entityKey(table),
    add: [...(countsPeople ? ['active_users'] : []), ...measures],
  });
  const keyColumns = ['entity_ref', ...detail];
  for (const chunk of chunked(
    changes.thinned,
    Math.floor(1000 / keyColumns.length),
  )) {
    const query = whereKeysIn(tx(table), keyColumns, chunk).where('date', date);
    if (countsPeople) {
      await query.where('active_users', 0).delete();
      continue;
    }
    for (const c of measures) {
      query.where(c, 0);
    }
    await query
      .whereNotExists(inFacts =>
        inFacts
          .select(tx.raw('1'))
          .from({ f: facts })
          .join({ s: 'entity_scopes' }, 's.scope_ref', 'f.scope_ref')
          .where('s.entity_ref', tx.ref(`${table}.entity_ref`))
          .where(inner => {
            for (const c of ['date', ...detail]) {
              inner.where(`f.${c}`, tx.ref(`${table}.${c}`));
            }
          }),
      )
      .delete();
  }
}
