export { LoadingState } from './LoadingState';
export { ErrorWithRetry } from './ErrorWithRetry';
