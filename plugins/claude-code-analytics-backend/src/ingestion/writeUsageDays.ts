import {
  costMicros,
  findModelPrice,
} from 'backstage-plugin-claude-code-analytics-common';
import { Knex } from 'knex';
import { enqueueUserDays } from '../rollups/rollupQueue';
import { chunked } from '../store/chunked';
import { inTransaction } from '../store/inTransaction';
import { insertRows } from '../store/insertRows';
import { replaceRows } from '../store/replaceRows';
import {
  RawUsageKey,
  UsageActivityDailyRow,
  UsageModelDailyRow,
  UsageToolDailyRow,
} from '../store/tables';
import { normalizeIdentity, normalizeRepository } from './normalizeIdentity';
import { PricingOptions } from './PricingOptions';
import { UsageDay } from './types';
import { whereKeysIn, whereValuesIn } from '../store/whereKeysIn';

const RAW_KEY_COLUMNS = [
  'source',
  'identity',
  'date',
  'provider',
  'repository',
  'variant',
] as const;

function keyOf(source: string, day: UsageDay): RawUsageKey {
  return {
    source,
    identity: normalizeIdentity(day.identity),
    date: day.date,
    provider: day.provider,
    repository: day.repository ? normalizeRepository(day.repository) : '',
    variant: day.variant ?? '',
  };
}

function keyString(key: RawUsageKey): string {
  return RAW_KEY_COLUMNS.map(column => key[column]).join('\u0000');
}

function priceModel(
  day: UsageDay,
  model: UsageDay['models'][number],
  pricing: PricingOptions,
): Pick<UsageModelDailyRow, 'cost_micros' | 'unpriced_tokens' | 'cost_origin'> {
  if (model.costMicros !== undefined) {
    return {
      cost_micros: Math.round(model.costMicros),
      unpriced_tokens: 0,
      cost_origin: 'reported',
    };
  }
  const price = findModelPrice(model.model, pricing.table);
  if (!price) {
    const { input, output, cacheRead, cacheCreation } = model.tokens;
    return {
      cost_micros: 0,
      unpriced_tokens: input + output + cacheRead + cacheCreation,
      cost_origin: 'unpriced',
    };
  }
  return {
    cost_micros: costMicros(
      model.tokens,
      price,
      pricing.providerMultipliers[day.provider] ?? 1,
    ),
    unpriced_tokens: 0,
    cost_origin: 'priced',
  };
}

/**
 * Writes usage days of one source. Each (source, identity, day, provider, repository, variant)
 * replaces what that key held before, so a source may re-read a day as often as it likes. Only the
 * rows that change are written: an OTLP session's day is re-summed every few seconds while it
 * lasts, and most of its model and tool rows are the same each time; deleting and inserting them
 * again changed every index of the table for every row. Marks the user-days whose rows changed for
 * recomputation (a day read again unchanged, as an exporter's retry or a daily re-read, queues
 * nothing); the caller runs the rollups.
 *
 * @returns the number of usage days written.
 */
