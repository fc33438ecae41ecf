export interface Config {
  claudeCodeAnalytics?: {
    privacy?: {
      /**
       * Aggregates over fewer active people than this are suppressed (shown in the privacy
       * message of the cards). Default 5.
       * @visibility frontend
       */
      minimumGroupSize?: number;
    };
  };
}
