import { IncidentFact } from '../../ingestion/types';
import { GithubApi } from './GithubApi';
import { SourceCursors } from './SourceCursors';
import { readPages } from './readPages';
import { parseInstant } from './parseInstant';

type RestIssue = {
  number?: number;
  created_at?: string;
  updated_at?: string;
  closed_at?: string | null;
  pull_request?: unknown;
};

const PAGE_SIZE = 100;

/**
 * Issues (not pull requests) with any of the incident labels, updated since `since`. The issues API
 * ANDs the labels of one request, so each label is one request (conditional: unchanged lists cost
 * no rate limit). Returns the cursor values to store once the incidents are written.
 */
export async function readIncidents(
  api: GithubApi,
  repository: { owner: string; name: string; slug: string },
  options: { labels: string[]; since: string; cursors: SourceCursors },
): Promise<{
  incidents: IncidentFact[];
  skippedReasons: string[];
  newestUpdatedAt?: string;
  cursorUpdates: Array<[string, string | undefined]>;
}> {
  const byNumber = new Map<number, IncidentFact>();
  const skippedReasons: string[] = [];
  const cursorUpdates: Array<[string, string | undefined]> = [];
  const updates: string[] = [];
  for (const label of options.labels) {
    const etagName = `etag:issues:${label}`;
    const read = await readPages<RestIssue>(
      api,
      'GET /repos/{owner}/{repo}/issues',
      {
        owner: repository.owner,
        repo: repository.name,
        labels: label,
        state: 'all',
        since: options.since,
        sort: 'updated',
        direction: 'desc',
        per_page: PAGE_SIZE,
      },
      {
        cursors: options.cursors,
        etagName,
        items: data => (Array.isArray(data) ? data : []),
        onPage: issues => {
          for (const issue of issues) {
            // The issues API lists pull requests too.
            if (!issue || issue.pull_request) {
              continue;
            }
            const updatedAt = parseInstant(issue.updated_at);
            if (updatedAt) {
              updates.push(updatedAt);
            }
            const createdAt = parseInstant(issue.created_at);
            if (!Number.isInteger(issue.number) || !createdAt) {
              skippedReasons.push(
                `${repository.slug}: incident issue ${
                  issue.number ?? '?'
                } has no number or created_at`,
              );
              continue;
            }
            byNumber.set(issue.number!, {
              repository: repository.slug,
              id: `issue-${issue.number}`,
              createdAt,
              resolvedAt: parseInstant(issue.closed_at),
            });
          }
          return true;
        },
      },
    );
    if (!read.notModified) {
      cursorUpdates.push([etagName, read.etag]);
    }
  }
  return {
    incidents: [...byNumber.values()],
    skippedReasons,
    newestUpdatedAt: updates.sort().pop(),
    cursorUpdates,
  };
}