export async function writeUsageDays(
  knex: Knex,
  source: string,
  days: UsageDay[],
  pricing: PricingOptions,
): Promise<number> {
  const now = new Date();
  const byKey = new Map<string, { key: RawUsageKey; day: UsageDay }>();
  for (const day of days) {
    const key = keyOf(source, day);
    // A later record of the same key in one batch wins, as it would in a later batch.
    byKey.set(keyString(key), { key, day });
  }
  const entries = [...byKey.values()];
  if (entries.length === 0) {
    return 0;
  }

  // In the caller's transaction when there is one (a re-sum reads and writes in one).
  await inTransaction(knex, async tx => {
    // The identity-days whose rows changed: only their people's facts need recomputing.
    const changedDays = new Set<string>();
    for (const chunk of chunked(entries, 200)) {
      const keys = chunk.map(({ key }) =>
        RAW_KEY_COLUMNS.map(column => key[column]),
      );
      const activityRows: UsageActivityDailyRow[] = [];
      const modelRows: UsageModelDailyRow[] = [];
      const toolRows: UsageToolDailyRow[] = [];
      for (const { key, day } of chunk) {
        if (day.activity) {
          const a = day.activity;
          activityRows.push({
            ...key,
            sessions: a.sessions,
            active_seconds: Math.round(a.activeSeconds),
            lines_added: a.linesAdded,
            lines_removed: a.linesRemoved,
            commits: a.commits,
            pull_requests: a.pullRequests,
            prompts: a.prompts ?? 0,
            prompt_characters: a.promptCharacters ?? 0,
            api_requests: a.apiRequests ?? 0,
            api_errors: a.apiErrors ?? 0,
            received_at: now,
          });
          // One row per tool, with its edit decisions and its runs.
          const tools = new Set([
            ...Object.keys(a.toolDecisions),
            ...Object.keys(a.toolResults ?? {}),
          ]);
          for (const tool of tools) {
            const decisions = a.toolDecisions[tool];
            const results = a.toolResults?.[tool];
            toolRows.push({
              ...key,
              tool,
              accepted: decisions?.accepted ?? 0,
              rejected: decisions?.rejected ?? 0,
              succeeded: results?.succeeded ?? 0,
              failed: results?.failed ?? 0,
            });
          }
        }
        const models = new Map<string, UsageDay['models'][number]>();
        for (const model of day.models) {
          models.set(model.model, model);
        }
        for (const model of models.values()) {
          modelRows.push({
            ...key,
            model: model.model,
            input_tokens: model.tokens.input,
            output_tokens: model.tokens.output,
            cache_read_tokens: model.tokens.cacheRead,
            cache_creation_tokens: model.tokens.cacheCreation,
            ...priceModel(day, model, pricing),
            received_at: now,
          });
        }
      }
      // Each table's rows of these keys become exactly the computed ones; rows whose values did
      // not change are not written (they keep the time they were received).
      for (const [table, key, rows] of [
        ['usage_activity_daily', RAW_KEY_COLUMNS, activityRows],
        ['usage_model_daily', [...RAW_KEY_COLUMNS, 'model'], modelRows],
        ['usage_tool_daily', [...RAW_KEY_COLUMNS, 'tool'], toolRows],
      ] as const) {
        const stored = await whereKeysIn(tx(table), RAW_KEY_COLUMNS, keys);
        const { written, deleted } = await replaceRows(
          tx,
          table,
          key,
          stored,
          rows,
          { uncompared: ['received_at'] },
        );
        for (const row of [...written, ...deleted]) {
          changedDays.add(`${row.identity}\u0000${row.date}`);
        }
      }
    }

    const identities = [...new Set(entries.map(e => e.key.identity))];
    await insertRows(
      tx,
      'identities',
      identities.map(identity => ({
        identity,
        last_source: source,
        first_seen_at: now,
        last_seen_at: now,
      })),
      { onConflict: ['identity'], merge: ['last_source', 'last_seen_at'] },
    );

    const userByIdentity = new Map<string, string>();
    for (const chunk of chunked(identities, 500)) {
      const rows = await whereValuesIn(
        tx('user_identities').select('identity', 'user_ref'),
        'identity',
        chunk,
      );
      for (const row of rows) {
        userByIdentity.set(row.identity, row.user_ref);
      }
    }
    const userDays = entries.flatMap(({ key }) => {
      const userRef = userByIdentity.get(key.identity);
      return userRef && changedDays.has(`${key.identity}\u0000${key.date}`)
        ? [{ ref: userRef, date: key.date }]
        : [];
    });
    await enqueueUserDays(tx, userDays);

    await tx('source_status')
      .insert({ source, last_received_at: now, rows: entries.length })
      .onConflict('source')
      .merge({
        last_received_at: now,
        rows: tx.raw('?? + ?', ['source_status.rows', entries.length]),
      });
  });
  return entries.length;
}
