import { GithubApi } from './GithubApi';
import { SourceCursors } from './SourceCursors';

/**
 * Reads a paginated REST list page by page (following Link headers) while `onPage` asks for more.
 * The first page is asked for conditionally with the ETag remembered under `etagName` when the
 * request is the same as last time (and `conditional` is not false): a 304 means nothing changed
 * and nothing is read. The new ETag is returned, not stored: the caller stores it with the facts it
 * led to.
 */
export async function readPages<T>(
  api: GithubApi,
  route: string,
  parameters: Record<string, unknown>,
  options: {
    cursors: SourceCursors;
    etagName: string;
    items: (data: any) => T[];
    onPage: (items: T[]) => boolean;
    /** False when the list must be read even if unchanged. Default true. */
    conditional?: boolean;
  },
): Promise<{ notModified: boolean; etag?: string }> {
  const request = JSON.stringify([route, parameters]);
  const remembered = parseRemembered(options.cursors.get(options.etagName));
  const etag =
    options.conditional !== false && remembered?.request === request
      ? remembered.etag
      : undefined;
  const first = await api.get<unknown>(route, parameters, { etag });
  if (first.data === undefined) {
    return { notModified: true };
  }
  let page = first;
  while (options.onPage(options.items(page.data)) && page.next) {
    page = await api.get<unknown>(page.next);
  }
  return {
    notModified: false,
    etag: first.etag && JSON.stringify({ request, etag: first.etag }),
  };
}

function parseRemembered(
  value: string | undefined,
): { request: string; etag: string } | undefined {
  if (!value) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(value);
    return typeof parsed?.request === 'string' &&
      typeof parsed?.etag === 'string'
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}
