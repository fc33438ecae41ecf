import {
  DeploymentRecord,
  IncidentRecord,
  PullRequestRecord,
  RequestRecord,
  UsageDailyRecord,
} from 'backstage-plugin-claude-code-analytics-common';
import { DateTime } from 'luxon';
import { z } from 'zod';

/** Any line of the NDJSON import format. */
export type ImportRecord =
  | UsageDailyRecord
  | PullRequestRecord
  | DeploymentRecord
  | IncidentRecord
  | RequestRecord;

const count = z.number().int().nonnegative();
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(
    value => DateTime.fromISO(value, { zone: 'utc' }).isValid,
    'is not a calendar date',
  );
// ISO 8601 with an offset (Z or ±hh:mm), so that the UTC day is unambiguous.
const instant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/,
    'must be an ISO 8601 timestamp with an offset',
  )
  .refine(value => DateTime.fromISO(value).isValid, 'is not a valid time');
const repository = z
  .string()
  .regex(/^[\w.-]+\/[\w.-]+$/, 'must be org/repo');
const tokens = z.strictObject({
  input: count,
  output: count,
  cacheRead: count,
  cacheCreation: count,
  cacheCreation1h: count.optional(),
});
const text = z.string().trim().min(1);

const schemas = {
  usage_daily: z.object({
    type: z.literal('usage_daily'),
    date: day,
    identity: text,
    model: text,
    sessions: count,
    linesAdded: count,
    linesRemoved: count,
    commits: count,
    pullRequests: count,
    tokens,
    costUsd: z.number().nonnegative(),
    toolDecisions: z.record(
      z.string().min(1),
      z.object({ accepted: count, rejected: count }),
    ),
    provider: text.optional(),
    repository: repository.optional(),
    activeSeconds: z.number().nonnegative().optional(),
  }),
  pull_request: z.object({
    type: z.literal('pull_request'),
    repository,
    number: z.number().int().positive(),
    author: text,
    createdAt: instant,
    firstCommitAt: instant,
    firstReviewAt: instant.optional(),
    mergedAt: instant.optional(),
    mergeCommitSha: z.string().regex(/^[0-9a-f]{7,64}$/i).optional(),
    aiAssisted: z.boolean().optional(),
    additions: count.optional(),
    deletions: count.optional(),
    labels: z.array(z.string()).optional(),
    title: z.string().optional(),
  }),
  deployment: z.object({
    type: z.literal('deployment'),
    repository,
    id: text,
    environment: text,
    status: z.enum(['success', 'failure']),
    finishedAt: instant,
    sha: z.string().regex(/^[0-9a-f]{7,64}$/i),
    pullRequests: z.array(z.number().int().positive()),
    production: z.boolean().optional(),
  }),
  incident: z.object({
    type: z.literal('incident'),
    repository,
    id: text,
    createdAt: instant,
    resolvedAt: instant.optional(),
  }),
  request: z
    .object({
      type: z.literal('request'),
      sessionId: text,
      requestId: text.optional(),
      messageId: text.optional(),
      timestamp: instant,
      identity: text.optional(),
      model: text,
      provider: text.optional(),
      repository: repository.optional(),
      tokens,
      costUsd: z.number().nonnegative().optional(),
    })
    .refine(r => r.requestId || r.messageId, {
      message: 'needs requestId or messageId, to be counted once',
    }),
};

/**
 * Parses and validates one NDJSON import line.
 *
 * @returns the record, or the reason it was rejected (field paths included).
 */
export function parseImportLine(
  line: string,
): { record: ImportRecord } | { reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { reason: `not JSON: ${(error as Error).message}` };
  }
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !(type in schemas)) {
    return {
      reason: `type must be one of ${Object.keys(schemas).join(', ')}, got ${JSON.stringify(type)}`,
    };
  }
  const result = schemas[type as keyof typeof schemas].safeParse(value);
  if (!result.success) {
    return {
      reason: result.error.issues
        .map(issue => `${issue.path.join('.') || type}: ${issue.message}`)
        .join('; '),
    };
  }
  const record = result.data as ImportRecord;
  if (record.type === 'pull_request') {
    const created = DateTime.fromISO(record.createdAt);
    if (record.mergedAt && DateTime.fromISO(record.mergedAt) < created) {
      return { reason: 'mergedAt is before createdAt' };
    }
  }
  if (
    record.type === 'incident' &&
    record.resolvedAt &&
    DateTime.fromISO(record.resolvedAt) < DateTime.fromISO(record.createdAt)
  ) {
    return { reason: 'resolvedAt is before createdAt' };
  }
  return { record };
}
