import {
  EntitySummary,
  median,
} from 'backstage-plugin-claude-code-analytics-common';

/** Teams of one adoption band, with their pooled usage and typical delivery. */
export type AdoptionCohort = {
  /** `<25%`, `25–50%`, `50–75%`, `≥75%`. */
  label: string;
  /** Lower bound of adoption, inclusive. */
  min: number;
  /** Upper bound of adoption, exclusive (the last band includes 100 %). */
  max: number;
  teams: EntitySummary[];
  members: number;
  activeUsers: number;
  costUsd: number;
  mergedPullRequests: number;
  /** Spend over merged pull requests of the cohort's teams; undefined without merged PRs. */
  costPerMergedPullRequest?: number;
  /** Medians over the cohort's teams that have the metric. */
  medianDeploymentsPerWeek?: number;
  medianLeadTimeHours?: number;
  medianChangeFailureRate?: number;
};

const BANDS = [
  { label: '<25%', min: 0, max: 0.25 },
  { label: '25–50%', min: 0.25, max: 0.5 },
  { label: '50–75%', min: 0.5, max: 0.75 },
  { label: '≥75%', min: 0.75, max: Infinity },
];

function defined(values: (number | undefined)[]): number[] {
  return values.filter((value): value is number => value !== undefined);
}

/**
 * Groups teams into adoption cohorts. Teams are the groups no other group names as its parent;
 * suppressed teams have no known adoption and join no cohort.
 */
export function adoptionCohorts(groups: readonly EntitySummary[]): {
  cohorts: AdoptionCohort[];
  suppressedTeams: number;
} {
  const parents = new Set(groups.map(group => group.parentRef));
  const teams = groups.filter(group => !parents.has(group.entityRef));
  const visible = teams.filter(team => !team.suppressed);
  const cohorts = BANDS.map(band => {
    const members = visible.filter(
      team => team.adoptionRate >= band.min && team.adoptionRate < band.max,
    );
    const sum = (value: (team: EntitySummary) => number) =>
      members.reduce((total, team) => total + value(team), 0);
    const costUsd = sum(team => team.costUsd);
    const mergedPullRequests = sum(team => team.mergedPullRequests);
    return {
      ...band,
      teams: members,
      members: sum(team => team.members),
      activeUsers: sum(team => team.activeUsers),
      costUsd,
      mergedPullRequests,
      costPerMergedPullRequest:
        mergedPullRequests > 0 ? costUsd / mergedPullRequests : undefined,
      medianDeploymentsPerWeek: median(
        members.map(team => team.deploymentFrequency.perWeek),
      ),
      medianLeadTimeHours: median(
        defined(members.map(team => team.leadTime.medianHours)),
      ),
      medianChangeFailureRate: median(
        defined(members.map(team => team.changeFailureRate.value)),
      ),
    };
  });
  return { cohorts, suppressedTeams: teams.length - visible.length };
}
