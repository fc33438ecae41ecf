import { ACTIVITY_COLUMNS, TOKEN_COLUMNS } from '../store/tables';

/**
 * One user's usage on one day, or a share of it: activity, tokens and cost per model, decisions per
 * tool. Every value is a whole number so that shares can be apportioned exactly.
 */
export type UsageVector = {
  activity: Record<(typeof ACTIVITY_COLUMNS)[number], number>;
  models: Map<string, Record<(typeof TOKEN_COLUMNS)[number], number>>;
  tools: Map<string, { accepted: number; rejected: number }>;
};

export function emptyUsageVector(): UsageVector {
  return {
    activity: Object.fromEntries(ACTIVITY_COLUMNS.map(c => [c, 0])) as any,
    models: new Map(),
    tools: new Map(),
  };
}

export function emptyTokens(): Record<(typeof TOKEN_COLUMNS)[number], number> {
  return Object.fromEntries(TOKEN_COLUMNS.map(c => [c, 0])) as any;
}

/** Adds `b` into `a`. */
export function addUsageVector(a: UsageVector, b: UsageVector): void {
  for (const column of ACTIVITY_COLUMNS) {
    a.activity[column] += b.activity[column];
  }
  for (const [model, tokens] of b.models) {
    const target = a.models.get(model) ?? emptyTokens();
    for (const column of TOKEN_COLUMNS) {
      target[column] += tokens[column];
    }
    a.models.set(model, target);
  }
  for (const [tool, counts] of b.tools) {
    const target = a.tools.get(tool) ?? { accepted: 0, rejected: 0 };
    target.accepted += counts.accepted;
    target.rejected += counts.rejected;
    a.tools.set(tool, target);
  }
}

/** Sum of tokens over models, by column. */
export function totalTokens(
  vector: UsageVector,
): Record<(typeof TOKEN_COLUMNS)[number], number> {
  const total = emptyTokens();
  for (const tokens of vector.models.values()) {
    for (const column of TOKEN_COLUMNS) {
      total[column] += tokens[column];
    }
  }
  return total;
}

/** Whether the vector shows any use of Claude Code: a session, a token or an edited line. */
export function isActive(vector: UsageVector): boolean {
  const tokens = totalTokens(vector);
  return (
    vector.activity.sessions > 0 ||
    vector.activity.active_seconds > 0 ||
    vector.activity.lines_added + vector.activity.lines_removed > 0 ||
    tokens.input_tokens + tokens.output_tokens > 0
  );
}

/** The vector as flat numeric entries, for apportioning each value on its own. */
export function flattenUsageVector(vector: UsageVector): Map<string, number> {
  const flat = new Map<string, number>();
  for (const column of ACTIVITY_COLUMNS) {
    flat.set(`a\u0000${column}`, vector.activity[column]);
  }
  for (const [model, tokens] of vector.models) {
    for (const column of TOKEN_COLUMNS) {
      flat.set(`m\u0000${model}\u0000${column}`, tokens[column]);
    }
  }
  for (const [tool, counts] of vector.tools) {
    flat.set(`t\u0000${tool}\u0000accepted`, counts.accepted);
    flat.set(`t\u0000${tool}\u0000rejected`, counts.rejected);
  }
  return flat;
}

/** The inverse of {@link flattenUsageVector}. */
export function unflattenUsageVector(flat: Map<string, number>): UsageVector {
  const vector = emptyUsageVector();
  for (const [key, value] of flat) {
    const parts = key.split('\u0000');
    if (parts[0] === 'a') {
      (vector.activity as Record<string, number>)[parts[1]] = value;
    } else if (parts[0] === 'm') {
      const tokens = vector.models.get(parts[1]) ?? emptyTokens();
      (tokens as Record<string, number>)[parts[2]] = value;
      vector.models.set(parts[1], tokens);
    } else {
      const counts = vector.tools.get(parts[1]) ?? { accepted: 0, rejected: 0 };
      counts[parts[2] as 'accepted' | 'rejected'] = value;
      vector.tools.set(parts[1], counts);
    }
  }
  return vector;
}
