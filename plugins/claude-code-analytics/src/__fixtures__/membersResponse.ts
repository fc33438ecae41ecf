import { MemberUsageList } from 'backstage-plugin-claude-code-analytics-common';

/** The members of `group:default/team-a`, one active and one not. */
export const membersResponse: MemberUsageList = {
  from: '2024-12-05',
  to: '2025-01-03',
  items: [
    {
      userRef: 'user:default/jane',
      title: 'Jane Doe',
      activeDays: 18,
      sessions: 142,
      linesAdded: 12345,
      linesRemoved: 678,
      commitsByClaudeCode: 31,
      pullRequestsByClaudeCode: 9,
      costUsd: 412.3456,
    },
    {
      userRef: 'user:default/joe',
      activeDays: 0,
      sessions: 0,
      linesAdded: 0,
      linesRemoved: 0,
      commitsByClaudeCode: 0,
      pullRequestsByClaudeCode: 0,
      costUsd: 0,
    },
  ],
};
