import {
  DateRange,
  MemberUsageList,
  microsToUsd,
} from 'backstage-plugin-claude-code-analytics-common';
import { Knex } from 'knex';
import { toNumber } from '../store/tables';

/**
 * Every transitive member of an entity with their own usage in a range (zero for the inactive).
 * Individual data: the caller must have checked the individual.read permission.
 */
export async function getMemberUsage(
  knex: Knex,
  entityRef: string,
  range: DateRange,
): Promise<MemberUsageList> {
  const members: Array<{ user_ref: string; title: string | null }> = await knex(
    'entity_members as m',
  )
    .leftJoin('ownership_entities as e', 'e.entity_ref', 'm.user_ref')
    .where('m.entity_ref', entityRef)
    .select('m.user_ref', 'e.title')
    .orderBy('m.user_ref');
  const usage: Array<Record<string, any>> = await knex('usage_facts as f')
    .join('entity_members as m', 'm.user_ref', 'f.user_ref')
    .where('m.entity_ref', entityRef)
    .where('f.attribution', 'self')
    .whereBetween('f.date', [range.from, range.to])
    .groupBy('f.user_ref')
    .select('f.user_ref')
    .countDistinct({ activeDays: 'f.date' })
    .sum({
      sessions: 'f.sessions',
      linesAdded: 'f.lines_added',
      linesRemoved: 'f.lines_removed',
      commits: 'f.commits',
      pullRequests: 'f.pull_requests',
      cost: 'f.cost_micros',
    });
  const byUser = new Map(usage.map(row => [row.user_ref, row]));
  return {
    from: range.from,
    to: range.to,
    items: members.map(member => {
      const row = byUser.get(member.user_ref);
      return {
        userRef: member.user_ref,
        title: member.title ?? undefined,
        activeDays: toNumber(row?.activeDays),
        sessions: toNumber(row?.sessions),
        linesAdded: toNumber(row?.linesAdded),
        linesRemoved: toNumber(row?.linesRemoved),
        commitsByClaudeCode: toNumber(row?.commits),
        pullRequestsByClaudeCode: toNumber(row?.pullRequests),
        costUsd: microsToUsd(toNumber(row?.cost)),
      };
    }),
  };
}
