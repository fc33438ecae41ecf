import { Knex } from 'knex';
import {
  ActiveSpan,
  dayBit,
  monthOf,
  spanOfMonths,
  widenSpan,
} from '../store/activeDays';
import { chunked } from '../store/chunked';
import { groupBy } from '../store/groupBy';
import { insertRows } from '../store/insertRows';
import {
  ACTIVE_DAYS_LOCK,
  lockForTransaction,
} from '../store/lockForTransaction';

/** Users read or written by one statement. */
const USERS_PER_STATEMENT = 500;

type SpanRow = ActiveSpan & { user_ref: string };

/**
 * On PostgreSQL, serialises the updates of masks and spans across backend replicas for the rest of
 * the transaction: each reads a user's mask and span and writes them back changed, so two replicas
 * rolling up two days of one user at once would otherwise keep only one of the days. Taken once per
 * transaction, and by the user rollups as their transaction's first statement (a lock taken after
 * rows were written could deadlock two replicas); SQLite has one writer at a time anyway.
 */
export async function lockActiveDays(tx: Knex.Transaction): Promise<void> {
  await lockForTransaction(tx, ACTIVE_DAYS_LOCK);
}

/**
 * Sets or clears a day in the users' active-day masks (`user_active_months`) and keeps their first
 * last and prior active days (`user_active_spans`), from which the cards count the members active in a
 * range. `activeUsers` are those of `userRefs` with usage of their own on `date`.
 */
export async function markActiveDays(
  tx: Knex.Transaction,
  date: string,
  userRefs: string[],
  activeUsers: Set<string>,
): Promise<void> {
  await lockActiveDays(tx);
  const month = monthOf(date);
  const bit = dayBit(date);
  const masks = new Map<string, number>();
  for (const chunk of chunked(userRefs, USERS_PER_STATEMENT)) {
    for (const row of await tx('user_active_months')
      .select('user_ref', 'days')
      .where('month', month)
      .whereIn('user_ref', chunk)) {
      masks.set(row.user_ref, Number(row.days));
    }
  }
  const rows = [];
  for (const userRef of userRefs) {
    const before = masks.get(userRef) ?? 0;
    const after = activeUsers.has(userRef) ? before | bit : before & ~bit;
    if (after !== before) {
      rows.push({ user_ref: userRef, month, days: after });
    }
  }
  await insertRows(tx, 'user_active_months', rows, {
    onConflict: ['user_ref', 'month'],
    merge: ['days'],
  });
  await updateSpans(
    tx,
    date,
    rows.map(row => row.user_ref),
    activeUsers,
  );
}

/**
 * The spans of users whose mask of `date` changed: a day set widens the span; a day cleared that
 * was the first, the last or the prior day, or a day set for someone without a span, reads the span
 * again from the masks (rare: a day withdrawn or moved to another identity, a new person).
 */
async function updateSpans(
  tx: Knex.Transaction,
  date: string,
  changed: string[],
  activeUsers: Set<string>,
) {
  if (changed.length === 0) {
    return;
  }
  const spans = new Map<string, ActiveSpan>();
  for (const chunk of chunked(changed, USERS_PER_STATEMENT)) {
    for (const row of await tx('user_active_spans')
      .select('user_ref', 'first_date', 'last_date', 'prior_date')
      .whereIn('user_ref', chunk)) {
      spans.set(row.user_ref, {
        first_date: row.first_date,
        last_date: row.last_date,
        prior_date: row.prior_date,
      });
    }
  }
  const written: SpanRow[] = [];
  const reread: string[] = [];
  for (const userRef of changed) {
    const span = spans.get(userRef);
    if (activeUsers.has(userRef) && !span) {
      // A person without a span may still have days in other months (written by an older
      // version of the plugin, say): read it from the masks, which already hold this day.
      reread.push(userRef);
    } else if (activeUsers.has(userRef)) {
      const widened = widenSpan(span, date);
      if (!span || !sameSpan(span, widened)) {
        written.push({ user_ref: userRef, ...widened });
      }
    } else if (
      span &&
      [span.first_date, span.last_date, span.prior_date].includes(date)
    ) {
      reread.push(userRef);
    }
  }
  const gone = new Set(reread);
  for (const chunk of chunked(reread, USERS_PER_STATEMENT)) {
    const months = await tx('user_active_months')
      .select('user_ref', 'month', 'days')
      .whereIn('user_ref', chunk)
      .orderBy(['user_ref', 'month']);
    for (const [userRef, rows] of groupBy(months, row => row.user_ref)) {
      const span = spanOfMonths(
        rows.map(row => ({ month: row.month, days: Number(row.days) })),
      );
      if (span) {
        written.push({ user_ref: userRef, ...span });
        gone.delete(userRef);
      }
    }
  }
  await insertRows(tx, 'user_active_spans', written, {
    onConflict: ['user_ref'],
    merge: ['first_date', 'last_date', 'prior_date'],
  });
  for (const chunk of chunked([...gone], USERS_PER_STATEMENT)) {
    await tx('user_active_spans').whereIn('user_ref', chunk).delete();
  }
}

function sameSpan(a: ActiveSpan, b: ActiveSpan): boolean {
  return (
    a.first_date === b.first_date &&
    a.last_date === b.last_date &&
    a.prior_date === b.prior_date
  );
}
