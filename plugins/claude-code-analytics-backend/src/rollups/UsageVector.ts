import { ACTIVITY_COLUMNS, TOKEN_COLUMNS, TOOL_COLUMNS } from '../store/tables';

/** The measures of one tool: edit decisions and tool runs. */
export type ToolCounts = Record<(typeof TOOL_COLUMNS)[number], number>;

/**
 * One user's usage on one day, or a share of it: activity, tokens and cost per model, decisions and
 * runs per tool. Every value is a whole number so that shares can be apportioned exactly.
 */
export type UsageVector = {
  activity: Record<(typeof ACTIVITY_COLUMNS)[number], number>;
  models: Map<string, Record<(typeof TOKEN_COLUMNS)[number], number>>;
  tools: Map<string, ToolCounts>;
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

export function emptyToolCounts(): ToolCounts {
  return Object.fromEntries(TOOL_COLUMNS.map(c => [c, 0])) as any;
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
    const target = a.tools.get(tool) ?? emptyToolCounts();
    for (const column of TOOL_COLUMNS) {
      target[column] += counts[column];
    }
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

/**
 * Whether the vector shows any use of Claude Code: a session, a prompt, a token, an edited line, a
 * tool run or a failed API call.
 */
export function isActive(vector: UsageVector): boolean {
  const tokens = totalTokens(vector);
  const { activity } = vector;
  return (
    activity.sessions > 0 ||
    activity.active_seconds > 0 ||
    activity.lines_added + activity.lines_removed > 0 ||
    tokens.input_tokens + tokens.output_tokens > 0 ||
    activity.prompts > 0 ||
    activity.api_errors > 0 ||
    [...vector.tools.values()].some(t => t.succeeded + t.failed > 0)
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
    for (const column of TOOL_COLUMNS) {
      flat.set(`t\u0000${tool}\u0000${column}`, counts[column]);
    }
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
      const counts = vector.tools.get(parts[1]) ?? emptyToolCounts();
      (counts as Record<string, number>)[parts[2]] = value;
      vector.tools.set(parts[1], counts);
    }
  }
  return vector;
}
