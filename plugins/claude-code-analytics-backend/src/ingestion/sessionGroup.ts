/** One identity's session-level usage of one provider and repository on one UTC day. */
export type SessionGroup = {
  identity: string;
  date: string;
  provider: string;
  repository: string;
};

export const sessionGroupKey = (g: SessionGroup) =>
  [g.identity, g.date, g.provider, g.repository].join('\u0000');
