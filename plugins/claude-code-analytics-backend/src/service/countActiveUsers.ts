import { DateRange } from 'backstage-plugin-claude-code-analytics-common';
import { Knex } from 'knex';
import { ALL_DAYS, daysFrom, daysUntil, monthOf } from '../store/activeDays';
import { toNumber } from '../store/tables';

const PEOPLE_KINDS = ['user', 'group'];

/**
 * Distinct people active in a range: everyone with usage in the entity's scopes, and those of them
 * who are its members (the numerator of the adoption rate). A person active on many days counts once.
 *
 * For people (User, Group) the scopes are the members themselves, so both numbers are the members
 * with any usage fact in the range: read from each member's first, last and prior active day, and
 * rarely from their day masks, instead of a distinct count over every fact of every member.
 */
export async function countActiveUsers(
  knex: Knex,
  entityRef: string,
  kind: string,
  range: DateRange,
): Promise<{ activeUsers: number; activeMembers: number }> {
  if (PEOPLE_KINDS.includes(kind)) {
    const active = await countActiveMembers(knex, entityRef, range);
    return { activeUsers: active, activeMembers: active };
  }

  const [{ activeUsers }] = await knex('usage_facts as f')
    .join('entity_scopes as s', 's.scope_ref', 'f.scope_ref')
    .where('s.entity_ref', entityRef)
    .whereBetween('f.date', [range.from, range.to])
    .countDistinct({ activeUsers: 'f.user_ref' });
  const [{ activeMembers }] = await knex('entity_members as m')
    .where('m.entity_ref', entityRef)
    .whereExists(
      knex('usage_facts as f')
        .select(knex.raw('1'))
        .join('entity_scopes as s', 's.scope_ref', 'f.scope_ref')
        .whereRaw('s.entity_ref = m.entity_ref')
        .whereRaw('f.user_ref = m.user_ref')
        .whereBetween('f.date', [range.from, range.to]),
    )
    .count({ activeMembers: '*' });
  return {
    activeUsers: toNumber(activeUsers),
    activeMembers: toNumber(activeMembers),
  };
}

/**
 * Members with an active day in the range, from their first, last and prior active days
 * (`user_active_spans`): one of them in the range, or none but the first before it and the last two
 * after it, in which case the day masks are read. The two cases are counted apart so that the
 * first, which is every member for the cards' ranges (ending yesterday), is a plain join.
 */
async function countActiveMembers(
  knex: Knex,
  entityRef: string,
  range: DateRange,
): Promise<number> {
  const members = () =>
    knex('entity_scopes as s')
      .join('user_active_spans as p', 'p.user_ref', 's.scope_ref')
      .where('s.entity_ref', entityRef);
  // Days of the first and last month of the range, as bits of the users' active-day masks.
  const fromMonth = monthOf(range.from);
  const toMonth = monthOf(range.to);
  const fromDays = daysFrom(range.from);
  const toDays = daysUntil(range.to);
  const seen = members()
    .where(inRange =>
      inRange
        .whereBetween('p.first_date', [range.from, range.to])
        .orWhereBetween('p.last_date', [range.from, range.to])
        .orWhereBetween('p.prior_date', [range.from, range.to]),
    )
    .count('*');
  const masked = members()
    .where('p.first_date', '<', range.from)
    .where('p.prior_date', '>', range.to)
    .whereExists(
      knex('user_active_months as a')
        .select(knex.raw('1'))
        .whereRaw('a.user_ref = p.user_ref')
        .whereBetween('a.month', [fromMonth, toMonth])
        .whereRaw(
          '(a.days & (CASE WHEN a.month = ? THEN CAST(? AS INTEGER) ELSE CAST(? AS INTEGER) END) & (CASE WHEN a.month = ? THEN CAST(? AS INTEGER) ELSE CAST(? AS INTEGER) END)) <> 0',
          [fromMonth, fromDays, ALL_DAYS, toMonth, toDays, ALL_DAYS],
        ),
    )
    .count('*');
  // One statement, so that both counts read the same snapshot of the spans.
  const [row] = await knex.select(
    knex.raw('(?) AS seen', [seen]),
    knex.raw('(?) AS masked', [masked]),
  );
  return toNumber(row.seen) + toNumber(row.masked);
}
