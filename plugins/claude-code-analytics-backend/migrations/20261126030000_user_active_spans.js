/*
 * Each person's first and last day with any usage, and the last day before that one, kept beside
 * the day masks of `user_active_months`. Whether a member was active in a range is then read from
 * these three days, except for someone active twice after the range and before it as well (a range
 * well in the past), who needs the masks: for the root group of a large organisation over a
 * year, one row per member instead of every month of every member; for the cards' ranges, which end
 * yesterday, never the masks.
 *
 * The spans of the months already rolled up are read from the masks here, once, a page of rows at a
 * time (bit d-1 is day d, as in `src/store/activeDays.ts`, whose `spanOfMonths` this follows).
 */

// @ts-check

const ROWS_PER_PAGE = 10000;
// Knex writes multi-row inserts on SQLite as one compound SELECT, of at most 500 terms.
const ROWS_PER_INSERT = 200;

/**
 * @param {string} month
 * @param {number} days a mask that is not 0
 */
function highestDay(month, days) {
  return `${month}-${String(32 - Math.clz32(days)).padStart(2, '0')}`;
}

/**
 * @param {string} userRef
 * @param {Array<{ month: string, days: number }>} months active months in ascending order
 */
function spanOf(userRef, months) {
  const first = months[0];
  const last = months[months.length - 1];
  const lowest = first.days & -first.days;
  const rest = last.days & ~(1 << (31 - Math.clz32(last.days)));
  let prior = null;
  if (rest !== 0) {
    prior = highestDay(last.month, rest);
  } else if (months.length > 1) {
    const before = months[months.length - 2];
    prior = highestDay(before.month, before.days);
  }
  return {
    user_ref: userRef,
    first_date: highestDay(first.month, lowest),
    last_date: highestDay(last.month, last.days),
    prior_date: prior,
  };
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('user_active_spans', table => {
    table.comment(
      'Per user: the first and the last day with any usage, and the last one before it',
    );
    table.string('user_ref', 255).notNullable().primary();
    table.string('first_date', 10).notNullable().comment('YYYY-MM-DD');
    table.string('last_date', 10).notNullable().comment('YYYY-MM-DD');
    table
      .string('prior_date', 10)
      .nullable()
      .comment('YYYY-MM-DD: the last active day before last_date, if any');
  });

  /** @type {Array<Record<string, unknown>>} */
  let spans = [];
  const flush = async () => {
    for (let i = 0; i < spans.length; i += ROWS_PER_INSERT) {
      await knex('user_active_spans').insert(
        spans.slice(i, i + ROWS_PER_INSERT),
      );
    }
    spans = [];
  };
  /** @type {string | undefined} */
  let userRef;
  /** @type {Array<{ month: string, days: number }>} */
  let months = [];
  let after = { user_ref: '', month: '' };
  for (;;) {
    const { user_ref: afterUser, month: afterMonth } = after;
    const page = await knex('user_active_months')
      .select('user_ref', 'month', 'days')
      .where('days', '<>', 0)
      .whereRaw('(user_ref, month) > (?, ?)', [afterUser, afterMonth])
      .orderBy(['user_ref', 'month'])
      .limit(ROWS_PER_PAGE);
    for (const row of page) {
      if (row.user_ref !== userRef) {
        if (userRef !== undefined) {
          spans.push(spanOf(userRef, months));
        }
        userRef = row.user_ref;
        months = [];
      }
      months.push({ month: row.month, days: Number(row.days) });
    }
    await flush();
    if (page.length < ROWS_PER_PAGE) {
      break;
    }
    after = page[page.length - 1];
  }
  if (userRef !== undefined) {
    spans.push(spanOf(userRef, months));
  }
  await flush();
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('user_active_spans');
};
