/**
 * Shared API types, permissions and metric math of the Claude Code Analytics plugins.
 *
 * @packageDocumentation
 */

export * from './api/types';
export * from './api/status';
export * from './permissions/permissions';
export * from './period/parseDateRange';
export * from './metrics/adoptionRate';
export * from './privacy/isSuppressed';
export * from './records/records';
export * from './pricing/priceTable';
export * from './metrics/acceptRate';
export * from './dora';
