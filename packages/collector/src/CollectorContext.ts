import type { ImportFetch } from './push/nodeHttpFetch';

/**
 * The outside world of the CLI, replaceable in tests.
 *
 * @public
 */
export type CollectorContext = {
  env: NodeJS.ProcessEnv;
  homeDir: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Sends the import requests; `fetch` will do. */
  fetch: ImportFetch;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Script of the bundled transcript scan worker; large scans are then spread over worker threads.
   * Set by the launcher when it runs the bundle.
   */
  scanWorkerScript?: string;
};
