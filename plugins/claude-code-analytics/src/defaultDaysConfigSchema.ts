import { StandardSchemaV1 } from '@backstage/frontend-plugin-api';
import { MAX_RANGE_DAYS } from 'backstage-plugin-claude-code-analytics-common';

const JSON_SCHEMA = {
  type: 'integer',
  minimum: 1,
  maximum: MAX_RANGE_DAYS,
  description:
    'Length of the period shown before the viewer picks one, in full UTC days ending yesterday.',
};

/**
 * The optional `defaultDays` config of the Claude Code tab and page: a whole number of days from 1
 * to the longest range the API answers. A Standard Schema written out, since the plugin has no
 * schema library of its own.
 */
export const defaultDaysConfigSchema: StandardSchemaV1<
  number | undefined,
  number | undefined
> = {
  '~standard': {
    version: 1,
    vendor: 'claude-code-analytics',
    validate(value: unknown) {
      if (
        value === undefined ||
        (typeof value === 'number' &&
          Number.isInteger(value) &&
          value >= 1 &&
          value <= MAX_RANGE_DAYS)
      ) {
        return { value: value as number | undefined };
      }
      return {
        issues: [
          {
            message: `Expected a whole number of days from 1 to ${MAX_RANGE_DAYS}, got ${JSON.stringify(
              value,
            )}`,
          },
        ],
      };
    },
    jsonSchema: {
      input: () => JSON_SCHEMA,
      output: () => JSON_SCHEMA,
    },
  } as StandardSchemaV1<number | undefined, number | undefined>['~standard'],
};
