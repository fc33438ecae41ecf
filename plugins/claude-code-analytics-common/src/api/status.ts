/**
 * The health of one usage or delivery source, as `GET /v1/status` reports it.
 *
 * @public
 */
export type SourceStatus = {
  /** Source id, e.g. `admin-api`, `otlp`, `transcripts`, `import`, `demo`, `github`. */
  source: string;
  /** ISO 8601 timestamp of the last record received from the source. */
  lastReceivedAt?: string;
  /** ISO 8601 timestamp of the last successful run (pulled sources) or request (pushed ones). */
  lastSuccessAt?: string;
  /** ISO 8601 timestamp of the last failure. */
  lastErrorAt?: string;
  /** The message of the last failure. */
  lastError?: string;
  /** Rows stored from the source. */
  rows: number;
};

/**
 * A usage identity (email, API key name, Bedrock user id, ...) that maps to no catalog User.
 *
 * @public
 */
export type UnmappedIdentity = {
  identity: string;
  /** The source that last reported usage of the identity. */
  lastSource: string;
  /** ISO 8601 timestamp of the last usage of the identity. */
  lastSeenAt?: string;
};

/**
 * Answer of `GET /v1/status`: the health of every source and what the catalog could not map.
 *
 * @public
 */
export type StatusResponse = {
  sources: SourceStatus[];
  unmappedIdentities: UnmappedIdentity[];
  /** Repositories (`org/repo`) with usage or delivery data that no Component names. */
  unmappedRepositories: string[];
  catalog: {
    /** Catalog entities the ownership index knows. */
    entities: number;
    /** Usage identities mapped to a catalog User. */
    mappedIdentities: number;
  };
  /** Rollups waiting to be recomputed after new data or catalog changes. */
  pendingRollups: {
    /** Session groups (person-days) of OTLP data to re-sum. */
    sessionDays: number;
    userDays: number;
    entityDays: number;
    /** Repositories and entity-days whose delivery summaries are to be recomputed. */
    deliveryRepositories: number;
    deliveryEntityDays: number;
  };
};
