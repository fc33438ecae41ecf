import {
  AdoptionResponse,
  adoptionRate,
  apiErrorRate,
  DateRange,
  eachDay,
  isSuppressed,
} from 'backstage-plugin-claude-code-analytics-common';
import { Knex } from 'knex';
import { ACTIVITY_COLUMNS, toNumber } from '../store/tables';
import { countActiveUsers } from './countActiveUsers';
import { readSourceFreshness } from './readSourceFreshness';

/**
 * The adoption numbers of one entity over a range of days, read from the entity rollups.
 *
 * @param entityRef - lower-case entity ref known to the ownership index
 */
export async function getAdoption(
  knex: Knex,
  entityRef: string,
  kind: string,
  range: DateRange,
  options: { minimumGroupSize: number },
): Promise<AdoptionResponse> {
  const inRange = (q: Knex.QueryBuilder, column = 'date') =>
    q.whereBetween(column, [range.from, range.to]);

  const isService =
    kind === 'component' || kind === 'system' || kind === 'domain';
  // Independent reads: concurrent on PostgreSQL (the active-user count of a large group is the
  // slowest), one after the other on SQLite.
  const [
    [{ members }],
    daily,
    { activeUsers, activeMembers },
    tools,
    share,
    sources,
  ]: [
    Array<Record<string, any>>,
    Array<Record<string, any>>,
    { activeUsers: number; activeMembers: number },
    Array<Record<string, any>>,
    Record<string, any> | undefined,
    AdoptionResponse['sources'],
  ] = await Promise.all([
    knex('entity_members')
      .count({ members: '*' })
      .where('entity_ref', entityRef),
    inRange(
      knex('entity_daily')
        .select('date', 'active_users', ...ACTIVITY_COLUMNS)
        .where('entity_ref', entityRef),
    ),
    countActiveUsers(knex, entityRef, kind, range),
    inRange(
      knex('entity_tool_daily')
        .select('tool')
        .sum({
          accepted: 'accepted',
          rejected: 'rejected',
          succeeded: 'succeeded',
          failed: 'failed',
        })
        .where('entity_ref', entityRef)
        .groupBy('tool')
        .orderBy('tool'),
    ),
    isService
      ? knex('pull_requests as p')
          .join('repository_components as r', 'r.repository', 'p.repository')
          .join('entity_components as e', 'e.component_ref', 'r.component_ref')
          .where('e.entity_ref', entityRef)
          .whereBetween('p.merged_date', [range.from, range.to])
          .select(
            knex.raw(
              'COUNT(DISTINCT p.repository || ? || p.number) as merged',
              ['#'],
            ),
            knex.raw(
              'COUNT(DISTINCT CASE WHEN p.ai_assisted THEN p.repository || ? || p.number END) as assisted',
              ['#'],
            ),
          )
          .then(rows => rows[0])
      : Promise.resolve(undefined),
    readSourceFreshness(knex),
  ]);

  let aiAssistedPullRequestShare: number | undefined;
  const merged = toNumber(share?.merged);
  if (merged > 0) {
    aiAssistedPullRequestShare = toNumber(share!.assisted) / merged;
  }

  const byDate = new Map(daily.map(row => [row.date, row]));
  const sum = (column: string) =>
    daily.reduce((total, row) => total + toNumber(row[column]), 0);
  const active = activeUsers;
  const memberCount = toNumber(members);
  const toolCounts = tools.map(row => ({
    tool: row.tool as string,
    accepted: toNumber(row.accepted),
    rejected: toNumber(row.rejected),
    succeeded: toNumber(row.succeeded),
    failed: toNumber(row.failed),
  }));
  const apiCounts = {
    apiRequests: sum('api_requests'),
    apiErrors: sum('api_errors'),
  };
  const response: AdoptionResponse = {
    entityRef,
    from: range.from,
    to: range.to,
    members: memberCount,
    activeUsers: active,
    adoptionRate: adoptionRate(activeMembers, memberCount),
    sessions: sum('sessions'),
    activeSeconds: sum('active_seconds'),
    linesAdded: sum('lines_added'),
    linesRemoved: sum('lines_removed'),
    commitsByClaudeCode: sum('commits'),
    pullRequestsByClaudeCode: sum('pull_requests'),
    // A tool that only ran (Bash, Read, ...) was never offered for a decision.
    toolDecisions: Object.fromEntries(
      toolCounts
        .filter(
          t => t.accepted + t.rejected > 0 || t.succeeded + t.failed === 0,
        )
        .map(t => [t.tool, { accepted: t.accepted, rejected: t.rejected }]),
    ),
    aiAssistedPullRequestShare,
    daily: eachDay(range).map(date => {
      const row = byDate.get(date);
      return {
        date,
        activeUsers: toNumber(row?.active_users),
        sessions: toNumber(row?.sessions),
        linesAdded: toNumber(row?.lines_added),
        linesRemoved: toNumber(row?.lines_removed),
      };
    }),
    sources,
    suppressed: false,
    prompts: sum('prompts'),
    promptCharacters: sum('prompt_characters'),
    ...apiCounts,
    apiErrorRate: apiErrorRate(apiCounts),
    toolResults: Object.fromEntries(
      toolCounts
        .filter(t => t.succeeded + t.failed > 0)
        .map(t => [t.tool, { succeeded: t.succeeded, failed: t.failed }]),
    ),
  };

  if (kind !== 'user' && isSuppressed(active, options.minimumGroupSize)) {
    return suppressAdoption(response);
  }
  return response;
}

/**
 * The response with every usage number withheld; the entity, its size and the AI-assisted share of
 * its pull requests (public on GitHub anyway) remain.
 */
function suppressAdoption(response: AdoptionResponse): AdoptionResponse {
  return {
    entityRef: response.entityRef,
    from: response.from,
    to: response.to,
    members: response.members,
    activeUsers: 0,
    adoptionRate: 0,
    sessions: 0,
    activeSeconds: 0,
    linesAdded: 0,
    linesRemoved: 0,
    commitsByClaudeCode: 0,
    pullRequestsByClaudeCode: 0,
    toolDecisions: {},
    aiAssistedPullRequestShare: response.aiAssistedPullRequestShare,
    daily: [],
    sources: response.sources,
    suppressed: true,
    prompts: 0,
    promptCharacters: 0,
    apiRequests: 0,
    apiErrors: 0,
    toolResults: {},
  };
}
