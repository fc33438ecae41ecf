import { TokenTotals } from 'backstage-plugin-claude-code-analytics-common';

/** All tokens of every type. */
export function totalTokens(tokens: TokenTotals): number {
  return tokens.input + tokens.output + tokens.cacheRead + tokens.cacheCreation;
}
