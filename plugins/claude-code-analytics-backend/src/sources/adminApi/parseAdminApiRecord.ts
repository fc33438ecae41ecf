import { InputError } from '@backstage/errors';
import { DateTime } from 'luxon';
import { ModelUsage, UsageActivity, UsageDay } from '../../ingestion/types';

/**
 * The outcome of parsing one record of the Claude Code usage report: the usage day it describes,
 * or why it cannot be used.
 *
 * @public
 */
export type AdminApiRecordParseResult =
  | { ok: true; day: UsageDay }
  | { ok: false; reason: string };

type JsonObject = Record<string, unknown>;

const DATE_OR_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T.+)?$/;
const TOOL_KEY = /^(.+)_tool$/;
// Keeps the variant within its 128-character column however long a terminal name gets.
const MAX_VARIANT_PART = 32;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** An optional nested object; null counts as absent. */
function objectAt(parent: JsonObject, key: string, path: string) {
  const value = parent[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (!isObject(value)) {
    throw new InputError(`${path} is not an object`);
  }
  return value;
}

/** An optional string; null counts as absent. */
function stringAt(parent: JsonObject, key: string, path: string) {
  const value = parent[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new InputError(`${path} is not a string: ${describe(value)}`);
  }
  return value;
}

/** An optional count; absent counts as 0. */
function countAt(parent: JsonObject | undefined, key: string, path: string) {
  const value = parent?.[key];
  if (value === undefined || value === null) {
    return 0;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new InputError(
      `${path} is not a non-negative whole number: ${describe(value)}`,
    );
  }
  return value;
}

function parseIdentity(record: JsonObject): string {
  const actor = objectAt(record, 'actor', 'actor');
  if (!actor) {
    throw new InputError('actor is missing');
  }
  const type = stringAt(actor, 'type', 'actor.type');
  const email = stringAt(actor, 'email_address', 'actor.email_address');
  const keyName = stringAt(actor, 'api_key_name', 'actor.api_key_name');
  let identity: string | undefined;
  if (type === 'user_actor') {
    identity = email;
  } else if (type === 'api_actor') {
    identity = keyName;
  } else {
    // An actor type added later still names someone through one of the known fields.
    identity = email ?? keyName;
  }
  if (!identity?.trim()) {
    throw new InputError(
      `actor of type ${describe(type)} has no email_address or api_key_name`,
    );
  }
  return identity.trim();
}

function parseDate(record: JsonObject): string {
  const value = stringAt(record, 'date', 'date');
  if (value === undefined) {
    throw new InputError('date is missing');
  }
  const date = DATE_OR_DATE_TIME.test(value)
    ? DateTime.fromISO(value, { zone: 'utc' })
    : undefined;
  if (!date?.isValid) {
    throw new InputError(`date is not an RFC 3339 date: ${describe(value)}`);
  }
  return date.toISODate()!;
}

function parseVariant(record: JsonObject): string {
  const isRemote = record.is_remote;
  if (
    isRemote !== undefined &&
    isRemote !== null &&
    typeof isRemote !== 'boolean'
  ) {
    throw new InputError(`is_remote is not a boolean: ${describe(isRemote)}`);
  }
  return [
    stringAt(record, 'customer_type', 'customer_type'),
    stringAt(record, 'subscription_type', 'subscription_type'),
    stringAt(record, 'terminal_type', 'terminal_type'),
    // Records from before is_remote existed were local ones: they keep their key.
    isRemote ? 'remote' : 'local',
  ]
    .map(part => (part ?? '').slice(0, MAX_VARIANT_PART))
    .join('/');
}

/** `multi_edit_tool` -> `MultiEdit`, the name Claude Code itself uses for the tool. */
function toolName(key: string): string | undefined {
  const match = TOOL_KEY.exec(key);
  const name = match?.[1]
    .split('_')
    .filter(Boolean)
    .map(word => word[0].toUpperCase() + word.slice(1))
    .join('');
  return name || undefined;
}

function parseToolDecisions(
  record: JsonObject,
): UsageActivity['toolDecisions'] {
  const decisions: UsageActivity['toolDecisions'] = {};
  const actions = objectAt(record, 'tool_actions', 'tool_actions') ?? {};
  for (const [key, value] of Object.entries(actions)) {
    const tool = toolName(key);
    if (!tool || value === undefined || value === null) {
      continue;
    }
    const path = `tool_actions.${key}`;
    if (!isObject(value)) {
      throw new InputError(`${path} is not an object`);
    }
    const previous = decisions[tool] ?? { accepted: 0, rejected: 0 };
    decisions[tool] = {
      accepted:
        previous.accepted + countAt(value, 'accepted', `${path}.accepted`),
      rejected:
        previous.rejected + countAt(value, 'rejected', `${path}.rejected`),
    };
  }
  return decisions;
}

function parseActivity(record: JsonObject): UsageActivity {
  const core = objectAt(record, 'core_metrics', 'core_metrics');
  const lines = core
    ? objectAt(core, 'lines_of_code', 'core_metrics.lines_of_code')
    : undefined;
  return {
    sessions: countAt(core, 'num_sessions', 'core_metrics.num_sessions'),
    // The usage report has no active time.
    activeSeconds: 0,
    linesAdded: countAt(lines, 'added', 'core_metrics.lines_of_code.added'),
    linesRemoved: countAt(
      lines,
      'removed',
      'core_metrics.lines_of_code.removed',
    ),
    commits: countAt(
      core,
      'commits_by_claude_code',
      'core_metrics.commits_by_claude_code',
    ),
    pullRequests: countAt(
      core,
      'pull_requests_by_claude_code',
      'core_metrics.pull_requests_by_claude_code',
    ),
    toolDecisions: parseToolDecisions(record),
  };
}

/** The reported cost in micro-dollars; undefined when there is none in USD to take. */
function parseCostMicros(entry: JsonObject, path: string): number | undefined {
  const cost = objectAt(entry, 'estimated_cost', `${path}.estimated_cost`);
  const amount = cost?.amount;
  if (!cost || amount === undefined || amount === null) {
    return undefined;
  }
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
    throw new InputError(
      `${path}.estimated_cost.amount is not a non-negative number: ${describe(
        amount,
      )}`,
    );
  }
  const currency = stringAt(
    cost,
    'currency',
    `${path}.estimated_cost.currency`,
  );
  if (currency?.toUpperCase() !== 'USD') {
    return undefined;
  }
  // The amount is in cents: one cent is 10,000 micro-dollars.
  return Math.round(amount * 10_000);
}

