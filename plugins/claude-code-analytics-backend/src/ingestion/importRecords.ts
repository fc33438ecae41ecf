import { usdToMicros } from 'backstage-plugin-claude-code-analytics-common';
import { Knex } from 'knex';
import { parseImportLine } from './parseImportLine';
import { PricingOptions } from './PricingOptions';
import { IncidentFact, PullRequestFact, UsageDay } from './types';
import { DeploymentToWrite, writeDeliveryFacts } from './writeDeliveryFacts';
import { writeRequestRecords } from './writeRequestRecords';
import { writeUsageDays } from './writeUsageDays';
import { RequestRecord } from 'backstage-plugin-claude-code-analytics-common';

/** The source id of imported records. */
export const IMPORT_SOURCE = 'import';

/**
 * Labels an import may carry for its request records: `transcripts` when the collector sends them,
 * so that a request known from OTLP and from a transcript shows both origins.
 */
export const IMPORT_REQUEST_SOURCES = ['import', 'transcripts'];

/** Answer of `POST /v1/import`. */
export type ImportResult = {
  accepted: number;
  rejected: Array<{ line: number; reason: string }>;
};

/**
 * Imports NDJSON text. Every line is validated first; rejected lines (with their 1-based line
 * number and reason) change nothing, valid lines are written through the same ingestion functions
 * as the live sources, keyed by their natural keys, so importing the same file twice changes nothing
 * the second time.
 */
export async function importRecords(
  knex: Knex,
  ndjson: string,
  pricing: PricingOptions,
  options: { productionEnvironment?: RegExp; requestSource?: string } = {},
): Promise<ImportResult> {
  const rejected: ImportResult['rejected'] = [];
  const usage: UsageDay[] = [];
  const pullRequests: PullRequestFact[] = [];
  // A record's own `production` flag wins; without one, its repository's pattern decides.
  const deployments: DeploymentToWrite[] = [];
  const incidents: IncidentFact[] = [];
  const requests: RequestRecord[] = [];

  ndjson.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) {
      return;
    }
    const parsed = parseImportLine(line);
    if ('reason' in parsed) {
      rejected.push({ line: index + 1, reason: parsed.reason });
      return;
    }
    const record = parsed.record;
    switch (record.type) {
      case 'usage_daily':
        usage.push({
          identity: record.identity,
          date: record.date,
          provider: record.provider ?? 'firstParty',
          repository: record.repository,
          // One line per identity, day and model: the model keeps lines apart.
          variant: record.model,
          activity: {
            sessions: record.sessions,
            activeSeconds: record.activeSeconds ?? 0,
            linesAdded: record.linesAdded,
            linesRemoved: record.linesRemoved,
            commits: record.commits,
            pullRequests: record.pullRequests,
            toolDecisions: record.toolDecisions,
          },
          models: [
            {
              model: record.model,
              tokens: record.tokens,
              costMicros: usdToMicros(record.costUsd),
            },
          ],
        });
        break;
      case 'pull_request':
        pullRequests.push({ ...record, aiAssisted: record.aiAssisted ?? false });
        break;
      case 'deployment':
        deployments.push(record);
        break;
      case 'incident':
        incidents.push(record);
        break;
      case 'request':
        requests.push(record);
        break;
      default:
    }
  });

  if (pullRequests.length + deployments.length + incidents.length > 0) {
    await writeDeliveryFacts(
      knex,
      IMPORT_SOURCE,
      { pullRequests, deployments, incidents },
      options,
    );
  }
  if (usage.length > 0) {
    await writeUsageDays(knex, IMPORT_SOURCE, usage, pricing);
  }
  if (requests.length > 0) {
    await writeRequestRecords(
      knex,
      options.requestSource ?? IMPORT_SOURCE,
      requests,
      pricing,
    );
  }
  return {
    accepted:
      usage.length +
      pullRequests.length +
      deployments.length +
      incidents.length +
      requests.length,
    rejected,
  };
}
