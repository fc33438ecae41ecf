import { ACTIVITY_COLUMNS, TOKEN_COLUMNS, TOOL_COLUMNS } from '../store/tables';
import { SqliteQuery } from '../store/SqliteReader';

/** The entities' rollup tables. */
export const ENTITY_TABLES = [
  'entity_daily',
  'entity_model_daily',
  'entity_tool_daily',
] as const;
export type EntityTable = (typeof ENTITY_TABLES)[number];

/**
 * Each rollup table: the facts it sums, its columns besides entity and day, its measures, and
 * whether it also counts the people with facts in the entity's scopes (`active_users`).
 */
export const ENTITY_SUMS: Record<
  EntityTable,
  {
    facts: string;
    detail: string[];
    measures: readonly string[];
    countsPeople: boolean;
  }
> = {
  entity_daily: {
    facts: 'usage_facts',
    detail: [],
    measures: [...ACTIVITY_COLUMNS, ...TOKEN_COLUMNS],
    countsPeople: true,
  },
  entity_model_daily: {
    facts: 'usage_model_facts',
    detail: ['model'],
    measures: TOKEN_COLUMNS,
    countsPeople: false,
  },
  entity_tool_daily: {
    facts: 'usage_tool_facts',
    detail: ['tool'],
    measures: TOOL_COLUMNS,
    countsPeople: false,
  },
};

export const entityKey = (table: EntityTable) => [
  'entity_ref',
  'date',
  ...ENTITY_SUMS[table].detail,
];

/** A rollup table's columns, in the order of its sums' query. */
export const entityColumns = (table: EntityTable) => [
  ...entityKey(table),
  ...(ENTITY_SUMS[table].countsPeople ? ['active_users'] : []),
  ...ENTITY_SUMS[table].measures,
];

/**
 * The query of some entities' rows of a rollup table on some days, summed from the facts of their
 * scopes: one row per entity, day (and model or tool), its columns named as the table's.
 */
export function entitySums(
  table: EntityTable,
  entityRefs: string[],
  dates: string[],
): SqliteQuery {
  const { facts, detail, measures, countsPeople } = ENTITY_SUMS[table];
  const columns = [
    's.entity_ref AS entity_ref',
    'f.date AS date',
    ...detail.map(c => `f.${c} AS ${c}`),
    ...(countsPeople ? ['COUNT(DISTINCT f.user_ref) AS active_users'] : []),
    ...measures.map(c => `SUM(f.${c}) AS ${c}`),
  ];
  return {
    sql: `SELECT ${columns.join(', ')}
       FROM ${facts} f JOIN entity_scopes s ON s.scope_ref = f.scope_ref
       WHERE s.entity_ref IN (${entityRefs.map(() => '?').join(', ')})
         AND f.date IN (${dates.map(() => '?').join(', ')})
       GROUP BY ${['s.entity_ref', 'f.date', ...detail.map(c => `f.${c}`)].join(
         ', ',
       )}`,
    bindings: [...entityRefs, ...dates],
  };
}
