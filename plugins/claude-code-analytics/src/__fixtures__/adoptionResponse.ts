import { AdoptionResponse } from 'backstage-plugin-claude-code-analytics-common';

/** An adoption response of a team with usage, as the backend answers it. */
export const adoptionResponse: AdoptionResponse = {
  entityRef: 'group:default/team-a',
  from: '2025-01-01',
  to: '2025-01-03',
  members: 40,
  activeUsers: 12,
  adoptionRate: 0.3,
  sessions: 1234,
  activeSeconds: 9000,
  linesAdded: 45678,
  linesRemoved: 340,
  commitsByClaudeCode: 87,
  pullRequestsByClaudeCode: 21,
  toolDecisions: {
    Edit: { accepted: 900, rejected: 100 },
    Write: { accepted: 30, rejected: 10 },
    NotebookEdit: { accepted: 0, rejected: 0 },
  },
  aiAssistedPullRequestShare: 0.35,
  daily: [
    {
      date: '2025-01-01',
      activeUsers: 10,
      sessions: 400,
      linesAdded: 15000,
      linesRemoved: 100,
    },
    {
      date: '2025-01-02',
      activeUsers: 12,
      sessions: 434,
      linesAdded: 15678,
      linesRemoved: 140,
    },
    {
      date: '2025-01-03',
      activeUsers: 11,
      sessions: 400,
      linesAdded: 15000,
      linesRemoved: 100,
    },
  ],
  sources: [{ source: 'demo', lastReceivedAt: '2025-01-04T09:00:00Z' }],
  suppressed: false,
  prompts: 3210,
  promptCharacters: 412345,
  apiRequests: 15840,
  apiErrors: 160,
  apiErrorRate: 0.01,
  toolResults: {
    Edit: { succeeded: 990, failed: 10 },
    Bash: { succeeded: 1880, failed: 120 },
    mcp__github__create_pull_request: { succeeded: 7, failed: 3 },
  },
};