function parseModels(record: JsonObject): ModelUsage[] {
  const breakdown = record.model_breakdown;
  if (breakdown === undefined || breakdown === null) {
    return [];
  }
  if (!Array.isArray(breakdown)) {
    throw new InputError('model_breakdown is not an array');
  }
  const byModel = new Map<string, ModelUsage>();
  breakdown.forEach((entry: unknown, index) => {
    const path = `model_breakdown[${index}]`;
    if (!isObject(entry)) {
      throw new InputError(`${path} is not an object`);
    }
    const model = stringAt(entry, 'model', `${path}.model`)?.trim();
    if (!model) {
      throw new InputError(`${path}.model is missing`);
    }
    const tokens = objectAt(entry, 'tokens', `${path}.tokens`);
    const usage: ModelUsage = {
      model,
      tokens: {
        input: countAt(tokens, 'input', `${path}.tokens.input`),
        output: countAt(tokens, 'output', `${path}.tokens.output`),
        cacheRead: countAt(tokens, 'cache_read', `${path}.tokens.cache_read`),
        cacheCreation: countAt(
          tokens,
          'cache_creation',
          `${path}.tokens.cache_creation`,
        ),
      },
      costMicros: parseCostMicros(entry, path),
    };
    const previous = byModel.get(model);
    // The store keeps one row per model: a model listed twice is summed, not overwritten.
    byModel.set(
      model,
      previous
        ? {
            model,
            tokens: {
              input: previous.tokens.input + usage.tokens.input,
              output: previous.tokens.output + usage.tokens.output,
              cacheRead: previous.tokens.cacheRead + usage.tokens.cacheRead,
              cacheCreation:
                previous.tokens.cacheCreation + usage.tokens.cacheCreation,
            },
            costMicros:
              previous.costMicros !== undefined &&
              usage.costMicros !== undefined
                ? previous.costMicros + usage.costMicros
                : undefined,
          }
        : usage,
    );
  });
  return [...byModel.values()];
}

/**
 * Turns one record of `GET /v1/organizations/usage_report/claude_code` into the usage day it
 * describes. Unknown fields are ignored and missing optional fields count as zero; a record that
 * names nobody, has no valid date or carries a count that is not a non-negative number is
 * rejected with the reason.
 *
 * @public
 */
export function parseAdminApiRecord(
  record: unknown,
): AdminApiRecordParseResult {
  if (!isObject(record)) {
    return { ok: false, reason: 'record is not an object' };
  }
  try {
    return {
      ok: true,
      day: {
        identity: parseIdentity(record),
        date: parseDate(record),
        provider: 'firstParty',
        variant: parseVariant(record),
        activity: parseActivity(record),
        models: parseModels(record),
      },
    };
  } catch (error) {
    if (InputError.is(error)) {
      return { ok: false, reason: error.message };
    }
    throw error;
  }
}
